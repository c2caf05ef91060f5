"""A mapping as plain JSON, for ``--mapping FILE`` and ``posbooks mapping export/import``.

The format (every list optional, ``key`` null for keyless sources)::

    {
      "version": 3,
      "accounts":  [{"source": "sales", "key": "Food", "account_id": "79",
                     "account_name": "Sales - Food"}],
      "classes":   [{"category": "Food", "class_id": "5", "class_name": "Kitchen"}],
      "locations": [{"outlet": "Bangsar", "location_id": "2", "location_name": "Bangsar"}],
      "items":     [{"key": "Food", "item_id": "11", "item_name": "Food sales"}],
      "deposits":  [{"payment_method": "Voucher", "account_id": "3",
                     "account_name": "Undeposited Funds"}],
      "tax_codes": [{"pos_tax_code": "SST6", "tax_code_id": "1", "tax_code_name": "SST6"},
                    {"pos_tax_code": "untaxed", "tax_code_id": "3", "tax_code_name": "OS"}],
      "line_taxes": [{"line": "Food", "tax_code": "SST6"}],
      "not_sent":  [{"source": "tip", "key": null}],
      "receipts":  {"grouping": "per_day", "deposit_account_id": "4",
                    "deposit_account_name": "Undeposited Funds"}
    }

``tax_codes`` and ``line_taxes``: tax by tax code (``posbooks.core.taxcodes``); written only
when set. ``"sales_tax_code": {"tax_code_id": "2", "tax_code_name": "New York City"}``: US
sales tax on receipts (``Mapping.sales_tax_code``), with ``line_taxes``.

``accounts`` source is one of the entry-line sources (sales, discount,
service_charge, tax, rounding, tip, payment, over_short); key is the category, tax
code or payment method. ``items`` keys are described in ``posbooks.core.receipts``.
``deposits``: where sales receipts of a payment method deposit, when not its journal
account (``Mapping.deposits``). ``not_sent``: account types set to None on purpose,
left out of what is sent (``posbooks.core.left_out``); written only when there are some.
``receipts``: one sales receipt per outlet and day (``per_day``, deposited to the given
account) or one per payment method (``per_method``, the form when absent).
"""

from __future__ import annotations

from typing import Any

from posbooks.core.model import SOURCES, Mapping, Ref


class MappingFormatError(ValueError):
    """The mapping JSON is not in the expected shape; the message says where."""


def _text(entry: dict, field: str, where: str, *, optional: bool = False) -> str | None:
    value = entry.get(field)
    if value is None or value == "":
        if optional:
            return None
        raise MappingFormatError(f"{where}: missing {field!r}")
    if not isinstance(value, str | int):
        raise MappingFormatError(f"{where}: {field!r} must be text, not {value!r}")
    return str(value)


def _entries(data: dict, name: str) -> list[dict]:
    entries = data.get(name) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise MappingFormatError(f"{name!r} must be a list of objects")
    return entries


def _refs(data: dict, name: str, by: str, prefix: str) -> dict[str, Ref]:
    refs: dict[str, Ref] = {}
    for n, entry in enumerate(_entries(data, name)):
        where = f"{name}[{n}]"
        refs[_text(entry, by, where)] = Ref(
            id=_text(entry, f"{prefix}_id", where),
            name=_text(entry, f"{prefix}_name", where, optional=True) or "",
        )
    return refs


def _sales_tax_code(data: dict) -> Ref | None:
    entry = data.get("sales_tax_code")
    if entry is None:
        return None
    if not isinstance(entry, dict):
        raise MappingFormatError("'sales_tax_code' must be an object")
    return Ref(
        id=str(_text(entry, "tax_code_id", "sales_tax_code")),
        name=_text(entry, "tax_code_name", "sales_tax_code", optional=True) or "",
    )


