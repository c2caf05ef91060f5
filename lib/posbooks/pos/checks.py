"""Set-based DuckDB SQL that types raw export columns and finds every problem in them.

For each canonical column, ``column_rules`` gives the SQL that turns the raw value into the
canonical type and the row conditions that make it wrong (with the message to show).
Files whose columns already have canonical types get identity expressions, so the view
over them stays a plain ``read_parquet`` projection that row-group statistics can prune.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from posbooks.core.model import LINE_TYPES
from posbooks.pos.columns import CANONICAL_COLUMNS

TEXT_TYPES = ("VARCHAR",)
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                 "UINTEGER", "UBIGINT")  # fmt: skip
FLOAT_TYPES = ("FLOAT", "DOUBLE", "REAL")
# A number as a POS writes it: optional sign, digits, optional dot and decimals.
NUMBER_PATTERN = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
# Which line types need which column filled in.
REQUIRED_ON = {"category": "item", "tax_code": "tax", "payment_method": "payment"}


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def shown(raw: str) -> str:
    """SQL for a raw value as it appears in a message (cut short if long)."""
    return f"left(CAST({raw} AS VARCHAR), 40)"


def message(template: str, raw: str) -> str:
    """SQL building a message; '{}' in template is replaced by the raw value."""
    before, _, after = template.partition("{}")
    return f"({literal(before)} || {shown(raw)} || {literal(after)})"


@dataclass(frozen=True)
class Rule:
    """A row condition that is a problem in ``column``, with the SQL for its message."""

    column: str
    condition: str
    message: str


@dataclass(frozen=True)
class ColumnPlan:
    typed: str  # SQL of the canonical value, over r_<name> (the raw column)
    rules: tuple[Rule, ...]
    # A cheap condition over t_<name>/r_<name> that every rule implies: rows without it
    # skip the rules (their regexes cost seconds on millions of text values). None: no gate.
    suspect: str | None = None


class WrongColumnType(Exception):
    """A Parquet column whose type cannot hold the canonical value at all."""


def _decimal_rules(name: str, raw: str, rtype: str, scale: int, required: bool) -> ColumnPlan:
    target = f"DECIMAL(18,{scale})"
    empty = (Rule(name, f"{raw} IS NULL", literal(f"{name} is empty")),) if required else ()
    too_many = f"{name} '{{}}' has more than {scale} decimals"
    too_large = f"{name} '{{}}' is too large"
    if rtype.startswith("DECIMAL"):
        precision, rscale = (int(x) for x in rtype[8:-1].split(","))
        if rscale <= scale and precision - rscale <= 18 - scale:
            return ColumnPlan(f"CAST({raw} AS {target})", empty)
        typed = f"TRY_CAST({raw} AS {target})"
        return ColumnPlan(typed, (*empty,
            Rule(name, f"{raw} <> round({raw}, {scale})", message(too_many, raw)),
            Rule(name, f"{raw} = round({raw}, {scale}) AND {typed} IS NULL", message(too_large, raw)),
        ))  # fmt: skip
    if rtype in INTEGER_TYPES:
        typed = f"TRY_CAST({raw} AS {target})"
        return ColumnPlan(
            typed,
            (*empty, Rule(name, f"{raw} IS NOT NULL AND {typed} IS NULL", message(too_large, raw))),
        )
    if rtype in FLOAT_TYPES:
        typed = f"TRY_CAST(round({raw}, {scale}) AS {target})"
        scaled = f"{raw} * {10**scale}"
        # Past what DECIMAL(18, scale) holds a double has no cents to judge (1e308 * 100 is inf).
        fits = f"isfinite({raw}) AND abs({raw}) < {10 ** (18 - scale)}"
        return ColumnPlan(typed, (*empty,
            Rule(name, f"NOT isfinite({raw})", message(f"{name} '{{}}' is not a number", raw)),
            Rule(name, f"{fits} AND abs({scaled} - round({scaled})) > 1e-6", message(too_many, raw)),
            Rule(name, f"isfinite({raw}) AND NOT ({fits} AND abs({scaled} - round({scaled})) > 1e-6) "
                       f"AND {typed} IS NULL", message(too_large, raw)),
        ))  # fmt: skip
    if rtype not in TEXT_TYPES:
        raise WrongColumnType(f"column {name} holds {rtype} values; expected numbers")
    s = f"NULLIF(trim({raw}), '')"
    is_number = f"regexp_full_match({s}, '{NUMBER_PATTERN}')"
    # The digits after the dot (a number has at most one): split_part is cheaper than a regex.
    decimals = f"length(rtrim(split_part({s}, '.', 2), '0'))"
    typed = _fast(
        f"CAST(TRY_CAST({raw} AS {target}) AS VARCHAR) = {raw}",
        f"TRY_CAST({raw} AS {target})",
        f"CASE WHEN {is_number} AND {decimals} <= {scale} THEN TRY_CAST({s} AS {target}) END",
    )
    hint = " (use a dot for decimals and no thousands separator, e.g. 1234.50)"
    empty = (Rule(name, f"{s} IS NULL", literal(f"{name} is empty")),) if required else ()
    return ColumnPlan(typed, (*empty,
        Rule(name, f"{s} IS NOT NULL AND NOT {is_number}", message(f"{name} '{{}}' is not a number{hint}", s)),
        Rule(name, f"{is_number} AND {decimals} > {scale}", message(too_many, s)),
        Rule(name, f"{is_number} AND {decimals} <= {scale} AND {typed} IS NULL", message(too_large, s)),
    ))  # fmt: skip


def _fast(canonical: str, value: str, general: str) -> str:
    """SQL typing text by ``general``, but first by ``value`` on rows where ``canonical`` holds:
    text that is exactly the canonical rendering of its value (2026-11-24, 15.90), as POS
    exports write nearly every value. The general path's regexes and trims cost seconds on
    millions of values; the result is the same either way, as tests/unit/test_checks_fast.py checks."""
    return f"CASE WHEN {canonical} THEN {value} ELSE {general} END"


def written_as_its_date(text: str) -> str:
    """SQL true where the text ``text`` is exactly its date's own rendering (2026-11-24)."""
    return f"length({text}) = 10 AND CAST(TRY_CAST({text} AS DATE) AS VARCHAR) = {text}"


