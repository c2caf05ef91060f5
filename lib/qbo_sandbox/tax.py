"""Tax the way QuickBooks computes it from tax codes, for sales forms and journal entries.

Three models (qbo_sandbox.companies): ``lenient`` keeps the caller's TotalTax as sent (the
historical demo company); ``global`` (non-US: MY, UK, CA, AU ...) needs a TaxCodeRef on
every sales line and computes TxnTaxDetail line by line from each code's SalesTaxRateList;
``us`` applies one rate code (TxnTaxDetail.TxnTaxCodeRef) to the lines marked TAX.

Rounding: each line's tax is rounded half-up to the cent, per rate, then summed per rate
(QuickBooks' per-line calculation; the exact rounding rule of QuickBooks is assumed).
A caller may send TxnTaxDetail.TaxLine amounts for rates the lines use: those are kept
("Any TxnTaxDetail lines specified are not overridden", Intuit's JournalEntry page; assumed
for sales forms too), so a POS's own tax can be kept to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from qbo_sandbox.entities import ref_value
from qbo_sandbox.validation import (
    CENT,
    QboFault,
    business_rule,
    invalid_property,
    money,
    required,
    resolve,
)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CALCULATIONS = ("TaxExcluded", "TaxInclusive", "NotApplicable")


class TaxBook(Protocol):
    """What tax computation needs of a company."""

    def find(self, entity: str, object_id: str) -> dict[str, Any] | None: ...

    @property
    def tax_model(self) -> str: ...

    @property
    def tax_word(self) -> str: ...

    def tax_rate_account(self, rate_id: str) -> str | None: ...


def cents(amount: Decimal) -> Decimal:
    """Rounded half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def missing_tax_code(book: TaxBook) -> QboFault:
    """6000 as recorded from real non-US companies (tax/real_world_error_quotes.md)."""
    return business_rule(
        f"Make sure all your transactions have a {book.tax_word} rate before you save."
    )


def code_rates(book: TaxBook, code: dict[str, Any]) -> list[dict[str, Any]]:
    """The TaxRate objects of a code's SalesTaxRateList."""
    details = (code.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
    rates = []
    for detail in details:
        found = book.find("TaxRate", ref_value(detail.get("TaxRateRef")) or "")
        if found is not None:
            rates.append(found)
    return rates


def split_by_rates(tax: Decimal, rates: list[dict[str, Any]]) -> list[tuple[dict, Decimal]]:
    """A line's tax shared over its code's rates by percent; the last takes the remainder."""
    percent = sum((Decimal(str(r["RateValue"])) for r in rates), ZERO)
    shares = []
    remaining = tax
    for index, rate in enumerate(rates):
        if index == len(rates) - 1:
            share = remaining
        else:
            share = cents(tax * Decimal(str(rate["RateValue"])) / percent) if percent else ZERO
        remaining -= share
        shares.append((rate, share))
    return shares


def resolve_code(book: TaxBook, ref: Any, where: str) -> dict[str, Any]:
    """The TaxCode a line names; 2500 when unknown."""
    found = resolve(book, "TaxCode", ref, where)
    assert found is not None
    return found


class TaxTally:
    """Tax per rate collected over the lines of one transaction."""

    def __init__(self) -> None:
        self.net: dict[str, Decimal] = {}
        self.tax: dict[str, Decimal] = {}
        self.rates: dict[str, dict[str, Any]] = {}

    def add(self, rate: dict[str, Any], net: Decimal, tax: Decimal) -> None:
        """One line's share of one rate."""
        rid = str(rate["Id"])
        self.rates[rid] = rate
        self.net[rid] = self.net.get(rid, ZERO) + net
        self.tax[rid] = self.tax.get(rid, ZERO) + tax

    def override(self, sent: Any, where: str) -> None:
        """Keep the caller's TaxLine amounts for rates the lines use."""
        if not isinstance(sent, dict):
            return
        lines = sent.get("TaxLine") or []
        if not isinstance(lines, list):
            raise invalid_property("TxnTaxDetail", f"{where}: TaxLine must be a list")
        for line in lines:
            detail = line.get("TaxLineDetail") if isinstance(line, dict) else None
            rid = ref_value((detail or {}).get("TaxRateRef"))
            if rid is None:
                raise required(
                    "TaxRateRef", f"{where}: each TaxLine needs TaxLineDetail.TaxRateRef"
                )
            if rid not in self.rates:
                raise business_rule(
                    f"Tax rate {rid} in TxnTaxDetail is not a rate of any tax code on the "
                    "transaction's lines.",
                    "TxnTaxDetail",
                )
            self.tax[rid] = money(line.get("Amount"), "TaxLine.Amount")

    def total(self) -> Decimal:
        """The transaction's TotalTax."""
        return sum(self.tax.values(), ZERO)

    def detail(self, *, code_ref: dict[str, str] | None = None, sign: Decimal = Decimal(1)) -> dict:
        """TxnTaxDetail as QuickBooks returns it."""
        lines = [
            {
                "Amount": self.tax[rid] * sign,
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    "TaxRateRef": {"value": rid, "name": str(self.rates[rid]["Name"])},
                    "PercentBased": True,
                    "TaxPercent": self.rates[rid]["RateValue"],
                    "NetAmountTaxable": self.net[rid],
                },
            }
            for rid in sorted(self.rates)
        ]
        out: dict[str, Any] = {}
        if code_ref:
            out["TxnTaxCodeRef"] = code_ref
        out["TotalTax"] = self.total()
        if lines:
            out["TaxLine"] = lines
        return out


