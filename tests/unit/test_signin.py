"""When the workbench asks for sign-in, and what it says when it cannot offer it."""

from __future__ import annotations

import pytest
from posbooks.app.signin import (
    allowed_users,
    auth_problem,
    is_allowed,
    is_loopback_address,
    sign_in_gate,
)

AUTH = {
    "redirect_uri": "https://books.example.com/oauth2callback",
    "cookie_secret": "s" * 40,
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example.com/.well-known/openid-configuration",
}


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"])
def test_loopback_addresses_need_no_sign_in(address):
    assert is_loopback_address(address)
    assert not sign_in_gate(address).required


@pytest.mark.parametrize("address", ["", None, "0.0.0.0", "::", "192.168.1.20", "books.example"])
def test_every_other_address_needs_sign_in(address):
    assert not is_loopback_address(address)
    gate = sign_in_gate(address)
    assert gate.required and "no [auth] section" in gate.problem
    assert "posbooks will not start" in gate.problem


def test_loopback_can_be_told_to_require_it_behind_a_proxy():
    gate = sign_in_gate("127.0.0.1", require="1", auth=AUTH)
    assert gate.required and gate.problem is None and gate.provider is None


def test_without_authlib_it_says_so():
    gate = sign_in_gate("0.0.0.0", auth=AUTH, authlib_installed=False)
    assert "Authlib" in gate.problem


def test_a_complete_default_provider_passes():
    assert auth_problem(AUTH) == (None, None)


def test_one_named_provider_is_used_by_name():
    auth = {
        "redirect_uri": AUTH["redirect_uri"],
        "cookie_secret": AUTH["cookie_secret"],
        "okta": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
    }
    assert auth_problem(auth) == (None, "okta")
    del auth["okta"]["client_secret"]
    assert (
        auth_problem(auth)[0] == "[auth] in .streamlit/secrets.toml lacks auth.okta.client_secret"
    )


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"cookie_secret": "short"}, "cookie_secret is shorter than 32"),
        ({"redirect_uri": "https://books.example.com/"}, "ending in /oauth2callback"),
        ({"client_id": ""}, "lacks auth.client_id"),
    ],
)
def test_a_weak_or_wrong_auth_section_is_refused(change, said):
    assert said in auth_problem({**AUTH, **change})[0]


def test_allowed_users_match_email_or_subject_case_blind():
    allowed = allowed_users("Ana@Example.com, 1234-sub")
    assert is_allowed({"email": "ana@example.com"}, allowed)
    assert is_allowed({"sub": "1234-SUB"}, allowed)
    assert not is_allowed({"email": "eve@example.com", "sub": "x"}, allowed)
    assert is_allowed({"email": "anyone@example.com"}, allowed_users(""))  # no list: all
