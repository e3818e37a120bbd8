"""Case numbers: recognise them in free text and reduce every spelling to one key.

Families seen in real minutes (see FORMATS.md of the sample minutes):

* Kalundborg: ``23-001310``, ``18-034639K`` (letter suffix), ``326-2015-47221`` (Sagsnr.)
* elsewhere: ``306-2009-600``, ``330-2019-2104``, ``14/30210``, ``20/35762``, ``2014/06569``,
  ``299835`` (after "Sagsnr."), KLE-style ``19.03.00-P24-1-19`` and ``00.01.00P35-0104``.

A bare KLE journal number such as ``00.01.00`` (``J.nr.``) is shared by many unrelated items, so
it is never treated as a case number: only the KLE form with its ``P``-part identifies a case.

In the minutes themselves (:func:`refs_in_line`) numbers come labelled: ``Sagsnr.``,
``Sagsnummer:``, ``Sagsid.:``, ``Sag:`` (the case), ``J.nr.``/``Journal nr.`` (the KLE journal
number) and ``Dok.nr.`` (the document), kept apart; unlabelled on the line under a title
(``23-001310``, ``DIHAJP / 06/17018``: the case handler's initials, then the case); as
``EMN-2025-008893``; as KLE with a case (``00.01.00A04 - 2007/34364``, ``00.22.00-3584-18``);
and, from OCR, with spaces inside (``0 8.0 3.0 0 G 0 1 /5 4 9`` is ``08.03.00G01/549``). A
number that only counts agenda items (``Sag nr. 25``) is not a case number.

Staff type case numbers loosely: ``18 034639``, ``18034639``, without the trailing letter, or only
the serial (``47221``, ``001310``). :func:`case_key` removes separators and case, and
:func:`index_keys` lists the shorter keys a stored case number can also be found by.
"""

from __future__ import annotations

import re

from store.text import normalise

_NON_KEY = re.compile(r"[^0-9A-Z]")

# Strict patterns: strings that are case numbers wherever they appear in a message.
_STRICT = re.compile(
    r"""
    (?<![\w./-])(?:
        \d{3}-\d{4}-\d{1,6}                              # 326-2015-47221, 306-2009-600
      | \d{2}-\d{6}[A-Za-zÆØÅæøå]?(?![\w])              # 23-001310, 18-034639K
      | \d{2}/\d{3,6}                                    # 14/30210, 08/704
      | \d{4}/\d{4,6}                                    # 2014/06569
      | \d{2}\.\d{2}\.\d{2}-?[A-Za-zÆØÅæøå]\d{2}(?:-\d+)+ # 19.03.00-P24-1-19, 00.01.00P35-0104
      | \d{2}\.\d{2}\.\d{2}-\d{3,6}-\d{2}                # 00.22.00-3584-18
      | [A-Z]{2,5}-\d{4}-\d{3,8}                          # EMN-2025-008893
    )(?![\w/]|-\d|\.\d)
    """,
    re.VERBOSE,
)
# A bare number is a case number when the text says so ("Sagsnr. 299835", "sag 47221"); not when
# it is only the first group of a longer number ("case 2021-0412": the loose forms take that).
_PREFIXED = re.compile(
    r"(?i)\b(?:sagsnr|sags\s*nr|sagsid|sagsnummer|sag|case(?:\s*(?:no|number))?)\.?:?\s*"
    r"(\d{2,4}/\d{2,7}|\d{4,8}[A-Za-z]?)\b(?![-/.]\d)"
)
# Looser forms that only a question contains: spaces instead of dashes, no separators at all,
# or the serial part alone (``2015-47221`` of a Sagsnr., ``3584-18`` of a KLE case number).
_LOOSE = re.compile(
    r"(?<![\w./-])(?:\d{3}\s\d{4}\s\d{1,6}|\d{2}\s\d{6}[A-Za-z]?|\d{4}-\d{3,6}|\d{3,6}-\d{2}"
    r"|\d{4,12}[A-Za-z]?)(?![\w./-])"
)


def case_key(s: str) -> str:
    """Reduce a case number to its key: upper case, letters and digits only.

    >>> case_key("18-034639k")
    '18034639K'
    >>> case_key(" 326 - 2015 - 47221 ")
    '326201547221'
    """
    return _NON_KEY.sub("", normalise(s).upper())


def _groups(case: str) -> list[str]:
    return [g for g in re.split(r"[^0-9A-Za-z]+", normalise(case)) if g]


