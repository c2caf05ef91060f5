"""Sending exactly once: the plan of a send, the engine, restoring edited documents, the ledger.

``plan`` decides what a period sends and posts it through ``engine``; ``ledger`` records
every claim and outcome in the home so a re-run completes exactly what is missing.
"""
