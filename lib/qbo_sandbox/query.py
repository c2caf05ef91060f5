"""The subset of QBO's query language that python-quickbooks emits, parsed and run.

SELECT * | COUNT(*) | f1, f2 FROM Entity [WHERE cond [AND cond ...]]
[ORDERBY|ORDER BY f [ASC|DESC][, ...]] [STARTPOSITION n] [MAXRESULTS n]
cond: f = < > <= >= 'v' | f IN ('a', 'b') | f LIKE '%x%'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from qbo_sandbox.entities import parse_time, to_decimal
from qbo_sandbox.validation import QboFault

MAX_RESULTS = 1000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DEFAULT_RESULTS = 100

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|\\.|'')*')
    | (?P<op><=|>=|!=|<>|=|<|>|\(|\)|,|\*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<number>-?\d+(?:\.\d+)?)
    )""",
    re.VERBOSE,
)


def parse_error(query: str, detail: str) -> QboFault:
    """4000: QBO's answer to a query it cannot parse."""
    return QboFault(
        "4000", "Error parsing query", f"QueryParserError: {detail} (query: {query[:200]})"
    )


def too_small(value: int) -> QboFault:
    """4001 for STARTPOSITION 0 (recorded: errors/qbruby_query_validation_4001.xml)."""
    return QboFault(
        "4001",
        "Invalid query",
        f"QueryValidationError: value {value} is too small. Min allowed value is 1",
    )


@dataclass(frozen=True)
class Condition:
    """One WHERE condition: field, operator (=, <, IN, LIKE ...) and value(s)."""

    field: str
    op: str
    values: tuple[Any, ...]


