"""Finding agenda-item headings (and tables of contents) in the lines of minutes.

Minutes number their items in many ways (see FORMATS.md): ``Sak 1: Title``, ``Punkt 2: Title``,
``Pkt. 3 Title``, ``Nr.4 - Title``, ``åbent 5 Title``, ``6. Title``, ``7 Title``, bullets, or a
title line followed by ``Sag nr. 8``. The hard part is not matching a heading but refusing the
many lines that look like one: numbered lists inside an item ("1. der følges op på …"), the
heading repeated inside its own item ("2. Kommunikationsstrategi" under "Punkt 2:"), and the
table of contents. The rules used:

* every line is matched against each heading *style*; each style yields a chain of headings whose
  numbers increase (keyword styles such as "Punkt N:" may skip numbers, since closed items are
  sometimes left out; bare numbered styles must go up by exactly one unless the table of contents
  vouches for the title);
* the chain with the most headings wins, keyword styles counting double, so a document is read in
  one heading style only and the other numbered lines stay content;
* bare numbered headings must also look like headings: a capital first letter, no sentence break,
  no trailing comma or conjunction, not glued to another numbered line (that is a list), and, when
  the document has a table of contents, a title found in it;
* a chain that starts over at its first number and title was a table of contents without page
  numbers: it is dropped and the chain restarts.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from store.casenum import REF_LINE_START

_BULLET = r"(?:[•·▪◦●\*\-–]\s*)?"
# "Sak 1: Title", "Punkt 2 Title", "Pkt. 3 Title", "Nr.4 - Title", "Sag nr. 5" (title above).
_STRONG = re.compile(
    rf"^{_BULLET}(?P<kw>sak|sag|saq|punkt|pkt\.?|dagsordenspunkt|nr\.?)\s*(?P<nr>nr\.?\s*)?"
    r"(?P<num>\d{1,3})(?!\d)(?![./\-–,]\d)\s*(?P<sep>[:.)]|[-–](?=\s))?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
# First Agenda: "åbent 1 Title", "lukket 2 Title".
_OPEN_CLOSED = re.compile(
    r"^(?P<kw>åbent|åben|lukket)\s+(?:punkt\s+)?(?P<num>\d{1,3})(?!\d)[.:]?\s+(?P<title>\S.*)$",
    re.IGNORECASE,
)
_WEAK_DOT = re.compile(rf"^{_BULLET}(?P<num>\d{{1,3}})\.\s+(?P<title>\S.*)$")
# Web exports put a round bullet before a bare number ("• 1 Title"); a dash there is a list.
_WEAK_BARE = re.compile(r"^(?:[•·▪◦●]\s*)?(?P<num>\d{1,3})\s+(?P<title>[A-ZÆØÅ\"'“”«].*)$")
# "114Spørgsmål til Byrådet": web exports glue the number to the title.
_GLUED = re.compile(r"^(?P<num>\d{1,3})(?P<title>[A-ZÆØÅ][a-zæøå].*)$")
_NUMBERED_LINE = re.compile(r"^\s*(?:[•·▪◦●\-]\s*)?\d{1,3}[.)]?\s")
# "Pkt. 42" alone under "• Pkt. 42 Title": web exports print the number again above the title.
_NUMBER_ONLY = re.compile(
    r"^(?:sak|sag|punkt|pkt\.?|nr\.?|dagsordenspunkt)\s*(?:nr\.?\s*)?(?P<num>\d{1,3})\s*[:.]?$",
    re.IGNORECASE,
)

# Table of contents: dotted leaders or a tab before a page number (arabic or roman).
# Each run of dots is tried once, from its start, and never backtracked into (the lookbehinds
# and possessive quantifiers): a line of 100,000 dots costs one pass, not one per dot.
# (Each pattern first looks ahead for the character every match starts with: a search then
# passes over other characters at once instead of trying each alternative there.)
_LEADER = re.compile(
    r"(?=[.…])(?:(?<!\.)\.{4,}+|(?<!…)…{2,}+|(?<!\. )(?:\. ){3,}+\.?)"
    r"\s*+(?:\d{1,4}|[ivxlcdm]{1,7})\b",
    re.I,
)
_TAB_PAGE = re.compile(r"\t\s*\d{1,4}\s*$")
_LEADER_SPLIT = re.compile(
    r"(?=[\s.…])(?<![\s.…])\s*+(?:\.{3,}+|…++|(?:\. ){3,}+\.?)"
    r"\s*+(?:\d{1,4}|[ivxlcdm]{1,7})?\b\.?\s*",
    re.I,
)
_TOC_WORD = re.compile(r"^(?:indholdsfortegnelse|innholdsfortegnelse|indhold|dagsorden)\s*:?\s*",
                       re.I)
_TITLE_PREFIX = re.compile(
    rf"^{_BULLET}(?:(?:sak|sag|punkt|pkt\.?|nr\.?|åbent|lukket)\s*)?\d{{1,3}}\s*[:.)\-–]?\s+", re.I
)
_SUFFIX = re.compile(r"\s*\((?:B|O|D|I|E|Ø|B/O|O/B)\)\s*$")
_SENTENCE_BREAK = re.compile(r"[a-zæøå0-9)]\.\s+[A-ZÆØÅ]")
_TRAILING_WORD = re.compile(
    r"\s(?:og|at|i|for|eller|samt|til|af|med|der|som|på|om|en|et|den|det|de)$", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[a-zæøå]{4,}\.$")
_NON_ALNUM = re.compile(r"[\W_]+")
_NUMBER_ONLY_FIRST = frozenset("SsſPpNnDd")
_CLOSED_PREFIX = re.compile(r"^lukket(?:\s+(?:sag|punkt))?\s*[:\-–]\s*", re.I)
_DIGITS = re.compile(r"\d{1,3}")

# First characters a heading line can start with: digits, bullets, and the keywords' initials
# (sak/sag/punkt/pkt/nr/dagsordenspunkt, åbent/lukket).
_HEADING_FIRST = set("0123456789•·▪◦●*-–spndål")
# Every character whose lower case is in _HEADING_FIRST: those, their capitals and the Ångström
# sign, whose lower case is "å".
_HEADING_FIRST_ANY_CASE = frozenset(_HEADING_FIRST | set("SPNDLÅ\u212b"))
# Bare numbered headings start with a digit or a bullet (:data:`_WEAK_DOT`, :data:`_WEAK_BARE`,
# :data:`_GLUED`).
_WEAK_FIRST = set("•·▪◦●*-–")
STRONG_STYLES = {"sag", "punkt", "nr", "fa", "sagnr"}


@dataclass
class Heading:
    """An accepted item heading: the item's lines start after ``index``."""

    start: int  # first line of the heading (the title line when the number comes below it)
    index: int  # last line of the heading
    number: int | None
    title: str
    style: str
    closed_kw: bool = False  # "lukket N Title" (First Agenda marks closed items in the heading)
    toc_only: bool = False  # listed in the table of contents only: a title-only item


