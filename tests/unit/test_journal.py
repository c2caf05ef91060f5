"""A business day's journal entry, read as a bookkeeper would."""

from __future__ import annotations

from decimal import Decimal

from daybook import entry_lines, lines_of, pos_day
from posbooks.core.journal import journal_entry_for_day
from posbooks.core.model import Mapping, Ref

A_BUSY_SATURDAY = """
    Bangsar 2026-11-21, 212 receipts
    sales           Food           8,420.00  qty 610
    sales           Beverages      2,115.50
    discount        Food            -120.00
    discount        -                -64.30
    service_charge  -                841.60
    tax             SST6             558.71
    tax             SST10             42.00
    tip             -                 95.00
    rounding        -                  0.03
    payment         Cash           2,300.00
    payment         Visa/Master    7,100.54
    payment         TNG eWallet    2,488.00
"""

MAPPING = Mapping(
    accounts={
        ("sales", "Food"): Ref("41", "Food Sales"),
        ("sales", "Beverages"): Ref("42", "Beverage Sales"),
        ("discount", None): Ref("49", "Discounts Given"),
        ("service_charge", None): Ref("43", "Service Charge Income"),
        ("tax", "SST6"): Ref("21", "SST Payable"),
        ("tax", "SST10"): Ref("21", "SST Payable"),
        ("tip", None): Ref("22", "Tips Payable"),
        ("rounding", None): Ref("48", "Cash Rounding"),
        ("payment", "Cash"): Ref("11", "Cash on Hand"),
        ("payment", "Visa/Master"): Ref("12", "Card Clearing"),
        ("payment", "TNG eWallet"): Ref("13", "E-wallet Clearing"),
        ("over_short", None): Ref("69", "Cash Over/Short"),
    },
    classes={"Food": Ref("c1", "Kitchen"), "Beverages": Ref("c2", "Bar")},
    locations={"Bangsar": Ref("d1", "Bangsar")},
    version=3,
)


def test_payments_are_debits_sales_tax_and_tips_credits_discounts_debits():
    entry = journal_entry_for_day(pos_day(A_BUSY_SATURDAY), MAPPING)
    assert lines_of(entry) == entry_lines("""
        Debit   payment         Cash           2,300.00
        Debit   payment         TNG eWallet    2,488.00
        Debit   payment         Visa/Master    7,100.54
        Debit   discount        -                 64.30
        Debit   discount        Food             120.00
        Credit  sales           Beverages      2,115.50
        Credit  sales           Food           8,420.00
        Credit  service_charge  -                841.60
        Credit  tax             SST10             42.00
        Credit  tax             SST6             558.71
        Credit  tip             -                 95.00
        Credit  rounding        -                  0.03
    """)
    assert entry.balanced and entry.total_debits == Decimal("12072.84")
    assert entry.issues == ()


def test_each_line_says_what_it_is_and_where_it_goes():
    entry = journal_entry_for_day(pos_day(A_BUSY_SATURDAY), MAPPING)
    food = next(ln for ln in entry.lines if (ln.source, ln.key) == ("sales", "Food"))
    assert food.description == "Sales - Food (Bangsar 2026-11-21)"
    assert food.account == Ref("41", "Food Sales")
    assert food.class_ == Ref("c1", "Kitchen")
    # A category's discount without its own account falls back to the receipt-level one.
    food_discount = next(ln for ln in entry.lines if (ln.source, ln.key) == ("discount", "Food"))
    assert food_discount.account == Ref("49", "Discounts Given")
    assert food_discount.class_ == Ref("c1", "Kitchen")
    cash = next(ln for ln in entry.lines if ln.key == "Cash")
    assert cash.class_ is None, "only category lines carry a class"
    assert {ln.location for ln in entry.lines} == {Ref("d1", "Bangsar")}


