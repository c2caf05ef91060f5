"""The sandbox's loopback-only admin API: clock, reset, limits, faults, state."""

from __future__ import annotations

import pytest
import requests
from intuitlib.exceptions import AuthClientError
from qbo_sandbox.admin import is_loopback_peer
from qbo_sandbox.clients import auth_client_for


@pytest.mark.parametrize(
    ("peer", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.0.2.2", False),
        ("10.0.0.5", False),
        ("fd00::2", False),
        ("::ffff:192.0.2.2", False),
        ("", False),
        (None, False),
        ("not-an-ip", False),
    ],
)
def test_admin_accepts_loopback_peers_only(peer, allowed):
    assert is_loopback_peer(peer) is allowed


def test_state_reports_counts_but_never_token_values(fresh_sandbox, tokens):
    requests.get(fresh_sandbox.api_url + f"/company/{tokens['realm_id']}/companyinfo/1")
    state = fresh_sandbox.admin("state")
    text = str(state)
    assert tokens["access_token"] not in text and tokens["refresh_token"] not in text
    assert fresh_sandbox.client_secret not in text
    assert state["oauth"]["issued"]["access_tokens"] == 1
    assert state["requests"]["by_status"]["401"] == 1  # the bare request above
    assert state["requests"]["by_path"]["GET /v3/company/{id}/companyinfo/{id}"] == 1


def test_clock_advances_and_reset_brings_back_real_time(fresh_sandbox):
    before = fresh_sandbox.admin("clock")
    after = fresh_sandbox.admin("clock", {"advance_seconds": 86400})
    assert after["offset_seconds"] == 86400 and after["now"] > before["now"]
    fresh_sandbox.admin("reset", {})
    assert fresh_sandbox.admin("clock")["offset_seconds"] == 0


def test_a_frozen_clock_moves_only_when_advanced(fresh_sandbox):
    frozen = fresh_sandbox.admin("clock", {"freeze": True})
    assert frozen["frozen"] is True
    assert fresh_sandbox.admin("clock")["now"] == frozen["now"]
    later = fresh_sandbox.admin("clock", {"advance_seconds": 30})
    assert later["now"] > frozen["now"]
    thawed = fresh_sandbox.admin("clock", {"freeze": False})
    assert thawed["frozen"] is False and thawed["now"] >= later["now"]  # never goes back
    fresh_sandbox.admin("clock", {"freeze": True})
    fresh_sandbox.admin("reset", {})
    assert fresh_sandbox.admin("clock")["frozen"] is False


def test_reset_forgets_tokens_but_keeps_the_app_registered(fresh_sandbox, tokens):
    fresh_sandbox.admin("reset", {})
    with pytest.raises(AuthClientError) as err:
        auth_client_for(fresh_sandbox).refresh(tokens["refresh_token"])
    assert b"invalid_grant" in err.value.content
    assert fresh_sandbox.admin("state")["oauth"]["clients"] == [fresh_sandbox.client_id]


def test_limits_change_partially_and_reset_restores_them(fresh_sandbox):
    assert fresh_sandbox.admin("limits", {"per_second": 2}) == {
        "per_minute": 500,
        "per_second": 2,
        "batch_per_minute": 40,
    }
    fresh_sandbox.admin("reset", {})
    assert fresh_sandbox.admin("limits")["per_second"] == 10


@pytest.mark.parametrize(
    ("path", "payload", "message"),
    [
        ("faults", {"kind": "http_418"}, "kind must be one of"),
        ("faults", {"kind": "http_500", "count": 0}, "count must be a positive integer"),
        ("faults", {"kind": "delay"}, "needs seconds"),
        ("faults", {"kind": "http_500", "path": "("}, "regular expression"),
        ("limits", {"per_hour": 5}, "unknown limit"),
        ("limits", {"per_second": -1}, "positive integer"),
        ("clock", {"advance_seconds": -5}, "advance_seconds"),
        ("clock", {"freeze": "yes"}, "freeze must be"),
        ("preferences", {"class_tracking": "yes"}, "booleans"),
    ],
)
def test_admin_rejects_bad_requests_with_a_reason(fresh_sandbox, path, payload, message):
    reply = requests.post(f"{fresh_sandbox.base_url}/_sandbox/{path}", json=payload, timeout=5)
    assert reply.status_code == 400
    assert message in reply.json()["error"]


def test_faults_are_listed_and_cleared(fresh_sandbox):
    fresh_sandbox.admin("faults", {"kind": "http_503", "count": 2, "path": "^query$"})
    assert fresh_sandbox.admin("faults")["pending"] == [
        {"kind": "http_503", "count": 2, "path": "^query$", "seconds": 0.0, "after": 0}
    ]
    requests.delete(f"{fresh_sandbox.base_url}/_sandbox/faults", timeout=5)
    assert fresh_sandbox.admin("state")["faults_pending"] == []


