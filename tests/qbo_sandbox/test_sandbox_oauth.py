"""The sandbox's OAuth2/OpenID flow, driven by intuit-oauth and plain HTTP forms."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError
from qbo_sandbox.autoapprove import approve_authorization
from qbo_sandbox.clients import auth_client_for, connect, quickbooks_client
from quickbooks.exceptions import AuthorizationException
from quickbooks.objects.account import Account


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def authorize_url(handle, **overrides) -> str:
    params = {
        "client_id": handle.client_id,
        "response_type": "code",
        "scope": "com.intuit.quickbooks.accounting",
        "redirect_uri": handle.redirect_uris[0],
        "state": "xyz-state",
    }
    params.update(overrides)
    return handle.base_url + "/connect/oauth2?" + urlencode(params)


def code_for(handle, redirect_uri: str | None = None) -> dict[str, str]:
    client = auth_client_for(handle, redirect_uri)
    url = client.get_authorization_url([Scopes.ACCOUNTING], "s1")
    login = handle.demo_login
    return query_of(approve_authorization(url, login["username"], login["password"]))


def test_discovery_document_has_every_endpoint_intuit_oauth_reads(fresh_sandbox):
    doc = requests.get(fresh_sandbox.discovery_url, timeout=5).json()
    for key in (
        "authorization_endpoint",
        "token_endpoint",
        "revocation_endpoint",
        "issuer",
        "jwks_uri",
        "userinfo_endpoint",
    ):
        assert doc[key].startswith(fresh_sandbox.base_url)


def test_full_flow_redirects_with_code_state_and_realm_then_tokens_work(fresh_sandbox):
    client = auth_client_for(fresh_sandbox)
    url = client.get_authorization_url([Scopes.ACCOUNTING], "my-state")
    login = fresh_sandbox.demo_login
    redirect = approve_authorization(url, login["username"], login["password"])
    assert redirect.startswith(fresh_sandbox.redirect_uris[0])
    params = query_of(redirect)
    assert params["state"] == "my-state"
    assert params["realmId"] == fresh_sandbox.realm_id
    client.get_bearer_token(params["code"], realm_id=params["realmId"])
    assert client.expires_in == 3600
    assert client.x_refresh_token_expires_in == 8726400
    assert client.access_token and client.refresh_token
    assert client.id_token is None  # no openid scope asked
    state = fresh_sandbox.admin("state")
    assert state["oauth"]["live_access_tokens"] == 1
    assert client.access_token not in str(state) and client.refresh_token not in str(state)


def test_openid_scope_gives_a_verified_id_token_and_userinfo(fresh_sandbox):
    client = connect(fresh_sandbox, [Scopes.ACCOUNTING, Scopes.OPENID, Scopes.EMAIL])
    # intuit-oauth only keeps the id_token after checking its RS256 signature via jwks
    assert client.id_token and client.id_token.count(".") == 2
    info = client.get_user_info().json()
    assert info["email"] == fresh_sandbox.demo_login["username"]


def test_sign_in_page_is_a_post_form_with_a_hidden_nonce(fresh_sandbox):
    page = requests.get(authorize_url(fresh_sandbox), timeout=5)
    assert page.status_code == 200
    assert 'method="post"' in page.text and 'type="hidden" name="nonce"' in page.text
    assert 'type="password"' in page.text


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"client_id": "someone-else"}, "Unknown client_id"),
        ({"redirect_uri": "http://evil.example/cb"}, "is not registered"),
        ({"scope": "com.intuit.quickbooks.payroll"}, "Invalid scope"),
    ],
)
def test_bad_authorize_request_shows_an_error_page_and_never_redirects(
    fresh_sandbox, override, message
):
    reply = requests.get(authorize_url(fresh_sandbox, **override), allow_redirects=False, timeout=5)
    assert reply.status_code == 400
    assert "Location" not in reply.headers
    assert message in reply.text
    assert "xyz-state" in reply.text  # state echoed so the user can report it


def test_wrong_password_shows_the_sign_in_form_again_with_an_error(fresh_sandbox):
    with pytest.raises(RuntimeError, match="sign-in failed"):
        approve_authorization(authorize_url(fresh_sandbox), "demo@posbooks.local", "nope")
    browser = requests.Session()
    page = browser.get(authorize_url(fresh_sandbox), timeout=5)
    fields = dict(
        request=page.text.split('name="request" value="')[1].split('"')[0],
        nonce=page.text.split('name="nonce" value="')[1].split('"')[0],
        username="demo@posbooks.local",
        password="wrong",
    )
    again = browser.post(fresh_sandbox.base_url + "/connect/oauth2/signin", data=fields)
    assert again.status_code == 200
    assert "Wrong email or password" in again.text and 'type="password"' in again.text


def test_cancel_on_consent_redirects_with_access_denied(fresh_sandbox):
    login = fresh_sandbox.demo_login
    redirect = approve_authorization(
        authorize_url(fresh_sandbox), login["username"], login["password"], connect=False
    )
    assert query_of(redirect) == {"error": "access_denied", "state": "xyz-state"}


def test_forms_refuse_a_replayed_nonce_or_another_browser(fresh_sandbox):
    browser = requests.Session()
    page = browser.get(authorize_url(fresh_sandbox), timeout=5)
    request_id = page.text.split('name="request" value="')[1].split('"')[0]
    nonce = page.text.split('name="nonce" value="')[1].split('"')[0]
    login = {"username": "demo@posbooks.local", "password": "posbooks"}
    signin = fresh_sandbox.base_url + "/connect/oauth2/signin"
    # a different browser (no cookie) submitting the same form is refused
    stranger = requests.post(signin, data={"request": request_id, "nonce": nonce, **login})
    assert stranger.status_code == 400 and "expired" in stranger.text
    # the same browser can submit a form once; replaying its nonce is refused
    page = browser.get(authorize_url(fresh_sandbox), timeout=5)
    form = {
        "request": page.text.split('name="request" value="')[1].split('"')[0],
        "nonce": page.text.split('name="nonce" value="')[1].split('"')[0],
        **login,
    }
    assert "Connect" in browser.post(signin, data=form).text
    replay = browser.post(signin, data=form)
    assert replay.status_code == 400 and "Connect" not in replay.text


def test_code_is_single_use(fresh_sandbox):
    params = code_for(fresh_sandbox)
    client = auth_client_for(fresh_sandbox)
    client.get_bearer_token(params["code"], realm_id=params["realmId"])
    with pytest.raises(AuthClientError) as err:
        auth_client_for(fresh_sandbox).get_bearer_token(params["code"])
    assert err.value.status_code == 400
    assert err.value.content and b"invalid_grant" in err.value.content


def test_code_expires_after_ten_minutes_of_sandbox_time(fresh_sandbox):
    params = code_for(fresh_sandbox)
    fresh_sandbox.admin("clock", {"advance_seconds": 601})
    with pytest.raises(AuthClientError) as err:
        auth_client_for(fresh_sandbox).get_bearer_token(params["code"])
    assert b"invalid_grant" in err.value.content


def test_code_is_bound_to_its_redirect_uri(fresh_sandbox):
    params = code_for(fresh_sandbox, fresh_sandbox.redirect_uris[0])
    other = auth_client_for(fresh_sandbox, fresh_sandbox.redirect_uris[1])
    with pytest.raises(AuthClientError) as err:
        other.get_bearer_token(params["code"])
    assert b"invalid_grant" in err.value.content


def test_wrong_client_secret_is_invalid_client_401(fresh_sandbox):
    params = code_for(fresh_sandbox)
    client = auth_client_for(fresh_sandbox)
    client.client_secret = "not-the-secret"
    with pytest.raises(AuthClientError) as err:
        client.get_bearer_token(params["code"])
    assert err.value.status_code == 401
    assert b"invalid_client" in err.value.content


def test_each_refresh_rotates_and_the_old_token_dies_after_24_hours(fresh_sandbox, tokens):
    client = auth_client_for(fresh_sandbox)
    first = tokens["refresh_token"]
    client.refresh(first)
    second = client.refresh_token
    assert second != first
    # within 24 h the replaced token still works (and hands out yet another one)
    fresh_sandbox.admin("clock", {"advance_seconds": 23 * 3600})
    client.refresh(first)
    assert client.refresh_token not in (first, second)
    fresh_sandbox.admin("clock", {"advance_seconds": 2 * 3600})
    with pytest.raises(AuthClientError) as err:
        client.refresh(first)
    assert err.value.status_code == 400 and b"invalid_grant" in err.value.content
    client.refresh(second)  # the newest one keeps working
    assert client.access_token


def test_revoking_the_refresh_token_kills_refresh_and_api_access(fresh_sandbox, tokens):
    client = auth_client_for(fresh_sandbox)
    assert client.revoke(tokens["refresh_token"]) is True
    with pytest.raises(AuthClientError) as err:
        client.refresh(tokens["refresh_token"])
    assert b"invalid_grant" in err.value.content
    qb = quickbooks_client(fresh_sandbox, tokens)
    with pytest.raises(AuthorizationException) as denied:
        Account.all(qb=qb)
    assert "Token revoked" in denied.value.detail


def test_expired_access_token_is_401_code_3200_through_python_quickbooks(fresh_sandbox, tokens):
    qb = quickbooks_client(fresh_sandbox, tokens)
    fresh_sandbox.admin("clock", {"advance_seconds": 3601})
    with pytest.raises(AuthorizationException) as denied:
        Account.all(qb=qb)
    assert denied.value.error_code == 401
    assert '"code": "3200"' in denied.value.detail and "Token expired" in denied.value.detail


def test_missing_or_other_company_token_is_401_authentication_fault(fresh_sandbox, tokens):
    api = f"{fresh_sandbox.api_url}/company"
    bare = requests.get(f"{api}/{tokens['realm_id']}/companyinfo/1", timeout=5)
    assert bare.status_code == 401
    assert bare.json()["fault"]["error"][0]["code"] == "3200"  # gateway's lowercase shape
    forged = requests.get(
        f"{api}/{tokens['realm_id']}/companyinfo/1",
        headers={"Authorization": "Bearer not-a-token"},
        timeout=5,
    )
    assert forged.status_code == 401
    assert forged.json()["fault"]["type"] == "AUTHENTICATION"
    assert isinstance(forged.json()["time"], int)  # epoch milliseconds, as Intuit sends
    other = requests.get(
        f"{api}/123456789/companyinfo/1",
        headers={"Authorization": "Bearer " + tokens["access_token"]},
        timeout=5,
    )
    assert other.status_code == 401
    assert other.json()["Fault"]["type"] == "AUTHENTICATION"


def test_short_access_token_ttl_flag(tmp_path):
    from qbo_sandbox import start_sandbox

    handle = start_sandbox(access_token_ttl=60)
    try:
        client = connect(handle)
        assert client.expires_in == 60
    finally:
        handle.stop()


def test_no_token_or_secret_reaches_the_logs(fresh_sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    client = connect(fresh_sandbox, [Scopes.ACCOUNTING, Scopes.OPENID])
    client.refresh()
    qb = quickbooks_client(
        fresh_sandbox,
        {
            "access_token": client.access_token,
            "refresh_token": client.refresh_token,
            "realm_id": client.realm_id,
        },
    )
    fresh_sandbox.admin("clock", {"advance_seconds": 4000})
    with pytest.raises(AuthorizationException):
        Account.all(qb=qb)
    client.revoke()
    # only the server's loggers: requests_oauthlib itself logs tokens at DEBUG (client side)
    logged = "\n".join(
        r.getMessage() + str(r.exc_info or "")
        for r in caplog.records
        if r.name.startswith(("qbo_sandbox", "tornado"))
    )
    assert "/oauth2/v1/tokens/bearer" in logged  # the access log did run
    for secret in (client.access_token, client.refresh_token, fresh_sandbox.client_secret):
        assert secret not in logged


def test_client_credentials_in_the_form_body_also_work(fresh_sandbox):
    params = code_for(fresh_sandbox)
    token_url = requests.get(fresh_sandbox.discovery_url, timeout=5).json()["token_endpoint"]
    form = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "redirect_uri": fresh_sandbox.redirect_uris[0],
        "client_id": fresh_sandbox.client_id,
    }
    wrong = requests.post(token_url, data={**form, "client_secret": "guess"}, timeout=5)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    right = requests.post(
        token_url, data={**form, "client_secret": fresh_sandbox.client_secret}, timeout=5
    )
    assert right.status_code == 200
    assert right.json()["token_type"] == "bearer"
    assert right.headers["Cache-Control"] == "no-store"


def test_revoking_an_access_token_ends_the_whole_connection(fresh_sandbox, tokens):
    assert auth_client_for(fresh_sandbox).revoke(tokens["access_token"]) is True
    with pytest.raises(AuthClientError) as err:
        auth_client_for(fresh_sandbox).refresh(tokens["refresh_token"])
    assert b"invalid_grant" in err.value.content
    assert fresh_sandbox.admin("state")["oauth"]["revoked_connections"] == 1


def test_userinfo_needs_the_openid_scope(fresh_sandbox, tokens):
    client = auth_client_for(fresh_sandbox)
    with pytest.raises(AuthClientError) as err:
        client.get_user_info(tokens["access_token"])
    assert err.value.status_code == 403
    with pytest.raises(AuthClientError) as err:
        client.get_user_info("not-a-token")
    assert err.value.status_code == 401


def test_an_openid_client_gets_its_nonce_back_in_a_verified_id_token(fresh_sandbox):
    """What Streamlit's st.login does through Authlib: authorize with a nonce, exchange the
    code, verify the id_token against the JWKS and check iss, aud, exp and the nonce."""
    oauth2 = pytest.importorskip("authlib.integrations.requests_client")
    import jwt

    meta = requests.get(fresh_sandbox.discovery_url, timeout=5).json()
    session = oauth2.OAuth2Session(
        fresh_sandbox.client_id, fresh_sandbox.client_secret,
        scope="openid email profile", redirect_uri=fresh_sandbox.redirect_uris[0],
    )  # fmt: skip
    url, state = session.create_authorization_url(
        meta["authorization_endpoint"], nonce="n-0S6_WzA2Mj", prompt="select_account"
    )
    login = fresh_sandbox.demo_login
    redirect = approve_authorization(url, login["username"], login["password"])
    assert query_of(redirect)["state"] == state
    token = session.fetch_token(meta["token_endpoint"], authorization_response=redirect)
    keys = jwt.PyJWKSet.from_dict(requests.get(meta["jwks_uri"], timeout=5).json())
    kid = jwt.get_unverified_header(token["id_token"])["kid"]
    claims = jwt.decode(
        token["id_token"], keys[kid].key, algorithms=meta["id_token_signing_alg_values_supported"],
        audience=fresh_sandbox.client_id, issuer=meta["issuer"],
    )  # fmt: skip
    assert claims["nonce"] == "n-0S6_WzA2Mj"  # OpenID Connect Core 3.1.3.7, step 11
    assert claims["sub"] == login["username"]
