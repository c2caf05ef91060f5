"""Square exports read through the preset vs the same lines as canonical Parquet.

Generates a year of N Square locations (items detail + transactions CSV, as the Square
Dashboard writes them), converts them once to the same canonical lines in Parquet, then
times a one-day and a whole-year preview of each in fresh processes (first open: the
preset's reading and extraction, then validation) and again warm (same process, cached),
and prints the ratios (target: preset within 1.5x of Parquet). Writes the "presets" section
of bench/RESULTS.md.

    python bench/bench_presets.py                          # 20 locations x 365 days
    python bench/bench_presets.py --locations 2 --days 5   # a quick look
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import machine_block, seconds, table, write_section  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
TARGET = 1.5
CATEGORIES = {"Food": [("Burger", 1200), ("Salad", 950), ("Fries", 400)],
              "Drinks": [("Coffee", 399), ("Soda", 250)], "Desserts": [("Cake", 650)]}  # fmt: skip
ITEMS_HEADER = ["Date", "Time", "Time Zone", "Category", "Item", "Qty", "Price Point Name", "SKU",
                "Modifiers Applied", "Gross Sales", "Discounts", "Net Sales", "Tax",
                "Transaction ID", "Payment ID", "Device Name", "Notes", "Details", "Event Type",
                "Location", "Dining Option", "Customer ID", "Customer Name",
                "Customer Reference ID", "Unit", "Count", "Itemization Type"]  # fmt: skip
TXN_HEADER = ["Date", "Time", "Time Zone", "Gross Sales", "Discounts", "Service Charges",
              "Net Sales", "Gift Card Sales", "Tax", "Tip", "Partial Refunds", "Total Collected",
              "Source", "Card", "Card Entry Methods", "Cash", "Square Gift Card", "Other Tender",
              "Other Tender Type", "Other Tender Note", "Fees", "Net Total", "Transaction ID",
              "Payment ID", "Card Brand", "PAN Suffix", "Device Name", "Staff Name", "Staff ID",
              "Details", "Description", "Event Type", "Location", "Dining Option", "Customer ID",
              "Customer Name", "Customer Reference ID", "Device Nickname", "Deposit ID",
              "Deposit Date", "Deposit Details", "Fee Percentage Rate", "Fee Fixed Rate",
              "Refund Reason", "Discount Name", "Transaction Status"]  # fmt: skip


def usd(cents: int) -> str:
    return f"-${-cents / 100:,.2f}" if cents < 0 else f"${cents / 100:,.2f}"


def generate(folder: Path, locations: int, days: int, receipts: int, seed: int = 7) -> list[Path]:
    """Items and transactions CSVs of ``locations`` x ``days``, ~``receipts`` a day each."""
    folder.mkdir(parents=True, exist_ok=True)
    items_path, txns_path = folder / "items.csv", folder / "transactions.csv"
    if items_path.exists() and txns_path.exists():
        return [items_path, txns_path]
    rng = random.Random(seed)
    first = date(2025, 11, 25)
    menu = [(c, n, p) for c, items in CATEGORIES.items() for n, p in items]
    with items_path.open("w", newline="") as fi, txns_path.open("w", newline="") as ft:
        wi, wt = csv.writer(fi), csv.writer(ft)
        wi.writerow(ITEMS_HEADER)
        wt.writerow(TXN_HEADER)
        n = 0
        for d in range(days):
            day = (first + timedelta(days=d)).isoformat()
            for loc in range(locations):
                location = f"Location {loc + 1:02d}"
                for _ in range(receipts + rng.randint(-receipts // 5, receipts // 5)):
                    n += 1
                    txn = f"T{n:09d}"
                    time_ = f"{rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}:00"
                    gross = disc = tax = 0
                    for _ in range(rng.randint(1, 4)):
                        cat, name, price = rng.choice(menu)
                        off = price // 10 if rng.random() < 0.05 else 0
                        t = round((price - off) * 0.0825)
                        gross, disc, tax = gross + price, disc + off, tax + t
                        wi.writerow([day, time_, "Pacific Time (US & Canada)", cat, name, "1.0",
                                     "Regular", "", "", usd(price), usd(-off), usd(price - off),
                                     usd(t), txn, txn + "p", "iPad", "", "", "Payment", location,
                                     "For Here", "", "", "", "ea", "1", "Physical Item"])  # fmt: skip
                    tip = rng.choice([0, 0, 100, 250, 300])
                    net = gross - disc
                    due = net + tax + tip
                    cash = rng.random() < 0.3
                    total = due
                    if cash:
                        total = 5 * round(due / 5)  # nickel rounding
                    wt.writerow([day, time_, "Pacific Time (US & Canada)", usd(gross), usd(-disc),
                                 "$0.00", usd(net), "$0.00", usd(tax), usd(tip), "$0.00",
                                 usd(total), "Point of Sale", "$0.00" if cash else usd(total), "",
                                 usd(total) if cash else "$0.00", "$0.00", "$0.00", "", "",
                                 "$0.00", usd(total), txn, txn + "p", "" if cash else "Visa",
                                 "", "iPad", "", "", "", "", "Payment", location, "", "", "", "",
                                 "", "", "", "", "", "", "", "", "Complete"])  # fmt: skip
    return [items_path, txns_path]


PROBE = """
import json, sys, time
from datetime import date
t = time.perf_counter()
from posbooks.drafts.preview import preview_exports
from posbooks.pos import open_exports
paths, d1, d2 = json.loads(sys.argv[1]), date.fromisoformat(sys.argv[2]), date.fromisoformat(sys.argv[3])
exports = open_exports(paths)
exports.raise_if_rejected()
first = preview_exports(exports, d1, d2)
cold = time.perf_counter() - t
warm = []
for _ in range(3):
    t = time.perf_counter()
    exports = open_exports(paths)
    result = preview_exports(exports, d1, d2)
    warm.append(time.perf_counter() - t)
