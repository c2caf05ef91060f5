"""Sign-in through Streamlit's st.login, with the local sandbox's OpenID endpoints as the
provider (discovery, authorize, token, JWKS; the id_token carries the nonce Authlib sent).

The workbench runs on 127.0.0.1 with POSBOOKS_REQUIRE_SIGN_IN=1: the same gate that an
address beyond loopback closes (that decision is tested without a browser in
tests/app/test_sign_in.py, which binds nothing beyond loopback).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
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


def _two_ports() -> tuple[int, int]:
    first = free_port()
    while (second := free_port()) == first:
        pass
    return first, second


PORTS = _two_ports()  # one workbench per test, both registered at the sandbox


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("signin")
    uris = [f"http://127.0.0.1:{port}/{path}" for port in PORTS for path in ("", "oauth2callback")]
    with sandbox_process(home, uris) as info:
        yield {**info, "home": home}


@contextmanager
def workbench(sandbox: dict, port: int, allowed: str) -> Iterator[str]:
    """The workbench on 127.0.0.1:``port`` requiring sign-in at the sandbox's OpenID."""
    home = sandbox["home"] / str(port)
    home.mkdir()
    app_url = f"http://127.0.0.1:{port}/"
    secrets_file = home / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{sandbox["client_id"]}"\n'
        f'client_secret = "{sandbox["client_secret"]}"\n'
        f'server_metadata_url = "{sandbox["discovery_url"]}"\n'
    )
    env = clean_env(home)
    env.update(
        POSBOOKS_SANDBOX_URL=sandbox["base_url"], QBO_REDIRECT_URI=app_url,
        POSBOOKS_REQUIRE_SIGN_IN="1", POSBOOKS_ALLOWED_USERS=allowed,
    )  # fmt: skip
    with app_process(home, env, port, secrets=secrets_file) as url:
        yield url


def sign_in_at_the_provider(page, app_url: str, sandbox: dict) -> None:
    login = sandbox["demo_login"]
    page.goto(app_url)
    settle(page)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("sign in to use it")
    assert page.locator("[data-testid='stSidebarNav']").count() == 0  # no page list
    assert "Connect to QuickBooks" not in main.inner_text()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(sandbox["base_url"] + "/**")  # the provider's own sign-in page
    page.fill("input[name=username]", login["username"])
    page.fill("input[name=password]", login["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Connect").click()  # consent: openid, email, profile
    page.wait_for_url(app_url + "**")
    settle(page)


@contextmanager
def browser_page() -> Iterator:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        try:
            yield page
        finally:
            browser.close()


def test_the_workbench_opens_only_after_sign_in_at_the_openid_provider(sandbox):
    user = sandbox["demo_login"]["username"]
    with workbench(sandbox, PORTS[0], allowed=user) as url, browser_page() as page:
        sign_in_at_the_provider(page, url, sandbox)
        # the e-mail address is escaped like any name: a word joiner after its '@'
        shown = user.replace("@", "@\u2060")
        expect(page.get_by_text(f"Signed in as {shown}")).to_be_visible()
        main = page.locator("[data-testid='stMain']")
        expect(main).to_contain_text("Connect to QuickBooks")  # the workbench itself
        assert page.locator("[data-testid='stSidebarNav']").count() == 1

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(url + "**")
        settle(page)
        expect(main).to_contain_text("sign in to use it")


def test_a_user_not_on_the_allowed_list_is_turned_away(sandbox):
    with workbench(sandbox, PORTS[1], allowed="ana@nasi.example") as url, browser_page() as page:
        sign_in_at_the_provider(page, url, sandbox)
        main = page.locator("[data-testid='stMain']")
        expect(main).to_contain_text("is not allowed to use this workbench")
        assert "Connect to QuickBooks" not in main.inner_text()
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
