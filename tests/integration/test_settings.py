"""QuickBooks settings: every list (active and inactive) and the preferences, kept with a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.gateway import open_gateway
from posbooks.qbo.settings import current_settings, refresh_settings
from posbooks.state.config import Config
from posbooks.state.store import Store, utc_now
from qbo_sandbox import SandboxHandle


@pytest.fixture
def connected(fresh_sandbox: SandboxHandle, tmp_path: Path) -> tuple[Config, Store]:
    config = Config(
        home=tmp_path,
        environment="local",
        client_id=fresh_sandbox.client_id,
        client_secret=fresh_sandbox.client_secret,
        redirect_uri=fresh_sandbox.redirect_uris[0],
        sandbox_url=fresh_sandbox.base_url,
    )
    store = Store(tmp_path)
    qbo_connect.auto_approve(config, store)
    return config, store


def test_refresh_settings_reads_every_list_and_keeps_it(connected):
    config, store = connected
    assert current_settings(store) is None
    before = utc_now()
    settings = refresh_settings(config, store)
    assert settings.company_name == "Nasi & Co Restaurant Group (sandbox)"
    assert before <= settings.fetched_at <= utc_now()
    inactive = [a for a in settings.accounts if not a.active]
    assert [a.name for a in inactive] == ["Old Sales Account (inactive)"]
    undeposited = next(a for a in settings.accounts if a.name == "Undeposited Funds")
    assert (undeposited.account_type, undeposited.account_subtype) == (
        "Other Current Asset",
        "UndepositedFunds",
    )
    assert {c.name for c in settings.classes} == {"Food", "Beverages", "Desserts", "Alcohol"}
    assert {d.name for d in settings.departments} == {"Bangsar", "KLCC", "Mont Kiara"}
    assert {"Cash", "Visa/Master", "Amex", "TNG eWallet", "GrabPay", "Voucher"} <= {
        p.name for p in settings.payment_methods
    }
    assert {"SST6", "SST10"} <= {t.name for t in settings.tax_codes}
    food = next(i for i in settings.items if i.name == "Food Sales")
    assert settings.account(food.income_account_id).name == "Sales - Food"
    assert settings.preferences.class_tracking and settings.preferences.location_tracking
    assert current_settings(store) == settings


def test_turning_class_tracking_off_in_quickbooks_shows_after_a_refresh(connected, fresh_sandbox):
    config, store = connected
    refresh_settings(config, store)
    fresh_sandbox.admin("preferences", {"class_tracking": False})
    assert current_settings(store).preferences.class_tracking  # the stored copy, until refreshed
    settings = refresh_settings(config, store, open_gateway(config, store))
    assert not settings.preferences.class_tracking
    assert not current_settings(store).preferences.class_tracking


def test_an_account_made_inactive_in_quickbooks_is_still_listed_as_inactive(connected):
    config, store = connected
    gateway = open_gateway(config, store)
    cash = gateway.query("Account", "Name = 'Cash on Hand'")[0]
    gateway.update(
        "Account", {"Id": cash["Id"], "SyncToken": cash["SyncToken"], "Active": False}, sparse=True
    )
    settings = refresh_settings(config, store, gateway)
    assert settings.account(cash["Id"]).active is False
