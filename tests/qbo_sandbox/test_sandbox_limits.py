"""QuickBooks' per-company request limits as python-quickbooks experiences them."""

from __future__ import annotations

import json

import pytest
from quickbooks.exceptions import ValidationException
from quickbooks.objects.account import Account
from quickbooks.objects.trackingclass import Class

pytestmark = pytest.mark.usefixtures("needs_accounting")


@pytest.fixture(autouse=True)
def frozen_clock(fresh_sandbox):
    """Throttle windows follow the sandbox clock; stopped, a slow machine cannot leak
    requests out of a window."""
    fresh_sandbox.admin("clock", {"freeze": True})


def assert_throttled(call) -> None:
    with pytest.raises(ValidationException) as refused:
        call()
    assert refused.value.error_code == 3001
    assert "ThrottleExceeded" in refused.value.message


def test_over_requests_per_second_is_429_code_3001_until_a_second_passes(fresh_sandbox, qb):
    fresh_sandbox.admin("limits", {"per_second": 3})
    for _ in range(3):
        assert Account.all(qb=qb)
    assert_throttled(lambda: Account.all(qb=qb))
    fresh_sandbox.admin("clock", {"advance_seconds": 1.5})
    assert Account.all(qb=qb)
    requests_seen = fresh_sandbox.admin("state")["requests"]
    assert requests_seen["throttled_429"] == 1
    assert requests_seen["by_status"]["429"] == 1


def test_over_requests_per_minute_is_refused_until_the_minute_is_over(fresh_sandbox, qb):
    fresh_sandbox.admin("limits", {"per_minute": 4, "per_second": 100})
    for _ in range(4):
        Class.count(qb=qb)
        fresh_sandbox.admin("clock", {"advance_seconds": 5})  # spread over 20 s
    assert_throttled(lambda: Class.count(qb=qb))
    fresh_sandbox.admin("clock", {"advance_seconds": 45})  # first request now 60 s old
    assert Class.count(qb=qb) > 0


def test_batch_requests_have_their_own_per_minute_limit(fresh_sandbox, qb):
    fresh_sandbox.admin("limits", {"batch_per_minute": 2})
    batch = json.dumps({"BatchItemRequest": [{"bId": "1", "Query": "SELECT * FROM Class"}]})
    for _ in range(2):
        reply = qb.batch_operation(batch)
        assert reply["BatchItemResponse"][0]["bId"] == "1"
    assert_throttled(lambda: qb.batch_operation(batch))
    assert Account.all(qb=qb)  # single requests are still welcome


def test_default_limits_are_intuits_published_values(fresh_sandbox, qb):
    assert fresh_sandbox.admin("limits") == {
        "per_minute": 500,
        "per_second": 10,
        "batch_per_minute": 40,
    }
    for _ in range(10):
        Class.count(qb=qb)
    assert_throttled(lambda: Class.count(qb=qb))