def line_tax(
    book: TaxBook,
    tally: TaxTally,
    code: dict[str, Any],
    amount: Decimal,
    calculation: str,
    inclusive_amount: Decimal | None,
) -> tuple[Decimal, Decimal | None]:
    """Add one sales line's tax to the tally; returns (net Amount, TaxInclusiveAmt).

    TaxExcluded: Amount is net, tax = Amount x rate. TaxInclusive: Amount is net when
    TaxInclusiveAmt is sent (tax = the difference), else Amount is taken as the gross and
    split (net = gross / (1 + rate), rounded). NotApplicable: no tax.
    """
    rates = code_rates(book, code) if calculation != "NotApplicable" else []
    percent = sum((Decimal(str(r["RateValue"])) for r in rates), ZERO)
    if calculation == "TaxInclusive" and rates:
        if inclusive_amount is None:
            gross = amount
            net = cents(gross * HUNDRED / (HUNDRED + percent))
        else:
            gross, net = inclusive_amount, amount
        for rate, share in split_by_rates(gross - net, rates):
            tally.add(rate, net, share)
        return net, gross
    for rate in rates:
        tally.add(rate, amount, cents(amount * Decimal(str(rate["RateValue"])) / HUNDRED))
    return amount, inclusive_amount


def calculation_of(body: dict[str, Any]) -> str:
    """GlobalTaxCalculation (default TaxExcluded, as Intuit documents)."""
    value = body.get("GlobalTaxCalculation") or "TaxExcluded"
    if value not in CALCULATIONS:
        raise invalid_property(
            "GlobalTaxCalculation",
            f"GlobalTaxCalculation {value!r}: one of {', '.join(CALCULATIONS)}",
        )
    return str(value)


def us_tax(book: TaxBook, body: dict[str, Any], taxable: Decimal) -> tuple[dict, TaxTally]:
    """US: the transaction's rate code over the lines marked TAX; TotalTax sent wins."""
    sent = body.get("TxnTaxDetail") if isinstance(body.get("TxnTaxDetail"), dict) else {}
    tally = TaxTally()
    code_ref = None
    if ref_value(sent.get("TxnTaxCodeRef")):
        code = resolve_code(book, sent["TxnTaxCodeRef"], "TxnTaxDetail.TxnTaxCodeRef")
        code_ref = {"value": str(code["Id"]), "name": str(code["Name"])}
        for rate in code_rates(book, code):
            tally.add(rate, taxable, cents(taxable * Decimal(str(rate["RateValue"])) / HUNDRED))
    if sent.get("TotalTax") not in (None, ""):
        total = money(sent.get("TotalTax"), "TotalTax")
        if tally.rates:  # the override lands on the code's rates, the rest on the last one
            rids = sorted(tally.rates)
            for rid in rids[:-1]:
                total -= tally.tax[rid]
            tally.tax[rids[-1]] = total
        elif total:
            rate = book.find("TaxRate", "1")
            if rate is not None:
                tally.add(rate, taxable, total)
    return tally.detail(code_ref=code_ref), tally
