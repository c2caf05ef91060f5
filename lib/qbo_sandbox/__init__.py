"""A local QuickBooks Online stand-in: Intuit's OAuth2/OpenID and v3 accounting API.

Start it in-process with ``start_sandbox()`` or as ``posbooks sandbox``; see
docs/sandbox.md.
"""

from __future__ import annotations

from qbo_sandbox.limits import Limits
from qbo_sandbox.oauth import ClientRegistration
from qbo_sandbox.server import SandboxHandle, start_sandbox

__all__ = ["ClientRegistration", "Limits", "SandboxHandle", "start_sandbox"]
