"""What the Streamlit pages need beyond ``posbooks.services``: formatting and table helpers.

No Streamlit calls happen here (pages stay thin and these stay testable); nothing here
talks to QuickBooks or reads files.
"""