print(json.dumps({"cold": cold, "warm": sorted(warm)[1], "drafts": len(result.entries),
                  "ties": result.ties,
                  "sources": list(result.sources)}))
"""


def probe(paths: list[Path], d1: date, d2: date) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([str(p) for p in paths]), str(d1), str(d2)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def canonical_parquet(square: list[Path], target: Path) -> Path:
    """The same lines the preset gives, written once as a canonical Parquet file (and the
    same again as canonical CSV beside it, ``.csv``)."""
    if target.exists() and target.with_suffix(".csv").exists():
        return target
    from posbooks.pos import open_exports

    exports = open_exports(square)
    exports.raise_if_rejected()
    columns = ("business_date, outlet, receipt_no, line_type, category, item, quantity, "
               "tax_code, payment_method, amount, closed_at, voided")  # fmt: skip
    exports.con.execute(
        f"COPY (SELECT {columns} FROM pos_lines ORDER BY business_date, outlet, receipt_no) "
        f"TO '{target}' (FORMAT parquet)"
    )
    exports.con.execute(
        f"COPY (SELECT {columns} FROM pos_lines ORDER BY business_date, outlet, receipt_no) "
        f"TO '{target.with_suffix('.csv')}' (FORMAT csv, HEADER)"
    )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--locations", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--receipts", type=int, default=170, help="per location and day")
    args = parser.parse_args()
    folder = OUT / f"square_{args.locations}x{args.days}x{args.receipts}"
    t = time.perf_counter()
    square = generate(folder, args.locations, args.days, args.receipts)
    generated = time.perf_counter() - t
    parquet = canonical_parquet(square, folder / "canonical.parquet")
    first = date(2025, 11, 25)
    last = first + timedelta(days=args.days - 1)
    busy = first + timedelta(days=args.days // 2)
    rows = []
    for label, d1, d2 in (("one day", busy, busy), ("whole period", first, last)):
        pre, can = probe(square, d1, d2), probe([parquet], d1, d2)
        csv_ = probe([parquet.with_suffix(".csv")], d1, d2)
        assert pre["drafts"] == can["drafts"] == csv_["drafts"], (pre, can, csv_)
        assert pre["ties"] and can["ties"] and csv_["ties"], (pre, can, csv_)
        for kind in ("cold", "warm"):
            ratio = pre[kind] / can[kind]
            rows.append([f"{label}, {'fresh process' if kind == 'cold' else 'warm (cached)'}",
                         seconds(pre[kind]), seconds(can[kind]), f"{ratio:.1f}x",
                         f"<= {TARGET}x", "yes" if ratio <= TARGET else "no",
                         f"{seconds(csv_[kind])} ({pre[kind] / csv_[kind]:.1f}x)"])  # fmt: skip
    size = sum(p.stat().st_size for p in square) / 2**20
    head = (f"## Presets: Square items + transactions CSV vs the same lines in canonical "
            f"Parquet\n\n{args.locations} locations x {args.days} days, ~{args.receipts} "
            f"receipts a location a day; CSVs {size:.0f} MiB (generated in {generated:.0f} s "
            f"or cached), Parquet {parquet.stat().st_size / 2**20:.0f} MiB. Same drafts, both "
            "tie. Fresh process = imports + reading + validation + preview; warm = the same "
            "again in that process (validation cached).\n\n")  # fmt: skip
    body = head + table(["Figure", "Square preset", "Canonical Parquet", "Ratio", "Target",
                         "Met", "Canonical CSV (preset ratio)"], rows) + "\n" + machine_block()  # fmt: skip
    print(body)
    write_section("presets", body)


if __name__ == "__main__":
    main()
