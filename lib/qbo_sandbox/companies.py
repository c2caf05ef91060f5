"""The demo companies a sandbox can start with: ``demo`` (default), ``my``, ``uk``, ``us``.

All four are the same restaurant group (outlets, categories and payment methods match the
POS sample data), set up the way QuickBooks sets up a company in that country:

- ``demo``: the historical lenient company (Malaysia, MYR). Tax codes are listed but not
  enforced and a receipt's ``TxnTaxDetail.TotalTax`` is kept as sent. The default, so that
  software written before the tax-aware companies keeps working unchanged.
- ``my``: Malaysia with SST on (6% and 10% codes, and Out of Scope), global tax model:
  every sales line needs a tax code, QuickBooks computes the tax. Classes per line.
- ``uk``: a UK VAT company (GBP, 20% / 0% / Exempt / No VAT), classes per transaction only,
  a closing date, "Warn if duplicate journal number is used" on.
- ``us``: a US company with sales tax (USD, the TAX / NON line codes, a rate code applied
  to the whole transaction), classes per transaction and per line.

See docs/sandbox-accounting.md ("Demo companies and tax") for what each one enforces.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qbo_sandbox import demo

COMPANY_KEYS = ("demo", "my", "uk", "us")
DEFAULT_COMPANY = "demo"


@dataclass(frozen=True)
class TaxRateSpec:
    """One TaxRate: Id, name, percent and the liability account its tax is booked to."""

    rate_id: str
    name: str
    percent: str
    account: str
    agency: str


@dataclass(frozen=True)
class TaxCodeSpec:
    """One TaxCode: Id, name, description, taxable, and the Ids of its sales rates."""

    code_id: str
    name: str
    description: str
    taxable: bool
    rates: tuple[str, ...]


@dataclass(frozen=True)
class CompanyProfile:
    """What differs between the demo companies."""

    key: str
    company_name: str
    legal_name: str
    country: str
    currency: tuple[str, str]
    # "lenient" (keeps the caller's tax), "global" (non-US: tax codes on every line),
    # "us" (US sales tax: TAX/NON on lines, one rate code for the transaction)
    tax_model: str
    tax_word: str  # the word in QuickBooks' 6000 message: "GST/HST", "VAT", "SST"
    class_per_txn: bool
    class_per_line: bool
    book_close_date: str
    warn_duplicate_journal_number: bool
    tax_accounts: tuple[tuple[str, str], ...]  # (Name, AccountSubType) of tax liabilities
    tax_items: tuple[tuple[str, str, str], ...]  # (Item name, account, description)
    tax_rates: tuple[TaxRateSpec, ...]
    tax_codes: tuple[TaxCodeSpec, ...]
    city: str
    subdivision: str

    @property
    def using_sales_tax(self) -> bool:
        """Preferences.TaxPrefs.UsingSalesTax: off in the lenient demo company, whose tax
        codes are only a list (as in a company with tax turned off)."""
        return self.tax_model != "lenient"


_SST_ACCOUNTS = (
    ("SST Payable - SST6", "GlobalTaxPayable"),
    ("SST Payable - SST10", "GlobalTaxPayable"),
)
_SST_ITEMS = (
    ("SST6", "SST Payable - SST6", "Sales and service tax 6% collected"),
    ("SST10", "SST Payable - SST10", "Sales tax 10% collected (alcohol)"),
)

PROFILES: dict[str, CompanyProfile] = {
    "demo": CompanyProfile(
        key="demo",
        company_name=demo.COMPANY_NAME,
        legal_name="Nasi & Co Restaurant Group Sdn Bhd",
        country="MY",
        currency=("MYR", "Malaysian Ringgit"),
        tax_model="lenient",
        tax_word="SST",
        class_per_txn=True,
        class_per_line=True,
        book_close_date="",
        warn_duplicate_journal_number=False,
        tax_accounts=_SST_ACCOUNTS,
        tax_items=_SST_ITEMS,
        tax_rates=(),
        tax_codes=(
            TaxCodeSpec("1", "SST6", "Sales and service tax 6%", True, ()),
            TaxCodeSpec("2", "SST10", "Sales and service tax 10%", True, ()),
            TaxCodeSpec("3", "NON", "Not subject to SST", False, ()),
        ),
        city="Kuala Lumpur",
        subdivision="KUL",
    ),
    "my": CompanyProfile(
        key="my",
        company_name="Nasi & Co Restaurant Group (sandbox, SST)",
        legal_name="Nasi & Co Restaurant Group Sdn Bhd",
        country="MY",
        currency=("MYR", "Malaysian Ringgit"),
        tax_model="global",
        tax_word="SST",
        class_per_txn=True,
        class_per_line=True,
        book_close_date="",
        warn_duplicate_journal_number=False,
        tax_accounts=_SST_ACCOUNTS,
        tax_items=_SST_ITEMS,
        tax_rates=(
            TaxRateSpec("1", "SST 6%", "6", "SST Payable - SST6", "Royal Malaysian Customs"),
            TaxRateSpec("2", "SST 10%", "10", "SST Payable - SST10", "Royal Malaysian Customs"),
            TaxRateSpec(
                "3", "Out of Scope 0%", "0", "SST Payable - SST6", "Royal Malaysian Customs"
            ),
        ),
        tax_codes=(
            TaxCodeSpec("1", "SST6", "Service tax 6%", True, ("1",)),
            TaxCodeSpec("2", "SST10", "Sales tax 10%", True, ("2",)),
            TaxCodeSpec("3", "OS", "Out of Scope", False, ("3",)),
        ),
        city="Kuala Lumpur",
        subdivision="KUL",
    ),
    "uk": CompanyProfile(
        key="uk",
        company_name="Nasi & Co London (sandbox, VAT)",
        legal_name="Nasi & Co London Ltd",
        country="GB",
        currency=("GBP", "British Pound Sterling"),
        tax_model="global",
        tax_word="VAT",
        class_per_txn=True,
        class_per_line=False,
        book_close_date="2026-11-02",
        warn_duplicate_journal_number=True,
        tax_accounts=(("VAT Control", "GlobalTaxPayable"),),
        tax_items=(("VAT", "VAT Control", "VAT collected"),),
        tax_rates=(
            TaxRateSpec("1", "20.0% S (Sales)", "20", "VAT Control", "HMRC"),
            TaxRateSpec("2", "0.0% Z (Sales)", "0", "VAT Control", "HMRC"),
            TaxRateSpec("3", "Exempt (Sales)", "0", "VAT Control", "HMRC"),
            TaxRateSpec("4", "No VAT", "0", "VAT Control", "HMRC"),
        ),
        tax_codes=(
            TaxCodeSpec("1", "20.0% S", "Standard rated 20%", True, ("1",)),
            TaxCodeSpec("2", "0.0% Z", "Zero rated", True, ("2",)),
            TaxCodeSpec("3", "Exempt", "Exempt from VAT", False, ("3",)),
            TaxCodeSpec("4", "No VAT", "Outside the scope of VAT", False, ("4",)),
        ),
        city="London",
        subdivision="",
    ),
    "us": CompanyProfile(
        key="us",
        company_name="Nasi & Co New York (sandbox, sales tax)",
        legal_name="Nasi & Co New York LLC",
        country="US",
        currency=("USD", "United States Dollar"),
        tax_model="us",
        tax_word="",
        class_per_txn=True,
        class_per_line=True,
        book_close_date="",
        warn_duplicate_journal_number=False,
        tax_accounts=(("Sales Tax Payable", "SalesTaxPayable"),),
        tax_items=(("Sales Tax", "Sales Tax Payable", "Sales tax collected"),),
        tax_rates=(
            TaxRateSpec("1", "NYC Sales Tax", "8.875", "Sales Tax Payable", "NYS Dept of Taxation"),
        ),
        tax_codes=(
            TaxCodeSpec("TAX", "TAX", "TAX", True, ()),
            TaxCodeSpec("NON", "NON", "NON", False, ()),
            TaxCodeSpec("2", "New York City", "New York City", True, ("1",)),
        ),
        city="New York",
        subdivision="NY",
    ),
}


def profile(key: str | None) -> CompanyProfile:
    """The profile for a company key (None: the default); ValueError names the choices."""
    chosen = (key or DEFAULT_COMPANY).strip().lower()
    if chosen not in PROFILES:
        raise ValueError(f"unknown demo company {key!r}: choose one of {', '.join(COMPANY_KEYS)}")
    return PROFILES[chosen]


def company_objects(p: CompanyProfile) -> dict[str, list[dict[str, Any]]]:
    """The list objects of a demo company by entity (Ids set, no MetaData yet)."""
    objects = demo.demo_objects()
    currency = {"value": p.currency[0], "name": p.currency[1]}
    tax_subtypes = ("GlobalTaxPayable", "SalesTaxPayable")
    accounts = [a for a in objects["Account"] if a["AccountSubType"] not in tax_subtypes]
    for name, subtype in p.tax_accounts:
        accounts.append(
            {
                "Name": name,
                "FullyQualifiedName": name,
                "SubAccount": False,
                "Active": True,
                "Classification": "Liability",
                "AccountType": "Other Current Liability",
                "AccountSubType": subtype,
            }
        )
    for index, account in enumerate(accounts, start=1):
        account["Id"] = str(index)
        account["CurrencyRef"] = dict(currency)
    account_id = {a["Name"]: a["Id"] for a in accounts}
    tax_item_names = {"SST6", "SST10"}
    items = [i for i in objects["Item"] if i["Name"] not in tax_item_names]
    for name, _account, description in p.tax_items:
        items.append(
            {
                "Name": name,
                "FullyQualifiedName": name,
                "Description": description,
                "Active": True,
                "SubItem": False,
                "Type": "Service",
                "UnitPrice": 0,
                "Taxable": False,
                "TrackQtyOnHand": False,
            }
        )
    for index, item in enumerate(items, start=1):
        item["Id"] = str(index)
        income = item.get("IncomeAccountRef", {}).get("name")
        if income is None:
            income = next(a for n, a, _ in p.tax_items if n == item["Name"])
        item["IncomeAccountRef"] = {"value": account_id[income], "name": income}
        if p.tax_model == "us":
            item["Taxable"] = item["Name"].endswith(" Sales") or item["Name"] == "Service Charge"
    objects["Account"] = accounts
    objects["Item"] = items
    objects["Customer"][0]["CurrencyRef"] = dict(currency)
    rates = {r.rate_id: r for r in p.tax_rates}
    objects["TaxRate"] = [
        {
            "Id": r.rate_id,
            "Name": r.name,
            "Description": r.name,
            "Active": True,
            "RateValue": Decimal(r.percent),
            "AgencyRef": {"value": "1", "name": r.agency},
            "SpecialTaxType": "NONE",
            "DisplayType": "ReadOnly",
        }
        for r in p.tax_rates
    ]
    objects["TaxCode"] = [
        {
            "Id": c.code_id,
            "Name": c.name,
            "Description": c.description,
            "Active": True,
            "Taxable": c.taxable,
            "TaxGroup": len(c.rates) > 1 or p.tax_model == "us" and bool(c.rates),
            **(
                {
                    "SalesTaxRateList": {
                        "TaxRateDetail": [
                            {
                                "TaxRateRef": {"value": rid, "name": rates[rid].name},
                                "TaxTypeApplicable": "TaxOnAmount",
                                "TaxOrder": 0,
                            }
                            for rid in c.rates
                        ]
                    },
                    "PurchaseTaxRateList": {"TaxRateDetail": []},
                }
                if c.rates
                else {}
            ),
        }
        for c in p.tax_codes
    ]
    return objects


def tax_rate_accounts(p: CompanyProfile, objects: dict[str, list[dict[str, Any]]]) -> dict:
    """TaxRate Id -> the Id of the liability account its tax is booked to."""
    by_name = {a["Name"]: a["Id"] for a in objects["Account"]}
    return {r.rate_id: by_name[r.account] for r in p.tax_rates}


def company_info(p: CompanyProfile, realm_id: str) -> dict[str, Any]:
    """CompanyInfo of a demo company."""
    info = demo.company_info(realm_id)
    info["CompanyName"] = p.company_name
    info["LegalName"] = p.legal_name
    info["Country"] = p.country
    for key in ("CompanyAddr", "LegalAddr", "CustomerCommunicationAddr"):
        info[key] = {
            **info[key],
            "Country": p.country,
            "City": p.city,
            "CountrySubDivisionCode": p.subdivision,
        }
    return info


def preferences(p: CompanyProfile, *, location_tracking: bool = True) -> dict[str, Any]:
    """Preferences of a demo company, with Intuit's real preference names."""
    prefs = demo.preferences(class_tracking=True, location_tracking=location_tracking)
    accounting = prefs["AccountingInfoPrefs"]
    accounting["ClassTrackingPerTxn"] = p.class_per_txn
    accounting["ClassTrackingPerTxnLine"] = p.class_per_line
    accounting["BookCloseDate"] = p.book_close_date
    prefs["TaxPrefs"] = {"UsingSalesTax": p.using_sales_tax, "PartnerTaxEnabled": False}
    if p.tax_model == "us":
        prefs["TaxPrefs"]["TaxGroupCodeRef"] = {"value": "2"}
    prefs["CurrencyPrefs"]["HomeCurrency"] = {"value": p.currency[0]}
    warn = "true" if p.warn_duplicate_journal_number else "false"
    prefs["OtherPrefs"] = {
        "NameValue": [
            {"Name": "WarnDuplicateCheckNumber", "Value": "true"},
            {"Name": "WarnDuplicateBillNumber", "Value": "false"},
            {"Name": "WarnDuplicateJournalNumber", "Value": warn},
        ]
    }
    return prefs
