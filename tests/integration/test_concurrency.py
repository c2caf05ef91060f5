"""A backfill killed half-way, and two senders at once: still one document per day and outlet."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter

from posbooks.posting.ledger import ledger_rows
from posting_support import DAY1, DAY3, Home, assert_exactly_once, home_dir, pos_file, receipt_home

__all__ = ["home_dir", "pos_file", "receipt_home"]

RANGE = ["--date", str(DAY1), "--to", str(DAY3)]


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def statuses(stdout: str) -> Counter:
    return Counter(o["status"] for o in json.loads(stdout))


def test_a_backfill_killed_mid_range_is_completed_by_running_it_again(receipt_home: Home, tmp_path):
    home = receipt_home
    args = ["send", *RANGE, "--type", "receipt", "--format", "json", "--source", str(home.pos_file)]
    # every batch answers slowly, so the second one is in flight when the kill comes
    home.fault("delay", count=2, path="^batch$", seconds=1.5)
    first = home.cli(*args, cwd=tmp_path)
    wait_until(lambda: any(r.status == "posted" for r in ledger_rows(home.store)))
    killed_at = time.monotonic()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    done_before = {r.doc_number for r in ledger_rows(home.store) if r.status == "posted"}
    assert 0 < len(done_before) < 54

    rerun = home.cli(*args, cwd=tmp_path)
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    outcomes = json.loads(out)
    assert len(outcomes) == 54  # 3 days x 3 outlets x 6 payment methods
    assert {o["doc_number"] for o in outcomes if o["status"] == "unchanged"} == done_before
    assert statuses(out) == {"unchanged": len(done_before), "created": 54 - len(done_before)}

    time.sleep(max(0.0, 1.6 - (time.monotonic() - killed_at)))  # the killed run's batch lands
    assert_exactly_once(home, "receipt", _outcomes(outcomes))


def test_two_senders_of_the_same_range_make_one_document_each(receipt_home: Home, tmp_path):
    home = receipt_home
    home.fault("delay", count=1, path="^batch$", seconds=0.5)  # make the senders overlap
    args = ["send", *RANGE, "--type", "journal", "--format", "json", "--source", str(home.pos_file)]
    senders = [home.cli(*args, cwd=tmp_path), home.cli(*args, cwd=tmp_path)]
    results = [p.communicate(timeout=60) for p in senders]
    assert [p.returncode for p in senders] == [0, 0], [err for _, err in results]
    both = statuses(results[0][0]) + statuses(results[1][0])
    assert both == {"created": 9, "unchanged": 9}
    assert_exactly_once(home, "journal", _outcomes(json.loads(results[0][0])))


def _outcomes(items: list[dict]):
    """JSON outcomes in the shape ``assert_exactly_once`` reads."""

    class Outcome:
        def __init__(self, item: dict):
            self.doc_number, self.status = item["doc_number"], item["status"]

    return [Outcome(i) for i in items]