def is_toc_line(line: str) -> bool:
    """A table-of-contents line: dotted leaders or a tab before a page number."""
    if "\t" in line:
        return bool(_TAB_PAGE.search(line) or _LEADER.search(line))
    if "...." not in line and "…" not in line and ". . " not in line:
        return False  # the cheap test most lines stop at
    return bool(_LEADER.search(line))


def toc_titles(line: str) -> list[str]:
    """The titles listed on a table-of-contents line (several when the table is flattened)."""
    line = _TOC_WORD.sub("", line.strip())
    parts = _LEADER_SPLIT.split(line) if _LEADER.search(line) else [line.split("\t", 1)[0]]
    titles = []
    for part in parts:
        part = _TITLE_PREFIX.sub("", part.strip()).strip()
        if len(part) > 1 and not part.isdigit():
            titles.append(part)
    return titles


@lru_cache(maxsize=4096)
def title_key(title: str) -> str:
    """Comparable form of a title: case, punctuation, "Lukket:" and (B)/(O) suffixes ignored.

    Cached: an item's title is compared in the table of contents, at its heading and under it.
    """
    if ")" in title:  # the suffix's closing parenthesis: most titles have none
        title = _SUFFIX.sub("", title)
    title = title.strip()
    if title[:1] in ("L", "l"):  # "Lukket: …"
        title = _CLOSED_PREFIX.sub("", title)
    return _NON_ALNUM.sub("", title.casefold())


