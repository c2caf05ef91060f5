"""DocNumbers are unique by construction: codes per outlet and method, never shared."""

from __future__ import annotations

import string
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from posbooks.core.docnumbers import (
    DOC_NUMBER_MAX,
    OUR_DOC_NUMBER,
    CodeError,
    DocNumbers,
    assign,
    check_code,
    legacy_number,
)

DAY = date(2026, 11, 20)
CHAIN = ["Nasi & Co Bukit Bintang", "Nasi & Co Johor Bahru", "Nasi & Co Bangsar"]


def test_the_reported_collision_is_gone():
    # both had PB261120-NASE4-J: 3 letters and a 10-bit hash
    assert legacy_number(DAY, CHAIN[0], "journal") == legacy_number(DAY, CHAIN[1], "journal")
    numbers = DocNumbers(assign(CHAIN, (), 5), {})
    assert numbers.outlets == {
        "Nasi & Co Bukit Bintang": "NCBB",
        "Nasi & Co Johor Bahru": "NCJB",
        "Nasi & Co Bangsar": "NCB",
    }
    assert numbers.number(DAY, CHAIN[0], "journal") == "PB261120-NCBB-J"
    assert numbers.number(DAY, CHAIN[1], "journal") == "PB261120-NCJB-J"


def test_codes_are_readable_and_numbered_when_taken():
    assert assign(["KLCC", "Mont Kiara", "Bangsar"], (), 5) == {
        "KLCC": "KLC", "Mont Kiara": "MK", "Bangsar": "BAN",
    }  # fmt: skip
    # names with no letters, and a code already taken, still get a code of their own
    codes = assign(["日本", "東京", "Bangsar"], ["BAN"], 5)
    assert len(set(codes.values()) | {"BAN"}) == 4
    assert all(2 <= len(c) <= 5 for c in codes.values())


def test_a_chosen_code_is_checked():
    assert check_code(" bb ", 5) == "BB"
    for bad in ("B", "TOOLONG", "B-B", "É1"):
        with pytest.raises(CodeError):
            check_code(bad, 5)


def test_documents_already_sent_keep_their_number():
    numbers = DocNumbers(
        {"KLCC": "KL"}, {}, kept={(DAY, "KLCC", "journal", ""): "PB261120-KLCLY-J"}
    )
    assert numbers.number(DAY, "KLCC", "journal") == "PB261120-KLCLY-J"
    assert numbers.number(DAY + timedelta(days=1), "KLCC", "journal") == "PB261121-KL-J"


_letters = string.ascii_letters + string.digits + " &'-./()" + "éñüøßçàÅÉ" + "日本東京店"
_word = st.text(alphabet=_letters, min_size=1, max_size=14)
_prefix = st.sampled_from(["Nasi & Co ", "Kopi Kita ", "The Coffee Bean ", "Café ", "", "Outlet "])


@st.composite
def _names(draw, prefix=_prefix, size=(2, 60)):
    """Chains' names: a shared prefix, then words; up to 100 characters, unicode, punctuation."""
    shared = draw(prefix)
    tails = draw(
        st.lists(st.lists(_word, min_size=1, max_size=6), min_size=size[0], max_size=size[1])
    )
    return list(dict.fromkeys((shared + " ".join(t))[:100] for t in tails))


@settings(max_examples=300, deadline=None)
@given(
    outlets=_names(),
    methods=_names(prefix=st.sampled_from(["", "Visa ", "E-wallet "]), size=(1, 12)),
)
def test_no_two_documents_share_a_docnumber(outlets, methods):
    numbers = DocNumbers(assign(outlets, (), 5), assign(methods, (), 4))
    seen: dict[str, tuple] = {}
    for day in (DAY, date(2027, 1, 1), date(2031, 12, 31)):
        for outlet in outlets:
            kinds = [("journal", ""), *((t, m) for t in ("receipt", "refund") for m in methods)]
            for doc_type, key in kinds:
                number = numbers.number(day, outlet, doc_type, key)
                assert len(number) <= DOC_NUMBER_MAX
                assert OUR_DOC_NUMBER.match(number), number
                identity = (day, outlet, doc_type, key)
                assert seen.setdefault(number, identity) == identity, (number, identity)


def test_thousands_of_outlets_of_one_chain_each_get_their_own_code():
    outlets = [f"Nasi & Co Outlet {n}" for n in range(5000)] + [
        f"Nasi & Co {n}" for n in range(5000)
    ]
    codes = assign(outlets, (), 5)
    assert len(set(codes.values())) == len(outlets)
    assert max(map(len, codes.values())) <= 5
