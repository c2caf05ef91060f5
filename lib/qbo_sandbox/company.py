"""One QuickBooks company (realm) and the v3 accounting API over it.

The HTTP server (qbo_sandbox.server) authenticates, throttles and injects
faults, then calls `CompanyBook.handle(method, path, query, body, content_type)` with
the path after /v3/company/{realm}/. Replies are Intuit-shaped JSON objects whose
amounts are JSON numbers (exact to the cent; Decimal inside the sandbox).
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from qbo_sandbox import companies, demo
from qbo_sandbox.entities import (
    COMPANY_TZ,
    decimals_in,
    plain_json,
    qbo_time,
)
from qbo_sandbox.reports import account_balances
from qbo_sandbox.routes import CompanyApi
from qbo_sandbox.validation import QboFault, invalid_property

MAX_REQUEST_ID = 50
MAX_BATCH_REQUEST_ID = 36  # QBO_FACTS: 36 characters on batch requests
KEPT_REPLIES = 5000


@dataclass
class ApiReply:
    """What the server sends back: HTTP status, body (dict -> JSON, str as-is), type."""

    status: int
    body: dict | str
    content_type: str = "application/json"


class CompanyBook(CompanyApi):
    """One realm's company data and the v3 accounting API over it. Thread-safe (own RLock)."""

    def __init__(self, realm_id: str, *, clock: Callable[[], datetime]) -> None:
        self.realm_id = realm_id
        self._clock = clock
        self._lock = threading.RLock()
        self._objects: dict[str, dict[str, dict[str, Any]]] = {}
        self._deleted: dict[str, dict[str, str]] = {}
        self._next_id: dict[str, int] = {}
        self._replies: OrderedDict[str, tuple[int, dict]] = OrderedDict()
        self._company_info = demo.company_info(realm_id) | {"CompanyName": "Sandbox Company"}
        self._preferences = demo.preferences(class_tracking=True, location_tracking=True)
        self._company_key = companies.DEFAULT_COMPANY
        self._tax_accounts: dict[str, str] = {}  # TaxRate Id -> liability Account Id
        stamp = self._stamp()
        for record in (self._company_info, self._preferences):
            record.update({"SyncToken": "0", "domain": "QBO", "sparse": False, "MetaData": stamp})

    @classmethod
    def demo(
        cls,
        realm_id: str,
        *,
        clock: Callable[[], datetime],
        class_tracking: bool | None = None,
        location_tracking: bool = True,
        company: str | None = None,
    ) -> CompanyBook:
        """A demo restaurant company: ``company`` is demo (default), my, uk or us.

        ``class_tracking`` True/False turns both class preferences on/off; None keeps the
        company's own (uk: per transaction only).
        """
        profile = companies.profile(company)
        book = cls(realm_id, clock=clock)
        book._company_key = profile.key
        if profile.key == companies.DEFAULT_COMPANY:
            objects = demo.demo_objects()  # the historical Ids, unchanged
        else:
            objects = companies.company_objects(profile)
            book._tax_accounts = companies.tax_rate_accounts(profile, objects)
        book._company_info.update(companies.company_info(profile, realm_id))
        stamp = book._preferences["MetaData"]
        book._preferences = companies.preferences(profile, location_tracking=location_tracking)
        book._preferences.update(
            {"SyncToken": "0", "domain": "QBO", "sparse": False, "MetaData": stamp}
        )
        for entity, records in objects.items():
            for record in records:
                book._insert(entity, record)
        if class_tracking is not None:
            book.set_preferences(class_tracking=class_tracking)
        return book

    # ----- what the server calls -------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        content_type: str | None,
    ) -> ApiReply:
        """Answer one v3 request; the same POST requestid replays the original reply."""
        with self._lock:
            method = method.upper()
            request_id = query.get("requestid")
            try:
                self._check_params(query, path)
                if method == "POST" and request_id and request_id in self._replies:
                    status, saved = self._replies[request_id]
                    return ApiReply(status, copy.deepcopy(saved))
                status, payload = self._route(method, path.strip("/"), query, body, content_type)
            except QboFault as fault:
                status, payload = fault.status, {"Fault": fault.fault_body()}
            if "Header" not in payload:
                payload["time"] = self._time()
            reply_body = plain_json(payload)
            if method == "POST" and request_id and status == 200:
                self._replies[request_id] = (status, copy.deepcopy(reply_body))
                while len(self._replies) > KEPT_REPLIES:
                    self._replies.popitem(last=False)
            return ApiReply(status, reply_body)

    def set_preferences(
        self,
        *,
        class_tracking: bool | None = None,
        location_tracking: bool | None = None,
        class_tracking_per_txn: bool | None = None,
        class_tracking_per_line: bool | None = None,
        book_close_date: str | None = None,
        warn_duplicate_journal_number: bool | None = None,
    ) -> None:
        """Change preferences (None leaves one as is).

        ``class_tracking`` sets both ClassTrackingPerTxn and ClassTrackingPerTxnLine;
        ``book_close_date`` "" clears the closing date.
        """
        with self._lock:
            prefs = self._preferences["AccountingInfoPrefs"]
            if class_tracking is not None:
                prefs["ClassTrackingPerTxn"] = class_tracking
                prefs["ClassTrackingPerTxnLine"] = class_tracking
            if class_tracking_per_txn is not None:
                prefs["ClassTrackingPerTxn"] = class_tracking_per_txn
            if class_tracking_per_line is not None:
                prefs["ClassTrackingPerTxnLine"] = class_tracking_per_line
            if location_tracking is not None:
                prefs["TrackDepartments"] = location_tracking
            if book_close_date is not None:
                prefs["BookCloseDate"] = book_close_date
            if warn_duplicate_journal_number is not None:
                values = self._preferences.setdefault("OtherPrefs", {}).setdefault("NameValue", [])
                values[:] = [v for v in values if v.get("Name") != "WarnDuplicateJournalNumber"]
                values.append(
                    {
                        "Name": "WarnDuplicateJournalNumber",
                        "Value": "true" if warn_duplicate_journal_number else "false",
                    }
                )
            self._preferences["SyncToken"] = str(int(self._preferences["SyncToken"]) + 1)
            self._preferences["MetaData"] = self._stamp(self._preferences.get("MetaData"))

    def company_name(self) -> str:
        """The company's name as QuickBooks shows it."""
        with self._lock:
            return str(self._company_info["CompanyName"])

    def to_json(self) -> dict:
        """Everything needed to rebuild this company (JSON-native types only)."""
        with self._lock:
            return plain_json(
                {
                    "realm_id": self.realm_id,
                    "objects": self._objects,
                    "deleted": self._deleted,
                    "next_id": self._next_id,
                    "replies": [
                        [rid, status, body] for rid, (status, body) in self._replies.items()
                    ],
                    "company_info": self._company_info,
                    "preferences": self._preferences,
                    "company_key": self._company_key,
                    "tax_accounts": self._tax_accounts,
                }
            )

    @classmethod
    def from_json(cls, data: dict, *, clock: Callable[[], datetime]) -> CompanyBook:
        """The company saved by to_json."""
        book = cls(str(data["realm_id"]), clock=clock)
        book._objects = decimals_in(data.get("objects", {}))
        book._deleted = copy.deepcopy(data.get("deleted", {}))
        book._next_id = {k: int(v) for k, v in data.get("next_id", {}).items()}
        for entity, records in [*book._objects.items(), *book._deleted.items()]:
            used = max((int(i) for i in records if str(i).isdigit()), default=0)
            book._next_id[entity] = max(book._next_id.get(entity, 1), used + 1)  # never reuse an Id
        book._replies = OrderedDict((r[0], (int(r[1]), r[2])) for r in data.get("replies", []))
        book._company_info = copy.deepcopy(data.get("company_info", book._company_info))
        book._preferences = copy.deepcopy(data.get("preferences", book._preferences))
        book._company_key = str(data.get("company_key", companies.DEFAULT_COMPANY))
        book._tax_accounts = {str(k): str(v) for k, v in data.get("tax_accounts", {}).items()}
        return book

    # ----- what validation, reports and views read -------------------------------------

    @property
    def lock(self) -> threading.RLock:
        """The company's lock (re-entrant), for readers that need a consistent view."""
        return self._lock

    @property
    def class_tracking(self) -> bool:
        """ "Track classes": ClassTrackingPerTxn or ClassTrackingPerTxnLine."""
        return self.class_tracking_per_txn or self.class_tracking_per_line

    @property
    def class_tracking_per_txn(self) -> bool:
        """Preferences AccountingInfoPrefs.ClassTrackingPerTxn."""
        return bool(self._preferences["AccountingInfoPrefs"].get("ClassTrackingPerTxn"))

    @property
    def class_tracking_per_line(self) -> bool:
        """Preferences AccountingInfoPrefs.ClassTrackingPerTxnLine."""
        return bool(self._preferences["AccountingInfoPrefs"].get("ClassTrackingPerTxnLine"))

    @property
    def book_close_date(self) -> str:
        """Preferences AccountingInfoPrefs.BookCloseDate ("" when the books are open)."""
        return str(self._preferences["AccountingInfoPrefs"].get("BookCloseDate") or "")

    @property
    def warn_duplicate_journal_number(self) -> bool:
        """OtherPrefs WarnDuplicateJournalNumber (Intuit's real preference name)."""
        for value in self._preferences.get("OtherPrefs", {}).get("NameValue", []):
            if value.get("Name") == "WarnDuplicateJournalNumber":
                return str(value.get("Value")).lower() == "true"
        return False

    @property
    def company_key(self) -> str:
        """Which demo company this is: demo, my, uk or us."""
        return self._company_key

    @property
    def tax_model(self) -> str:
        """lenient (the historical demo), global (non-US with tax) or us."""
        if self._company_key == companies.DEFAULT_COMPANY:
            return "lenient"
        if not self._preferences.get("TaxPrefs", {}).get("UsingSalesTax"):
            return "lenient"
        return "us" if self._company_info.get("Country") == "US" else "global"

    @property
    def tax_word(self) -> str:
        """What QuickBooks calls tax in this country's 6000 message (VAT, GST/HST, SST)."""
        return companies.profile(self._company_key).tax_word or "tax"

    @property
    def currency_ref(self) -> dict[str, str]:
        """The home currency as a CurrencyRef."""
        code = self._preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value")
        names = {p.currency[0]: p.currency[1] for p in companies.PROFILES.values()}
        return {"value": str(code or "MYR"), "name": names.get(str(code), str(code))}

    def tax_rate_account(self, rate_id: str) -> str | None:
        """The Id of the liability account a TaxRate's tax is booked to."""
        return self._tax_accounts.get(str(rate_id))

    @property
    def location_tracking(self) -> bool:
        """Preferences "Track locations" (TrackDepartments)."""
        return bool(self._preferences["AccountingInfoPrefs"]["TrackDepartments"])

    def today(self) -> str:
        """The company's current date (its own time zone), YYYY-MM-DD."""
        now = self._clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now.astimezone(COMPANY_TZ).date().isoformat()

    def find(self, entity: str, object_id: str) -> dict[str, Any] | None:
        """A live (not deleted) object by entity name and Id, inactive ones included."""
        return self._objects.get(entity, {}).get(str(object_id))

    def find_by_name(self, entity: str, name: str) -> dict[str, Any] | None:
        """A list object by Name (or DisplayName), ignoring case, inactive ones included."""
        wanted = name.strip().lower()
        for record in self._objects.get(entity, {}).values():
            label = record.get("Name") or record.get("DisplayName") or ""
            if str(label).lower() == wanted:
                return record
        return None

    def find_account_by_subtype(self, subtype: str) -> dict[str, Any] | None:
        """The first active account with this AccountSubType (e.g. UndepositedFunds)."""
        for record in self._objects.get("Account", {}).values():
            if record.get("AccountSubType") == subtype and record.get("Active") is not False:
                return record
        return None

    def transactions(self) -> Iterable[tuple[str, dict[str, Any]]]:
        """Every posted JournalEntry, SalesReceipt and RefundReceipt."""
        for entity in ("JournalEntry", "SalesReceipt", "RefundReceipt"):
            for record in list(self._objects.get(entity, {}).values()):
                yield entity, record

    def list_objects(self, entity: str) -> list[dict[str, Any]]:
        """Copies of every live object of an entity as the API returns them, by Id."""
        with self._lock:
            records = list(self._objects.get(entity, {}).values())
            return self._public(
                entity,
                sorted(
                    records,
                    key=lambda r: (
                        not str(r["Id"]).isdigit(),
                        int(r["Id"]) if str(r["Id"]).isdigit() else 0,
                    ),
                ),
            )

    def read_object(self, entity: str, object_id: str) -> dict[str, Any] | None:
        """A copy of one object as the API returns it, or None."""
        with self._lock:
            found = self.find(entity, object_id)
            return self._public(entity, [found])[0] if found else None

    def preferences(self) -> dict[str, Any]:
        """A copy of the Preferences object."""
        with self._lock:
            return copy.deepcopy(self._preferences)

    def company_info(self) -> dict[str, Any]:
        """A copy of the CompanyInfo object."""
        with self._lock:
            return copy.deepcopy(self._company_info)

    # ----- internals -------------------------------------------------------------------

    def _check_params(self, query: dict[str, str], path: str) -> None:
        request_id = query.get("requestid")
        limit = MAX_BATCH_REQUEST_ID if path.strip("/").lower() == "batch" else MAX_REQUEST_ID
        if request_id is not None and len(request_id) > limit:
            raise QboFault(
                "2050",
                "String length is either shorter or longer than supported by specification",
                f"requestid: maximum length is {limit} characters, supplied {len(request_id)}",
                element="requestid",
            )
        minor = query.get("minorversion")
        if minor not in (None, "") and not str(minor).isdigit():
            raise invalid_property("minorversion", f"minorversion '{minor}' is not a number")

    def _time(self) -> str:
        now = self._clock()
        return qbo_time(now)[:19] + f".{now.microsecond // 1000:03d}" + qbo_time(now)[19:]

    def _stamp(self, previous: dict[str, str] | None = None) -> dict[str, str]:
        now = qbo_time(self._clock())
        return {"CreateTime": (previous or {}).get("CreateTime", now), "LastUpdatedTime": now}

    def _insert(self, entity: str, record: dict[str, Any]) -> dict[str, Any]:
        """Store a new object under the next Id (or its own, for the demo data)."""
        object_id = str(record.get("Id") or self._next_id.get(entity, 1))
        record = dict(record)
        record["Id"] = object_id
        record.update({"SyncToken": "0", "domain": "QBO", "sparse": False})
        record["MetaData"] = self._stamp()
        self._objects.setdefault(entity, {})[object_id] = record
        if object_id.isdigit():  # US TaxCodes TAX / NON have names for Ids
            self._next_id[entity] = max(self._next_id.get(entity, 1), int(object_id) + 1)
        return record

    def _public(self, entity: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Copies as the API shows them (Accounts get CurrentBalance from postings)."""
        result = copy.deepcopy(records)
        if entity == "Account" and result:
            balances = account_balances(self)
            for record in result:
                balance = balances.get(record["Id"], Decimal("0"))
                record["CurrentBalance"] = balance
                record["CurrentBalanceWithSubAccounts"] = balance
        return result

    def _reply_object(self, entity: str, record: dict[str, Any]) -> dict[str, Any]:
        return {entity: self._public(entity, [record])[0]}

    def _parse_json(self, body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body.decode("utf-8") if body else "", parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as problem:
            raise invalid_property(
                "body", f"Property Name:Malformed JSON in request body ({problem})"
            ) from None
        if not isinstance(data, dict):
            raise invalid_property("body", "The request body must be a JSON object")
        return data
