"""The one exception every front end shows as it is: a failure said in plain words."""

from __future__ import annotations


class WorkbenchError(Exception):
    """An expected failure, in words the bookkeeper can act on."""