def _date_rules(name: str, raw: str, rtype: str) -> ColumnPlan:
    empty = Rule(name, f"{raw} IS NULL", literal(f"{name} is empty"))
    if rtype == "DATE":
        return ColumnPlan(raw, (empty,))
    if rtype.startswith("TIMESTAMP"):
        typed = f"CAST({raw} AS DATE)"
        has_time = f"CAST({raw} AS TIMESTAMP) <> CAST({typed} AS TIMESTAMP)"
        msg = f"{name} '{{}}' has a time of day; expected a date"
        return ColumnPlan(typed, (empty, Rule(name, has_time, message(msg, raw))))
    if rtype not in TEXT_TYPES:
        raise WrongColumnType(f"column {name} holds {rtype} values; expected dates")
    s = f"NULLIF(trim({raw}), '')"
    typed = _fast(
        written_as_its_date(raw),
        f"TRY_CAST({raw} AS DATE)",
        f"CASE WHEN regexp_full_match({s}, '{DATE_PATTERN}') THEN TRY_CAST({s} AS DATE) END",
    )
    msg = f"{name} '{{}}' is not a date (expected YYYY-MM-DD, e.g. 2026-11-24)"
    return ColumnPlan(typed, (
        Rule(name, f"{s} IS NULL", literal(f"{name} is empty")),
        Rule(name, f"{s} IS NOT NULL AND {typed} IS NULL", message(msg, s)),
    ))  # fmt: skip


def _timestamp_rules(name: str, raw: str, rtype: str) -> ColumnPlan:
    if rtype.startswith("TIMESTAMP") or rtype == "DATE":
        return ColumnPlan(f"CAST({raw} AS TIMESTAMP)", ())
    if rtype not in TEXT_TYPES:
        raise WrongColumnType(f"column {name} holds {rtype} values; expected date and time")
    s = f"NULLIF(trim({raw}), '')"
    # DuckDB's timestamp parser skips the blanks trim would cut, so a value it reads as is
    # reads the same trimmed: no rendering to compare (that cost ~1.4 s on a year's CSV).
    typed = _fast(
        f"TRY_CAST({raw} AS TIMESTAMP) IS NOT NULL",
        f"TRY_CAST({raw} AS TIMESTAMP)",
        f"TRY_CAST({s} AS TIMESTAMP)",
    )
    msg = f"{name} '{{}}' is not a date and time (expected YYYY-MM-DD HH:MM:SS)"
    return ColumnPlan(typed, (Rule(name, f"{s} IS NOT NULL AND {typed} IS NULL", message(msg, s)),))


