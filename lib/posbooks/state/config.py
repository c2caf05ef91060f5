"""Where posbooks keeps its state and which QuickBooks it talks to.

Settings come from the environment first, then ``.streamlit/secrets.toml``. With no Intuit
credentials at all, posbooks uses the local QuickBooks sandbox and its public demo client,
so a fresh checkout works offline. See docs/configuration.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

LOCAL = "local"
DEFAULT_SANDBOX_URL = "http://127.0.0.1:8765"
# The local sandbox's public demo client (documented in docs/sandbox.md; local use only).
DEMO_CLIENT_ID = "posbooks-demo"
DEMO_CLIENT_SECRET = "posbooks-demo-secret"
DEMO_REDIRECT_URI = "http://127.0.0.1:8501/"

# Environment variable -> Config field; the same names are read from secrets.toml.
_SETTINGS = {
    "QBO_CLIENT_ID": "client_id",
    "QBO_CLIENT_SECRET": "client_secret",
    "QBO_REDIRECT_URI": "redirect_uri",
    "QBO_ENVIRONMENT": "environment",
    "POSBOOKS_HOME": "home",
    "POSBOOKS_SANDBOX_URL": "sandbox_url",
    "POSBOOKS_SECRET_KEY": "secret_key",
}


class ConfigError(Exception):
    """The configuration is incomplete or contradictory; the message says what to fix."""


@dataclass(frozen=True)
class Config:
    """Resolved settings. ``repr`` never shows the client secret or the secret key."""

    home: Path
    environment: str  # "local" | "sandbox" | "production" | a discovery URL
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    sandbox_url: str = DEFAULT_SANDBOX_URL
    # Fernet key for tokens at rest; None -> home/"secret.key" (see posbooks.state.crypto).
    secret_key: str | None = field(default=None, repr=False)

    @property
    def is_local(self) -> bool:
        """True when posbooks talks to the local sandbox rather than to Intuit."""
        return self.environment == LOCAL

    @property
    def environment_label(self) -> str:
        """The environment in words a bookkeeper reads on a status line."""
        if self.is_local:
            return f"local sandbox ({self.sandbox_url})"
        return self.environment


def _read_secrets(path: Path) -> dict[str, str]:
    """The QBO_* / POSBOOKS_* keys of a Streamlit secrets file (top level or a [qbo] table)."""
    if not path.is_file():
        return {}
    import tomllib  # only with a secrets file: most commands run without one

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from None
    found: dict[str, str] = {}
    table = data.get("qbo")
    if isinstance(table, dict):
        for key, value in table.items():
            name = key.upper() if key.upper() in _SETTINGS else f"QBO_{key.upper()}"
            if name in _SETTINGS:
                found[name] = str(value)
    for name in _SETTINGS:
        if name in data and not isinstance(data[name], dict):
            found[name] = str(data[name])
    return found


def load_config(env: Mapping[str, str] | None = None, secrets_file: Path | None = None) -> Config:
    """Resolve the configuration: environment variables win over ``secrets.toml``.

    No ``QBO_CLIENT_ID`` anywhere -> the local sandbox with its demo client.
    """
    env = os.environ if env is None else env
    secrets_file = secrets_file or Path.cwd() / ".streamlit" / "secrets.toml"
    values = _read_secrets(secrets_file)
    values.update({k: env[k] for k in _SETTINGS if env.get(k)})

    home = Path(values.get("POSBOOKS_HOME") or Path.cwd() / ".posbooks").expanduser()
    sandbox_url = (values.get("POSBOOKS_SANDBOX_URL") or DEFAULT_SANDBOX_URL).rstrip("/")
    secret_key = values.get("POSBOOKS_SECRET_KEY") or None
    client_id = values.get("QBO_CLIENT_ID", "").strip()
    environment = values.get("QBO_ENVIRONMENT", "").strip()

    if not client_id or environment == LOCAL:
        return Config(
            home=home,
            environment=LOCAL,
            client_id=client_id or DEMO_CLIENT_ID,
            client_secret=values.get("QBO_CLIENT_SECRET") or DEMO_CLIENT_SECRET,
            redirect_uri=values.get("QBO_REDIRECT_URI") or DEMO_REDIRECT_URI,
            sandbox_url=sandbox_url,
            secret_key=secret_key,
        )
    missing = [n for n in ("QBO_CLIENT_SECRET", "QBO_REDIRECT_URI") if not values.get(n)]
    if missing:
        raise ConfigError(
            f"QBO_CLIENT_ID is set but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not: set "
            f"{'it' if len(missing) == 1 else 'them'} in the environment "
            f"or in {secrets_file} (see docs/configuration.md)."
        )
    return Config(
        home=home,
        environment=environment or "sandbox",
        client_id=client_id,
        client_secret=values["QBO_CLIENT_SECRET"],
        redirect_uri=values["QBO_REDIRECT_URI"],
        sandbox_url=sandbox_url,
        secret_key=secret_key,
    )
