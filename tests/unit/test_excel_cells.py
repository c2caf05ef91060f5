"""A workbook's column, converted at once, reads exactly as each of its cells would alone:
an amount, a time or a date shown differently from a CSV export of the same sheet would
change what is booked."""

from __future__ import annotations

import datetime as dt
import math
import random
import struct

from posbooks.pos.cells import cell_text, column_text


def one_by_one(values) -> list[str | None]:
    return [(cell_text(v) or None) for v in values]


def tricky_floats() -> list[float]:
    rng = random.Random(16)
    values = [0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 15.9, 18.9, 10.600000000000001,
              0.1 + 0.2, 1e-10, 5e-11, 4.9999999999e-11, -5e-11, 1e-7, 2.5e-5, 123456.789,
              262143.99999999997, 262144.0, 262144.1, 524287.9, 1e15 + 0.3, 1e16, 1e20,
              1e300, 5e-324, -1e-11, 0.00000000005, 0.00000000015, 2.675, 1.005,
              math.inf, -math.inf, math.nan, 99999999999.99, 1234.56789012345]  # fmt: skip
    for _ in range(20_000):
        cents = rng.randint(-(10**7), 10**7)
        values += [
            cents / 100,
            cents / 1000,
            cents * 0.01,
            cents / 3,
            rng.random() * 10 ** rng.randint(-12, 9),
        ]
        bits = rng.getrandbits(64)  # any double at all, noise and all
        values.append(struct.unpack("<d", bits.to_bytes(8, "little"))[0])
        values.append(rng.randint(0, 10**6) / 10 ** rng.randint(0, 12))
    return values


def tricky_datetimes() -> list[dt.datetime]:
    rng = random.Random(3)
    values = [dt.datetime(2025, 11, 25), dt.datetime(2025, 11, 25, 0, 0, 0, 1),
              dt.datetime(2025, 11, 25, 23, 59, 59, 999999), dt.datetime(1900, 1, 1),
              dt.datetime(1899, 12, 31, 12), dt.datetime(1, 1, 1), dt.datetime(999, 12, 31, 1),
              dt.datetime(9999, 12, 31, 23, 59, 59), dt.datetime(1969, 12, 31, 23, 59, 59, 500000),
              dt.datetime(1970, 1, 1), dt.datetime(2025, 11, 25, 10, 10, 12)]  # fmt: skip
    for _ in range(20_000):
        day = dt.datetime(1900, 1, 1) + dt.timedelta(days=rng.randint(0, 60_000))
        values.append(day)
        values.append(day + dt.timedelta(seconds=rng.randint(0, 86_399)))
        values.append(day + dt.timedelta(microseconds=rng.randint(0, 86_400 * 10**6 - 1)))
        values.append(day + dt.timedelta(milliseconds=rng.randint(0, 86_400_000 - 1)))
    return values


def test_numbers_read_the_same_converted_as_a_column():
    values = tuple(tricky_floats())
    assert column_text(values).to_pylist() == one_by_one(values)


def test_dates_and_times_read_the_same_converted_as_a_column():
    stamps = tuple(tricky_datetimes())
    assert column_text(stamps).to_pylist() == one_by_one(stamps)
    days = tuple(s.date() for s in stamps)
    assert column_text(days).to_pylist() == one_by_one(days)


def test_a_column_of_mixed_kinds_reads_the_same_as_its_cells():
    values = (15.9, "", 2.0, "n/a", True, False, 7, -3, dt.date(2025, 11, 25), 1e-7,
              dt.datetime(2025, 11, 25, 10, 10, 12), dt.time(10, 10, 12, 5), None,
              dt.timedelta(hours=1), 10.600000000000001, dt.datetime(2025, 11, 25), "")  # fmt: skip
    assert column_text(values).to_pylist() == one_by_one(values)
    for kind in (True, 7, "x"):
        column = (kind, kind, "")
        assert column_text(column).to_pylist() == one_by_one(column)
    assert column_text(()).to_pylist() == []


def test_a_few_amounts_read_as_a_csv_export_shows_them():
    column = (10.600000000000001, 0.1 + 0.2, 1e-7, -0.0, 18.9, 2.0, 1e20)
    assert column_text(column).to_pylist() == [
        "10.6",
        "0.3",
        "0.0000001",
        "0",
        "18.9",
        "2",
        "100000000000000000000",
    ]
