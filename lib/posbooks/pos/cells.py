"""Excel cell values as the text a CSV export of them would hold, a column at a time.

``cell_text`` is the rule, value by value. ``column_text`` gives the same text for a whole
column: values of one kind go to Arrow as a typed array and are rendered by Arrow's
casts, in C; a value whose rendering Arrow might not give exactly as ``cell_text`` does
(a float needing an exponent or more than ten decimals, say) is rendered by ``cell_text``.
tests/unit/test_excel_cells.py holds the two renderings equal on many awkward values.
"""

from __future__ import annotations

import datetime as dt

# numpy and pyarrow.compute (~0.2 s to import) when a workbook is read
from posbooks.pos.loaders import np, pa, pc

# Below 2**18 a float's spacing is under 1e-10, so its shortest round-trip text, when it has
# at most ten decimals, is also its value rounded to ten places (what cell_text writes).
_EXACT_BELOW = float(1 << 18)
_PLAIN_DECIMAL = r"^-?[0-9]+(\.[0-9]{1,10})?$"
_DAY_US = 86_400_000_000


def cell_text(value: object) -> str | None:
    """An Excel cell as the text a CSV export of it would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return float_text(value)
    return str(value)


def float_text(value: float) -> str:
    """A number as ten decimals at most: hides binary noise (10.600000000000001 is 10.6)
    but keeps a real third decimal."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _float_texts(values) -> pa.Array:
    numbers = pa.array(values, pa.float64())
    texts = pc.cast(numbers, pa.string())  # the shortest text that reads back as the number
    exact = pc.and_(
        pc.less(pc.abs(numbers), _EXACT_BELOW),
        pc.match_substring_regex(texts, _PLAIN_DECIMAL),  # no exponent, nan, inf
    )
    exact = pc.and_(exact, pc.not_equal(texts, "-0"))
    return _patched(texts, exact, values, float_text)


def _datetime_texts(values) -> pa.Array:
    stamps = pa.array(values, pa.timestamp("us"))  # python-calamine's datetimes are naive
    micros = np.asarray(stamps.cast(pa.int64()))
    midnight = pa.array(micros % _DAY_US == 0)
    whole = pa.array(micros % 1_000_000 == 0)
    texts = pc.if_else(
        midnight,
        pc.cast(pc.cast(stamps, pa.date32(), safe=False), pa.string()),
        pc.if_else(
            whole,
            pc.cast(pc.cast(stamps, pa.timestamp("s"), safe=False), pa.string()),
            pc.cast(stamps, pa.string()),  # six decimals, as isoformat writes a fraction
        ),
    )
    exact = pc.and_(  # the years whose ISO text Arrow surely writes as Python does
        pc.greater_equal(pc.year(stamps), 1000), pc.less_equal(pc.year(stamps), 9999)
    )
    return _patched(texts, exact, values, cell_text)


def _date_texts(values) -> pa.Array:
    days = pa.array(values, pa.date32())
    exact = pc.and_(pc.greater_equal(pc.year(days), 1000), pc.less_equal(pc.year(days), 9999))
    return _patched(pc.cast(days, pa.string()), exact, values, dt.date.isoformat)


def _patched(texts: pa.Array, exact: pa.Array, values, render) -> pa.Array:
    """``texts`` with each value not known ``exact`` rendered by ``render`` instead."""
    if pc.all(exact).as_py():
        return texts
    others = np.flatnonzero(~np.asarray(exact, dtype=bool))
    redone = pa.array([render(values[i]) for i in others.tolist()], pa.string())
    mask = np.zeros(len(texts), dtype=bool)
    mask[others] = True
    return pc.replace_with_mask(texts, pa.array(mask), redone)


# How a column of one kind of value becomes text: typed Arrow arrays where that is exact.
_TEXTS_OF = {
    float: _float_texts,
    dt.datetime: _datetime_texts,
    dt.date: _date_texts,
    int: lambda values: pc.cast(pa.array(values, pa.int64()), pa.string()),
    bool: lambda values: pc.cast(pa.array(values, pa.bool_()), pa.string()),  # true, false
    str: lambda values: pa.array(values, pa.string()),
}


def _texts(kind: type, values) -> pa.Array:
    vector = _TEXTS_OF.get(kind)
    if vector is not None:
        return vector(values)
    return pa.array(list(map(cell_text, values)), pa.string())


def column_text(values: tuple) -> pa.Array:
    """One column of cells as text, blank as null: converted by kind, not cell by cell."""
    kinds = set(map(type, values))
    if len(kinds) <= 1:
        array = _texts(kinds.pop(), values) if kinds else pa.array([], pa.string())
    else:  # e.g. numbers with blank cells (''): each kind apart, then put together
        kind_of = np.fromiter(map(type, values), dtype=object, count=len(values))
        objects = np.fromiter(values, dtype=object, count=len(values))
        array = pa.nulls(len(values), pa.string())
        for kind in kinds:
            mask = kind_of == kind
            array = pc.replace_with_mask(array, pa.array(mask), _texts(kind, objects[mask]))
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
