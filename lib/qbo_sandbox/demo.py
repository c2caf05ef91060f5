"""The demo company: a Malaysian restaurant group with three outlets.

Names match the POS sample data exactly (outlets, categories, tax codes, payment
methods); see /work/brief/SANDBOX_SHARED.md and docs/sandbox-accounting.md.
"""

from __future__ import annotations

from typing import Any

COMPANY_NAME = "Nasi & Co Restaurant Group (sandbox)"
OUTLETS = ("Bangsar", "KLCC", "Mont Kiara")
CATEGORIES = ("Food", "Beverages", "Desserts", "Alcohol")
TAX_CODES = ("SST6", "SST10")
PAYMENT_METHODS = ("Cash", "Visa/Master", "Amex", "TNG eWallet", "GrabPay", "Voucher")

# (Name, AccountType, AccountSubType, Active)
ACCOUNTS: tuple[tuple[str, str, str, bool], ...] = (
    ("Maybank Current Account", "Bank", "Checking", True),
    ("Cash on Hand", "Bank", "CashOnHand", True),
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds", True),
    ("Card Clearing - Visa/Master", "Other Current Asset", "OtherCurrentAssets", True),
    ("Card Clearing - Amex", "Other Current Asset", "OtherCurrentAssets", True),
    ("E-Wallet Clearing - TNG", "Other Current Asset", "OtherCurrentAssets", True),
    ("E-Wallet Clearing - GrabPay", "Other Current Asset", "OtherCurrentAssets", True),
    ("Gift Vouchers Outstanding", "Other Current Liability", "OtherCurrentLiabilities", True),
    ("Accounts Receivable", "Accounts Receivable", "AccountsReceivable", True),
    ("Accounts Payable", "Accounts Payable", "AccountsPayable", True),
    ("Sales - Food", "Income", "SalesOfProductIncome", True),
    ("Sales - Beverages", "Income", "SalesOfProductIncome", True),
    ("Sales - Desserts", "Income", "SalesOfProductIncome", True),
    ("Sales - Alcohol", "Income", "SalesOfProductIncome", True),
    ("Service Charge Income", "Income", "ServiceFeeIncome", True),
    ("Discounts Given", "Income", "DiscountsRefundsGiven", True),
    ("SST Payable - SST6", "Other Current Liability", "GlobalTaxPayable", True),
    ("SST Payable - SST10", "Other Current Liability", "GlobalTaxPayable", True),
    ("Tips Payable", "Other Current Liability", "OtherCurrentLiabilities", True),
    ("Rounding Adjustment", "Other Income", "OtherMiscellaneousIncome", True),
    ("Cash Over/Short", "Expense", "OtherMiscellaneousServiceCost", True),
    ("Owner's Equity", "Equity", "OwnersEquity", True),
    ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs", True),
    ("Old Sales Account (inactive)", "Income", "SalesOfProductIncome", False),
)
CLASSIFICATION = {
    "Bank": "Asset",
    "Other Current Asset": "Asset",
    "Accounts Receivable": "Asset",
    "Accounts Payable": "Liability",
    "Other Current Liability": "Liability",
    "Income": "Revenue",
    "Other Income": "Revenue",
    "Expense": "Expense",
    "Cost of Goods Sold": "Expense",
    "Equity": "Equity",
}
# (Item name, income or liability account it books to, description)
ITEMS: tuple[tuple[str, str, str], ...] = (
    *((f"{c} Sales", f"Sales - {c}", f"{c} sold at the outlets") for c in CATEGORIES),
    ("Service Charge", "Service Charge Income", "10% service charge"),
    ("SST6", "SST Payable - SST6", "Sales and service tax 6% collected"),
    ("SST10", "SST Payable - SST10", "Sales tax 10% collected (alcohol)"),
    ("Tips", "Tips Payable", "Tips collected for staff"),
    ("Rounding", "Rounding Adjustment", "Cash rounding to 5 sen"),
    ("Discount", "Discounts Given", "Discounts given at the till"),
)


