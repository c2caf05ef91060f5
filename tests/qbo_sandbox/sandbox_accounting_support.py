"""Helpers for the sandbox accounting tests: plain-HTTP calls and journal entry builders."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests
from qbo_sandbox import SandboxHandle
from quickbooks.objects.base import Ref
from quickbooks.objects.journalentry import JournalEntry, JournalEntryLine, JournalEntryLineDetail

# The demo company's Ids (qbo_sandbox.demo): accounts in order of ACCOUNTS.
UNDEPOSITED = "3"
CARD_VISA = "4"
ACCOUNTS_RECEIVABLE = "9"
ACCOUNTS_PAYABLE = "10"
SALES_FOOD = "11"
SALES_BEVERAGES = "12"
SST6_PAYABLE = "17"
EQUITY = "22"
INACTIVE_SALES = "24"
CLASS_FOOD = "1"
LOCATION_KLCC = "2"
ITEM_FOOD = "1"
ITEM_BEVERAGES = "2"

NO_LIMITS = {"per_minute": 100_000, "per_second": 100_000, "batch_per_minute": 100_000}


@dataclass
class Api:
    """Raw v3 calls with a Bearer token, for what python-quickbooks cannot send."""

    handle: SandboxHandle
    access_token: str
    realm_id: str

    def url(self, path: str) -> str:
        """The full URL of a path under /v3/company/{realm}/."""
        return f"{self.handle.api_url}/company/{self.realm_id}/{path}"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict | None = None,
        content_type: str = "application/json",
    ) -> requests.Response:
        """One request; dict bodies are JSON-encoded, str/bytes sent as they are."""
        data = json.dumps(body) if isinstance(body, dict | list) else body
        headers = {
            "Authorization": f"Bearer {self.access_token}",
            "Accept": "application/json",
            "Content-Type": content_type,
        }
        params = {"minorversion": "75", **(params or {})}
        return requests.request(
            method, self.url(path), data=data, params=params, headers=headers, timeout=10
        )

    def post(self, path: str, body: Any, **kwargs: Any) -> tuple[int, dict]:
        """POST and return (status, parsed JSON with Decimal amounts)."""
        reply = self.call("POST", path, body, **kwargs)
        return reply.status_code, json.loads(reply.text, parse_float=Decimal)

    def get(self, path: str, **params: str) -> tuple[int, dict]:
        """GET and return (status, parsed JSON with Decimal amounts)."""
        reply = self.call("GET", path, params=params)
        return reply.status_code, json.loads(reply.text, parse_float=Decimal)

    def query(self, text: str) -> dict:
        """The QueryResponse of a SELECT sent as application/text, asserting HTTP 200."""
        status, body = self.post("query", text, content_type="application/text")
        assert status == 200, body
        return body["QueryResponse"]


def open_api(handle: SandboxHandle, tokens: dict) -> Api:
    """An Api on the fresh sandbox with its request limits lifted (tests go fast)."""
    handle.admin("limits", NO_LIMITS)
    return Api(handle, tokens["access_token"], tokens["realm_id"])


def ref(value: str) -> Ref:
    """A python-quickbooks Ref to an Id."""
    result = Ref()
    result.value = value
    return result


def je_line(posting: str, account: str, amount: str, **refs: Any) -> JournalEntryLine:
    """A python-quickbooks journal line; refs: ClassRef=, DepartmentRef=, Entity=."""
    line = JournalEntryLine()
    line.Amount = Decimal(amount)
    line.Description = refs.pop("Description", None)
    detail = JournalEntryLineDetail()
    detail.PostingType = posting
    detail.AccountRef = ref(account)
    for key, value in refs.items():
        setattr(detail, key, value)
    line.JournalEntryLineDetail = detail
    return line


def journal_entry(*lines: JournalEntryLine, doc: str = "POS-0001", date: str = "2026-11-20"):
    """A python-quickbooks JournalEntry with the given lines."""
    entry = JournalEntry()
    entry.TxnDate = date
    entry.DocNumber = doc
    entry.Line = list(lines)
    return entry


def balanced_entry(
    amount: str = "118.00", doc: str = "POS-0001", date: str = "2026-11-20", **refs: Any
) -> JournalEntry:
    """Undeposited Funds debit against Sales - Food credit, optionally with class/location."""
    return journal_entry(
        je_line("Debit", UNDEPOSITED, amount),
        je_line("Credit", SALES_FOOD, amount, **refs),
        doc=doc,
        date=date,
    )


def fault_of(body: dict) -> dict:
    """The first Error of an Intuit Fault body (asserting there is one)."""
    assert "Fault" in body, body
    return body["Fault"]["Error"][0]
