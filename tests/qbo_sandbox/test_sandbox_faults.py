"""Injected faults (POST /_sandbox/faults) as python-quickbooks experiences them."""

from __future__ import annotations

import time

import pytest
import requests
from quickbooks.exceptions import QuickbooksException, SevereException, ValidationException
from quickbooks.objects.account import Account
from quickbooks.objects.trackingclass import Class

pytestmark = pytest.mark.usefixtures("needs_accounting")


def test_http_429_fault_answers_throttle_json_once(fresh_sandbox, qb):
    fresh_sandbox.admin("faults", {"kind": "http_429", "count": 1})
    with pytest.raises(ValidationException) as refused:
        Account.all(qb=qb)
    assert refused.value.error_code == 3001
    assert Account.all(qb=qb)  # count 1: the next request goes through
    assert fresh_sandbox.admin("state")["requests"]["throttled_429"] == 1


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_faults_reach_the_client_as_severe(fresh_sandbox, qb, tokens, status):
    fresh_sandbox.admin("faults", {"kind": f"http_{status}", "count": 2})
    with pytest.raises(SevereException):
        Account.all(qb=qb)
    raw = requests.get(
        f"{fresh_sandbox.api_url}/company/{tokens['realm_id']}/companyinfo/{tokens['realm_id']}",
        headers={"Authorization": "Bearer " + tokens["access_token"]},
        timeout=5,
    )
    assert raw.status_code == status
    assert raw.json()["Fault"]["type"] == "SystemFault"
    assert Account.all(qb=qb)


def test_fault_path_regex_only_hits_matching_requests(fresh_sandbox, qb):
    fresh_sandbox.admin("faults", {"kind": "http_503", "count": 1, "path": "^class"})
    assert Account.all(qb=qb)  # /query is not /class...: untouched
    with pytest.raises(SevereException):
        Class.get(1, qb=qb)
    assert fresh_sandbox.admin("faults")["pending"] == []


def test_delay_fault_stalls_then_answers_normally(fresh_sandbox, qb):
    fresh_sandbox.admin("faults", {"kind": "delay", "count": 1, "seconds": 0.4})
    started = time.monotonic()
    accounts = Account.all(qb=qb)
    assert time.monotonic() - started >= 0.4
    assert accounts


def test_drop_after_commit_creates_the_object_but_the_client_hears_nothing(fresh_sandbox, qb):
    fresh_sandbox.admin("faults", {"kind": "drop_after_commit", "count": 1})
    catering = Class()
    catering.Name = "Catering"
    with pytest.raises(requests.exceptions.ConnectionError):
        catering.save(qb=qb, request_id="posbooks-test-0001")
    found = Class.filter(Name="Catering", qb=qb)
    assert len(found) == 1  # the write happened although no reply came back
    # retrying with the same requestid replays the original reply, no duplicate
    retry = Class()
    retry.Name = "Catering"
    retry.save(qb=qb, request_id="posbooks-test-0001")
    assert retry.Id == found[0].Id
    assert len(Class.filter(Name="Catering", qb=qb)) == 1


def test_xml_throttle_fault_is_what_python_quickbooks_reports_as_code_10000(fresh_sandbox, qb):
    fresh_sandbox.admin("faults", {"kind": "xml_throttle"})
    with pytest.raises(QuickbooksException) as refused:
        Account.all(qb=qb)
    assert refused.value.error_code == 10000
    assert '<Error code="3001">' in refused.value.message
    assert "ThrottleExceeded" in refused.value.message