def mapping_from_json(data: dict[str, Any]) -> Mapping:
    """Read a mapping from its JSON form; ``MappingFormatError`` names the bad entry."""
    if not isinstance(data, dict):
        raise MappingFormatError("a mapping must be a JSON object")
    accounts: dict[tuple[str, str | None], Ref] = {}
    for n, entry in enumerate(_entries(data, "accounts")):
        where = f"accounts[{n}]"
        source = _text(entry, "source", where)
        if source not in SOURCES:
            raise MappingFormatError(
                f"{where}: unknown source {source!r} (expected one of {', '.join(SOURCES)})"
            )
        key = _text(entry, "key", where, optional=True)
        accounts[(source, key)] = Ref(
            id=_text(entry, "account_id", where),
            name=_text(entry, "account_name", where, optional=True) or "",
        )
    version = data.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise MappingFormatError(f"'version' must be a whole number, not {version!r}")
    line_taxes: dict[str, str] = {}
    for n, entry in enumerate(_entries(data, "line_taxes")):
        where = f"line_taxes[{n}]"
        line_taxes[str(_text(entry, "line", where))] = str(_text(entry, "tax_code", where))
    return Mapping(
        accounts=accounts,
        classes=_refs(data, "classes", "category", "class"),
        locations=_refs(data, "locations", "outlet", "location"),
        items=_refs(data, "items", "key", "item"),
        version=version,
        deposits=_refs(data, "deposits", "payment_method", "account"),
        tax_codes=_refs(data, "tax_codes", "pos_tax_code", "tax_code"),
        line_taxes=line_taxes,
        sales_tax_code=_sales_tax_code(data),
        not_sent=_not_sent(data),
        **_receipts(data),
    )


def _receipts(data: dict) -> dict[str, Any]:
    entry = data.get("receipts")
    if entry is None:
        return {}  # mappings saved before the choice existed: one per payment method
    if not isinstance(entry, dict) or entry.get("grouping") not in ("per_method", "per_day"):
        raise MappingFormatError("receipts: 'grouping' must be per_method or per_day")
    deposit = None
    if entry.get("deposit_account_id"):
        deposit = Ref(
            str(entry["deposit_account_id"]), str(entry.get("deposit_account_name") or "")
        )
    return {"receipt_grouping": entry["grouping"], "day_deposit": deposit}


def _not_sent(data: dict) -> frozenset[tuple[str, str | None]]:
    rows = set()
    for n, entry in enumerate(_entries(data, "not_sent")):
        where = f"not_sent[{n}]"
        source = _text(entry, "source", where)
        if source not in SOURCES or source == "over_short":
            raise MappingFormatError(f"{where}: {source!r} cannot be set to None (not sent)")
        rows.add((source, _text(entry, "key", where, optional=True)))
    return frozenset(rows)


def mapping_to_json(mapping: Mapping) -> dict[str, Any]:
    """The JSON form of ``mapping`` (sorted, so saved files diff cleanly)."""

    def source_order(pair: tuple[tuple[str, str | None], Ref]) -> tuple:
        (source, key), _ = pair
        return (SOURCES.index(source) if source in SOURCES else len(SOURCES), key or "")

    data: dict[str, Any] = {
        "version": mapping.version,
        "accounts": [
            {"source": s, "key": k, "account_id": r.id, "account_name": r.name}
            for (s, k), r in sorted(mapping.accounts.items(), key=source_order)
        ],
        "classes": [
            {"category": c, "class_id": r.id, "class_name": r.name}
            for c, r in sorted(mapping.classes.items())
        ],
        "locations": [
            {"outlet": o, "location_id": r.id, "location_name": r.name}
            for o, r in sorted(mapping.locations.items())
        ],
        "items": [
            {"key": k, "item_id": r.id, "item_name": r.name}
            for k, r in sorted(mapping.items.items())
        ],
        "deposits": [
            {"payment_method": m, "account_id": r.id, "account_name": r.name}
            for m, r in sorted(mapping.deposits.items())
        ],
    }
    if mapping.tax_codes or mapping.line_taxes:  # tax by tax code (posbooks.core.taxcodes)
        data["tax_codes"] = [
            {"pos_tax_code": c, "tax_code_id": r.id, "tax_code_name": r.name}
            for c, r in sorted(mapping.tax_codes.items())
        ]
        data["line_taxes"] = [
            {"line": k, "tax_code": c} for k, c in sorted(mapping.line_taxes.items())
        ]
    if mapping.sales_tax_code is not None:  # US sales tax on receipts
        code = mapping.sales_tax_code
        data["sales_tax_code"] = {"tax_code_id": code.id, "tax_code_name": code.name}
        data["line_taxes"] = [
            {"line": k, "tax_code": c} for k, c in sorted(mapping.line_taxes.items())
        ]
    if mapping.not_sent:  # only when used: mappings saved before keep their exact JSON
        data["not_sent"] = [
            {"source": s, "key": k}
            for s, k in sorted(mapping.not_sent, key=lambda sk: source_order((sk, None)))
        ]
    if mapping.receipt_grouping != "per_method" or mapping.day_deposit:
        day = mapping.day_deposit
        data["receipts"] = {
            "grouping": mapping.receipt_grouping,
            "deposit_account_id": day.id if day else None,
            "deposit_account_name": day.name if day else None,
        }
    return data
