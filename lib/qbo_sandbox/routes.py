"""The v3 accounting API routes of a company: entities, query, batch, cdc, reports.

A mixin of CompanyBook (company.py), which holds the data and the lock; every method
here returns (HTTP status, Intuit-shaped payload) or raises QboFault.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from qbo_sandbox.entities import SPECS, EntitySpec, parse_time, plain_json, spec_for
from qbo_sandbox.lists import prepare_list_object
from qbo_sandbox.query import parse_query, run_query
from qbo_sandbox.reports import journal_report
from qbo_sandbox.transactions import (
    prepare_journal_entry,
    prepare_refund_receipt,
    prepare_sales_receipt,
)
from qbo_sandbox.validation import (
    QboFault,
    check_closed,
    check_properties,
    duplicate_doc_number,
    invalid_property,
    required,
)

MAX_BATCH = 30
CDC_DAYS = 30
CDC_MAX = 1000
Payload = tuple[int, dict[str, Any]]


def unsupported(detail: str, status: int = 400) -> QboFault:
    """500: QBO's Unsupported Operation fault (unknown resource, wrong method)."""
    return QboFault("500", "Unsupported Operation", detail, status=status)


ALLOW_DUPLICATE = "allowduplicatedocnum"
PSEUDO_IDS = frozenset(
    {"TAX", "NON", "CustomSalesTax"}
)  # US TaxCode Ids (tax/qbruby_tax_codes_us.xml)


def check_id(entity: str, object_id: str) -> None:
    """2030 for an Id that is not a number, as recorded (GET customer/1.5)."""
    if object_id.isdigit() or (entity == "TaxCode" and object_id in PSEUDO_IDS):
        return
    raise QboFault(
        "2030",
        "Invalid ID",
        f"Id should be a valid number. Supplied value:{object_id}",
        element="Id",
    )


def not_found(entity: str, object_id: str) -> QboFault:
    """610: the object does not exist (or was deleted)."""
    return QboFault(
        "610",
        "Object Not Found",
        f"Object Not Found : Something you're trying to use has been made inactive. "
        f"Check the fields with accounts, customers, items, vendors or employees. "
        f"({entity} Id {object_id} does not exist)",
        element="Id",
    )


