"""Give back line breaks to minutes whose text was flattened into a few very long lines.

Document viewers and some PDF transcripts put a whole page on one line: "3 Udvalget for Erhverv
og Kultur, Side Til efterretning DIHAJP / 06/17018 Sagsfremstilling Folkeuniversitetet …". The
parser reads lines, so such a page is first cut where a line would have started in the
original: before and after section labels, before keyword headings ("Sag nr. 9"), before
case-number fields ("Sagsnr.:", "J.nr.:", "DIHAJP / 06/17018"), before meeting fields
("Mødested:", "Afbud:"), before a numbered heading that follows a page number or a heading in
capitals, and after a running page header ("… Side 2 af 9").

A document counts as flattened only when no section label stands on a line of its own and some
line is long and holds a label: ordinary minutes keep their labels on their own lines, so they
are never touched.
"""

from __future__ import annotations

import re

# Section labels as words inside running text (any case): the cut goes before and after them.
_LABEL_WORDS = (
    r"Sagsfremstilling|Sagsbeskrivelse|Beslutning|Indstilling|Resumé|Resume|Sagens\s+formål"
    r"|Beslutningstema|Sagstema|Lovgrundlag|Retsgrundlag|Økonomiske\s+konsekvenser"
    r"|Forventet\s+sagsgang|Bilag|Indholdsfortegnelse"
)
_LABEL_IN_TEXT = re.compile(
    rf"(?<=\S)\s+(?P<label>(?:{_LABEL_WORDS})(?::|\b))(?=\s+[A-ZÆØÅ0-9\"“]|\s*$)",
)
_LABEL_UPPER = re.compile(
    rf"(?<=\S)\s+(?P<label>(?:{_LABEL_WORDS.upper()}))(?=\s+[A-ZÆØÅa-zæøå0-9])",
)
# Fields and headings that start a line.
_BREAK_BEFORE = re.compile(
    r"(?<!\s)\s++(?="
    r"(?:Sag|Saq|Sak|Punkt|Pkt\.?)\s+nr\.?\s*\d{1,3}\b"      # Sag nr. 9 (Saq: an OCR slip)
    r"|(?:Sagsnr|Sagsid|Sagsnummer|Journal\s?nr|J\.\s?nr|Dok\.?\s?nr)\.?\s*:"
    r"|Sagsnr\b"                                           # values dropped: "Sagsnr Dok.nr"
    r"|[A-ZÆØÅ]{3,8}\s*/\s*\d{2}/\d{2,7}\b"                # DIHAJP / 06/17018
    r"|(?:Mødedato|Mødested|Mødetidspunkt|Starttidspunkt|Sluttidspunkt|Afbud|Fraværende"
    r"|Deltagere|Mødedeltagere|Medlemmer|Bemærkninger)\s*:"
    r"|(?:Lukket|Åbent?|Åbne)\s+møde\b|Lukkede\s+punkter\b|Åbne\s+punkter\b"
    r")"
)
# A numbered heading after a page number at the start of a page, or after a heading in capitals.
_NUMBERED_AFTER_CAPS = re.compile(r"(?<=[A-ZÆØÅ]{4})\s++(?=\d{1,3}\.\s+[A-ZÆØÅ])")
_PAGE_NUMBER_START = re.compile(r"^\d{1,3}\s+(?=[^\d\s])")
_NUMBERED_AFTER_PAGE = re.compile(r"^(?P<page>\d{1,3})\s+(?=\d{1,3}\.\s+[A-ZÆØÅ])")
# "Økonomiudvalget den 21. januar 2002 Side 2 af 9": a running header ends at its page number.
_AFTER_PAGE_MARK = re.compile(r"(\bSide\s\d{1,3}\saf\s\d{1,3})\s+")
# "DIHAJP / 06/17018" is a line of its own: the text after it starts the next line.
_AFTER_INITIALS_CASE = re.compile(r"(\b[A-ZÆØÅ]{3,8}\s*/\s*\d{2}/\d{2,7})\s+")
_LONG = 300


def is_flattened(lines: list[str], is_label) -> bool:
    """True when the text lost its line breaks: long lines holding labels, no label alone."""
    if max(map(len, lines), default=0) <= _LONG:
        return False  # no long line at all (most documents): no need to look for labels
    has_long_label = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) <= 60 and is_label(stripped):
            return False
        if not has_long_label and len(stripped) > _LONG and (
            _LABEL_IN_TEXT.search(stripped) or _LABEL_UPPER.search(stripped)
        ):
            has_long_label = True
    return has_long_label


def _cut(line: str) -> list[str]:
    line = _NUMBERED_AFTER_PAGE.sub("", line)
    line = _PAGE_NUMBER_START.sub("", line)
    line = _LABEL_IN_TEXT.sub(lambda m: "\n" + m.group("label") + "\n", line)
    line = _LABEL_UPPER.sub(lambda m: "\n" + m.group("label") + "\n", line)
    line = _BREAK_BEFORE.sub("\n", line)
    line = _NUMBERED_AFTER_CAPS.sub("\n", line)
    line = _AFTER_PAGE_MARK.sub(lambda m: m.group(1) + "\n", line)
    line = _AFTER_INITIALS_CASE.sub(lambda m: m.group(1) + "\n", line)
    return [part.strip() for part in line.split("\n")]


def unflatten(lines: list[str]) -> list[str]:
    """The lines with every long line cut where its original lines began (see module doc)."""
    out: list[str] = []
    for line in lines:
        if len(line) > _LONG // 3:
            out.extend(_cut(line))
            out.append("")
        else:
            out.append(_PAGE_NUMBER_START.sub("", line))
    return out
