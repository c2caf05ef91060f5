"""The pure core: Decimal money, immutable data, no I/O.

Nothing here imports streamlit, duckdb, pandas, requests, intuitlib or quickbooks;
``tests/unit/test_core_is_pure.py`` keeps it so.
"""
