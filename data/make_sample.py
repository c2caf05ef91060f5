"""Write deterministic POS sample sales for a Malaysian restaurant group.

    python data/make_sample.py                      # data/sample_sales.parquet, 3 outlets x 120 days
    python data/make_sample.py --outlets 20 --days 365 --receipts-per-day 170 -o big.parquet

Everything is drawn from a fixed seed and a fixed end date, so re-running reproduces the
committed file. Money is integer cents throughout and becomes DECIMAL(18,2) in DuckDB.
Receipts are built column-wise with numpy (no Python loop per receipt), so a 20-outlet
year (~10 million lines) takes about a minute.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

END_DATE = date(2026, 11, 24)
SEED = 20261124
OUTLETS = ("Bangsar", "KLCC", "Mont Kiara")
OUTLET_CODES = ("BSR", "KLC", "MKR")
# Opening hours in minutes after midnight of the business date (past 1440 = after midnight).
HOURS = ((10 * 60, 25 * 60), (10 * 60, 22 * 60), (11 * 60, 26 * 60))
CATEGORIES = ("Food", "Beverages", "Desserts", "Alcohol")
CATEGORY_SHARE = (0.48, 0.35, 0.10, 0.07)
MENU = {  # item -> price in cents
    "Food": {"Nasi Lemak Ayam": 1890, "Char Kuey Teow": 1450, "Roti Canai Set": 850,
             "Hainanese Chicken Rice": 1590, "Mee Goreng Mamak": 1290, "Satay (10 sticks)": 2200,
             "Beef Rendang": 2490, "Curry Laksa": 1690},
    "Beverages": {"Teh Tarik": 550, "Kopi O": 420, "Iced Lemon Tea": 690, "Fresh Coconut": 990,
                  "Mineral Water": 350, "Milo Dinosaur": 850},
    "Desserts": {"Cendol": 790, "ABC Special": 850, "Kuih Platter": 1190, "Pisang Goreng": 690},
    "Alcohol": {"Tiger Beer": 2200, "Carlsberg": 2200, "House Red (glass)": 3200,
                "Gin and Tonic": 3500},
}  # fmt: skip
ITEMS = tuple(name for c in CATEGORIES for name in MENU[c])
ITEM_PRICE = np.array([MENU[c][n] for c in CATEGORIES for n in MENU[c]], dtype=np.int64)
ITEM_OFFSET = np.cumsum([0] + [len(MENU[c]) for c in CATEGORIES])[:-1]
ITEM_COUNT = np.array([len(MENU[c]) for c in CATEGORIES])
ALCOHOL = CATEGORIES.index("Alcohol")
TAX_CODES = ("SST6", "SST10")
PAYMENT_METHODS = ("Cash", "Visa/Master", "Amex", "TNG eWallet", "GrabPay", "Voucher")
CASH, VISA, AMEX, TNG, GRAB, VOUCHER = range(6)
# Tender patterns: (first method, second method or -1), with their share of receipts.
TENDERS = ((CASH, -1), (VISA, -1), (AMEX, -1), (TNG, -1), (GRAB, -1),
           (VOUCHER, CASH), (VISA, TNG), (VOUCHER, VISA))  # fmt: skip
TENDER_SHARE = (0.28, 0.27, 0.05, 0.16, 0.10, 0.05, 0.05, 0.04)
LINE_TYPES = ("item", "discount", "service_charge", "tax", "rounding", "tip", "payment")
WEEKDAY_FACTOR = np.array([1.0, 0.95, 1.0, 1.05, 1.25, 1.5, 1.35])  # Monday .. Sunday


def outlet_names(count: int) -> list[str]:
    """The three real outlets, then 'Outlet 04', 'Outlet 05', ... for bigger groups."""
    return [*OUTLETS[:count], *(f"Outlet {i:02d}" for i in range(4, count + 1))]


def half_up(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """numerator / denominator rounded half away from zero, in integers."""
    sign = np.sign(numerator)
    return sign * ((np.abs(numerator) * 2 + denominator) // (2 * denominator))


def _receipts(rng, outlets: int, days: int, end: date, per_day: float) -> dict:
    """One row per receipt: outlet, day, minute of closing, dine-in, tender."""
    first = np.datetime64(end - timedelta(days=days - 1), "D")
    day_dates = first + np.arange(days)
    weekday = (day_dates.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01 = Thu
    outlet_factor = np.concatenate([[1.0, 1.3, 0.9], rng.uniform(0.7, 1.3, max(0, outlets - 3))])
    expected = per_day * outlet_factor[:outlets, None] * WEEKDAY_FACTOR[weekday][None, :]
    counts = rng.poisson(expected).ravel()
    outlet = np.repeat(np.repeat(np.arange(outlets), days), counts)
    day = np.repeat(np.tile(np.arange(days), outlets), counts)
    n = len(outlet)
    hours = np.array([HOURS[o % 3] for o in range(outlets)])
    opens, closes = hours[outlet, 0], hours[outlet, 1]
    peak = rng.choice(3, n, p=(0.4, 0.45, 0.15))  # lunch, dinner, any time
    minute = np.where(peak == 0, rng.normal(13 * 60, 60, n), rng.normal(20 * 60 + 30, 100, n))
    minute = np.where(peak == 2, rng.uniform(opens, closes), minute)
    second = (np.clip(minute, opens, closes - 1) * 60).astype(np.int64) + rng.integers(0, 60, n)
    return {
        "outlet": outlet,
        "day": day,
        "second": second,
        "dine_in": rng.random(n) < np.where(outlet == 1, 0.6, 0.75),
        "tender": rng.choice(len(TENDERS), n, p=TENDER_SHARE),
        "voided": rng.random(n) < 0.01,
        "first_day": first,
    }


def _lines(rng, r: dict) -> dict:
    """Every line of every receipt, as columns of integer codes and cents."""
    n = len(r["outlet"])
    n_items = np.clip(1 + rng.poisson(2.2, n), 1, 10)
    rec = np.repeat(np.arange(n), n_items)
    cat = rng.choice(4, len(rec), p=CATEGORY_SHARE)
    item = ITEM_OFFSET[cat] + (rng.random(len(rec)) * ITEM_COUNT[cat]).astype(np.int64)
    qty = rng.choice([1, 2, 3], len(rec), p=(0.82, 0.14, 0.04))
    amount = ITEM_PRICE[item] * qty
    has_disc = rng.random(len(rec)) < 0.04
    disc = -half_up(amount * rng.choice([10, 15, 20], len(rec)), 100) * has_disc
    net = amount + disc
    alcohol = cat == ALCOHOL
    net10 = np.bincount(rec, weights=net * alcohol, minlength=n).astype(np.int64)
    net6 = np.bincount(rec, weights=net * ~alcohol, minlength=n).astype(np.int64)
    subtotal = net6 + net10
    receipt_disc = half_up(subtotal * 10, 100) * (rng.random(n) < 0.03)
    disc6 = receipt_disc * net6 // np.maximum(subtotal, 1)  # the alcohol share takes the remainder
    disc10 = receipt_disc - disc6
    service = half_up((subtotal - receipt_disc) * 10, 100) * r["dine_in"]
    tax6 = half_up((net6 - disc6 + service) * 6, 100)
    tax10 = half_up((net10 - disc10) * 10, 100)
    total = subtotal - receipt_disc + service + tax6 + tax10
    first, second = np.array(TENDERS)[r["tender"]].T
    voucher = np.minimum(np.select([total >= 6000, total >= 2500], [5000, 2000], 1000), total)
    ewallet = np.minimum((total // 200) * 100, total - 100).clip(0)  # about half, in ringgit
    first_amt = np.where(first == VOUCHER, voucher, np.where(second == TNG, total - ewallet, total))
    second_amt = np.where(second < 0, 0, total - first_amt)
    cash_due = np.where(first == CASH, first_amt, np.where(second == CASH, second_amt, 0))
    rounding = half_up(cash_due, 5) * 5 - cash_due
    card = np.isin(first, (VISA, AMEX)) | (second == VISA)
    tip = np.where(card & r["dine_in"] & (rng.random(n) < 0.12), rng.choice([200, 500, 1000], n), 0)
    first_amt = (
        first_amt
        + np.where(first == CASH, rounding, 0)
        + np.where(np.isin(first, (VISA, AMEX)), tip, 0)
    )
    second_amt = (
        second_amt + np.where(second == CASH, rounding, 0) + np.where(second == VISA, tip, 0)
    )
    ids = np.arange(n)
    segments = [  # (receipt, line_type, category, item, quantity, tax code, method, cents)
        (rec, 0, cat, item, qty * 1000, -1, -1, amount),
        (rec[has_disc], 1, cat[has_disc], item[has_disc], -1, -1, -1, disc[has_disc]),
        (ids[receipt_disc > 0], 1, -1, -1, -1, -1, -1, -receipt_disc[receipt_disc > 0]),
        (ids[service > 0], 2, -1, -1, -1, -1, -1, service[service > 0]),
        (ids[tax6 > 0], 3, -1, -1, -1, 0, -1, tax6[tax6 > 0]),
        (ids[tax10 > 0], 3, -1, -1, -1, 1, -1, tax10[tax10 > 0]),
        (ids[rounding != 0], 4, -1, -1, -1, -1, -1, rounding[rounding != 0]),
        (ids[tip > 0], 5, -1, -1, -1, -1, -1, tip[tip > 0]),
        (ids, 6, -1, -1, -1, -1, first, first_amt),
        (ids[second_amt > 0], 6, -1, -1, -1, -1, second[second_amt > 0], second_amt[second_amt > 0]),
    ]  # fmt: skip
    names = ("rec", "line_type", "category", "item", "quantity", "tax_code", "method", "cents")
    cols = {k: [] for k in names}
    for seg in segments:
        size = len(seg[0])
        for k, v in zip(names, seg, strict=True):
            cols[k].append(np.broadcast_to(np.asarray(v, dtype=np.int64), (size,)))
    return {k: np.concatenate(v) for k, v in cols.items()}


def _with_refunds(rng, r: dict, lines: dict) -> tuple[dict, dict]:
    """Add refund receipts: copies of a few earlier receipts of the same day, negated."""
    n = len(r["outlet"])
    refunded = np.flatnonzero((rng.random(n) < 0.004) & ~r["voided"])
    new_id = np.full(n, -1)
    new_id[refunded] = n + np.arange(len(refunded))
    copy = new_id[lines["rec"]] >= 0
    refund_lines = {k: v[copy].copy() for k, v in lines.items()}
    refund_lines["rec"] = new_id[refund_lines["rec"]]
    refund_lines["cents"] = -refund_lines["cents"]
    refund_lines["quantity"] = np.where(
        refund_lines["quantity"] >= 0, -refund_lines["quantity"], -1
    )
    closing = np.array([HOURS[o % 3][1] * 60 - 1 for o in range(r["outlet"].max() + 1)])
    later = r["second"][refunded] + rng.integers(600, 5400, len(refunded))
    later = np.minimum(later, closing[r["outlet"][refunded]])  # refunds happen before closing
    receipts = {k: v for k, v in r.items() if k != "first_day"}
    receipts = {k: np.concatenate([v, v[refunded]]) for k, v in receipts.items()}
    receipts["second"][n:] = later
    receipts["voided"][n:] = False
    receipts["first_day"] = r["first_day"]
    return receipts, {k: np.concatenate([lines[k], refund_lines[k]]) for k in lines}


def _codes(values: np.ndarray, wide: bool = False) -> pa.Array:
    """Integer codes with -1 as null, for list lookups in SQL."""
    return pa.array(values, mask=values < 0, type=pa.int64() if wide else pa.int16())


def _in_file_order(receipts: dict, lines: dict, days: int) -> tuple[np.ndarray, dict]:
    """Receipt numbers (closing order within outlet and day) and the lines sorted as the file is.

    Sorting here, in numpy, lets DuckDB write the file without a sort of its own.
    """
    order = np.lexsort((receipts["second"], receipts["outlet"], receipts["day"]))
    group = receipts["day"][order] * 10_000 + receipts["outlet"][order]
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    seq = np.empty(len(order), dtype=np.int64)
    seq[order] = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)])) + 1
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))  # outlet names sort as their index: Bangsar < KLCC < ...
    line_order = np.lexsort((lines["line_type"], rank[lines["rec"]]))
    return seq, {k: v[line_order] for k, v in lines.items()}


def make_sample(output: str | Path, *, outlets: int = 3, days: int = 120, end: date = END_DATE,
                receipts_per_day: float = 110, seed: int = SEED, fmt: str = "parquet") -> int:  # fmt: skip
    """Write the sample export to ``output`` (parquet or csv); return the number of lines."""
    rng = np.random.default_rng(seed)
    first = _receipts(rng, outlets, days, end, receipts_per_day)
    receipts, lines = _with_refunds(rng, first, _lines(rng, first))
    seq, lines = _in_file_order(receipts, lines, days)
    rec = lines.pop("rec")
    business_date = receipts["first_day"] + receipts["day"][rec]
    closed = business_date.astype("datetime64[us]") + receipts["second"][rec].astype(
        "timedelta64[s]"
    )
    table = pa.table({
        "business_date": pa.array(business_date.astype("datetime64[D]")),
        "outlet": pa.array(receipts["outlet"][rec], type=pa.int16()),
        "seq": pa.array(seq[rec], type=pa.int32()),
        "line_type": pa.array(lines["line_type"], type=pa.int8()),
        "category": _codes(lines["category"]), "item": _codes(lines["item"]),
        "quantity": _codes(lines["quantity"], wide=True), "tax_code": _codes(lines["tax_code"]),
        "method": _codes(lines["method"]), "cents": lines["cents"],
        "closed_at": pa.array(closed), "voided": receipts["voided"][rec],
    })  # fmt: skip
    del lines, rec, business_date, closed
    names = outlet_names(outlets)
    codes = [*OUTLET_CODES[:outlets], *(f"O{i:02d}" for i in range(4, outlets + 1))]
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("line_table", table)
    sql_list = lambda xs: "[" + ", ".join("'" + x.replace("'", "''") + "'" for x in xs) + "]"  # noqa: E731
    select = f"""
        SELECT business_date, {sql_list(names)}[outlet + 1] AS outlet,
               printf('%s-%s-%04d', {sql_list(codes)}[outlet + 1],
                      strftime(business_date, '%y%m%d'), seq) AS receipt_no,
               {sql_list(LINE_TYPES)}[line_type + 1] AS line_type,
               {sql_list(CATEGORIES)}[category + 1] AS category,
               {sql_list(ITEMS)}[item + 1] AS item,
               CAST(CAST(quantity AS DECIMAL(18,3)) * 0.001 AS DECIMAL(18,3)) AS quantity,
               {sql_list(TAX_CODES)}[tax_code + 1] AS tax_code,
               {sql_list(PAYMENT_METHODS)}[method + 1] AS payment_method,
               CAST(CAST(cents AS DECIMAL(18,2)) * 0.01 AS DECIMAL(18,2)) AS amount,
               closed_at, voided
        FROM line_table
    """
    options = (
        "FORMAT parquet, ROW_GROUP_SIZE 100000, COMPRESSION zstd"
        if fmt == "parquet"
        else "FORMAT csv, HEADER"
    )
    con.execute(f"COPY ({select}) TO '{Path(output)}' ({options})")
    return table.num_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-o", "--output", default=str(Path(__file__).with_name("sample_sales.parquet"))
    )
    parser.add_argument("--outlets", type=int, default=3)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--end", type=date.fromisoformat, default=END_DATE)
    parser.add_argument(
        "--receipts-per-day", type=float, default=110, help="weekday average per outlet"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    a = parser.parse_args(argv)
    count = make_sample(a.output, outlets=a.outlets, days=a.days, end=a.end,
                        receipts_per_day=a.receipts_per_day, seed=a.seed, fmt=a.format)  # fmt: skip
    print(f"wrote {count} lines to {a.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
