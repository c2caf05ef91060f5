"""Configuration: environment and secrets.toml resolve to the QuickBooks posbooks talks to."""

from __future__ import annotations

from pathlib import Path

import pytest
from posbooks.state.config import (
    DEFAULT_SANDBOX_URL,
    DEMO_CLIENT_ID,
    ConfigError,
    load_config,
)


def test_no_credentials_means_the_local_sandbox_with_its_demo_client(tmp_path: Path):
    config = load_config({"POSBOOKS_HOME": str(tmp_path)}, secrets_file=tmp_path / "none.toml")
    assert config.is_local
    assert config.environment == "local"
    assert config.client_id == DEMO_CLIENT_ID
    assert config.redirect_uri == "http://127.0.0.1:8501/"
    assert config.sandbox_url == DEFAULT_SANDBOX_URL
    assert config.home == tmp_path


def test_home_defaults_to_dot_posbooks_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config({}, secrets_file=tmp_path / "none.toml")
    assert config.home == tmp_path / ".posbooks"


def test_secrets_toml_configures_real_intuit(tmp_path: Path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'QBO_CLIENT_ID = "ABcd"\nQBO_CLIENT_SECRET = "s3cr3t-value"\n'
        'QBO_REDIRECT_URI = "https://books.example.com/"\nQBO_ENVIRONMENT = "production"\n'
    )
    config = load_config({}, secrets_file=secrets)
    assert not config.is_local
    assert (config.client_id, config.environment) == ("ABcd", "production")
    assert config.redirect_uri == "https://books.example.com/"
    assert "s3cr3t-value" not in repr(config)


def test_a_qbo_table_in_secrets_toml_works_too(tmp_path: Path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[qbo]\nclient_id = "X"\nclient_secret = "Y"\nredirect_uri = "https://a/"\n'
        'environment = "sandbox"\n'
    )
    config = load_config({}, secrets_file=secrets)
    assert (config.client_id, config.client_secret, config.environment) == ("X", "Y", "sandbox")


def test_environment_wins_over_secrets_toml(tmp_path: Path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'QBO_CLIENT_ID = "from-file"\nQBO_CLIENT_SECRET = "f"\nQBO_REDIRECT_URI = "https://f/"\n'
    )
    config = load_config({"QBO_CLIENT_ID": "from-env"}, secrets_file=secrets)
    assert config.client_id == "from-env"
    assert config.environment == "sandbox"  # Intuit's development sandbox by default


def test_client_id_without_secret_names_what_is_missing(tmp_path: Path):
    with pytest.raises(ConfigError, match="QBO_CLIENT_SECRET and QBO_REDIRECT_URI are not"):
        load_config({"QBO_CLIENT_ID": "abc"}, secrets_file=tmp_path / "none.toml")
    one = {"QBO_CLIENT_ID": "abc", "QBO_CLIENT_SECRET": "s3cret-value"}
    with pytest.raises(ConfigError, match="QBO_REDIRECT_URI is not: set it"):
        load_config(one, secrets_file=tmp_path / "none.toml")


def test_broken_secrets_file_names_the_file(tmp_path: Path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("QBO_CLIENT_ID = \n")
    with pytest.raises(ConfigError, match="secrets.toml: not valid TOML"):
        load_config({}, secrets_file=secrets)


def test_sandbox_url_and_secret_key_come_from_the_environment(tmp_path: Path):
    env = {"POSBOOKS_SANDBOX_URL": "http://127.0.0.1:9999/", "POSBOOKS_SECRET_KEY": "k" * 44}
    config = load_config(env, secrets_file=tmp_path / "none.toml")
    assert config.sandbox_url == "http://127.0.0.1:9999"
    assert config.secret_key == "k" * 44
    assert "kkkk" not in repr(config)