def clean_title(title: str) -> str:
    """A heading's title as printed, minus a (B)/(O) suffix and stray spacing."""
    title = " ".join(title.replace("\t", " ").split())
    title = _SUFFIX.sub("", title).strip(" -–:")
    # "… i Region Nordjylland." ends a title like a sentence; "m.v." and "Pkt." keep theirs.
    return title[:-1] if _ends_sentence(title) else title


def _ends_sentence(title: str) -> bool:
    """A word and a full stop end the title (:data:`_SENTENCE_END`); its "$" also matches before
    a final line end. Searched for only when a full stop is there: the search tries every
    letter of the title."""
    return title.endswith((".", ".\n")) and bool(_SENTENCE_END.search(title))


@dataclass
class _Candidate:
    start: int
    index: int
    number: int
    title: str
    style: str
    closed_kw: bool = False


def looks_like_title(title: str, strict: bool = True) -> bool:
    """A heading's title rather than a sentence. ``strict=False`` (the heading is followed by a
    section label, strong evidence) allows a full stop inside: "137. Kommunalbestyrelsen.
    Mødeplan 2023"."""
    if not title or len(title) > 160:
        return False
    first = title[0]
    if not (first.isupper() or first.isdigit() or first in "\"'“”«"):
        return False
    if title[-1] in ",;" or _TRAILING_WORD.search(title):
        return False
    # A line ending in a full stop after a word is a sentence ("3. Cykelstier skal udbygges.");
    # abbreviations such as "m.v." or "kr." are not.
    if not strict:
        return True
    if _ends_sentence(title) and title.count(" ") >= 3:
        return False
    return not _SENTENCE_BREAK.search(title)


def _list_number(line: str) -> int | None:
    """The number of a numbered line ("2. at …", "• 3 Title"); None for any other line."""
    m = _NUMBERED_LINE.match(line)
    if not m:
        return None
    digits = _DIGITS.search(m.group(0))
    return int(digits.group(0)) if digits else None


def _next_nonempty(lines: list[str], i: int, step: int, limit: int = 3) -> int | None:
    j = i + step
    while 0 <= j < len(lines) and abs(j - i) <= limit:
        if lines[j].strip():
            return j
        j += step
    return None


def _evidence_below(lines: list[str], i: int, is_label) -> str | None:
    """"ref" for a case-number field right under the line, "label" for a section label."""
    j = _next_nonempty(lines, i, 1, limit=6)
    if j is None:
        return None
    nxt = lines[j].strip()
    if REF_LINE_START.match(nxt):
        return "ref"
    return "label" if is_label(nxt) else None


def _title_with_evidence(title: str, evidence: str | None) -> bool:
    """A heading title that breaks the sentence rules but is vouched for by what follows: a
    case-number field accepts any title-like line; a label accepts a full stop inside the title
    ("Kommunalbestyrelsen. Mødeplan 2023") but not a whole sentence ending in one."""
    if evidence is None or not looks_like_title(title, strict=False):
        return False
    return evidence == "ref" or not _ends_sentence(title)


