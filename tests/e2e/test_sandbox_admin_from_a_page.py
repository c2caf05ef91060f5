"""A web page on another origin, open in Debian's Chromium, tries to drive the sandbox's
admin API as in issue 16.5: a ``no-cors`` text POST to /_sandbox/reset and /_sandbox/faults.

The page then reports to its own server that the browser sent both, so the test knows the
attack ran; the sandbox must have refused them: its clock offset and faults are untouched.
"""

from __future__ import annotations

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

ATTACK = """<!doctype html><title>cute cats</title><script>
const target = %(target)r;
Promise.allSettled([
  fetch(target + "/_sandbox/reset", {method: "POST", mode: "no-cors", body: "{}"}),
  fetch(target + "/_sandbox/faults", {method: "POST", mode: "no-cors",
        body: JSON.stringify({kind: "http_503", count: 5})}),
]).then(() => fetch("/done", {method: "POST"}));
</script>"""


class _AttackerSite(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = (ATTACK % {"target": self.server.target}).encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        self.server.done.set()  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_a_page_on_another_origin_cannot_reset_the_sandbox_or_add_faults(fresh_sandbox, tmp_path):
    fresh_sandbox.admin("clock", {"advance_seconds": 3600})
    site = ThreadingHTTPServer(("127.0.0.1", 0), _AttackerSite)
    site.target = fresh_sandbox.base_url  # type: ignore[attr-defined]
    site.done = threading.Event()  # type: ignore[attr-defined]
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        subprocess.run(
            [CHROMIUM, *CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}",
             "--virtual-time-budget=10000", "--dump-dom",
             f"http://127.0.0.1:{site.server_address[1]}/"],
            capture_output=True, timeout=90, check=False,
        )  # fmt: skip
        assert site.done.wait(5), "the browser did not run the page's requests"
    finally:
        site.shutdown()
        site.server_close()
    assert fresh_sandbox.admin("clock")["offset_seconds"] == 3600  # not reset
    assert fresh_sandbox.admin("faults")["pending"] == []
