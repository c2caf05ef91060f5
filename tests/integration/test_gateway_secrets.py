"""No token or client secret in logs, exception text or messages; errors mapped like QBO."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import requests
from posbooks.qbo import auth
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.gateway import QboError, RetryPolicy, open_gateway, to_qbo_error
from posbooks.qbo.redaction import REDACTED, install_log_redaction, redact, register_secret
from posbooks.state.config import Config
from posbooks.state.store import Store
from posting_support import DAY1, connect_home, pos_file
from qbo_sandbox import SandboxHandle
from quickbooks import exceptions as qbe

__all__ = ["pos_file"]


def _response(status: int, body: str, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers["Content-Type"] = content_type
    return response


def test_a_lowercase_401_fault_is_an_auth_error_with_its_code():
    body = json.dumps(
        {
            "fault": {
                "error": [{"message": "AuthenticationFailed", "code": "3200"}],
                "type": "AUTHENTICATION",
            }
        }
    )
    exc = qbe.AuthorizationException("Application authentication failed", 401, body)
    error = to_qbo_error(exc, _response(401, body), "query Account")
    assert (error.kind, error.code, error.status, error.retryable) == ("auth", "3200", 401, False)


def test_an_xml_throttle_reported_as_code_10000_is_a_throttle():
    body = (
        '<?xml version="1.0"?><IntuitResponse><Fault type="SERVICE"><Error code="3001">'
        "<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>"
        "</Error></Fault></IntuitResponse>"
    )
    exc = qbe.QuickbooksException(f"Error reading json response: {body}", 10000)
    response = _response(429, body, "application/xml")
    response.headers["Retry-After"] = "7"
    error = to_qbo_error(exc, response, "query Item")
    assert (error.kind, error.code, error.retryable, error.retry_after) == (
        "throttle",
        "3001",
        True,
        7.0,
    )


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("610", "not_found"),
        ("5010", "stale"),
        ("6140", "duplicate"),
        ("6000", "validation"),
        ("2010", "validation"),
    ],
)
def test_fault_codes_map_to_kinds(code, kind):
    body = json.dumps({"Fault": {"Error": [{"Message": "m", "Detail": "d", "code": code}]}})
    exc = qbe.QuickbooksException("m", int(code), "d")
    error = to_qbo_error(exc, _response(400, body), "create JournalEntry")
    assert (error.kind, error.code, error.retryable) == (kind, code, False)


def test_redact_removes_registered_secrets_and_token_shapes():
    register_secret("RT1-very-secret-refresh-value")
    text = (
        "refresh RT1-very-secret-refresh-value; Authorization: Bearer eyJabcdefghijklmnopqrstuv; "
        'body {"access_token": "zzzzzzzz1234"} and refresh_token=qqqqqqqq9999&x=1; "bearer HTTP/1.1"'
    )
    cleaned = redact(text)
    for leaked in ("RT1-very-secret", "eyJabcdefghijklmnop", "zzzzzzzz1234", "qqqqqqqq9999"):
        assert leaked not in cleaned
    assert cleaned.count(REDACTED) == 4 and "bearer HTTP/1.1" in cleaned


def test_log_records_from_any_library_are_redacted(caplog):
    install_log_redaction()
    register_secret("client-secret-for-a-log-test")
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("urllib3.connectionpool").debug("sent %s", "client-secret-for-a-log-test")
        try:
            raise RuntimeError("failed with Bearer eyJ0b2tlbi10aGF0LWxlYWtz")
        except RuntimeError:
            logging.getLogger("somelib").exception("boom")
    assert "client-secret-for-a-log-test" not in caplog.text
    assert "eyJ0b2tlbi10aGF0LWxlYWtz" not in caplog.text
    assert caplog.text.count(REDACTED) >= 2


def test_connect_refresh_and_errors_leak_no_secret(
    fresh_sandbox: SandboxHandle, tmp_path: Path, caplog
):
    config = Config(
        home=tmp_path,
        environment="local",
        client_id=fresh_sandbox.client_id,
        client_secret=fresh_sandbox.client_secret,
        redirect_uri=fresh_sandbox.redirect_uris[0],
        sandbox_url=fresh_sandbox.base_url,
    )
    store = Store(tmp_path)
    errors: list[str] = []
    with caplog.at_level(logging.DEBUG):
        status = qbo_connect.auto_approve(config, store)
        _, first = auth.current_tokens(config, store)
        gateway = open_gateway(config, store, retry=RetryPolicy(attempts=1))
        fresh_sandbox.admin("clock", {"advance_seconds": 4000})
        gateway.query("Account")  # 401, refresh, retry
        _, second = auth.current_tokens(config, store)
        fresh_sandbox.admin("faults", {"kind": "http_500", "path": "query"})
        for call in (lambda: gateway.query("Class"), lambda: gateway.read("Bogus", "1")):
            try:
                call()
            except (QboError, Exception) as exc:  # noqa: B014 - any error text must be clean
                errors.append(f"{exc!s} {exc!r} {getattr(exc, 'detail', '')}")
        auth.disconnect(config, store)
    assert first.refresh_token != second.refresh_token
    secrets = [
        config.client_secret,
        first.access_token,
        first.refresh_token,
        second.access_token,
        second.refresh_token,
    ]
    visible = "\n".join([caplog.text, repr(status), repr(first), repr(config), *errors])
    assert len(caplog.records) > 10  # the flow was logged at DEBUG
    for secret in secrets:
        assert secret not in visible


def test_requests_oauthlib_shaped_debug_lines_lose_unregistered_tokens(caplog):
    """requests-oauthlib logs whole token dicts and bodies at DEBUG ("Adding token %s")."""
    install_log_redaction()
    access, refresh = "eyJhbGciOi" + "A" * 40, "AB11" + "7" * 40
    token = {"access_token": access, "refresh_token": refresh, "token_type": "bearer"}
    oauthlib_log = logging.getLogger("requests_oauthlib.oauth2_session")
    with caplog.at_level(logging.DEBUG, logger="requests_oauthlib"):
        oauthlib_log.warning("Adding token %s to request.", token)
        oauthlib_log.warning(
            "Request body was %s", f"grant_type=refresh_token&refresh_token={refresh}"
        )
        oauthlib_log.warning("Response content %s.", json.dumps(token))
    assert len(caplog.records) == 3
    assert access not in caplog.text and refresh not in caplog.text


def test_debug_logging_during_connect_and_send_shows_no_token(
    fresh_sandbox: SandboxHandle, tmp_path: Path, pos_file: Path, caplog
):
    """Root logging at DEBUG (what a developer turns on to debug) through a whole connect,
    settings, mapping and send, plus python-quickbooks' own OAuth2Session client."""
    from qbo_sandbox.clients import quickbooks_client

    with caplog.at_level(logging.DEBUG):
        home = connect_home(fresh_sandbox, tmp_path / "home", pos_file)
        _, first = auth.current_tokens(home.config, home.store)
        fresh_sandbox.admin("clock", {"advance_seconds": 4000})  # the send must refresh
        outcomes = home.send(DAY1)
        _, second = auth.current_tokens(home.config, home.store)
        realm = auth.connection_status(home.config, home.store).realm_id
        tokens = {"access_token": second.access_token, "refresh_token": second.refresh_token}
        # python-quickbooks' own client goes through requests-oauthlib's OAuth2Session
        qb = quickbooks_client(fresh_sandbox, {**tokens, "realm_id": realm})
        qb.query("SELECT * FROM Class")
    assert {o.status for o in outcomes} == {"created"}
    assert first.refresh_token != second.refresh_token
    assert any(r.name.startswith("urllib3") for r in caplog.records)  # DEBUG really was on
    oauthlib_debug = [
        r for r in caplog.records if r.name.startswith("requests_oauthlib") and r.levelno < 20
    ]
    assert oauthlib_debug == []  # its DEBUG lines print tokens whole: posbooks keeps them off
    secrets = {home.config.client_secret, first.access_token, first.refresh_token,
               second.access_token, second.refresh_token}  # fmt: skip
    for secret in secrets:
        assert secret not in caplog.text