def _strong_candidate(lines: list[str], i: int, m: re.Match, is_label) -> _Candidate | None:
    """A keyword heading ("Sak 1: Title", "Sag nr. 5" under its title, "Punkt 2" above it)."""
    kw = m.group("kw").lower()
    style = "nr" if kw.startswith("n") else "punkt" if kw.startswith(("p", "d")) else "sag"
    title = m.group("title").strip()
    number = int(m.group("num"))
    if title:
        if (m.group("sep") is None and not looks_like_title(title)) or is_label(title):
            return None
        return _Candidate(i, i, number, title, style)
    if m.group("nr") and style == "sag":
        # "Sag nr. 5" under its title: the title is the line above.
        j = _next_nonempty(lines, i, -1)
        if j is not None and looks_like_title(lines[j].strip()) and not is_label(lines[j].strip()):
            return _Candidate(j, i, number, lines[j].strip(), "sagnr")
        return None
    j = _next_nonempty(lines, i, 1)
    if j is None or is_label(lines[j].strip()):
        return None
    return _Candidate(i, j, number, lines[j].strip(), style)


def _weak_candidate(lines: list[str], i: int, line: str, is_label) -> _Candidate | None:
    """A bare numbered heading ("6. Title", "7 Title", "114Title")."""
    for style, pattern in (("dot", _WEAK_DOT), ("bare", _WEAK_BARE), ("glued", _GLUED)):
        m = pattern.match(line)
        if not m:
            continue
        title = m.group("title").strip()
        if is_label(title):
            return None
        if not looks_like_title(title) and not _title_with_evidence(
                title, _evidence_below(lines, i, is_label)):
            return None
        # A numbered line glued to the next or previous number of a list is a list line, not
        # a heading. A heading printed twice ("3. Title" above "3.<tab>Title") or right under a
        # list (Word drops the blank line after one) is still one.
        number = int(m.group("num"))
        if (i > 0 and _list_number(lines[i - 1]) == number - 1) or (
            i + 1 < len(lines) and _list_number(lines[i + 1]) == number + 1
        ):
            return None
        return _Candidate(i, i, number, title, style)
    return None


def _candidates(lines: list[str], is_label) -> list[_Candidate]:
    """Every line that could be a heading, in any style."""
    found: list[_Candidate] = []
    # A heading starts with a number, a bullet or a keyword: most lines are ruled out by their
    # first character alone (a line starting with a space is stripped first).
    for i in [i for i, raw in enumerate(lines)
              if raw[:1] in _HEADING_FIRST_ANY_CASE or raw[:1].isspace()]:
        line = lines[i].strip()
        if not line or len(line) > 220 or not (line[0].isalnum() or line[0] in "•·▪◦●*-–"):
            continue
        first = line[0].lower()
        if first not in _HEADING_FIRST or is_toc_line(line):
            continue
        m = _STRONG.match(line) if not first.isdigit() else None
        if m:
            cand = _strong_candidate(lines, i, m, is_label)
        elif first in "ål" and (m := _OPEN_CLOSED.match(line)):
            closed = m.group("kw").lower() == "lukket"
            cand = _Candidate(i, i, int(m.group("num")), m.group("title"), "fa", closed)
        elif first.isdigit() or first in _WEAK_FIRST:
            cand = _weak_candidate(lines, i, line, is_label)
        else:
            continue  # a letter that starts no keyword heading: no bare numbered one either
        if cand is not None:
            found.append(cand)
    return found


def _toc_match(title: str, toc: list[str]) -> bool:
    key = title_key(title)[:30]
    if not key:
        return False
    return any(t.startswith(key) or key.startswith(t) for t in toc if t)


def _chain(cands: list[_Candidate], strong: bool, toc: list[str],
           filled: list[int]) -> tuple[list[_Candidate], list[_Candidate]]:
    """The longest rising run of one style's candidates, and the table of contents it skipped.

    ``filled[k]`` counts the non-empty lines before line ``k``, so the content between two
    headings is counted in constant time (the chain is built in one pass).
    """
    chain: list[_Candidate] = []
    toc_run: list[_Candidate] = []
    for c in cands:
        if not strong and toc and not _toc_match(c.title, toc):
            continue
        if not chain:
            chain.append(c)
            continue
        first, prev = chain[0], chain[-1]
        if c.number == first.number:
            # Restart: what came before was a list of titles (a table of contents) when hardly
            # any content lies between its headings.
            heading_lines = sum(1 if h.start == h.index else 2 for h in chain)
            between = filled[c.start] - filled[first.start] - heading_lines
            same = title_key(c.title) == title_key(first.title)
            if (same and between <= 0) or (not same and len(chain) >= 2 and between <= len(chain)):
                toc_run, chain = chain, [c]
            continue
        if c.number <= prev.number:
            continue
        gap = c.number - prev.number
        if (gap <= 50) if strong else (gap == 1 or (bool(toc) and gap <= 20)):
            chain.append(c)
    return chain, toc_run