def demo_objects() -> dict[str, list[dict[str, Any]]]:
    """The demo company's list objects by entity, each with Id and no MetaData yet."""
    accounts = []
    for index, (name, kind, subtype, active) in enumerate(ACCOUNTS, start=1):
        accounts.append(
            {
                "Id": str(index),
                "Name": name,
                "FullyQualifiedName": name,
                "SubAccount": False,
                "Active": active,
                "Classification": CLASSIFICATION[kind],
                "AccountType": kind,
                "AccountSubType": subtype,
                "CurrencyRef": {"value": "MYR", "name": "Malaysian Ringgit"},
            }
        )
    account_id = {a["Name"]: a["Id"] for a in accounts}
    items = [
        {
            "Id": str(index),
            "Name": name,
            "FullyQualifiedName": name,
            "Description": description,
            "Active": True,
            "SubItem": False,
            "Type": "Service",
            "UnitPrice": 0,
            "Taxable": False,
            "TrackQtyOnHand": False,
            "IncomeAccountRef": {"value": account_id[account], "name": account},
        }
        for index, (name, account, description) in enumerate(ITEMS, start=1)
    ]
    return {
        "Account": accounts,
        "Class": _named("Class", CATEGORIES, {"SubClass": False}),
        "Department": _named("Department", OUTLETS, {"SubDepartment": False}),
        "Item": items,
        "PaymentMethod": [
            {
                "Id": str(index),
                "Name": name,
                "Active": True,
                "Type": "NON_CREDIT_CARD" if name in ("Cash", "Voucher") else "CREDIT_CARD",
            }
            for index, name in enumerate(PAYMENT_METHODS, start=1)
        ],
        "TaxCode": [_tax_code(1, "SST6", "6"), _tax_code(2, "SST10", "10"), _non_taxable()],
        "Customer": [
            {
                "Id": "1",
                "DisplayName": "Walk-in Customer",
                "FullyQualifiedName": "Walk-in Customer",
                "Active": True,
                "Taxable": False,
                "Balance": 0,
                "CurrencyRef": {"value": "MYR", "name": "Malaysian Ringgit"},
            }
        ],
        "Vendor": [
            {
                "Id": "1",
                "DisplayName": "Pasar Borong Supplies Sdn Bhd",
                "Active": True,
                "Balance": 0,
            }
        ],
    }


def _named(entity: str, names: tuple[str, ...], extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"Id": str(i), "Name": n, "FullyQualifiedName": n, "Active": True, **extra}
        for i, n in enumerate(names, start=1)
    ]


def _tax_code(index: int, name: str, percent: str) -> dict[str, Any]:
    return {
        "Id": str(index),
        "Name": name,
        "Description": f"Sales and service tax {percent}%",
        "Active": True,
        "Taxable": True,
        "TaxGroup": False,
    }


def _non_taxable() -> dict[str, Any]:
    return {
        "Id": "3",
        "Name": "NON",
        "Description": "Not subject to SST",
        "Active": True,
        "Taxable": False,
        "TaxGroup": False,
    }


def company_info(realm_id: str) -> dict[str, Any]:
    """CompanyInfo as QBO returns it for the demo company."""
    address = {
        "Id": "1",
        "Line1": "Level 3, Menara Nasi, Jalan Telawi",
        "City": "Kuala Lumpur",
        "Country": "MY",
        "CountrySubDivisionCode": "KUL",
        "PostalCode": "59100",
    }
    return {
        "Id": "1",
        "CompanyName": COMPANY_NAME,
        "LegalName": "Nasi & Co Restaurant Group Sdn Bhd",
        "CompanyAddr": address,
        "LegalAddr": dict(address),
        "CustomerCommunicationAddr": dict(address),
        "Country": "MY",
        "CompanyStartDate": "2024-01-01",
        "FiscalYearStartMonth": "January",
        "SupportedLanguages": "en",
        "Email": {"Address": "accounts@nasico.example"},
        "PrimaryPhone": {"FreeFormNumber": "+60 3-2201 0000"},
        "NameValue": [{"Name": "OfferingSku", "Value": "QuickBooks Online Plus"}],
        "RealmId": realm_id,
    }


def preferences(*, class_tracking: bool, location_tracking: bool) -> dict[str, Any]:
    """Preferences as QBO returns them; "Track classes" and "Track locations" as given."""
    return {
        "Id": "1",
        "AccountingInfoPrefs": {
            "TrackDepartments": location_tracking,
            "DepartmentTerminology": "Location",
            "ClassTrackingPerTxn": class_tracking,
            "ClassTrackingPerTxnLine": class_tracking,
            "CustomerTerminology": "Customers",
            "FirstMonthOfFiscalYear": "January",
            "UseAccountNumbers": False,
            "BookCloseDate": "",
        },
        "ProductAndServicesPrefs": {
            "ForSales": True,
            "ForPurchase": True,
            "QuantityWithPriceAndRate": True,
            "QuantityOnHand": False,
        },
        "SalesFormsPrefs": {
            "CustomTxnNumbers": True,
            "AllowDiscount": True,
            "AllowDeposit": False,
            "AllowShipping": False,
            "AllowServiceDate": False,
        },
        "TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": False},
        "CurrencyPrefs": {
            "MultiCurrencyEnabled": False,
            "HomeCurrency": {"value": "MYR"},
        },
        "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
        "OtherPrefs": {"NameValue": [{"Name": "WarnDuplicateDocNum", "Value": "false"}]},
    }
