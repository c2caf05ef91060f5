"""What would be sent: the saved mapping and the drafts built from POS totals.

``mapping`` keeps mapping versions in the home and suggests one from the POS keys and
the QuickBooks settings; ``preview`` turns a period's POS totals into journal or
receipt drafts with their tie-out. Sits on ``pos``, ``qbo`` and ``state``; sends nothing.
"""