def strip_letter_suffix(key: str) -> str:
    """A case key without its trailing letter: ``18034639K`` -> ``18034639`` (the same case)."""
    return key.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def index_keys(case: str) -> tuple[str, set[str]]:
    """The exact key of a stored case number and the shorter keys it may also be asked by.

    The shorter keys are: the key without a trailing letter (``18-034639`` for ``18-034639K``) and
    every tail of its groups that still holds at least four digits (``034639``, ``2015-47221``,
    ``47221``), each also without leading zeros.

    >>> sorted(index_keys("18-034639K")[1])
    ['034639', '034639K', '18034639', '34639', '34639K']
    """
    full = case_key(case)
    groups = [g.upper() for g in _groups(case)]
    partial: set[str] = set()
    letterless = strip_letter_suffix(full)
    if letterless and letterless != full:
        partial.add(letterless)
    for j in range(1, len(groups)):
        tail = "".join(groups[j:])
        if sum(ch.isdigit() for ch in tail) < 4:
            continue
        for form in {tail, strip_letter_suffix(tail)}:
            if form:
                partial.add(form)
                if form[0] == "0" and len(form.lstrip("0")) >= 4:
                    partial.add(form.lstrip("0"))
    partial.discard(full)
    return full, partial


def find_case_numbers(text: str) -> list[str]:
    """Case numbers written in free text, in order, as written (strict: no bare numbers).

    >>> find_case_numbers("Se sag 18-034639K og Sagsnr.: 326-2015-47221, J.nr.: 00.01.00")
    ['18-034639K', '326-2015-47221']
    """
    found: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in _STRICT.finditer(text)]
    taken = [(m.start(), m.end()) for m in _STRICT.finditer(text)]
    for m in _PREFIXED.finditer(text):
        start = m.start(1)
        if not any(a <= start < b for a, b in taken):
            found.append((start, m.group(1)))
    seen: set[str] = set()
    out: list[str] = []
    for _, s in sorted(found):
        if case_key(s) not in seen:
            seen.add(case_key(s))
            out.append(s)
    return out


def case_candidates(text: str) -> list[tuple[str, bool]]:
    """Everything in a question that may be a case number, with whether it is explicit.

    Explicit candidates are written in a case-number form or after "sag"/"sagsnr"/"case"; the
    others are bare numbers of four or more digits. Callers remove dates and years first.
    """
    out: list[tuple[str, bool]] = []
    spans: list[tuple[int, int]] = []
    for m in _STRICT.finditer(text):
        out.append((m.group(0), True))
        spans.append((m.start(), m.end()))
    for m in _PREFIXED.finditer(text):
        if not any(a <= m.start(1) < b for a, b in spans):
            out.append((m.group(1), True))
            spans.append((m.start(1), m.end(1)))
    for m in _LOOSE.finditer(text):
        if not any(a <= m.start() < b or a < m.end() <= b for a, b in spans):
            out.append((m.group(0), False))
            spans.append((m.start(), m.end()))
    return out


def typo_variants(key: str) -> set[str]:
    """Keys one slip away from a typed key: two neighbouring digits swapped, or one digit
    missing or one too many. A wrong digit is not a slip we guess at: it would make any
    random case number "almost" match.

    >>> {"1234", "12403"} <= typo_variants("1243")
    True
    """
    out: set[str] = set()
    chars = list(key)
    for i in range(len(chars) - 1):
        if chars[i] != chars[i + 1]:
            swapped = chars[:]
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
            out.add("".join(swapped))
    for i in range(len(key) + 1):
        for d in "0123456789":
            out.add(key[:i] + d + key[i:])
    if len(key) > 5:
        for i in range(len(key)):
            out.add(key[:i] + key[i + 1 :])
    out.discard(key)
    return out


# --------------------------------------------------------------------------------------------
# Case, journal and document numbers as the minutes print them