def test_index_page_links_to_the_company_pages(fresh_sandbox, needs_accounting):
    page = requests.get(fresh_sandbox.base_url + "/", timeout=5)
    assert f'href="/app/{fresh_sandbox.realm_id}/"' in page.text
    home = requests.get(f"{fresh_sandbox.base_url}/app/{fresh_sandbox.realm_id}/", timeout=5)
    assert home.status_code == 200 and "Nasi &amp; Co" in home.text
    missing = requests.get(f"{fresh_sandbox.base_url}/app/{fresh_sandbox.realm_id}/nope")
    assert missing.status_code == 404


def test_preferences_toggle_track_classes_and_locations(fresh_sandbox, qb, needs_accounting):
    from quickbooks.objects.preferences import Preferences

    def tracking() -> tuple[bool, bool]:
        prefs = Preferences.get(qb=qb).AccountingInfoPrefs
        return prefs.ClassTrackingPerTxnLine, prefs.TrackDepartments

    assert tracking() == (True, True)
    fresh_sandbox.admin("preferences", {"class_tracking": False})
    assert tracking() == (False, True)
    fresh_sandbox.admin("preferences", {"location_tracking": False, "class_tracking": True})
    assert tracking() == (True, False)
    fresh_sandbox.admin("reset", {})  # a fresh demo company has both on again
    assert fresh_sandbox.admin("state")["reset_preferences"] == {
        "class_tracking": True,
        "location_tracking": True,
    }


def test_state_counts_entities_of_the_demo_company(fresh_sandbox, needs_accounting):
    counts = fresh_sandbox.admin("state")["entities"][fresh_sandbox.realm_id]
    assert counts["Class"] >= 4 and counts["Department"] == 3
    assert counts["JournalEntry"] == 0


# --- a web page on another origin cannot drive the admin API (issue 16.5) -----------------

# What Chromium sends for fetch(url, {method: "POST", mode: "no-cors", body: "{}"}) from a page
# at http://evil.example:8000: no preflight, a text/plain body and the page's Origin.
NO_CORS = {"Origin": "http://evil.example:8000", "Content-Type": "text/plain;charset=UTF-8"}


def test_a_no_cors_text_post_from_another_origin_neither_resets_nor_adds_faults(fresh_sandbox):
    fresh_sandbox.admin("clock", {"advance_seconds": 3600})
    base = fresh_sandbox.base_url + "/_sandbox/"
    reset = requests.post(base + "reset", data="{}", headers=NO_CORS, timeout=10)
    fault = {"status": 500, "count": 5}
    faults = requests.post(base + "faults", data=str(fault), headers=NO_CORS, timeout=10)
    assert (reset.status_code, faults.status_code) == (403, 403)
    assert "another origin" in reset.json()["error"]
    assert fresh_sandbox.admin("clock")["offset_seconds"] == 3600  # the company was not reset
    assert fresh_sandbox.admin("faults")["pending"] == []


def test_a_text_post_without_origin_is_refused_too(fresh_sandbox):
    reply = requests.post(
        fresh_sandbox.base_url + "/_sandbox/reset",
        data="{}",
        headers={"Content-Type": "text/plain"},
        timeout=10,
    )
    assert reply.status_code == 403
    assert "application/json" in reply.json()["error"]


def test_json_from_another_origin_and_a_rebound_host_name_are_refused(fresh_sandbox):
    base = fresh_sandbox.base_url + "/_sandbox/"
    cross = requests.post(
        base + "limits", json={"per_minute": 1}, headers={"Origin": "null"}, timeout=10
    )
    rebound = requests.get(base + "state", headers={"Host": "evil.example"}, timeout=10)
    assert (cross.status_code, rebound.status_code) == (403, 403)
    assert fresh_sandbox.admin("limits")["per_minute"] != 1


def test_the_sandbox_own_origin_and_localhost_are_served(fresh_sandbox):
    port = fresh_sandbox.base_url.rsplit(":", 1)[1]
    same = requests.post(
        fresh_sandbox.base_url + "/_sandbox/clock",
        json={"advance_seconds": 1},
        headers={"Origin": fresh_sandbox.base_url},
        timeout=10,
    )
    local = requests.get(
        fresh_sandbox.base_url + "/_sandbox/state", headers={"Host": f"localhost:{port}"}
    )
    assert (same.status_code, local.status_code) == (200, 200)
    fresh_sandbox.admin("reset", {})