class CompanyApi:
    """Request routing and the write operations; mixed into CompanyBook."""

    _objects: dict[str, dict[str, dict[str, Any]]]
    _deleted: dict[str, dict[str, str]]

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        content_type: str | None,
    ) -> Payload:
        parts = [p for p in path.split("/") if p]
        head = parts[0].lower() if parts else ""
        if method not in ("GET", "POST"):
            raise unsupported(f"Operation {method} is not supported on /{path}", status=405)
        if head == "query":
            text = query.get("query") if method == "GET" else body.decode("utf-8", "replace")
            return 200, {"QueryResponse": self._query(text or "")}
        if head == "batch" and method == "POST":
            return self._batch(self._parse_json(body))  # type: ignore[attr-defined]
        if head == "cdc" and method == "GET":
            return self._cdc(query)
        if head == "reports" and method == "GET" and len(parts) == 2:
            return self._report(parts[1], query)
        if head == "companyinfo" and method == "GET" and len(parts) == 2:
            if parts[1] not in (self.realm_id, "1"):  # type: ignore[attr-defined]
                raise not_found("CompanyInfo", parts[1])
            return 200, {"CompanyInfo": self.company_info()}  # type: ignore[attr-defined]
        if head == "preferences" and method == "GET" and len(parts) == 1:
            return 200, {"Preferences": self.preferences()}  # type: ignore[attr-defined]
        spec = spec_for(head)
        if spec is None or head in ("companyinfo", "preferences") or len(parts) > 2:
            # HTTP 400 with code 500, as recorded (errors/qbo_api_400_unsupported_operation_...)
            raise unsupported(
                f"Operation Could not find resource for relative : /v3/company/"
                f"{self.realm_id}/{path} is not supported."  # type: ignore[attr-defined]
            )
        if method == "GET" and len(parts) == 2:
            check_id(spec.name, parts[1])
            found = self.read_object(spec.name, parts[1])  # type: ignore[attr-defined]
            if found is None:
                raise not_found(spec.name, parts[1])
            return 200, {spec.name: found}
        if method == "POST" and len(parts) == 1:
            include = query.get("include", "")
            if include and include != ALLOW_DUPLICATE:  # e.g. include=void: QBO voids
                raise unsupported(f"include={include} is not supported by the sandbox")
            data = self._parse_json(body)  # type: ignore[attr-defined]
            operation = query.get("operation", "")
            return 200, self._write(spec, operation, data, allow_duplicate=bool(include))
        raise unsupported(f"Operation {method} /{path} is not supported")

    # ----- query --------------------------------------------------------------------------

    def _query(self, text: str) -> dict[str, Any]:
        parsed = parse_query(text)
        spec = spec_for(parsed.entity)
        if spec is None:
            raise QboFault(
                "4001",
                "Invalid query",
                f"QueryValidationError: Invalid context declaration : {parsed.entity}",
            )
        if spec.name == "Preferences":
            rows = [self.preferences()]  # type: ignore[attr-defined]
        elif spec.name == "CompanyInfo":
            rows = [self.company_info()]  # type: ignore[attr-defined]
        else:
            rows = list(self._objects.get(spec.name, {}).values())
        result = run_query(parsed, rows, name_list=spec.name_list)
        if "_rows" in result:
            page = self._public(spec.name, result.pop("_rows"))  # type: ignore[attr-defined]
            result = {spec.name: page, **result}
        return result

    # ----- create, update, delete ---------------------------------------------------------

    def _write(
        self,
        spec: EntitySpec,
        operation: str,
        body: dict[str, Any],
        *,
        allow_duplicate: bool = False,
    ) -> dict[str, Any]:
        if not spec.writable:
            raise unsupported(f"Operation Create/Update is not supported for {spec.name}")
        if operation == "delete":
            return self._delete(spec, body)
        if operation not in ("", "create", "update"):
            raise unsupported(f"Operation {operation} is not supported for {spec.name}")
        check_properties(spec, body)
        object_id = str(body.get("Id") or "").strip()
        if not object_id or object_id == "0":
            prepared = self._prepare(spec, body, None)
            self._check_duplicate(spec, prepared, None, allow_duplicate)
            record = self._insert(spec.name, prepared)  # type: ignore[attr-defined]
            return self._reply_object(spec.name, record)  # type: ignore[attr-defined]
        check_id(spec.name, object_id)
        current = self._current(spec, body)
        if "TxnDate" in current:  # moving a transaction out of a closed period is closed too
            check_closed(self, str(current["TxnDate"]), "current TxnDate")  # type: ignore[arg-type]
        sparse = body.get("sparse") is True or str(body.get("sparse")).lower() == "true"
        merged = {k: v for k, v in current.items() if k not in _SYSTEM} if sparse else {}
        merged.update({k: v for k, v in body.items() if k not in _SYSTEM})
        prepared = self._prepare(spec, merged, object_id)
        self._check_duplicate(spec, prepared, object_id, allow_duplicate)
        unchanged = {k: v for k, v in current.items() if k not in _SYSTEM}
        if sparse and plain_json(prepared) == plain_json(unchanged):
            # a sparse update that changes nothing keeps the SyncToken (recorded:
            # lists/qbo_api_account_read_and_sparse_deactivate.yml)
            return self._reply_object(spec.name, current)  # type: ignore[attr-defined]
        record = {**prepared, "Id": object_id, "domain": "QBO", "sparse": False}
        record["SyncToken"] = str(int(current["SyncToken"]) + 1)
        record["MetaData"] = self._stamp(current["MetaData"])  # type: ignore[attr-defined]
        self._objects[spec.name][object_id] = record
        return self._reply_object(spec.name, record)  # type: ignore[attr-defined]

    def _check_duplicate(
        self,
        spec: EntitySpec,
        prepared: dict[str, Any],
        object_id: str | None,
        allow_duplicate: bool,
    ) -> None:
        """6140 for a journal DocNumber already used, when WarnDuplicateJournalNumber is on
        and the caller did not ask include=allowduplicatedocnum (Intuit's JournalEntry page).
        Sales forms are not checked: the public evidence conflicts (QBO_FACTS.md)."""
        number = prepared.get("DocNumber")
        if spec.name != "JournalEntry" or not number or allow_duplicate:
            return
        if not self.warn_duplicate_journal_number:  # type: ignore[attr-defined]
            return
        for other_id, other in self._objects.get("JournalEntry", {}).items():
            if other_id != object_id and other.get("DocNumber") == number:
                raise duplicate_doc_number(str(number), "Journal Entry", other_id)

    def _current(self, spec: EntitySpec, body: dict[str, Any]) -> dict[str, Any]:
        """The stored object an update or delete names, after the SyncToken check."""
        object_id = str(body.get("Id") or "").strip()
        if not object_id:
            raise required("Id", f"{spec.name} update or delete needs Id")
        current = self.find(spec.name, object_id)  # type: ignore[attr-defined]
        if current is None:
            raise not_found(spec.name, object_id)
        token = body.get("SyncToken")
        if token is None or str(token).strip() == "":
            raise required("SyncToken", f"{spec.name} update or delete needs SyncToken")
        if str(token).strip() != current["SyncToken"]:
            raise QboFault(
                "5010",
                "Stale Object Error",
                f"Stale Object Error : You and another user were working on the same thing. "
                f"The other user finished before you did, so your work was not saved. "
                f"({spec.name} {object_id}: SyncToken {token} sent, {current['SyncToken']} current)",
                element="SyncToken",
            )
        return current

    def _prepare(
        self, spec: EntitySpec, body: dict[str, Any], object_id: str | None
    ) -> dict[str, Any]:
        if spec.name == "JournalEntry":
            return prepare_journal_entry(self, body)  # type: ignore[arg-type]
        if spec.name == "SalesReceipt":
            return prepare_sales_receipt(self, body)  # type: ignore[arg-type]
        if spec.name == "RefundReceipt":
            return prepare_refund_receipt(self, body)  # type: ignore[arg-type]
        return prepare_list_object(self, spec.name, body, object_id=object_id)  # type: ignore[arg-type]

    def _delete(self, spec: EntitySpec, body: dict[str, Any]) -> dict[str, Any]:
        if not spec.deletable:
            raise unsupported(
                f"Operation Delete is not supported for {spec.name}; make it inactive instead"
            )
        current = self._current(spec, body)
        object_id = current["Id"]
        if "TxnDate" in current:
            check_closed(self, str(current["TxnDate"]))  # type: ignore[arg-type]
        del self._objects[spec.name][object_id]
        stamp = self._stamp()["LastUpdatedTime"]  # type: ignore[attr-defined]
        self._deleted.setdefault(spec.name, {})[object_id] = stamp
        return {spec.name: {"Id": object_id, "status": "Deleted", "domain": "QBO"}}

    # ----- batch --------------------------------------------------------------------------

    def _batch(self, body: dict[str, Any]) -> Payload:
        items = body.get("BatchItemRequest")
        if not isinstance(items, list) or not items:
            raise QboFault("400", "MalformedRequest", "Batch Request is Empty")
        if len(items) > MAX_BATCH:
            raise QboFault(
                "400",
                "MalformedRequest",
                f"Batch request has {len(items)} items; at most {MAX_BATCH} are allowed. "
                "Nothing was processed.",
            )
        replies = [self._batch_item(item) for item in items]
        return 200, {"BatchItemResponse": replies}

    def _batch_item(self, item: Any) -> dict[str, Any]:
        bid = str(item.get("bId", "")) if isinstance(item, dict) else ""
        try:
            if not bid:
                raise required("bId", "every batch item needs a bId")
            if "Query" in item:
                return {"bId": bid, "QueryResponse": self._query(str(item["Query"]))}
            names = [k for k in item if k not in ("bId", "operation", "optionsData")]
            if len(names) != 1 or spec_for(names[0]) is None or names[0] not in _NAMES:
                raise invalid_property("BatchItemRequest", f"batch item {bid}: no entity")
            spec = SPECS[names[0].lower()]
            entity_body = item[names[0]]
            if not isinstance(entity_body, dict):
                raise invalid_property(names[0], f"batch item {bid}: not an object")
            operation = str(item.get("operation", "create"))
            if operation == "create" and entity_body.get("Id"):
                raise invalid_property("Id", f"batch item {bid}: create with an Id")
            if operation == "update" and not entity_body.get("Id"):
                raise required("Id", f"batch item {bid}: update needs Id")
            options = item.get("optionsData") or []
            allow = ALLOW_DUPLICATE in (options if isinstance(options, list) else [options])
            return {"bId": bid, **self._write(spec, operation, entity_body, allow_duplicate=allow)}
        except QboFault as fault:
            return {"bId": bid, "Fault": fault.fault_body()}

    # ----- change data capture --------------------------------------------------------------

    def _cdc(self, query: dict[str, str]) -> Payload:
        names = [n.strip() for n in query.get("entities", "").split(",") if n.strip()]
        if not names:
            raise required("entities", "cdc needs entities=JournalEntry,SalesReceipt,...")
        specs = []
        for name in names:
            spec = spec_for(name)
            if spec is None or spec.name in ("CompanyInfo", "Preferences"):
                raise invalid_property("entities", f"cdc does not support entity {name!r}")
            specs.append(spec)
        since_text = query.get("changedSince", "")
        since = parse_time(since_text) if since_text else None
        if since is None:
            raise required("changedSince", "cdc needs changedSince as an ISO date-time")
        now = self._clock()  # type: ignore[attr-defined]
        now = now if now.tzinfo else parse_time(now.isoformat() + "+00:00")
        if since < now - timedelta(days=CDC_DAYS):
            raise invalid_property(
                "changedSince",
                f"changedSince {since_text} is more than {CDC_DAYS} days in the past",
            )
        responses = []
        for spec in specs:
            changed = [
                r
                for r in self._objects.get(spec.name, {}).values()
                if _after(r["MetaData"]["LastUpdatedTime"], since)
            ]
            changed = self._public(spec.name, changed)  # type: ignore[attr-defined]
            for object_id, when in self._deleted.get(spec.name, {}).items():
                if _after(when, since):
                    changed.append(
                        {
                            "Id": object_id,
                            "status": "Deleted",
                            "domain": "QBO",
                            "MetaData": {"LastUpdatedTime": when},
                        }
                    )
            changed.sort(key=lambda r: r["MetaData"]["LastUpdatedTime"])
            changed = changed[:CDC_MAX]
            if changed:
                responses.append(
                    {spec.name: changed, "startPosition": 1, "maxResults": len(changed)}
                )
        return 200, {"CDCResponse": [{"QueryResponse": responses}]}

    # ----- reports --------------------------------------------------------------------------

    def _report(self, name: str, query: dict[str, str]) -> Payload:
        if name.lower() != "journalreport":
            raise unsupported(f"Report {name} is not available in the sandbox")
        today = self.today()  # type: ignore[attr-defined]
        start = query.get("start_date") or today[:8] + "01"
        end = query.get("end_date") or today
        for label, value in (("start_date", start), ("end_date", end)):
            if parse_time(value) is None or len(value) != 10:
                raise invalid_property(label, f"{label} '{value}' is not a date (YYYY-MM-DD)")
        return 200, journal_report(self, start, end, self._time())  # type: ignore[arg-type, attr-defined]


_SYSTEM = frozenset({"Id", "SyncToken", "MetaData", "sparse", "domain"})
_NAMES = frozenset(spec.name for spec in SPECS.values() if spec.writable)


def _after(stamp: str, since: Any) -> bool:
    moment = parse_time(stamp)
    return moment is not None and moment >= since
