"""placeholder"""

from __future__ import annotations

name = "loyverse"
title = "loyverse export"
kinds: dict[str, tuple[str, ...]] = {}


def identify(files):
    return None


def extract(con, match, options):
    raise NotImplementedError
