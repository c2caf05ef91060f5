"""DocNumbers unique by construction: short codes per outlet and per payment method.

A DocNumber names one document of one company: ``PB`` + yymmdd + ``-`` + outlet code +
``-`` + ``J`` for a journal entry, ``R`` + method code for a sales receipt, or ``F`` +
method code for a refund receipt:

    PB261120-NCBB-J        PB261120-NCBB-RVM

Each outlet gets its own code (2 to 5 of A-Z, 0-9) and each payment method its own (2 to
4), assigned once per home, kept in its store, never two names with one code. Because the
parts are separated by ``-`` and the codes are unique, two different (date, outlet, type,
method) can never share a DocNumber; the longest is 20 characters, within QuickBooks' 21.
Codes are readable (initials first: "Nasi & Co Bukit Bintang" is ``NCBB``), shown and
editable before an outlet's first send, never changed after one.

Until 2026-12 the codes were 3 letters plus 2 characters of a hash, which let outlets with
a common prefix share a DocNumber. Documents already sent keep the number they were sent
under (``kept``): the ledger's number for a document always wins.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from posbooks.core.model import DAY_RECEIPT_KEY

OUTLET_CODE_MAX = 5
KEY_CODE_MAX = 4
DOC_NUMBER_MAX = 21  # QuickBooks' limit for DocNumber
CODE = re.compile(r"^[A-Z0-9]{2,5}$")
# Our DocNumbers (adjusting entries, ``...-JA1``, are not among them)
OUR_DOC_NUMBER = re.compile(
    r"^PB(?P<day>\d{6})-(?P<outlet>[A-Z0-9]{2,5})-(?P<type>J|[RF](?P<key>[A-Z0-9]{2,4})|R)$"
)
_WORD = re.compile(r"[A-Z0-9]+")
TYPE_LETTER = {"journal": "J", "receipt": "R", "refund": "F"}
_FILLER = {"AND", "THE", "OF", "CO", "SDN", "BHD", "LTD", "INC", "LLC", "PTE", "GMBH"}


class CodeError(ValueError):
    """A code that cannot be used: malformed, taken, or its outlet has already sent."""


def _words(name: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _WORD.findall(folded.upper())


def candidates(name: str, longest: int) -> list[str]:
    """Readable codes for ``name``, most readable first.

    Initials of the words ("Nasi & Co Bukit Bintang" -> NCBB; filler words such as "Co"
    dropped for a second try), the first word's letters, the first word plus the last
    word's initial. ``assign`` numbers the first of them when all are taken.
    """
    words = _words(name)
    significant = [w for w in words if w not in _FILLER] or words
    tries = []
    if len(words) > 1:
        tries += ["".join(w[0] for w in words), "".join(w[0] for w in significant)]
    if words:
        tries += [words[0][:3], words[0]]
        if len(words) > 1:
            tries += [words[0][:2] + words[-1][0], words[0][:2] + words[-1][:2],
                      words[0][0] + words[-1][:3]]  # fmt: skip
    out: list[str] = []
    for code in tries:
        code = code[:longest]
        if len(code) >= 2 and code not in out:
            out.append(code)
    return out


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _numbered(stem: str, n: int, longest: int) -> str | None:
    """``stem`` shortened to make room for the digits of ``n``; None when n has no room."""
    digits = str(n)
    room = longest - len(digits)
    return (stem[:room] + digits) if room >= 1 and stem else None


def _any_code(n: int, longest: int) -> str:
    """The n-th code of all 2..longest character codes, in order (the last resort)."""
    length = 2
    while n >= len(_ALPHABET) ** length:
        n -= len(_ALPHABET) ** length
        length += 1
    if length > longest:
        raise ValueError("no code is left")
    chars = []
    for _ in range(length):
        n, r = divmod(n, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    return "".join(reversed(chars))


def assign(names: Iterable[str], taken: Iterable[str], longest: int) -> dict[str, str]:
    """A new code for each of ``names`` (in order), none in ``taken`` nor given twice.

    A name whose readable codes are all taken gets its first one numbered (NCB2, NCB3,
    ...; fewer letters as the number grows), and past that any free code at all.
    """
    used = set(taken)
    out: dict[str, str] = {}
    next_number: dict[str, int] = {}
    last_resort = 0
    for name in names:
        if name in out:
            continue
        tries = candidates(name, longest)
        code = next((c for c in tries if c not in used), None)
        stem = tries[0] if tries else "X"
        while code is None:
            n = next_number.get(stem, 2)
            numbered = _numbered(stem, n, longest)
            if numbered is None:
                code = _any_code(last_resort, longest)
                last_resort += 1
            else:
                next_number[stem] = n + 1
                code = numbered
            if code in used:
                code = None
        used.add(code)
        out[name] = code
    return out


def check_code(code: str, longest: int) -> str:
    """``code`` upper-cased if it is 2 to ``longest`` of A-Z and 0-9, else CodeError."""
    code = code.strip().upper()
    if not CODE.match(code) or len(code) > longest:
        raise CodeError(f"'{code}': a code is 2 to {longest} letters A-Z or digits 0-9")
    return code


@dataclass(frozen=True)
class DocNumbers:
    """The DocNumbers of one home: its outlet and method codes, and the numbers already used.

    ``kept`` maps (date, outlet, type, key) to the number a document was sent under when
    that differs from what the codes give (documents sent before the codes existed).
    """

    outlets: Mapping[str, str]
    keys: Mapping[str, str]
    kept: Mapping[tuple[date, str, str, str], str] = field(default_factory=dict)

    def number(self, business_date: date, outlet: str, doc_type: str, doc_key: str = "") -> str:
        """The DocNumber of one document; KeyError for an outlet or method with no code."""
        kept = self.kept.get((business_date, outlet, doc_type, doc_key))
        if kept:
            return kept
        base = f"PB{business_date:%y%m%d}-{self.outlets[outlet]}-"
        letter = TYPE_LETTER[doc_type]
        whole = doc_type == "journal" or doc_key == DAY_RECEIPT_KEY  # no method code
        number = base + (letter if whole else letter + self.keys[doc_key])
        assert len(number) <= DOC_NUMBER_MAX, number
        return number

    def has(self, outlet: str, doc_key: str = "") -> bool:
        return outlet in self.outlets and (
            not doc_key or doc_key == DAY_RECEIPT_KEY or doc_key in self.keys
        )


def parse_number(number: str) -> tuple[str, str, str] | None:
    """(outlet code, "J", "R" or "F", method code or "") of one of our DocNumbers, else None."""
    match = OUR_DOC_NUMBER.match(number)
    if not match:
        return None
    return match["outlet"], match["type"][0], match["key"] or ""


def duplicated(numbers: Iterable[str]) -> list[str]:
    """The DocNumbers that occur more than once, sorted."""
    seen: set[str] = set()
    twice: set[str] = set()
    for n in numbers:
        (twice if n in seen else seen).add(n)
    return sorted(twice)


def legacy_number(business_date: date, outlet: str, doc_type: str, doc_key: str = "") -> str:
    """The DocNumber the scheme before the codes gave (3 letters + 2 hash characters per
    outlet, 2 + 2 per method): read to recognise documents sent before the codes."""

    def code(text: str, letters: int) -> str:
        alnum = re.sub(r"[^A-Z0-9]", "", text.upper())[:letters].ljust(letters, "X")
        digest = base64.b32encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        return alnum + digest[:2]

    base = f"PB{business_date:%y%m%d}-{code(outlet, 3)}-"
    return base + ("J" if doc_type == "journal" else "R" + code(doc_key, 2))


def numbers_document(
    numbers: DocNumbers, number: str, business_date: date, outlet: str, doc_type: str, key: str
) -> bool | None:
    """True when ``number`` is the DocNumber of that document (by this home's codes or the
    scheme before them), False when it is not, None when this home cannot tell for sure
    (the outlet or method has no code here: a document sent from another home) but date,
    type and codes fit.
    """
    parsed = parse_number(number)
    if parsed is None or number[2:8] != f"{business_date:%y%m%d}":
        return False
    if parsed[1] != TYPE_LETTER.get(doc_type):
        return False
    if numbers.has(outlet, key):  # this home numbers it: only its own number is that document's
        return numbers.number(business_date, outlet, doc_type, key) == number
    if legacy_number(business_date, outlet, doc_type, key) == number:
        return True
    outlet_code, _, key_code = parsed
    fits = plausible(outlet_code, outlet, OUTLET_CODE_MAX) and (
        doc_type == "journal" or key == DAY_RECEIPT_KEY or plausible(key_code, key, KEY_CODE_MAX)
    )
    return None if fits else False


def plausible(code: str, name: str, longest: int) -> bool:
    """Whether another home could have given ``name`` the code ``code`` (one of its readable
    codes, or the first of them numbered); a code chosen by hand may not be recognised."""
    tries = candidates(name, longest)
    if code in tries:
        return True
    stem = tries[0] if tries else "X"
    digits = code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return bool(digits) and digits.isdigit() and _numbered(stem, int(digits), longest) == code
