"""What the pages show for a connection's life: no secret ever, disconnect, reconnect needed."""

from __future__ import annotations

from posbooks.qbo.auth import auth_client, current_tokens
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import new_session, open_page, page_source, texts


def test_no_page_ever_shows_the_client_secret_or_a_token(connected):
    config = load_config()
    _, tokens = current_tokens(config, open_store(config))
    secrets = [config.client_secret, tokens.access_token, tokens.refresh_token]
    for page in ("connect", "mapping", "preview_send", "history"):
        source = page_source(open_page(page))
        assert connected.realm_id in source or page != "connect"  # the walk sees the page
        for secret in secrets:
            assert secret not in source, f"a secret reached the {page} page"


def test_disconnect_needs_confirmation_then_revokes(connected):
    at = new_session().run()
    disconnect = next(b for b in at.button if b.label == "Disconnect")
    assert disconnect.disabled  # nothing happens without ticking the confirmation
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Disconnect").click().run()
    assert not at.exception
    assert "Disconnected." in texts(at)
    assert "Not connected" in texts(at)
    assert at.get("link_button"), "Connect is offered again"


def test_a_revoked_connection_asks_to_reconnect_in_plain_words(connected):
    config = load_config()
    store = open_store(config)
    _, tokens = current_tokens(config, store)
    auth_client(config).revoke(token=tokens.refresh_token)  # e.g. revoked in QuickBooks

    at = open_page("mapping")
    next(b for b in at.button if b.label == "Refresh QuickBooks Online Settings").click().run()
    assert not at.exception
    assert "QuickBooks no longer accepts this connection. Go to Connect and reconnect." in texts(at)

    at = new_session().run()
    assert "Nothing can be sent until you reconnect" in texts(at)
    status = dict(at.table[0].value.itertuples(index=False, name=None))
    assert status["Reconnect needed"] == "yes"
    assert at.get("link_button"), "Connect is offered to reconnect"
