"""SQL that reads a POS's own text: amounts as written for people, dates in the account's
order, 12-hour times, TRUE/FALSE flags, and ids that Excel has destroyed.

Every function returns a DuckDB SQL expression over a text expression ``v``; it is NULL when
the text does not read (the caller turns that into a problem naming row and column).
Amounts are DECIMAL(18,5) (Toast's per-item tax has 4-5 places): never DOUBLE.
"""

from __future__ import annotations

import duckdb

from posbooks.pos.checks import literal, quote

AMOUNT_TYPE = "DECIMAL(18,5)"
# A currency sign or code around the number: $, €, R, Rs, ZAR, PKR ...
_SIGN = r"([A-Z]{1,3}\p{Sc}?|\p{Sc}|Rs\.?)?"
_DOT_NUMBER = r"([0-9]{1,3}(,[0-9]{3})+|[0-9]+)?(\.[0-9]+)?"
_COMMA_NUMBER = r"([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)?(,[0-9]+)?"


def _amount_shape(number: str) -> str:
    return rf"^\(?\s*[-+]?\s*{_SIGN}\s*[-+]?\s*{number}\s*{_SIGN}\s*\)?\s*-?$"


def amount(v: str, decimal_comma: bool = False) -> str:
    """``$1,149.00 ``, ``($33.62)``, ``-$7.00``, ``1.234,50`` (decimal comma) -> DECIMAL; blank -> 0."""
    text = f"trim(CAST({v} AS VARCHAR))"
    shape = _amount_shape(_COMMA_NUMBER if decimal_comma else _DOT_NUMBER)
    digits = f"regexp_extract({text}, '[0-9.,]*[0-9]')"
    plain = (
        f"replace(replace({digits}, '.', ''), ',', '.')"
        if decimal_comma
        else f"replace({digits}, ',', '')"
    )
    negative = f"(starts_with({text}, '(') OR contains({text}, '-'))"
    slow = (
        # Excel writes a zero (or a tiny tax) as 0.00E+00: exact, read as a decimal.
        f"CASE WHEN regexp_matches({text}, '^-?[0-9]+(\\.[0-9]+)?[eE][+-]?[0-9]+$') "
        f"THEN TRY_CAST({text} AS {AMOUNT_TYPE}) "
        f"WHEN NOT regexp_matches({text}, {literal(shape)}) "
        f"OR NOT regexp_matches({text}, '[0-9]') THEN NULL "
        f"ELSE TRY_CAST((CASE WHEN {negative} THEN '-' ELSE '' END) || {plain} AS {AMOUNT_TYPE}) END"
    )
    # The usual $12.00 / -$7.00 / 0.4825 read by one cast (coalesce tries the regexes only
    # where it fails); a cast would take 1_000, so not those.
    fast = (
        "NULL" if decimal_comma else
        f"CASE WHEN NOT contains({text}, '_') THEN TRY_CAST(replace({text}, '$', '') AS "
        f"{AMOUNT_TYPE}) END"
    )  # fmt: skip
    return (
        f"CASE WHEN {v} IS NULL OR {text} = '' THEN CAST(0 AS {AMOUNT_TYPE}) "
        f"ELSE coalesce({fast}, {slow}) END"
    )


