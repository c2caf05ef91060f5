"""A local QuickBooks Online stand-in: Intuit's OAuth2/OpenID and v3 accounting API.

Start it in-process with ``start_sandbox()`` or as ``posbooks sandbox``; see
docs/sandbox.md.
"""

from __future__ import annotations

from posbooks.qbo.sandbox.limits import Limits
from posbooks.qbo.sandbox.oauth import ClientRegistration
from posbooks.qbo.sandbox.server import SandboxHandle, start_sandbox

__all__ = ["ClientRegistration", "Limits", "SandboxHandle", "start_sandbox"]
