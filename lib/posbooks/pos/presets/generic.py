"""placeholder"""

from __future__ import annotations

name = "generic"
title = "generic export"
kinds: dict[str, tuple[str, ...]] = {}


def identify(files):
    return None


def extract(con, match, options):
    raise NotImplementedError
