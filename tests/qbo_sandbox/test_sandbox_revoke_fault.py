"""The ``revoke`` fault and a fault's ``after``: a disconnection at an exact request.

Tests that need "QuickBooks drops the connection after the first batch" inject it here
instead of racing a revocation against the client from another thread.
"""

from __future__ import annotations

import pytest
from intuitlib.exceptions import AuthClientError
from qbo_sandbox.clients import auth_client_for
from quickbooks.exceptions import AuthorizationException
from quickbooks.objects.account import Account
from quickbooks.objects.trackingclass import Class

pytestmark = pytest.mark.usefixtures("needs_accounting")


def test_revoke_after_two_reads_lets_them_through_then_ends_the_connection(
    fresh_sandbox, qb, tokens
):
    served_before = fresh_sandbox.admin("state")["faults_served"].get("revoke", 0)  # kept by reset
    fresh_sandbox.admin("faults", {"kind": "revoke", "path": "^query", "after": 2})
    assert Account.all(qb=qb)
    assert Class.all(qb=qb)  # the second query still goes through
    with pytest.raises(AuthorizationException) as refused:
        Account.all(qb=qb)
    assert refused.value.error_code == 401
    with pytest.raises(AuthorizationException):
        Class.get(1, qb=qb)  # every later request too, whatever its path
    with pytest.raises(AuthClientError) as refresh:
        auth_client_for(fresh_sandbox).refresh(refresh_token=tokens["refresh_token"])
    assert b"invalid_grant" in refresh.value.content  # the user must connect again
    state = fresh_sandbox.admin("state")
    assert state["faults_served"]["revoke"] == served_before + 1 and not state["faults_pending"]
    assert state["oauth"]["revoked_connections"] == 1


def test_after_is_listed_while_pending_and_counts_only_matching_requests(fresh_sandbox, qb):
    fresh_sandbox.admin("faults", {"kind": "http_503", "path": "^class", "after": 1})
    assert Account.all(qb=qb)  # a query: does not match, does not count
    assert fresh_sandbox.admin("faults")["pending"][0]["after"] == 1
    assert Class.get(1, qb=qb)  # the one let through
    with pytest.raises(Exception, match="503|Service Unavailable"):
        Class.get(1, qb=qb)


@pytest.mark.parametrize("after", [-1, 1.5, True, "2"])
def test_after_must_be_a_non_negative_integer(fresh_sandbox, after):
    with pytest.raises(Exception, match="after must be a non-negative integer"):
        fresh_sandbox.admin("faults", {"kind": "revoke", "after": after})
