"""Tax by tax code, for QuickBooks companies outside the US with tax on (pure).

There QuickBooks computes tax from the TaxCode on each sales line and books it where its
tax return finds it; a line posted to the tax control account stays off the return.
So with ``Mapping.tax_codes`` set, posbooks sends no tax line at all:

- every receipt or journal line carries a QuickBooks TaxCode: the code mapped to the POS
  tax code that taxes the line (``Mapping.line_taxes``: a category, ``discount`` for the
  receipt-level discount, ``service_charge``), else the code mapped to ``untaxed``
  (tips, rounding, over/short and any line no POS tax code taxes);
- a sales receipt carries the POS tax per code in ``TxnTaxDetail`` (one TaxLine per
  QuickBooks rate: the POS amount, kept by QuickBooks), so it ties to the POS to the cent
  whatever QuickBooks' own per-line rounding would give;
- a journal line carries ``TaxApplicableOn: Sales`` and ``TaxAmount``: the POS tax of its
  code spread over the lines that code taxes, in proportion to their amounts (largest
  remainder, so each code's shares add up to its POS tax exactly); QuickBooks posts that
  tax to its tax account itself, and the entry balances with it.

POS exports are tax-exclusive by construction (tax lines add to the payment, see
docs/pos-export-format.md), so documents are sent ``TaxExcluded``.
"""

from __future__ import annotations

from posbooks.core.model import Mapping, Ref
from posbooks.core.qbo_settings import QboSettings

UNTAXED = "untaxed"
# US sales tax (Mapping.sales_tax_code): a line is TAX or NON, QuickBooks' pseudo-codes
# (../shared/qbo-recordings/tax/qbruby_tax_codes_us.xml); the receipt carries the rate code.
US_TAX, US_NON = Ref("TAX", "TAX"), Ref("NON", "NON")


def tax_line_key(source: str, key: str | None) -> str | None:
    """The ``Mapping.line_taxes`` key of a line: its category, ``discount`` (receipt-level
    discount) or ``service_charge``; None for lines no POS tax applies to."""
    if source == "sales":
        return key
    if source == "discount":
        return key or "discount"
    if source == "service_charge":
        return "service_charge"
    return None


def pos_tax_code_for(mapping: Mapping, source: str, key: str | None) -> str | None:
    """The POS tax code that taxes a line of (source, key), if any."""
    line_key = tax_line_key(source, key)
    return mapping.line_taxes.get(line_key) if line_key is not None else None


def qbo_tax_code_for(mapping: Mapping, source: str, key: str | None) -> Ref | None:
    """The QuickBooks TaxCode a line of (source, key) carries (None: not mapped)."""
    code = pos_tax_code_for(mapping, source, key)
    return mapping.tax_codes.get(code if code is not None else UNTAXED)


def us_line_code(mapping: Mapping, source: str, key: str | None) -> Ref:
    """US sales tax: TAX for a line a POS tax code taxes, else NON."""
    return US_TAX if pos_tax_code_for(mapping, source, key) is not None else US_NON


def by_code(mapping: Mapping) -> bool:
    """Whether this mapping sends tax by tax code."""
    return bool(mapping.tax_codes)


def tax_rates_for(mapping: Mapping, settings: QboSettings | None) -> dict[str, Ref]:
    """POS tax code -> the one sales rate of the QuickBooks TaxCode it is mapped to (codes
    with no or several rates are left out: ``check_mapping`` blocks them)."""
    if settings is None:
        return {}
    codes = {c.id: c for c in settings.tax_codes}
    names = {r.id: r.name for r in settings.tax_rates}
    out = {}
    for pos_code, ref in mapping.tax_codes.items():
        found = codes.get(ref.id)
        if found is not None and len(found.sales_rate_ids) == 1:
            rate_id = found.sales_rate_ids[0]
            out[pos_code] = Ref(rate_id, names.get(rate_id, ""))
    return out