def _boolean_rules(name: str, raw: str, rtype: str) -> ColumnPlan:
    if rtype == "BOOLEAN":
        return ColumnPlan(f"coalesce({raw}, false)", ())
    if rtype in INTEGER_TYPES:
        msg = message(f"{name} '{{}}' is not true or false (use true/false or 1/0)", raw)
        return ColumnPlan(
            f"coalesce({raw} <> 0, false)", (Rule(name, f"{raw} NOT IN (0, 1)", msg),)
        )
    if rtype not in TEXT_TYPES:
        raise WrongColumnType(f"column {name} holds {rtype} values; expected true/false")
    s = f"lower(trim({raw}))"
    words = lambda ws: ", ".join(literal(w) for w in ws)  # noqa: E731
    typed = _fast(
        f"{raw} IN ('false', 'true')",
        f"{raw} = 'true'",
        f"CASE WHEN {s} IN ({words(TRUE_WORDS)}) THEN true "
        f"WHEN {raw} IS NULL OR {s} IN ('', {words(FALSE_WORDS)}) THEN false END",
    )
    msg = message(f"{name} '{{}}' is not true or false (use true/false or 1/0)", raw)
    return ColumnPlan(typed, (Rule(name, f"({typed}) IS NULL", msg),))


def _text_rules(name: str, raw: str) -> ColumnPlan:
    typed = f"NULLIF(trim(CAST({raw} AS VARCHAR)), '')"
    if name == "line_type":
        typed = f"lower({typed})"
        allowed = ", ".join(LINE_TYPES)
        known = ", ".join(literal(t) for t in LINE_TYPES)
        msg = message(f"line_type '{{}}' is not one of: {allowed}", raw)
        return ColumnPlan(typed, (
            Rule(name, f"{typed} IS NULL", literal("line_type is empty")),
            Rule(name, f"{typed} NOT IN ({known})", msg),
        ))  # fmt: skip
    if name in ("outlet", "receipt_no"):
        return ColumnPlan(typed, (Rule(name, f"{typed} IS NULL", literal(f"{name} is empty")),))
    if name in REQUIRED_ON:
        kind = REQUIRED_ON[name]
        condition = f"t_line_type = '{kind}' AND {typed} IS NULL"
        return ColumnPlan(
            typed,
            (
                Rule(
                    name,
                    condition,
                    literal(f"{name} is empty on {'an' if kind == 'item' else 'a'} {kind} line"),
                ),
            ),
        )
    return ColumnPlan(typed, ())


def column_plan(name: str, rtype: str | None) -> ColumnPlan:
    """How to type the raw column ``r_<name>`` of DuckDB type ``rtype`` (None = absent)."""
    raw = quote(f"r_{name}")
    if rtype is None:
        canonical = dict(CANONICAL_COLUMNS)[name]
        default = "false" if name == "voided" else f"CAST(NULL AS {canonical})"
        return ColumnPlan(default, ())
    typed = quote(f"t_{name}")
    # Text that fails any rule never types; optional columns may also be blank.
    suspect = f"{typed} IS NULL" if rtype in TEXT_TYPES else None
    optional = f"{suspect} AND {raw} <> ''" if suspect else None
    if name == "business_date":
        return replace(_date_rules(name, raw, rtype), suspect=suspect)
    if name == "amount":
        return replace(_decimal_rules(name, raw, rtype, 2, required=True), suspect=suspect)
    if name == "quantity":
        return replace(_decimal_rules(name, raw, rtype, 3, required=False), suspect=optional)
    if name == "closed_at":
        return replace(_timestamp_rules(name, raw, rtype), suspect=optional)
    if name == "voided":
        return replace(_boolean_rules(name, raw, rtype), suspect=suspect)
    return _text_rules(name, raw)