# (Every label starts with s, j or d: the lookahead lets a search pass over other characters.)
_REF_LABEL = re.compile(
    r"(?=[sjd])(?<![\wæøå])(?P<label>sagsnummer|sagsnr|sags\.?\s?nr|sagsid|sags-id|sag\s?nr|sag"
    r"|journalnummer|journalnr|journal\s?nr|j\.\s?nr|jnr|dokumentnummer|dokumentnr|dokument\s?nr"
    r"|dok\.?\s?nr)\.?\s*:?\s*",
    re.IGNORECASE,
)
REF_LINE_START = re.compile(
    r"^(?:[•·\-]\s*)?(?:sagsnummer|sagsnr|sags\.?\s?nr|sagsid|sags-id|sag\s?nr|sag\s+\d|sag\s*:"
    r"|journalnummer|journalnr|journal\s?nr|j\.\s?nr|jnr|dokumentnummer|dokumentnr|dokument\s?nr"
    r"|dok\.?\s?nr)",
    re.IGNORECASE,
)
# What a labelled reference line starts with (REF_LINE_START's keywords, or a bullet): any other
# line holds no labelled reference.
REF_FIRST = frozenset("SsJjDd•·-")
KLE = r"\d{2}\.\d{2}(?:\.\d{2}(?:Ø\d{2})?|Ø\d{2})(?:\s?-?\s?[A-ZÆØÅ]\d{2}(?:-\d{1,6})*)?"
_CASE = r"\d{2}-\d{5,7}[A-ZÆØÅ]?|\d{3}-\d{4}-\d{1,7}|\d{2,4}/\d{2,7}|[A-Z]{2,5}-\d{4}-\d{3,8}"
JOURNAL_LINE = re.compile(rf"^{KLE}$")
_BARE_CASE = re.compile(rf"^(?P<case>{_CASE})\s*-?$")
_BARE_KLE = re.compile(rf"^(?P<kle>{KLE})(?:\s*-\s*(?P<case>{_CASE}))?\s*-?$")
# "DIHAJP / 06/17018": the case handler's initials, then the case number, alone on a line.
_INITIALS_CASE = re.compile(rf"^[A-ZÆØÅ]{{2,8}}\s*/\s*(?P<case>{_CASE})$")
_VALUE = re.compile(
    rf"^(?:(?P<kle>{KLE})\s*-\s*(?P<case>{_CASE})|(?P<any>[\w./\-]*\d[\w./\-]*))"
)
# OCR puts spaces between characters: "0 8.0 3.0 0 G 0 1 /5 4 9".
_OCR_SPACED = re.compile(r"^(?:[\dA-ZÆØÅ./\-]\s?){6,}$")


def despace_ocr(value: str) -> str:
    """A reference whose characters OCR spaced apart, joined again; other values unchanged.

    >>> despace_ocr("0 8.0 3.0 0 G 0 1 /5 4 9")
    '08.03.00G01/549'
    """
    value = value.strip()
    if " " in value and _OCR_SPACED.match(value) and sum(c.isdigit() for c in value) >= 4:
        return value.replace(" ", "")
    return value


def _ref_kind(label: str) -> str:
    label = label.lower().replace(" ", "").replace(".", "")
    if label.startswith(("j", "journal")):
        return "journal"
    if label.startswith("dok"):
        return "document"
    return "case"


def _labelled_refs(stripped: str) -> dict[str, str]:
    found: dict[str, str] = {}
    matches = list(_REF_LABEL.finditer(stripped))
    for n, lab in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(stripped)
        value = despace_ocr(stripped[lab.end():end].strip().rstrip("-–,;").strip())
        vm = _VALUE.match(value)
        if not vm:
            continue
        kind = _ref_kind(lab.group("label"))
        bare_label = lab.group("label").lower().replace(" ", "").replace(".", "")
        if kind == "case" and bare_label in ("sagnr", "sag") and vm.group(0).isdigit() and len(
                vm.group(0)) <= 3:
            continue  # "Sag nr. 5" counts agenda items
        if vm.group("kle"):
            found.setdefault("journal", vm.group("kle"))
            # The case inside a journal number yields to a case number labelled as such.
            found.setdefault("journal_case" if kind == "journal" else "case", vm.group("case"))
        else:
            found.setdefault(kind, vm.group("any").rstrip(".-"))
    return found


def refs_in_line(line: str) -> dict[str, str]:
    """Case, journal and document numbers on one line of minutes.

    Keys: ``case``, ``journal``, ``document``, and ``journal_case`` (the case part of a
    combined journal number, used when no case number is labelled).

    >>> refs_in_line("Sagsnr.: 326-2015-47221 J.nr.: 00.01.00")
    {'case': '326-2015-47221', 'journal': '00.01.00'}
    >>> refs_in_line("DIHAJP / 06/17018")
    {'case': '06/17018'}
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 300:
        return {}
    first = stripped[0]
    if first.isdigit():  # a bare case or journal number
        m = _BARE_CASE.match(stripped)
        if m:
            return {"case": m.group("case")}
        m = _BARE_KLE.match(stripped)
        if m:
            return {"journal": m.group("kle"), "case": m.group("case") or m.group("kle")}
        return {}
    if first.isupper() and "/" in stripped and (m := _INITIALS_CASE.match(stripped)):
        return {"case": m.group("case")}
    if first not in REF_FIRST or not REF_LINE_START.match(stripped):
        return {}
    return _labelled_refs(stripped)
