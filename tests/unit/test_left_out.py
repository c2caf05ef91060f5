"""Account types set to None on purpose: left out, balanced through over/short or blocked."""

from __future__ import annotations

from dataclasses import replace

from daybook import pos_day
from posbooks.core.mapping_json import mapping_from_json, mapping_to_json
from posbooks.core.mapping_rules import check_mapping
from posbooks.core.tieout import tie_out
from posbooks.drafts.preview import drafts_for_day
from test_journal import A_BUSY_SATURDAY, MAPPING

TIPS_NOT_SENT = replace(MAPPING, accounts={k: v for k, v in MAPPING.accounts.items() if k != ("tip", None)},
                        not_sent=frozenset({("tip", None)}))  # fmt: skip
DAY = pos_day(A_BUSY_SATURDAY)


def test_a_type_set_to_none_with_an_amount_balances_through_over_short_and_is_named():
    (entry,) = drafts_for_day(DAY, "journal", TIPS_NOT_SENT)
    assert not entry.blocked and entry.balanced
    assert not [ln for ln in entry.lines if ln.source == "tip"]
    over_short = [ln for ln in entry.lines if ln.source == "over_short"]
    assert [(ln.posting, str(ln.amount)) for ln in over_short] == [("Credit", "95.00")]
    assert [i.message for i in entry.issues] == [
        "Left out, set to None (not sent): Tips 95.00; the day balances through Over/short (95.00)."
    ]
    sent_day = replace(DAY, totals=tuple(t for t in DAY.totals if t.source != "tip"))
    assert all(t.ties for t in tie_out(sent_day, (entry,), "journal"))


def test_without_over_short_the_day_is_blocked_naming_the_amount_and_both_ways_out():
    accounts = {k: v for k, v in TIPS_NOT_SENT.accounts.items() if k != ("over_short", None)}
    (entry,) = drafts_for_day(DAY, "journal", replace(TIPS_NOT_SENT, accounts=accounts))
    assert entry.blocked
    (issue,) = [i for i in entry.issues if i.blocking]
    assert "Tips 95.00, so the day is off by 95.00" in issue.message
    assert "map Over/short to an account" in issue.message and "instead of None" in issue.message


def test_a_type_set_to_none_without_an_amount_that_day_sends_normally():
    no_tips = A_BUSY_SATURDAY.replace("tip             -                 95.00", "").replace(
        "2,488.00", "2,393.00"
    )
    quiet = pos_day(no_tips)
    (entry,) = drafts_for_day(quiet, "journal", TIPS_NOT_SENT)
    assert not entry.issues and not [ln for ln in entry.lines if ln.source == "over_short"]


def test_none_on_purpose_is_not_unmapped_and_is_saved_with_the_mapping():
    keys = {(t.source, t.key) for t in DAY.totals}
    assert not [i for i in check_mapping(TIPS_NOT_SENT, None, keys) if i.code == "unmapped"]
    assert mapping_from_json(mapping_to_json(TIPS_NOT_SENT)).not_sent == {("tip", None)}