def uses_decimal_comma(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> bool:
    """Whether the amounts of ``columns`` are written with a decimal comma (``1.234,50``).

    Only when some value ends in a comma and 1-2 digits and none ends in a dot and 1-2
    digits: ``1,149.00`` and ``1,234`` are read the US way.
    """
    if not columns:
        return False
    # Only values with a comma can be written the European way: the rest are not scanned.
    text = " UNION ALL ".join(
        f"SELECT trim({quote(c)}) AS v FROM {quote(table)} WHERE contains({quote(c)}, ',')"
        for c in columns
    )
    (commas,) = con.execute(
        f"SELECT count(*) FILTER (regexp_matches(v, ',[0-9]{{1,2}}[^0-9]*$')) FROM ({text})"
    ).fetchall()[0]
    if not commas:
        return False
    text = " UNION ALL ".join(f"SELECT trim({quote(c)}) AS v FROM {quote(table)}" for c in columns)
    comma, dot = con.execute(
        f"SELECT count(*) FILTER (regexp_matches(v, ',[0-9]{{1,2}}[^0-9]*$')), "
        f"count(*) FILTER (regexp_matches(v, '\\.[0-9]{{1,2}}[^0-9]*$')) FROM ({text})"
    ).fetchall()[0]
    return comma > 0 and dot == 0


_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p")


def _formats(date_formats: tuple[str, ...], text: str) -> str:
    """try_strptime of ``text`` over the formats: a failed format costs about a microsecond
    a value, so a value without a time is tried only against dates without one."""
    dated = ", ".join(literal(d) for d in date_formats)
    timed = ", ".join(
        literal(f"{d}{sep}{t}") for d in date_formats for sep in (" ", ", ") for t in _TIME_FORMATS
    )
    return (f"(CASE WHEN contains({text}, ':') THEN try_strptime({text}, [{timed}]) "
            f"ELSE try_strptime({text}, [{dated}]) END)")  # fmt: skip


def timestamp(v: str, day_first: bool = False) -> str:
    """A date, or date and time, as POS back offices write them -> TIMESTAMP (NULL if not).

    ISO ``2026-05-30 13:03:14``; ``1/2/2021 11:37``, ``01/10/26 2:05 PM`` (month first, or
    day first when ``day_first``); ``Oct 1, 2026 2:05 PM``; ``1 Oct 2026 14:05``.
    """
    text = f"regexp_replace(trim(CAST({v} AS VARCHAR)), '\\s+', ' ', 'g')"
    md = ("%d/%m", "%d.%m", "%d-%m") if day_first else ("%m/%d", "%m.%d", "%m-%d")
    upper = f"upper({text})"
    long_year = _formats(tuple(f"{p}/%Y".replace("/%Y", p[2] + "%Y") for p in md), upper)
    short_year = _formats(tuple(f"{p}{p[2]}%y" for p in md), upper)
    iso = _formats(("%Y-%m-%d", "%Y/%m/%d"), f"replace({text}, 'T', ' ')")
    words = _formats(("%b %d, %Y", "%d %b %Y", "%B %d, %Y", "%d %B %Y", "%b %d %Y"), text)
    return (
        f"CASE WHEN {v} IS NULL OR trim(CAST({v} AS VARCHAR)) = '' THEN NULL "
        # ISO dates and times (Square's) read by one cast; the formats only for the rest.
        f"WHEN regexp_matches({text}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}( [0-9]{{2}}:[0-9]{{2}}(:[0-9]{{2}})?)?$') "
        f"THEN TRY_CAST({text} AS TIMESTAMP) "
        f"WHEN regexp_matches({text}, '^[0-9]{{4}}[-/]') THEN {iso} "
        f"WHEN regexp_matches({text}, '^[0-9]{{1,2}}[/.-][0-9]{{1,2}}[/.-][0-9]{{4}}') THEN {long_year} "
        f"WHEN regexp_matches({text}, '^[0-9]{{1,2}}[/.-][0-9]{{1,2}}[/.-][0-9]{{2}}(\\D|$)') "
        f"THEN {short_year} "
        f"ELSE {words} END"
    )


def day_order(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool | None:
    """True when the dates of ``column`` can only be day-first (a first number above 12),
    False when only month-first, None when every date reads both ways (or is ISO)."""
    first, second = con.execute(
        f"SELECT max(TRY_CAST(regexp_extract(trim({quote(column)}), '^([0-9]{{1,2}})[/.-]', 1) AS INT)), "
        f"max(TRY_CAST(regexp_extract(trim({quote(column)}), '^[0-9]{{1,2}}[/.-]([0-9]{{1,2}})[/.-]', 1) AS INT)) "
        f"FROM {quote(table)}"
    ).fetchall()[0]
    if first is not None and first > 12:
        return True
    if second is not None and second > 12:
        return False
    return None


def flag(v: str) -> str:
    """TRUE/FALSE, Yes/No, 1/0, Y/N (blank = false) -> BOOLEAN; NULL when not a flag."""
    text = f"lower(trim(CAST({v} AS VARCHAR)))"
    return (
        f"CASE WHEN {v} IS NULL OR {text} IN ('', 'false', 'no', 'n', '0', 'f') THEN false "
        f"WHEN {text} IN ('true', 'yes', 'y', '1', 't') THEN true END"
    )


def damaged_id(v: str) -> str:
    """True for an id Excel turned into a number in scientific notation (``5E+17``)."""
    return f"regexp_matches(trim(CAST({v} AS VARCHAR)), '^[0-9](\\.[0-9]+)?[eE]\\+[0-9]+$')"


def ids_damaged(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Whether any id in ``column`` was destroyed by Excel: then it must not be joined on."""
    return bool(
        con.execute(
            f"SELECT count(*) FILTER ({damaged_id(quote(column))}) FROM {quote(table)}"
        ).fetchall()[0][0]
    )


def text(v: str) -> str:
    """Trimmed text, NULL when blank."""
    return f"nullif(trim(CAST({v} AS VARCHAR)), '')"