def _merge_toc(chain: list[_Candidate], toc_run: list[_Candidate]) -> list[Heading]:
    """Headings of the chain, plus the table-of-contents entries the body does not reach.

    The table's title wins over the body's when the body's heading line holds it plus noise
    ("Sag fra: <title> T e k n is k U d v a lg" under a clean "<title>" in the table).
    """
    listed = {c.number: clean_title(c.title) for c in toc_run}
    out = []
    for c in chain:
        title = clean_title(c.title)
        listed_title = listed.pop(c.number, None)
        if listed_title and title_key(listed_title) in title_key(title):
            title = listed_title
        out.append(Heading(c.start, c.index, c.number, title, c.style, c.closed_kw))
    for c in toc_run:
        if c.number in listed:
            out.append(Heading(c.start, c.index, c.number, listed[c.number], c.style,
                               c.closed_kw, toc_only=True))
    out.sort(key=lambda h: (h.number or 0))
    return out


def find_headings(lines: list[str], is_label, toc: list[str]) -> list[Heading]:
    """The item headings of a document, in order; [] when it has none.

    ``is_label`` tells section labels ("Beslutning", "Sagsfremstilling" …) apart from titles;
    ``toc`` holds the ``title_key`` of each table-of-contents title. Entries of a table of
    contents that the body never reaches come back with ``toc_only`` set.
    """
    by_style: dict[str, list[_Candidate]] = {}
    for c in _candidates(lines, is_label):
        by_style.setdefault(c.style, []).append(c)
    filled = list(itertools.accumulate(map(bool, map(str.strip, lines)), initial=0))
    best: tuple[list[_Candidate], list[_Candidate]] = ([], [])
    best_score = 0
    for style, cands in by_style.items():
        strong = style in STRONG_STYLES
        chain, toc_run = _chain(cands, strong, toc, filled)
        score = len(chain) * (2 if strong else 1)
        if score > best_score:
            best, best_score = (chain, toc_run), score
    return _merge_toc(*best)


def repeated_heading(line: str, number: int | None, key: str) -> bool:
    """True when ``line`` repeats an item's own heading ("2. Kommunikationsstrategi", "… (B)").

    ``key`` is the item title's :func:`title_key`.
    """
    stripped = line.strip()
    # _NUMBER_ONLY starts with a keyword ("Sag", "Punkt", "Pkt.", "Nr.", "Dagsordenspunkt"; "ſ"
    # is an "s" to a pattern ignoring case) and ends in the number, perhaps with ":" or ".".
    if (number is not None and len(stripped) <= 24 and stripped[:1] in _NUMBER_ONLY_FIRST
            and (stripped[-1].isdigit() or stripped[-1] in ":.")):
        m = _NUMBER_ONLY.match(stripped)
        if m and int(m.group("num")) == number:
            return True
    # Cheap tests first: a repeat is the title plus at most a number, a keyword and a suffix,
    # so it is about as long and starts with the title's letter, a digit or a keyword's.
    if not key or len(stripped) > len(key) * 2 + 24 or len(stripped) < len(key):
        return False
    first = stripped.lstrip("•·▪◦●*-– ")[:1].casefold()
    if first != key[:1] and not first.isdigit() and first not in "splnå\"'“«(":
        return False
    if title_key(stripped) == key:
        return True
    m = _TITLE_PREFIX.match(stripped)
    if m and number is not None:
        digits = _DIGITS.search(m.group(0))
        if digits and int(digits.group(0)) == number:
            return title_key(stripped[m.end():]) == key
    return False
