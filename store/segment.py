"""Agenda items in minutes that print no numbered headings.

Many web pages and PDF transcripts give their items no number, and some no title at all. The
items are still there, and the evidence for them is what every item carries:

* a case-number line opens each item (Aabenraa's "Sagsid.: 18/5090", a title line followed by
  "DIHAJP / 06/17018" in PDF transcripts): one item per case-number line that is followed by
  section labels;
* the sequence of section labels starts over ("Resumé … Beslutning … Sagsfremstilling", then
  "Resumé" again): one item per run.

A title is taken only where the document shows one: the line right above the case-number line,
or the part of it that the table of contents lists (a flattened page glues the previous item's
last words to the next title, and the table of contents tells where the title starts). Items
whose page prints no title get ``title=None``; the parser names them from their content.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from store.casenum import refs_in_line

LabelOf = Callable[[str], "tuple[str, str] | None"]

# Sections that open an item's content (the kinds a restart is counted on).
_OPENING_KINDS = {"resume", "presentation", "recommendation", "decision", "combined", "treatment"}
_WORD = re.compile(r"\S+")


@dataclass
class Segment:
    """One item found without a heading: its title line (if any) and its body lines."""

    start: int  # first line that belongs to the item (its title, else its first body line)
    body_start: int
    end: int
    title: str | None


def toc_tail(text: str, toc_text: str, max_words: int = 40) -> tuple[str, str] | None:
    """Split ``text`` into (head, title) where title is the longest tail listed in the table of
    contents and starting with a capital; None when no such tail has at least two words."""
    if not toc_text:
        return None
    words = [(m.start(), m.group(0)) for m in _WORD.finditer(text)]
    best = None
    for start, word in words[-max_words:]:
        if not word[:1].isupper():
            continue
        tail = text[start:].strip()
        if len(tail) >= 8 and tail in toc_text:
            best = (text[:start].strip(), tail)
            break  # the first match from the left is the longest
    return best


def _case_line(line: str) -> bool:
    return bool(line) and len(line) <= 160 and "case" in refs_in_line(line)


def _has_label(lines: list[str], label_of: LabelOf) -> bool:
    return any(line and (lab := label_of(line)) and lab[0] in _OPENING_KINDS for line in lines)


def _title_above(lines: list[str], at: int, toc_text: str, looks_like_title,
                 label_of: LabelOf) -> tuple[
        int, str | None, str | None]:
    """(index, title, head) for the line right above a case-number line.

    ``head`` is what precedes the title on that line (it belongs to the previous item).
    """
    j = at - 1
    while j >= 0 and j >= at - 2 and not lines[j].strip():
        j -= 1
    if j < 0 or not lines[j].strip():
        return at, None, None
    above = lines[j].strip()
    split = toc_tail(above, toc_text)
    if split:
        return j, split[1], split[0]
    if looks_like_title(above) and ":" not in above and not above.endswith(".") and (
            label_of(above) is None):
        return j, above, ""
    return at, None, None


def case_line_segments(lines: list[str], label_of: LabelOf, toc_text: str,
                       looks_like_title) -> list[Segment]:
    """Items that each open at a case-number line; [] when the document is not laid out so."""
    starts = [i for i, line in enumerate(lines) if _case_line(line.strip())]
    if not starts:
        return []
    segments: list[Segment] = []
    for n, at in enumerate(starts):
        start, title, head = _title_above(lines, at, toc_text, looks_like_title, label_of)
        if head and segments:
            lines[start] = head  # the previous item's last words, without the next title
            segments[-1].end = start + 1
        elif segments:
            segments[-1].end = start
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        segments.append(Segment(start, at, end, title))
    labelled = sum(_has_label(lines[s.body_start:s.end], label_of) for s in segments)
    if labelled * 2 < len(segments) or (len(segments) == 1 and segments[0].title is None):
        return []
    return segments


def label_restart_segments(lines: list[str], label_of: LabelOf) -> list[Segment]:
    """Titleless items told apart by their section labels starting over; [] for fewer than 2."""
    first_kind: str | None = None
    segments: list[Segment] = []
    decided = False
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or len(line) > 120:
            continue
        label = label_of(line)
        if not label or label[0] not in _OPENING_KINDS:
            continue
        kind = label[0]
        if label[1]:
            pass  # "Beslutning: Godkendt." never opens an item
        elif first_kind is None:
            first_kind = kind
            segments.append(Segment(i, i, len(lines), None))
        elif kind == first_kind and decided:
            segments[-1].end = i
            segments.append(Segment(i, i, len(lines), None))
            decided = False
        if kind in ("decision", "combined"):
            decided = True
    return segments if len(segments) >= 2 else []


# Words after which a capitalised word is a name inside the same title ("Valgsteder i Thisted
# Kommune", "Medborgerhus på Bindslevs Plads"), not the start of the next title.
_JOINING = {"i", "på", "af", "for", "til", "med", "og", "om", "fra", "ved", "mellem", "under",
            "efter", "samt", "eller", "hos", "mod", "over", "den", "det", "de", "en", "et", "nr."}
_TOC_NOISE = re.compile(r"^(?:indholdsfortegnelse|indhold|sag\s+nr\.?|side|emne)\b[:.]?\s*",
                        re.IGNORECASE)
# Leaders, "Side 3" and the item numbers a transcript kept ("463.", "246."): never part of a title.
_PAGE_REF = re.compile(r"\.{3,}\s*\d*|\bside\s+\d*|(?<![\w.])\d{3}\.(?=\s|$)", re.IGNORECASE)
_SECTION_ONLY = re.compile(r"^(?:åbne|lukkede|åbent|lukket)\s+(?:\w*sager|punkter|møde)$",
                           re.IGNORECASE)


def flattened_toc_titles(toc_text: str) -> list[str]:
    """The titles of a table of contents that lost its separators and numbers.

    Cut where a capitalised word follows a lower-case word that does not join names ("…
    virksomhed Valgsteder i Thisted Kommune Valg af …"): a title may keep its neighbour's head
    when the cut is not visible, but no title is cut inside a name.
    """
    text = _PAGE_REF.sub(" ", toc_text)
    titles: list[str] = []
    current: list[str] = []
    prev = ""
    for word in text.split():
        starts = (word[:1].isupper() and prev[:1].islower() and prev.lower() not in _JOINING) or (
            word == "Lukket" and prev != "")
        if starts and current:
            titles.append(" ".join(current))
            current = []
        current.append(word)
        prev = word
    if current:
        titles.append(" ".join(current))
    out = []
    for title in titles:
        title = _TOC_NOISE.sub("", title).strip(" .:-–")
        if len(title) >= 10 and " " in title and not _SECTION_ONLY.match(title):
            out.append(title)
    return out
