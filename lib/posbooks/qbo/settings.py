"""The QuickBooks company's lists and preferences, fetched and kept in the store.

Mapping checks run against the stored copy (``current_settings``), so the app can say
"this account is inactive" without a network call; ``refresh_settings`` fetches anew.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from posbooks.core.qbo_settings import (
    Account,
    Item,
    ListItem,
    Preferences,
    QboSettings,
    TaxCode,
    TaxRate,
)
from posbooks.state.store import utc_now

if TYPE_CHECKING:
    from posbooks.qbo.gateway import QboGateway
    from posbooks.state.config import Config
    from posbooks.state.store import Store

BOTH = "Active IN (true, false)"  # QuickBooks returns active rows only unless asked


def _name(row: dict) -> str:
    return row.get("FullyQualifiedName") or row.get("Name") or ""


def _list_items(rows: list[dict]) -> tuple[ListItem, ...]:
    return tuple(ListItem(str(r["Id"]), _name(r), bool(r.get("Active", True))) for r in rows)


def _ref(row: dict, key: str) -> str | None:
    ref = row.get(key) or {}
    return str(ref["value"]) if ref.get("value") is not None else None


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _preferences(rows: list[dict]) -> Preferences:
    prefs = rows[0] if rows else {}
    accounting = prefs.get("AccountingInfoPrefs", {})
    currency = prefs.get("CurrencyPrefs", {}).get("HomeCurrency") or {}
    taxes = prefs.get("TaxPrefs", {})
    other = {
        str(v.get("Name")): v.get("Value")
        for v in (prefs.get("OtherPrefs", {}) or {}).get("NameValue", []) or []
    }
    per_txn = _truthy(accounting.get("ClassTrackingPerTxn"))
    per_line = _truthy(accounting.get("ClassTrackingPerTxnLine"))
    return Preferences(
        class_tracking=per_txn or per_line,
        class_tracking_per_line=per_line,
        location_tracking=_truthy(accounting.get("TrackDepartments")),
        home_currency=currency.get("value"),
        class_tracking_per_txn=per_txn,
        using_sales_tax=_truthy(taxes.get("UsingSalesTax")),
        partner_tax_enabled=_truthy(taxes.get("PartnerTaxEnabled")),
        book_close_date=accounting.get("BookCloseDate") or None,
        warn_duplicate_journal_number=_truthy(other.get("WarnDuplicateJournalNumber")),
    )


def _tax_codes(rows: list[dict]) -> tuple[TaxCode, ...]:
    codes = []
    for r in rows:
        details = (r.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
        rate_ids = tuple(str(d["TaxRateRef"]["value"]) for d in details if d.get("TaxRateRef"))
        codes.append(
            TaxCode(
                str(r["Id"]),
                _name(r),
                bool(r.get("Active", True)),
                taxable=_truthy(r.get("Taxable", True)),
                sales_rate_ids=rate_ids,
            )
        )
    return tuple(codes)


def _tax_rates(rows: list[dict]) -> tuple[TaxRate, ...]:
    return tuple(
        TaxRate(str(r["Id"]), _name(r), str(r.get("RateValue", "0")), bool(r.get("Active", True)))
        for r in rows
    )


def fetch_settings(gateway: QboGateway) -> QboSettings:
    """Read every list posbooks maps to (active and inactive) and the preferences."""
    info = gateway.read("CompanyInfo", gateway.realm_id) or {}
    accounts = tuple(
        Account(
            id=str(r["Id"]),
            name=_name(r),
            account_type=r.get("AccountType", ""),
            account_subtype=r.get("AccountSubType"),
            active=bool(r.get("Active", True)),
        )
        for r in gateway.query("Account", BOTH)
    )
    items = tuple(
        Item(
            id=str(r["Id"]),
            name=_name(r),
            item_type=r.get("Type", ""),
            income_account_id=_ref(r, "IncomeAccountRef"),
            active=bool(r.get("Active", True)),
        )
        for r in gateway.query("Item", BOTH)
    )
    return QboSettings(
        realm_id=gateway.realm_id,
        company_name=info.get("CompanyName") or info.get("LegalName") or "",
        accounts=accounts,
        classes=_list_items(gateway.query("Class", BOTH)),
        departments=_list_items(gateway.query("Department", BOTH)),
        items=items,
        payment_methods=_list_items(gateway.query("PaymentMethod", BOTH)),
        tax_codes=_tax_codes(gateway.query("TaxCode", BOTH)),
        preferences=_preferences(gateway.query("Preferences")),
        fetched_at=utc_now(),
        country=info.get("Country") or (info.get("CompanyAddr") or {}).get("Country"),
        tax_rates=_tax_rates(gateway.query("TaxRate", BOTH)),
    )


def settings_to_json(settings: QboSettings) -> dict:
    """Plain JSON for the store (and ``--format json``)."""
    data = asdict(settings)
    data["fetched_at"] = settings.fetched_at.isoformat() if settings.fetched_at else None
    return data


def settings_from_json(data: dict) -> QboSettings:
    """Inverse of ``settings_to_json``."""
    fetched = data.get("fetched_at")
    return QboSettings(
        realm_id=data["realm_id"],
        company_name=data["company_name"],
        accounts=tuple(Account(**a) for a in data.get("accounts", [])),
        classes=tuple(ListItem(**c) for c in data.get("classes", [])),
        departments=tuple(ListItem(**d) for d in data.get("departments", [])),
        items=tuple(Item(**i) for i in data.get("items", [])),
        payment_methods=tuple(ListItem(**p) for p in data.get("payment_methods", [])),
        tax_codes=tuple(
            TaxCode(**{**t, "sales_rate_ids": tuple(t.get("sales_rate_ids", ()))})
            for t in data.get("tax_codes", [])
        ),
        preferences=Preferences(**data.get("preferences", {})),
        fetched_at=datetime.fromisoformat(fetched) if fetched else None,
        country=data.get("country"),
        tax_rates=tuple(TaxRate(**r) for r in data.get("tax_rates", [])),
    )


def refresh_settings(
    config: Config, store: Store, gateway: QboGateway | None = None
) -> QboSettings:
    """Fetch the connected company's settings and store them with the time fetched."""
    if gateway is None:
        from posbooks.qbo.gateway import open_gateway

        gateway = open_gateway(config, store)
    settings = fetch_settings(gateway)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO qbo_settings (realm_id, fetched_at, settings) VALUES (?, ?, ?)"
            " ON CONFLICT (realm_id) DO UPDATE SET fetched_at=excluded.fetched_at,"
            " settings=excluded.settings",
            (
                settings.realm_id,
                settings.fetched_at.isoformat(),
                json.dumps(settings_to_json(settings)),
            ),
        )
    return settings


def current_settings(store: Store) -> QboSettings | None:
    """The settings last fetched for the connected company; None when never fetched."""
    with store.read() as conn:
        connection = conn.execute("SELECT realm_id FROM qbo_connection WHERE id=1").fetchone()
        if connection is not None:
            row = conn.execute(
                "SELECT settings FROM qbo_settings WHERE realm_id=?", (connection["realm_id"],)
            ).fetchone()
        else:  # disconnected: still show what was last known, newest first
            row = conn.execute(
                "SELECT settings FROM qbo_settings ORDER BY fetched_at DESC LIMIT 1"
            ).fetchone()
    return settings_from_json(json.loads(row["settings"])) if row else None