@dataclass
class Query:
    """A parsed SELECT."""

    entity: str
    count: bool = False
    fields: tuple[str, ...] = ()
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)
    start: int = 1
    max_results: int = DEFAULT_RESULTS


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip().rstrip(";")
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise parse_error(text, f"unexpected character at column {pos + 1}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else ""

    def peek_word(self) -> str:
        return self.peek().upper()

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise parse_error(self.text, f"expected {expected or 'more'} at end of query")
        token = self.tokens[self.pos]
        if expected is not None and token[1].upper() != expected:
            raise parse_error(self.text, f"expected {expected}, found {token[1]!r}")
        self.pos += 1
        return token

    def name(self) -> str:
        kind, value = self.take()
        if kind != "word":
            raise parse_error(self.text, f"expected a field name, found {value!r}")
        return value

    def value(self) -> Any:
        kind, value = self.take()
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", value[1:-1].replace("''", "'"))
        if kind == "number":
            return Decimal(value)
        if kind == "word" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise parse_error(self.text, f"expected a value, found {value!r}")

    def parse(self) -> Query:
        self.take("SELECT")
        count, fields = False, []
        if self.peek_word() == "COUNT":
            self.take()
            self.take("(")
            self.take("*")
            self.take(")")
            count = True
        else:
            while True:
                fields.append("*" if self.peek() == "*" and self.take() else self.name())
                if self.peek() != ",":
                    break
                self.take(",")
        self.take("FROM")
        query = Query(self.name(), count=count, fields=tuple(fields))
        if self.peek_word() == "WHERE":
            self.take()
            query.where.append(self.condition())
            while self.peek_word() == "AND":
                self.take()
                query.where.append(self.condition())
        if self.peek_word() in ("ORDERBY", "ORDER"):
            if self.take()[1].upper() == "ORDER":
                self.take("BY")
            while True:
                column = self.name()
                descending = False
                if self.peek_word() in ("ASC", "DESC"):
                    descending = self.take()[1].upper() == "DESC"
                query.order.append((column, descending))
                if self.peek() != ",":
                    break
                self.take(",")
        # either order: 'MAXRESULTS 1000 STARTPOSITION 1' is answered 200 (recorded:
        # query/qbo_api_query_salesreceipt_maxresults_before_startposition.yml)
        seen: set[str] = set()
        while self.peek_word() in {"STARTPOSITION", "MAXRESULTS"} - seen:
            word = self.take()[1].upper()
            seen.add(word)
            if word == "STARTPOSITION":
                query.start = self.integer()
            else:
                query.max_results = self.integer()
        if self.pos < len(self.tokens):
            raise parse_error(self.text, f"unexpected {self.peek()!r}")
        if query.start < 1:
            raise too_small(query.start)
        if query.max_results < 1:
            raise too_small(query.max_results)
        if query.max_results > MAX_RESULTS:
            raise parse_error(self.text, f"MAXRESULTS must be between 1 and {MAX_RESULTS}")
        return query

    def integer(self) -> int:
        kind, value = self.take()
        if kind != "number" or "." in value:
            raise parse_error(self.text, f"expected a whole number, found {value!r}")
        return int(value)

    def condition(self) -> Condition:
        column = self.name()
        op = self.peek_word()
        if op == "IN":
            self.take()
            self.take("(")
            values = [self.value()]
            while self.peek() == ",":
                self.take(",")
                values.append(self.value())
            self.take(")")
            return Condition(column, "IN", tuple(values))
        if op == "LIKE":
            self.take()
            return Condition(column, "LIKE", (self.value(),))
        kind, symbol = self.take()
        if symbol not in ("=", "<", ">", "<=", ">="):  # Intuit lists no != or <>
            raise parse_error(self.text, f"unknown operator {symbol!r}")
        return Condition(column, symbol, (self.value(),))


def parse_query(text: str) -> Query:
    """Parse a query string; QboFault 4000 when it is not one the sandbox understands."""
    if not text or not text.strip():
        raise parse_error(text or "", "empty query")
    return _Parser(text).parse()


def field_value(obj: dict[str, Any], path: str) -> Any:
    """A (nested, case-insensitive) field; a reference compares by its value (Id)."""
    current: Any = obj
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        # The exact spelling is the common case; the case-insensitive scan is the fallback.
        key = (
            part
            if part in current
            else next((k for k in current if k.lower() == part.lower()), None)
        )
        if key is None:
            return None
        current = current[key]
    if isinstance(current, dict) and "value" in current:
        return current["value"]
    return current


def _comparable(left: Any, right: Any) -> tuple[Any, Any] | None:
    if isinstance(right, bool) or isinstance(left, bool):
        return (left, right) if isinstance(left, bool) and isinstance(right, bool) else None
    if isinstance(right, Decimal) or isinstance(left, Decimal | int):
        left_number, right_number = to_decimal(left), to_decimal(right)
        if left_number is None or right_number is None:
            return None
        return left_number, right_number
    if isinstance(left, str) and isinstance(right, str):
        if _DATE.match(left) and _DATE.match(right):
            left_time, right_time = parse_time(left), parse_time(right)
            if isinstance(left_time, datetime) and isinstance(right_time, datetime):
                return left_time, right_time
        return left.lower(), right.lower()  # QBO string matching ignores case
    return None


def _matches(obj: dict[str, Any], cond: Condition) -> bool:
    actual = field_value(obj, cond.field)
    if actual is None:
        return False
    if cond.op == "IN":
        return any(_compare(actual, "=", v) for v in cond.values)
    if cond.op == "LIKE":
        pattern = "".join(".*" if c == "%" else re.escape(c) for c in str(cond.values[0]))
        return re.fullmatch(pattern, str(actual), re.IGNORECASE | re.DOTALL) is not None
    return _compare(actual, cond.op, cond.values[0])


def _compare(actual: Any, op: str, value: Any) -> bool:
    pair = _comparable(actual, value)
    if pair is None:
        return False
    left, right = pair
    return {
        "=": left == right,
        "<": left < right,
        ">": left > right,
        "<=": left <= right,
        ">=": left >= right,
    }[op]


def _prepared(cond: Condition) -> Callable[[dict[str, Any]], bool]:
    """A test for one condition, with the value list of IN looked up in a set when it can be.

    Strings that are not dates compare case-insensitively, so a plain text value is in the
    list exactly when its lowercase is in the lowercased list; anything else (numbers,
    dates, booleans) takes the general comparison.
    """
    texts = [v for v in cond.values if isinstance(v, str) and not _DATE.match(v)]
    if cond.op != "IN" or len(texts) != len(cond.values):
        return lambda obj: _matches(obj, cond)
    wanted = {v.lower() for v in texts}

    def test(obj: dict[str, Any]) -> bool:
        actual = field_value(obj, cond.field)
        if isinstance(actual, str):
            return actual.lower() in wanted
        return actual is not None and _matches(obj, cond)

    return test


def _sort_key(obj: dict[str, Any], column: str) -> tuple[int, Any]:
    value = field_value(obj, column)
    number = to_decimal(value) if not isinstance(value, bool) else None
    if number is not None:
        return (0, number)
    return (1, str(value).lower()) if value is not None else (2, "")


def run_query(
    query: Query, objects: Iterable[dict[str, Any]], *, name_list: bool
) -> dict[str, Any]:
    """Filter, order and page objects; returns the inside of a QueryResponse."""
    rows = list(objects)
    mentions_active = any(c.field.lower() == "active" for c in query.where)
    if name_list and not mentions_active:
        rows = [row for row in rows if row.get("Active") is not False]  # QBO hides inactive
    tests = [_prepared(c) for c in query.where]
    rows = [row for row in rows if all(test(row) for test in tests)]
    if query.count:
        return {"totalCount": len(rows)}
    rows.sort(key=lambda row: int(row["Id"]) if str(row.get("Id", "")).isdigit() else 0)
    for column, descending in reversed(query.order):
        rows.sort(key=lambda row, c=column: _sort_key(row, c), reverse=descending)
    page = rows[query.start - 1 : query.start - 1 + query.max_results]
    if not page:
        return {}
    if "*" not in query.fields:
        page = [_project(row, query.fields) for row in page]
    return {"startPosition": query.start, "maxResults": len(page), "_rows": page}


def _project(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    wanted = {f.split(".")[0].lower() for f in fields} | {"id", "synctoken", "domain"}
    out = {key: value for key, value in row.items() if key.lower() in wanted}
    out["sparse"] = True
    return out
