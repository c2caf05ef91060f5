"""posbooks: a point-of-sale system's daily sales, booked in QuickBooks Online."""

from __future__ import annotations

__version__ = "0.1.0"
