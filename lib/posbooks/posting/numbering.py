"""The home's DocNumber codes: assigned once per outlet and payment method, kept in the store.

``doc_numbers(store, outlets, keys)`` gives the ``DocNumbers`` for a plan or a
reconciliation, assigning codes to names that have none yet in one write transaction
(two processes assigning at once serialise on the store's write lock, and the UNIQUE
constraints make a duplicate code impossible). Outlets and methods the ledger already
sent documents for are first given the code their DocNumbers carry, so a home created
before the codes existed keeps its numbers. See posbooks.core.docnumbers.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from datetime import date

from posbooks.core.docnumbers import (
    KEY_CODE_MAX,
    OUTLET_CODE_MAX,
    CodeError,
    DocNumbers,
    assign,
    check_code,
    parse_number,
)
from posbooks.state.store import Store, utc_now

OUTLET, KEY = "outlet", "key"
_LONGEST = {OUTLET: OUTLET_CODE_MAX, KEY: KEY_CODE_MAX}


def _codes(conn: sqlite3.Connection, kind: str) -> dict[str, str]:
    rows = conn.execute("SELECT name, code FROM doc_code WHERE kind=?", (kind,)).fetchall()
    return {r["name"]: r["code"] for r in rows}


def _insert(conn: sqlite3.Connection, kind: str, codes: dict[str, str]) -> None:
    now = utc_now().isoformat()
    conn.executemany(
        "INSERT INTO doc_code (kind, name, code, assigned_at) VALUES (?, ?, ?, ?)",
        [(kind, name, code, now) for name, code in codes.items()],
    )


def _from_ledger(conn: sqlite3.Connection) -> tuple[dict[str, str], dict[str, str], dict]:
    """Codes the ledger's DocNumbers carry (first sender of a code keeps it), and the
    numbers of documents already handed to QuickBooks."""
    rows = conn.execute(
        "SELECT business_date, outlet, doc_type, doc_key, doc_number, status FROM posting_ledger "
        "WHERE doc_type IN ('journal', 'receipt', 'refund') ORDER BY rowid"
    ).fetchall()
    seen: dict[str, dict[str, Counter]] = {OUTLET: {}, KEY: {}}
    sent = {}
    for r in rows:
        parsed = parse_number(r["doc_number"])
        if parsed is None:
            continue  # set aside by migration 0005 (number freed), or not ours
        outlet_code, _, key_code = parsed
        seen[OUTLET].setdefault(r["outlet"], Counter())[outlet_code] += 1
        if r["doc_type"] in ("receipt", "refund") and key_code:
            seen[KEY].setdefault(r["doc_key"], Counter())[key_code] += 1
        identity = (
            date.fromisoformat(r["business_date"]),
            r["outlet"],
            r["doc_type"],
            r["doc_key"],
        )
        sent[identity] = r["doc_number"]
    found: dict[str, dict[str, str]] = {OUTLET: {}, KEY: {}}
    for kind in (OUTLET, KEY):
        taken: set[str] = set()
        for name, counts in seen[kind].items():
            code = counts.most_common(1)[0][0]
            if code not in taken:
                found[kind][name] = code
                taken.add(code)
    return found[OUTLET], found[KEY], sent


def doc_numbers(store: Store, outlets: Iterable[str] = (), keys: Iterable[str] = ()) -> DocNumbers:
    """The home's DocNumbers, with a code for every name in ``outlets`` and ``keys``."""
    outlets, keys = list(dict.fromkeys(outlets)), list(dict.fromkeys(keys))
    with store.transaction() as conn:
        legacy_outlets, legacy_keys, sent = _from_ledger(conn)
        codes = {OUTLET: _codes(conn, OUTLET), KEY: _codes(conn, KEY)}
        for kind, legacy, wanted in ((OUTLET, legacy_outlets, outlets), (KEY, legacy_keys, keys)):
            have = codes[kind]
            adopted = {n: c for n, c in legacy.items() if n not in have and c not in have.values()}
            missing = [n for n in [*legacy, *wanted] if n not in have and n not in adopted]
            new = {
                **adopted,
                **assign(missing, [*have.values(), *adopted.values()], _LONGEST[kind]),
            }
            if new:
                _insert(conn, kind, new)
                have.update(new)
    numbers = DocNumbers(codes[OUTLET], codes[KEY])
    kept = {
        identity: number
        for identity, number in sent.items()
        if numbers.has(identity[1], identity[3]) and numbers.number(*identity) != number
    }
    return DocNumbers(codes[OUTLET], codes[KEY], kept)


def outlet_codes(store: Store) -> list[tuple[str, str, bool]]:
    """(outlet, code, locked) for every outlet with a code; locked once it has sent."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT c.name, c.code, EXISTS (SELECT 1 FROM posting_ledger l WHERE l.outlet = c.name"
            " AND l.doc_type IN ('journal', 'receipt', 'refund')) AS locked"
            " FROM doc_code c WHERE c.kind = ? ORDER BY c.name",
            (OUTLET,),
        ).fetchall()
    return [(r["name"], r["code"], bool(r["locked"])) for r in rows]


def set_outlet_code(store: Store, outlet: str, code: str) -> str:
    """Give ``outlet`` the code ``code`` before its first send; CodeError saying why not."""
    code = check_code(code, OUTLET_CODE_MAX)
    with store.transaction() as conn:
        sent = conn.execute(
            "SELECT 1 FROM posting_ledger WHERE outlet=? AND doc_type IN ('journal', 'receipt', 'refund')"
            " LIMIT 1",
            (outlet,),
        ).fetchone()
        if sent:
            raise CodeError(
                f"{outlet} has already sent documents under its code; a code never changes "
                "after the first send (its DocNumbers in QuickBooks would no longer match)."
            )
        owner = conn.execute(
            "SELECT name FROM doc_code WHERE kind=? AND code=? AND name<>?", (OUTLET, code, outlet)
        ).fetchone()
        if owner:
            raise CodeError(f"'{code}' is the code of {owner['name']}; choose another.")
        conn.execute(
            "INSERT INTO doc_code (kind, name, code, assigned_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, name) DO UPDATE SET code=excluded.code, "
            "assigned_at=excluded.assigned_at",
            (OUTLET, outlet, code, utc_now().isoformat()),
        )
    return code