def test_a_refund_heavy_day_flips_sides_and_zero_totals_make_no_line():
    entry = journal_entry_for_day(
        pos_day("""
            KLCC 2026-11-22, 9 receipts
            sales     Food          120.00
            sales     Desserts      -45.00
            tax       SST6            4.50
            rounding  -              -0.02
            tip       -               0.00
            payment   Cash          130.00
            payment   Visa/Master   -50.52
        """),
        MAPPING,
    )
    assert lines_of(entry) == entry_lines("""
        Debit   payment   Cash          130.00
        Credit  payment   Visa/Master    50.52
        Debit   sales     Desserts       45.00
        Credit  sales     Food          120.00
        Credit  tax       SST6            4.50
        Debit   rounding  -               0.02
    """)
    assert entry.balanced


def test_a_short_day_debits_over_short_automatically_when_an_account_is_mapped():
    entry = journal_entry_for_day(
        pos_day("""
            Bangsar 2026-11-23
            sales    Food   100.00
            payment  Cash    99.90
        """),
        MAPPING,
    )
    over_short = entry.lines[-1]
    assert (over_short.posting, over_short.source, over_short.amount) == (
        "Debit", "over_short", Decimal("0.10"),
    )  # fmt: skip
    assert over_short.automatic and "automatic" in over_short.description
    assert over_short.account == Ref("69", "Cash Over/Short")
    assert entry.balanced and not entry.blocked


def test_an_over_day_credits_over_short():
    entry = journal_entry_for_day(
        pos_day("""
            Bangsar 2026-11-23
            sales    Food   100.00
            payment  Cash   100.25
        """),
        MAPPING,
    )
    assert lines_of(entry)[-1] == ("Credit", "over_short", None, Decimal("0.25"))
    assert entry.balanced


def test_an_unbalanced_day_without_over_short_account_is_blocked_but_still_balances():
    mapping = Mapping(accounts={k: v for k, v in MAPPING.accounts.items() if k[0] != "over_short"})
    entry = journal_entry_for_day(
        pos_day("""
            Bangsar 2026-11-23
            sales    Food   100.00
            payment  Cash    90.00
        """),
        mapping,
    )
    assert entry.balanced
    assert entry.blocked
    assert [i.code for i in entry.issues] == ["unbalanced_day"]
    assert "short by 10.00" in entry.issues[0].message


def test_without_a_mapping_the_preview_shows_pos_types_and_cannot_be_sent():
    entry = journal_entry_for_day(pos_day(A_BUSY_SATURDAY))
    assert all(ln.account is None for ln in entry.lines)
    assert entry.balanced
    assert [i.code for i in entry.issues] == ["no_mapping"]
    assert entry.blocked


def test_each_unmapped_line_of_a_partial_mapping_is_named():
    mapping = Mapping(accounts={("payment", "Cash"): Ref("11", "Cash on Hand")})
    entry = journal_entry_for_day(
        pos_day("""
            Mont Kiara 2026-11-20
            sales    Alcohol   30.00
            payment  Cash      30.00
        """),
        mapping,
    )
    assert [(i.code, i.source, i.key) for i in entry.issues] == [
        ("unmapped_account", "sales", "Alcohol")
    ]
    assert "Sales - Alcohol (Mont Kiara 2026-11-20)" in entry.issues[0].message


def test_the_printed_entry_shows_debit_and_credit_columns_and_marks_automatic_lines():
    from posbooks.core.render import journal_text, money

    entry = journal_entry_for_day(
        pos_day("""
            Bangsar 2026-11-23
            sales    Food   1,200.00
            payment  Cash   1,199.90
        """),
        MAPPING,
    )
    text = "\n".join(journal_text(entry))
    assert "2026-11-23  Bangsar  Journal Entry (balanced)" in text
    cash_row = next(row for row in text.splitlines() if "Cash on Hand" in row)
    food_row = next(row for row in text.splitlines() if "Food Sales" in row)
    assert cash_row.index("1,199.90") < food_row.index("1,200.00"), "Debit column, then Credit"
    assert "Over/short (Bangsar 2026-11-23)" in text and "* added automatically" in text
    assert text.splitlines()[-2].split()[-2:] == ["1,200.00", "1,200.00"]
    assert money(Decimal("-1234.5")) == "-1,234.50"
