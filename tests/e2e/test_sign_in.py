"""Sign-in through Streamlit's st.login, with the local sandbox's OpenID endpoints as the
provider (discovery, authorize, token, JWKS; the id_token carries the nonce Authlib sent).

The workbench runs on 127.0.0.1 with POSBOOKS_REQUIRE_SIGN_IN=1: the same gate that an
address beyond loopback closes (that decision is tested without a browser in
tests/app/test_sign_in.py, which binds nothing beyond loopback).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    app_process,
    clean_env,
    free_port,
    sandbox_process,
    settle,
)

pytestmark = pytest.mark.e2e

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (run `make chromium`)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("authlib", reason="Streamlit's st.login needs Authlib (streamlit[auth])")
expect = sync_api.expect


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("signin")
    port = free_port()
    app_url = f"http://127.0.0.1:{port}/"
    callback = app_url + "oauth2callback"
    with sandbox_process(home, [app_url, callback]) as info:
        secrets_file = home / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{callback}"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            f'client_id = "{info["client_id"]}"\n'
            f'client_secret = "{info["client_secret"]}"\n'
            f'server_metadata_url = "{info["discovery_url"]}"\n'
        )
        env = clean_env(home)
        env.update(
            POSBOOKS_SANDBOX_URL=info["base_url"], QBO_REDIRECT_URI=app_url,
            POSBOOKS_REQUIRE_SIGN_IN="1", POSBOOKS_ALLOWED_USERS=info["demo_login"]["username"],
        )  # fmt: skip
        with app_process(home, env, port, secrets=secrets_file) as url:
            yield {"url": url, "sandbox": info}


def test_the_workbench_opens_only_after_sign_in_at_the_openid_provider(app):
    login = app["sandbox"]["demo_login"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(app["url"])
            settle(page)
            main = page.locator("[data-testid='stMain']")
            expect(main).to_contain_text("sign in to use it")
            assert page.locator("[data-testid='stSidebarNav']").count() == 0  # no page yet
            assert "Connect to QuickBooks" not in main.inner_text()

            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(app["sandbox"]["base_url"] + "/**")  # the provider's sign-in
            page.fill("input[name=username]", login["username"])
            page.fill("input[name=password]", login["password"])
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("button", name="Connect").click()  # consent: openid, email, profile
            page.wait_for_url(app["url"] + "**")
            settle(page)
            # the e-mail address is escaped like any name: a word joiner after its '@'
            shown = login["username"].replace("@", "@\u2060")
            expect(page.get_by_text(f"Signed in as {shown}")).to_be_visible()
            expect(main).to_contain_text("Connect to QuickBooks")  # the workbench itself

            page.get_by_role("button", name="Sign out").click()
            page.wait_for_url(app["url"] + "**")
            settle(page)
            expect(main).to_contain_text("sign in to use it")
        finally:
            browser.close()
