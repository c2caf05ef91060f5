"""Comparing the POS now, what was sent, and QuickBooks now.

``gather`` reads all three for a period; ``actions`` carries out a reconciliation's
choices (send again, adjust, adopt); ``found`` lists documents QuickBooks holds that
posbooks did not send.
"""
