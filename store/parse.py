"""Read published minutes ("referater") into a :class:`Meeting` with its agenda items.

    >>> meeting = parse_file("examples/minutes/direktionen-2023-02-20.txt")
    >>> meeting.body, meeting.date, len(meeting.items)
    ('Direktionen', '2023-02-20', 10)

The parser works on lines. It cleans them (encodings, CRLF, BOM, form feeds, page headers such as
"Side 3 af 14"), finds the item headings (:mod:`store.headings`), reads the meeting header from
the lines before the first heading, and splits each item into sections by their labels
("Beslutning", "Indstillinger", "Sagsfremstilling" …). Whatever it cannot place stays in the item's
``text``, so an unfamiliar layout still yields searchable items with empty fields.

Decisions, as the layout families print them (FORMATS.md):

* ``Beslutning`` (before or after the case presentation), ``Beslutning: Godkendt.``
* ``Direktionens møde den 29. februar 2016:`` (Kalundborg's older layout)
* ``Beslutning i Økonomiudvalget den 3. marts 2020:``,
  ``Beslutning Økonomiudvalget den 03-03-2020``, ``Økonomiudvalget, 03-03-2020, pkt. 5``,
  ``Beslutning fra Økonomiudvalget`` + a ``Dato:`` line
* ``Indstilling og beslutning``: the recommendation paragraphs, then the decision.
* any of these with the decision on the same line after the colon (web pages), or as a bullet
  ("• Beslutning i … den 17-01-2019"); an empty "Fraværende:" line above a decision is dropped.

When several bodies decided in turn, the last decision printed is the final one. A decision that is
only "-" means no decision was recorded and is stored as "".

Choices worth knowing:

* Titles are kept as printed, "Lukket: " included, so users recognise them; a "(B)"/"(O)" suffix
  is dropped. Closed items keep number, title and case number only.
* A combined reference such as ``18.00Ø00 - 2014/06569`` is split: the KLE code becomes the
  journal number and ``2014/06569`` the case number. A KLE code alone is both.
* Running headers and footers (the same line at the top or bottom of several pages) are removed.
* The body comes from the header ("REFERAT Direktionen d. …", "Referat af møde i …", "UDVALG",
  "<Udvalg> – Referat – <date>", a line holding only a board's name),
  else from a decision label ("Økonomiudvalgets møde den …"), else from the file name
  ("direktionen-2023-02-20.txt" gives "Direktionen"), else "Ukendt". The date falls back the same
  way; ``None`` when nothing gives one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from store.casenum import JOURNAL_LINE, REF_FIRST, REF_LINE_START, refs_in_line
from store.flatten import is_flattened, unflatten
from store.furniture import strip_chrome
from store.headings import (
    Heading,
    clean_title,
    find_headings,
    is_toc_line,
    looks_like_title,
    repeated_heading,
    title_key,
    toc_titles,
)
from store.meeting_facts import (
    _HEADER_LABEL,
    absent_in_decisions,
    body_from_line,
    municipality_in,
    read_header,
)
from store.meeting_facts import strip_genitive as _strip_genitive
from store.municipalities import split_municipality
from store.parse_dates import find_date
from store.records import AGENDA, MINUTES, Item, Meeting, ParseError
from store.segment import (
    Segment,
    case_line_segments,
    flattened_toc_titles,
    label_restart_segments,
)

__all__ = ["parse_text", "parse_file"]

# --------------------------------------------------------------------------------------------
# Reading and cleaning text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROLS = tuple(c for c in map(chr, range(128)) if _CONTROL.match(c))
# "^{Åbent}" is superscript markup some exports leave behind.
_MARKUP = re.compile(r"\^\{[^}\n]{0,40}\}")
_PAGE_LINE = re.compile(
    r"^(?:side|page|s\.)\s*\d{1,4}\s*(?:(?:af|of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$|^\d{1,4}\s*/\s*\d{1,4}$",
    re.IGNORECASE,
)
# "Økonomiudvalget den 21. januar 2002 Side 2 af 9": a running header line with its page number.
_PAGE_HEADER_LINE = re.compile(r"^.{0,80}\bside\s+\d{1,4}\s+af\s+\d{1,4}$", re.IGNORECASE)
_PAGE_HEADER_START = re.compile(r"^(?:referat|dagsorden|beslutningsprotokol)\b", re.IGNORECASE)


def parse_file(path: str | Path) -> Meeting:
    """Parse a minutes text file: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise ParseError(f"{source}: is a folder, not a file") from exc
    except OSError as exc:
        raise ParseError(f"{source}: cannot read: {exc.strerror or exc}") from exc
    return parse_text(decode_bytes(data, source), source)


# Control bytes that plain text never holds (tab, line ends, form feed and escape aside).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32 and b != 27)


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Text of a minutes file's bytes; ParseError for empty or binary data."""
    if not data.strip():
        raise ParseError(f"{source}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    head = data[:8192]
    # Counted by deleting them (C speed): a loop over the bytes cost as much as parsing.
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if b"\x00" in head or controls > len(head) // 20:
        raise ParseError(f"{source}: not text: binary data")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Older exports are Windows-1252; its five undefined bytes become U+FFFD.
        return data.decode("cp1252", errors="replace")


def _clean_lines(text: str, source: str, removed: list[tuple[str, str]] | None = None) -> list[str]:
    """The document's lines, cleaned, with page furniture and web chrome blanked.

    Blanked lines keep their place (as "") so paragraphs stay apart; what was removed and why
    is appended to ``removed`` for ``referat check``.
    """
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError(f"{source}: empty file")
    sample = text[:8192]
    # (A substring test per control character first: most texts hold none, and the pattern
    # tries every character.)
    controls = len(_CONTROL.findall(sample)) if any(c in sample for c in _CONTROLS) else 0
    if "\x00" in sample or controls + sample.count("\ufffd") > max(len(sample) // 20, 2):
        raise ParseError(f"{source}: not text: binary data")
    if controls or len(text) > len(sample):  # else the sample was all of it, and held none
        text = _CONTROL.sub("", text)
    text = _MARKUP.sub("", text)
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\xad", "")
    pages = [[line.strip() for line in page.split("\n")] for page in text.split("\f")]
    if removed is None:
        removed = []
    lines = _strip_page_edges(pages, removed)
    lines = _blank_page_furniture(lines, removed)
    lines = strip_chrome(lines, removed)
    if is_flattened(lines, _is_label):
        lines = _blank_page_furniture(strip_chrome(unflatten(lines), removed), removed)
    return _strip_repeated_headers(lines, removed)


def _strip_page_edges(pages: list[list[str]], removed: list[tuple[str, str]]) -> list[str]:
    """The pages' lines, joined, without page numbers and running headers and footers.

    A page number alone at the top or bottom of a page is furniture, not content, and so is a
    running header or footer (the document's own title on page 1 is kept): a line printed at
    the edge of several pages, or a line whose shape (digits masked) recurs at the edges of most
    pages, such as "Økonomiudvalget 12. marts 2024 – side 3 af 14" or a logo or address line.
    """
    lines: list[str] = []
    edges = _page_edges(pages)
    shapes = _repeated_edge_shapes(pages)
    for number, page_lines in enumerate(pages):
        nonempty = [i for i, line in enumerate(page_lines) if line]
        for i in _edge_zone(nonempty) if len(pages) > 1 else []:
            line = page_lines[i]
            page_number = (line.isdigit() and len(line) <= 3) or _page_furniture(line)
            header = line in edges and (number or i != nonempty[0])
            shaped = (number or i != nonempty[0]) and _line_shape(line) in shapes
            if page_number or header or shaped:
                removed.append(("page number" if page_number else "running header", line))
                page_lines[i] = ""
        lines.extend(page_lines)
        lines.append("")
    return lines


_EDGE_DEPTH = 3  # lines at the top and at the bottom of a page that may be running furniture
_DIGITS = re.compile(r"\d+")
# "Punkt #: …", "Sag nr. #", "Lukket punkt #": an item heading, whose number is masked.
_HEADING_SHAPE = re.compile(r"^(?:(?:lukket|åbent?)\s+)?(?:punkt|pkt\.?|sag|sak|dagsordenspunkt)"
                            r"\s*(?:nr\.?\s*)?#")


def _edge_zone(nonempty: list) -> list:
    """A page's first and last few non-empty lines (or their indices), each once."""
    if len(nonempty) <= 2 * _EDGE_DEPTH:
        return nonempty
    return nonempty[:_EDGE_DEPTH] + nonempty[-_EDGE_DEPTH:]


def _line_shape(line: str) -> str:
    """A line with its numbers masked and spacing collapsed: "side 3 af 14" ~ "side 9 af 14"."""
    return " ".join(_DIGITS.sub("#", line.lower()).split())


def _repeated_edge_shapes(pages: list[list[str]]) -> set[str]:
    """Shapes of lines printed near the top or bottom of most pages: running furniture.

    Counted once per page, over the first and last few lines; a shape must recur on at least
    three pages and half of them. Section labels, item headings (a leading number) and
    case-number lines recur at page tops in some layouts and are never furniture.
    """
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for page_lines in pages:
        zone = _edge_zone([line for line in page_lines if line])
        for shape in {_line_shape(line) for line in zone if len(line) <= 160}:
            counts[shape] = counts.get(shape, 0) + 1
    need = max(3, (len(pages) + 1) // 2)
    return {shape for shape, count in counts.items()
            if count >= need and _may_be_furniture(shape)}


def _may_be_furniture(shape: str) -> bool:
    """Whether a repeated line shape can be a running header: not a label, an item heading, a
    case-number line or a sentence (one-item pages each end in the same "Godkendt.")."""
    if len(shape) < 4 or shape[0] in "#§" or shape[-1] == "." or label_of(shape) is not None:
        return False
    if _HEADING_SHAPE.match(shape):
        return False
    return not refs_in_line(shape.replace("#", "1"))


def _blank_page_furniture(lines: list[str], removed: list[tuple[str, str]]) -> list[str]:
    out = list(lines)
    # The last-character test of _page_furniture, here: most lines fail it, at no call.
    for i in [i for i, line in enumerate(lines)
              if line and (line[-1].isdigit() or line[-1] in "-–") and _page_furniture(line)]:
        removed.append(("page number", lines[i]))
        out[i] = ""
    return out


def _strip_repeated_headers(lines: list[str], removed: list[tuple[str, str]]) -> list[str]:
    """Page headers: the document's first line, or a "Referat …" line, repeated at page tops."""
    first = next((line for line in lines if line), "")
    seen: set[str] = set()
    counts: dict[str, int] = {}
    for line in lines:
        # "Referat", "Dagsorden", "Beslutningsprotokol": no other first letter can match.
        if line and line[0] in "RrDdBb" and _PAGE_HEADER_START.match(line):
            counts[line] = counts.get(line, 0) + 1
    for i, line in enumerate(lines):
        if line and (line == first or counts.get(line, 0) > 1):
            if line in seen:
                removed.append(("running header", line))
                lines[i] = ""
            seen.add(line)
    return lines


def _page_furniture(line: str) -> bool:
    """A page number or a running header that ends in one ("… Side 2 af 9")."""
    if not line or len(line) > 100 or not (line[-1].isdigit() or line[-1] in "-–"):
        return False
    # ("af" tested first: most lines ending in a number are no "… side 2 af 9".)
    return bool(_PAGE_LINE.match(line) or "af" in line.lower() and _PAGE_HEADER_LINE.search(line))


def _page_edges(pages: list[list[str]]) -> set[str]:
    """Lines printed at the top or bottom of several pages: running headers and footers.

    PDF exports repeat the committee and date ("Økonomiudvalget 12-03-2019") at every page top.
    A label or an item heading that happens to open two pages is kept.
    """
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for page_lines in pages:
        nonempty = [line for line in page_lines if line and not _PAGE_LINE.match(line)]
        for line in set(nonempty[:1] + nonempty[-1:]):
            counts[line] = counts.get(line, 0) + 1
    return {line for line, count in counts.items()
            if count >= 2 and len(line) >= 6 and line[-1] != "." and label_of(line) is None}


# --------------------------------------------------------------------------------------------
# Section labels inside an item

_LABEL_NAMES: dict[str, tuple[str, ...]] = {
    "decision": ("beslutning", "beslutninger", "afgørelse", "vedtak", "udvalgets beslutning",
                 "beslutning i sagen", "beslutningen", "endelig beslutning"),
    "recommendation": ("indstilling", "indstillinger", "innstilling", "forslag til beslutning",
                       "forslag",
                       "forslag til vedtak", "indstilling/forslag", "forslag til indstilling"),
    "resume": ("resume", "resumé", "sammendrag", "resume og sagens baggrund",
               "resumé og sagens baggrund", "kort resume", "kort resumé", "resume og baggrund",
               "resumé og baggrund", "kort om sagen", "beslutningstema", "sagens kerne", "sagstema",
               "sagens formål", "problemstilling"),
    "presentation": ("sagsfremstilling", "sagsframstilling", "sagsbeskrivelse", "baggrund",
                     "beskrivelse", "sagen", "sagens baggrund", "supplerende sagsfremstilling",
                     "sagsfremstilling og vurdering", "saksopplysninger", "sagens indhold",
                     "sagsfremstilling og baggrund", "beskrivelse af sagen", "sagens fakta",
                     "redegørelse", "sagsfremstilling og økonomi", "baggrund og vurdering",
                     "løsning"),
    "treatment": ("behandling", "behandlingsforløb", "sagsgang", "beslutningskompetence",
                  "kompetence", "politisk behandling", "videre behandling", "sagens behandling",
                  "beslutningsproces", "sagsgang og sagstype", "sagsforløb", "høring og sagsgang",
                  "sagen afgøres af", "sagen behandles i", "forventet sagsgang"),
    "economy": ("økonomi", "økonomiske konsekvenser", "økonomi og finansiering",
                "bevillingsmæssige konsekvenser", "økonomiske og personalemæssige konsekvenser",
                "økonomisk konsekvens", "økonomiske forhold",
                "økonomi og administrative konsekvenser", "bevilling", "finansiering"),
    "attachments": ("bilag", "vedlegg", "bilagsliste", "bilag til sagen", "vedhæftede bilag",
                    "bilag til punktet"),
    "combined": ("indstilling og beslutning", "indstilling & beslutning", "forslag og beslutning"),
    "sagstype": ("sagstype",),
    # Who was absent, printed under a decision ("Fraværende", "Afbud"): not part of it.
    "absent": ("fraværende", "afbud", "fraværende med afbud", "fravær", "ikke til stede"),
    # Labels with no field of their own: they end the previous section, their text stays in
    # the item's text.
    "other": ("lovgrundlag", "retsgrundlag", "høring", "høringssvar", "kommunikation", "tidsplan",
              "vurdering", "historik", "forvaltningens vurdering", "administrationens vurdering",
              "videre proces", "retligt grundlag", "handicappolitisk vurdering", "miljøvurdering",
              "personalemæssige konsekvenser", "tidligere beslutninger",
              "sagens tidligere behandling", "borgerinddragelse", "kommunikation og høring",
              "juridiske forhold", "lovgrundlag og regler", "bemærkninger",
              "relation til politikker", "tidligere behandling", "kommunikation/information",
              "beslutningsgrundlag", "personale", "personalemæssige forhold", "alternativer",
              "tidsperspektiv", "inddragelse og høring", "juridiske og planmæssige forhold",
              "miljømæssige konsekvenser", "høringsparter", "andre konsekvenser"),
}
_LABELS = {name: kind for kind, names in _LABEL_NAMES.items() for name in names}

_BODY = r"[A-ZÆØÅ][\w\-]*,?(?:\s+(?:og|for|i|&|-)?\s*[A-ZÆØÅ\-][\w\-]*,?)*"
_DECISION_PATTERNS = [
    # "Direktionens møde den 29. februar 2016:"
    re.compile(
        r"^(?P<body>[A-ZÆØÅ][\w\-. ]{1,70}?)s\s+møde\s+den\s+(?P<date>(?:[^:]|:\d){3,40}?)\s*:$"
    ),
    re.compile(r"^(?P<body>[A-ZÆØÅ][\w\-. ]{1,70}?)s\s+møde\s+den\s+(?P<date>[^:]{3,30}\d{4})\.?$"),
    # "Beslutning i Økonomiudvalget den 3. marts 2020:", "Beslutning fra Byrådet"
    re.compile(
        rf"^[Bb]eslutning(?:er)?\s+(?:i|fra|på|af|truffet\s+i)\s+(?P<body>{_BODY})"
        r"(?:\s*,?\s*(?:den|d\.)?\s*(?P<date>\d(?:[^:]|:\d){2,40}?|\w+dag(?:[^:]|:\d){2,40}?))?\s*:?$"
    ),
    # "Beslutning Økonomiudvalget den 03-03-2020"
    re.compile(
        rf"^[Bb]eslutning\s+(?P<body>{_BODY})(?:\s*,?\s*(?:den|d\.)?\s*(?P<date>\d[\d\-./ ]{{5,12}}"
        r"|\d{1,2}\.\s*\w+\s+\d{4}))?\s*:?$"
    ),
    # "Økonomiudvalget, 03-03-2020, pkt. 5"
    # "Teknik- og Miljøudvalget, 10. september 2019, pkt. 65:", "… den 25. oktober 2005, pkt. 3"
    re.compile(
        r"^(?P<body>[A-ZÆØÅ][^,:]{1,70}?)(?:\s+den)?,?\s*(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
        r"|\d{1,2}\.\s*[a-zæøå]{3,9}\.?\s+\d{4}),\s*pkt\.?\s*\d{1,3}\.?:?$"
    ),
    # "Økonomiudvalgets beslutning den 3. marts 2020"
    re.compile(
        r"^(?P<body>[A-ZÆØÅ][\w\-. ]{1,70}?)s\s+beslutning(?:\s+(?:i\s+|på\s+)?(?:mødet\s+)?"
        r"den\s+(?P<date>(?:[^:]|:\d){3,40}?))?\s*:?$"
    ),
]
_RECOMMENDATION_PATTERNS = [
    re.compile(r"^(?:[\w\-. ]{2,60}?s\s+)?(?:indstilling|indstillinger|innstilling)"
               r"(?:\s+(?:fra|til)\s+.{2,80})?\s*:?$", re.IGNORECASE),
]
_ECONOMY = re.compile(r"^økonomi(?:ske?)?(?:\s+(?:og|konsekvenser|forhold|vurdering)\b.{0,60})?$",
                      re.IGNORECASE)
_INLINE = re.compile(
    r"^(?P<label>beslutning|indstilling|indstillinger|sagsfremstilling|resumé|resume|behandling"
    r"|økonomi|økonomiske konsekvenser|bilag|vedlegg|sagstype|fraværende|afbud)"
    r"\s*:\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_MARKERS = {"åbent", "åben", "åbent punkt", "åben sag", "åbent møde", "offentlig", "åbent:"}
_CLOSED_MARKERS = {"lukket", "lukket punkt", "lukket sag", "lukket:", "fortroligt", "fortrolig",
                   "fortroligt punkt", "ikke offentligt punkt", "ikke offentlig", "(lukket)",
                   "ikke offentligt", "lukket punkt:", "lukket dagsordenspunkt"}

_MARKER_CHARS = max(len(marker) for marker in _MARKERS | _CLOSED_MARKERS)

# Web exports print section labels as bullets ("• Beslutning i … den 17-01-2019").
_ROUND_BULLETS = "•·▪◦●"


def _norm_label(line: str) -> str:
    return " ".join(line.strip().rstrip(":").strip().lower().split())


@lru_cache(maxsize=8192)
def label_of(line: str) -> tuple[str, str] | None:
    """The section a label line opens and any text after it on the same line; None for content.

    >>> label_of("Beslutning i Økonomiudvalget den 3. marts 2020:")
    ('decision', '')
    >>> label_of("Beslutning: Godkendt.")
    ('decision', 'Godkendt.')
    """
    line = line.strip()
    if line[:1] in _ROUND_BULLETS:
        line = line[1:].strip()
    if not line or len(line) > 120:
        return None
    if line[-1] == "." and line[-2:-1].islower() and ":" not in line and " " in line:
        return None  # a sentence ("… blev godkendt."), the commonest line, decided at once
    norm = _norm_label(line)
    kind = _LABELS.get(norm)
    if kind:
        return kind, ""
    first = norm[:1]
    decision_words = _may_name_decision(line)
    if first in "bødr" or line[:1].isupper():
        if _ECONOMY.match(norm):
            return "economy", ""
        if decision_words and any(pattern.match(line) for pattern in _DECISION_PATTERNS):
            return "decision", ""
        for pattern in _RECOMMENDATION_PATTERNS:
            if pattern.match(line):
                return "recommendation", ""
    m = _INLINE.match(line)
    if m:
        kind = _LABELS.get(m.group("label").lower(), "economy")
        return kind, m.group("rest").strip()
    head = _inline_decision_head(line) if decision_words else None
    if head:
        return "decision", line[len(head):].strip()
    return None


def _may_name_decision(line: str) -> bool:
    """Whether any of :data:`_DECISION_PATTERNS` can match ``line``: each needs one of these
    words, in this case (the patterns are case-sensitive). Most lines hold none, and trying the
    six patterns on them was most of the time spent reading labels."""
    return "møde" in line or "eslutning" in line or "pkt" in line


def _inline_decision_head(line: str) -> str | None:
    """The decision label that starts ``line`` when the decision follows on the same line.

    Web pages (and PDF text whose lines were joined) print "Beslutning i Økonomiudvalget den
    23-03-2015: Dagsordenen blev godkendt." The label ends at a colon followed by a space.
    """
    if not line[:1].isupper():
        return None
    start = 0
    for _ in range(3):
        idx = line.find(": ", start)
        if idx < 0 or idx > 100:
            return None
        head = line[: idx + 1]
        if any(pattern.match(head) for pattern in _DECISION_PATTERNS):
            return head
        start = idx + 2
    return None


def _is_label(line: str) -> bool:
    return label_of(line) is not None


@lru_cache(maxsize=1024)
def decision_source(line: str) -> tuple[str, str | None] | None:
    """(body, date) named by a decision label such as "Direktionens møde den 29. februar 2016:".

    Cached: a document prints the same label above every decision.
    """
    line = line.strip().lstrip(_ROUND_BULLETS).strip()
    line = _inline_decision_head(line) or line
    for pattern in _DECISION_PATTERNS:
        m = pattern.match(line)
        if m:
            body = _strip_genitive(m.group("body").strip())
            date = find_date(m.group("date") or "") if "date" in m.groupdict() else None
            return body, date
    return None


# --------------------------------------------------------------------------------------------
# Case, journal and document numbers

# --------------------------------------------------------------------------------------------
# Items


def _tidy(lines: list[str]) -> str:
    """Join content lines: blank runs collapsed, and a paragraph cut by a page break mended.

    Paragraphs are the runs of non-blank lines; one that starts in lower case after one that
    ends in lower case continues it (its first line glued to the other's last with a space).
    Built with C joins and splits, not a Python loop over the lines; linear, as glued pieces
    are joined once at the end.
    """
    stripped = [raw.strip() for raw in lines]
    text = "\n".join(stripped)
    if "  " in text or "\t" in text:  # runs of spaces inside some line: collapse them there
        text = "\n".join([" ".join(line.split()) if "  " in line or "\t" in line else line
                          for line in stripped])
    text = text.strip("\n")
    if "\n\n" not in text:
        return text  # one paragraph (or none): nothing to glue
    out: list[list[str]] = []  # paragraphs, each as the pieces glued into it
    for para in _PARAGRAPH_BREAK.split(text):
        if out and out[-1][-1][-1].islower() and para[0].islower():
            out[-1].append(para)
        elif para:
            out.append([para])
    return "\n\n".join([" ".join(pieces) for pieces in out])


_PARAGRAPH_BREAK = re.compile(r"\n\n+")


_ATTACHMENT_NUMBER = re.compile(r"\s+(?:\d{2,4}-\d{4}-\d{1,7}|\d{2}-\d{5,7}[A-Z]?|\d{5,})$")
_BULLET_PREFIX = re.compile(r"^[•·▪◦●\-–*]\s+")


def _attachments(lines: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for line in lines:
        name = line.split("\t", 1)[0].strip()
        name = _BULLET_PREFIX.sub("", name)
        name = _ATTACHMENT_NUMBER.sub("", name).strip()
        name = " ".join(name.split())
        if not name or name in ("-", "Ingen", "Ingen bilag", "Ingen."):
            continue
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


# Closed items in every spelling: "Lukket: …", "LUKKET PUNKT: …", "Lukket punkt 5: …",
# "Lukket sag - …", "Fortroligt: …", "Ikke offentligt punkt …", "… (Lukket)", "… - Lukket punkt".
_CLOSED_TITLE = re.compile(
    r"^(?:lukket|lukkede?)(?:\s+(?:sag|punkt|møde|dagsordenspunkt))?(?:\s+(?:nr\.?\s*)?\d{1,3})?"
    r"\s*[:\-–.]"
    r"|^(?:fortrolig[t]?|ikke[\s-]+offentlig[t]?)(?:\s+(?:sag|punkt))?\b"
    r"|\(\s*(?:lukket|fortrolig[t]?|ikke\s+offentlig[t]?)(?:\s+(?:punkt|sag))?\s*\)"
    r"|[-–]\s*(?:lukket|fortrolig[t]?)(?:\s+(?:punkt|sag))?\s*$",
    re.IGNORECASE,
)


def _closed_title(title: str) -> bool:
    """A title marked closed (:data:`_CLOSED_TITLE`). Every spelling holds "lukke", "fortrol" or
    "offentl" in some case (letters no other character matches, ignoring case), so the
    pattern, which tries every position of the title, runs only on titles that do."""
    low = title.lower()
    return ("lukke" in low or "fortrol" in low or "offentl" in low) and bool(
        _CLOSED_TITLE.search(title))


_DATO_LINE = re.compile(r"^dato\s*:", re.IGNORECASE)
# "Sagsnr. 316877 Kultur- og Idrætsudvalget Lukket punkt", "Sagsnr.: … Dok.nr.: …   Lukket"
_CLOSED_AFTER_REF = re.compile(r"\s(?:lukket(?:\s+(?:punkt|sag))?|fortroligt)\s*$", re.IGNORECASE)
# "Fraværende:" with no names, printed by some systems above every decision.
_EMPTY_ABSENT = re.compile(r"^(?:fraværende|afbud|ikke til stede|fravær)\s*:?\s*-?$", re.IGNORECASE)
_JOURNAL_ABOVE = JOURNAL_LINE


_LIST_START = re.compile(r"^(?:\d{1,2}[.)]|[-•]|at\s)")


def _split_combined(content: list[str]) -> tuple[list[str], list[str]]:
    """"Indstilling og beslutning": the recommendation paragraphs first, the decision after."""
    paragraphs: list[list[str]] = [[]]
    for line in content:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    start = next((i for i, p in enumerate(paragraphs) if "indstill" in " ".join(p).lower()), None)
    if start is None:
        return [], content
    end = start
    while end + 1 < len(paragraphs) and _LIST_START.match(paragraphs[end + 1][0]):
        end += 1
    rec = [line for p in paragraphs[: end + 1] for line in p + [""]]
    dec = [line for p in paragraphs[end + 1:] for line in p + [""]]
    return rec, dec


class _ItemReader:
    """Reads the lines under one heading into sections, references and the item's text."""

    def __init__(self, title: str, number: int | None, extra_refs: dict[str, str]) -> None:
        self.number = number
        self.title_id = title_key(title)
        self.closed = False
        self.refs: dict[str, str] = dict(extra_refs)
        self.current: list[str] = []
        self.sections: list[tuple[str, list[str]]] = [("preamble", self.current)]
        self.text_lines: list[str] = []
        self.sources: list[tuple[str, str | None]] = []
        self.seen_content = 0
        self.skip_value = False
        self.last_label: int | None = None

    def feed(self, line: str) -> None:
        stripped = line.strip()
        if not stripped:
            self.current.append("")
            self.text_lines.append("")
            return
        if self._skipped(stripped):
            return
        self.seen_content += 1
        if self._read_refs(stripped):
            return
        label = label_of(stripped)
        if label and label[0] == "other" and self.sections[-1][0] == "presentation":
            # "Historik", "Vurdering" … under "Sagsfremstilling" are its sub-headings (Viborg,
            # Rødovre): the presentation keeps them rather than losing its first paragraphs.
            label = None
        if label is None:
            self.current.append(stripped)
        elif not self._open_section(label, stripped):
            return
        self.text_lines.append(stripped)

    def _skipped(self, stripped: str) -> bool:
        """Lines that are not the item's content: its heading again, open/closed markers."""
        if self.seen_content < 12 and repeated_heading(stripped, self.number, self.title_id):
            return True
        if len(stripped) <= _MARKER_CHARS:  # lower() never shortens: a longer line is no marker
            low = stripped.lower()
            if low in _MARKERS:
                return True
            if low in _CLOSED_MARKERS and self.seen_content < 3:
                self.closed = True
                return True
        if self.skip_value:
            self.skip_value = False
            value_label = label_of(stripped)
            if len(stripped) <= 40 and (value_label is None or value_label[0] == "decision"):
                return True
        return False

    def _read_refs(self, stripped: str) -> bool:
        if self.seen_content > 8 and (stripped[0] not in REF_FIRST
                                      or not REF_LINE_START.match(stripped)):
            return False
        line_refs = refs_in_line(stripped)
        if not line_refs:
            return False
        for key, value in line_refs.items():
            self.refs.setdefault(key, value)
        if self.seen_content <= 4 and _CLOSED_AFTER_REF.search(stripped):
            self.closed = True
        self.text_lines.append(stripped)
        return True

    def _open_section(self, label: tuple[str, str], stripped: str) -> bool:
        """Start the section a label opens; False when the line is dropped from the text."""
        kind, rest = label
        if kind == "sagstype":
            self.skip_value = not rest
            return False
        if kind == "absent":
            # "Fraværende: names" is a note kept where it stands; a bare "Fraværende" above a
            # decision's text is an empty field; after the text it opens the absentee list.
            if rest:
                self.current.append(stripped)  # a note inside the section, kept with it
                return True
            if self.sections[-1][0] == "decision" and not any(self.current):
                return True
        if self.last_label is not None and not any(self.text_lines[self.last_label + 1:]):
            # The previous label opened an empty section (a "Sagsfremstilling" wrapper).
            del self.text_lines[self.last_label:]
        self.last_label = None if rest else len(self.text_lines)
        if kind == "decision":
            src = decision_source(stripped)
            if src:
                self.sources.append(src)
        self.current = [rest] if rest else []
        self.sections.append((kind, self.current))
        return True

    def item(self, title: str, closed: bool) -> Item:
        item = Item(number=self.number, title=title, closed=closed or self.closed,
                    case_number=self.refs.get("case") or self.refs.get("journal_case")
                    or _journal_as_case(self.refs.get("journal")))
        if item.closed:
            return item
        item.journal_number = self.refs.get("journal")
        item.document_number = self.refs.get("document")
        _fill_fields(item, self.sections)
        item.text = _tidy(self.text_lines)
        return item


def _journal_as_case(journal: str | None) -> str | None:
    """A journal number stands in for the case number only when it identifies one (enough
    digits); a bare KLE group such as "A09" does not."""
    if journal and sum(c.isdigit() for c in journal) >= 5:
        return journal
    return None


def _decision_text(content: list[str]) -> str:
    while content and not content[0].strip():
        content = content[1:]
    if content and _DATO_LINE.match(content[0]):
        content = content[1:]
    return _tidy([line for line in content if not line or not _EMPTY_ABSENT.match(line)])


_FIELD_KINDS = ("recommendation", "resume", "presentation", "treatment", "economy")


def _fill_fields(item: Item, sections: list[tuple[str, list[str]]]) -> None:
    """Set the item's decision, recommendation, … from its sections (the last decision wins)."""
    fields: dict[str, list[str]] = {}
    decisions: list[str] = []
    attachments: list[str] = []
    for kind, content in sections:
        if kind == "combined":
            rec, dec = _split_combined(content)
            if rec:
                fields.setdefault("recommendation", []).append(_tidy(rec))
            decisions.append(_tidy(dec))
        elif kind == "decision":
            decisions.append(_decision_text(content))
        elif kind == "attachments":
            attachments.extend(content)
        elif kind in _FIELD_KINDS:
            fields.setdefault(kind, []).append(_tidy(content))
    decisions = [d for d in decisions if d and d.strip("-–— .") != ""]
    item.decision = decisions[-1] if decisions else ""
    for kind, parts in fields.items():
        setattr(item, kind, "\n\n".join(p for p in parts if p))
    item.attachments = _attachments(attachments)


def _build_item(heading: Heading | None, title: str, number: int | None, body: list[str],
                extra_refs: dict[str, str]) -> tuple[Item, list[tuple[str, str | None]]]:
    """One item from its heading and the lines under it; also the decision sources seen."""
    reader = _ItemReader(title, number, extra_refs)
    for line in body:
        reader.feed(line)
    closed = bool(heading and heading.closed_kw) or _closed_title(title)
    return reader.item(title, closed), reader.sources


# --------------------------------------------------------------------------------------------
# Meeting header

_TOC_WORDS = {"indhold", "indholdsfortegnelse", "dagsorden", "referat"}
_PLACE_LIKE = re.compile(r"(?i)\b\w*(?:lokale|salen|rådhus|rådhuset)\b")


def _single_item_title(lines: list[str], end: int) -> int | None:
    """Index of the title line of an item published alone (no numbered heading), or None.

    The title is the first line that looks like one before the first section label (``end``),
    after the meeting's own fields ("Mødedato: …") when the page prints them first.
    """
    after = 0
    for i in range(end):
        if _HEADER_LABEL.match(lines[i].strip()):
            after = i + 1
    for start in (after, 0):
        for i in range(start, end):
            line = lines[i].strip()
            if _title_candidate(line):
                return i
    return None


def _title_candidate(line: str) -> bool:
    if not line or len(line) > 200 or is_toc_line(line) or not looks_like_title(line):
        return False
    if _HEADER_LABEL.match(line) or refs_in_line(line) or label_of(line):
        return False
    if _PAGE_HEADER_START.match(line) or find_date(line) or body_from_line(line):
        return False
    if line.lower() in _MARKERS or _PLACE_LIKE.search(line) or line.lower() in _TOC_WORDS:
        return False
    return line[0].isalnum() or line[0] in "\"'“«"


_OPENING = ("decision", "presentation", "recommendation", "resume", "combined")
_MINUTES_WORDS = re.compile(r"(?i)\b(?:referat|dagsorden|beslutningsprotokol|mødedato|udvalg\w*"
                            r"|byråd\w*|kommunalbestyrelse\w*)\b")
_AGENDA_WORD = re.compile(r"(?i)\bdagsorden\b")
_MINUTES_WORD = re.compile(r"(?i)\b(?:referat|beslutningsprotokol|protokol)\b")
_CLOSED_SECTION = re.compile(r"(?i)^(?:lukket\s+møde|lukkede\s+(?:punkter|sager)"
                             r"|fortrolige\s+punkter|lukket\s+dagsorden)$")
_OPEN_SECTION = re.compile(r"(?i)^(?:åbent?\s+møde|åbne\s+(?:møde|punkter|sager)"
                           r"|åben\s+dagsorden)$")
_PASSAGE_CHARS = 1500


@dataclass
class Reading:
    """How a document was read: the meeting, and what ``referat check`` shows besides."""

    meeting: Meeting
    how: str  # "headings", "case numbers", "section labels", "single item" or "passages"
    removed: list[tuple[str, str]] = field(default_factory=list)


def _first_label(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines)
                 if line and (lab := label_of(line)) and lab[0] in _OPENING), None)


def _section_marks(lines: list[str], first: int) -> list[tuple[int, bool]]:
    """(index, closed) of each "Lukket møde" / "Åbent møde" line from ``first`` on."""
    return [(i, bool(_CLOSED_SECTION.match(line.strip())))
            for i in range(first, len(lines))
            if (line := lines[i]) and len(line) <= 40 and line.lstrip()[:1] in "LlÅåFf"
            and (_CLOSED_SECTION.match(line.strip()) or _OPEN_SECTION.match(line.strip()))]


def _closed_sections(size: int, marks: list[tuple[int, bool]]) -> list[bool]:
    """For each of ``size`` lines: does it lie in a closed part (from a closed mark to the
    next mark)?"""
    flags = [False] * size
    for n, (i, closed) in enumerate(marks):
        if closed:
            end = marks[n + 1][0] if n + 1 < len(marks) else size
            flags[i:end] = [True] * (end - i)
    return flags


def _items_from_headings(lines: list[str], headings: list[Heading]) -> tuple[
        list[Item], list[tuple[str, str | None]], int]:
    body_headings = [h for h in headings if not h.toc_only]
    starts = [h.start for h in headings]
    header_end = min(starts)
    marks = _section_marks(lines, header_end)
    toc_closed = _closed_sections(len(lines), marks)
    if body_headings:  # the body's marks: those from its first heading on (after header_end)
        body_start = body_headings[0].start
        body_closed = _closed_sections(len(lines), [m for m in marks if m[0] >= body_start])
    else:
        body_closed = toc_closed
    ends = {id(h): end for h, end in zip(
        body_headings, [h.start for h in body_headings[1:]] + [len(lines)], strict=True)}
    journal = _journal_above(lines, header_end)
    items: list[Item] = []
    sources: list[tuple[str, str | None]] = []
    for heading in headings:
        if heading.toc_only:
            items.append(Item(number=heading.number, title=heading.title,
                              closed=heading.closed_kw or toc_closed[heading.start]
                              or _closed_title(heading.title)))
            continue
        body = lines[heading.index + 1: ends[id(heading)]]
        carried, journal = journal, {}
        if carried is not None:
            body, journal = _split_journal_below(body)
        item, found = _build_item(heading, heading.title, heading.number, body, carried or {})
        item.closed = item.closed or body_closed[heading.start]
        if item.closed:
            item = _closed_copy(item)
        items.append(item)
        sources.extend(found)
    return items, sources, header_end


def _closed_copy(item: Item) -> Item:
    return Item(number=item.number, title=item.title, closed=True, case_number=item.case_number)


def _journal_above(lines: list[str], header_end: int) -> dict[str, str] | None:
    """Some layouts print a KLE journal number on the line above each heading: the first one's
    refs, or None when the layout does not."""
    j = header_end - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and _JOURNAL_ABOVE.match(lines[j].strip()):
        return refs_in_line(lines[j].strip())
    return None


def _split_journal_below(body: list[str]) -> tuple[list[str], dict[str, str]]:
    k = len(body) - 1
    while k >= 0 and not body[k].strip():
        k -= 1
    if k >= 0 and _JOURNAL_ABOVE.match(body[k].strip()):
        return body[:k], refs_in_line(body[k].strip())
    return body, {}


def _derived_title(item: Item) -> str:
    """A name for an item whose page prints no title: its first sentence, else its case."""
    for text in (item.resume, item.presentation, item.recommendation):
        first = " ".join(text.split())
        if first:
            cut = first.split(". ")[0]
            return cut if len(cut) <= 80 else cut[:77].rsplit(" ", 1)[0] + " …"
    if item.case_number:
        return f"Sag {item.case_number}"
    return "Punkt uden titel"


def _items_from_segments(lines: list[str], segments: list[Segment]) -> tuple[
        list[Item], list[tuple[str, str | None]]]:
    items: list[Item] = []
    sources: list[tuple[str, str | None]] = []
    for seg in segments:
        title = clean_title(seg.title) if seg.title else ""
        item, found = _build_item(None, title, None, lines[seg.body_start:seg.end], {})
        if not title:
            item.title = _derived_title(item)
        items.append(item)
        sources.extend(found)
    return items, sources


def _open_lines(lines: list[str]) -> list[str]:
    """The lines outside closed parts: from a line that marks something closed ("Lukket: …",
    "Fortroligt", "Lukket møde") to an open marker ("Åbent møde") everything is dropped. Where
    items cannot be told apart, nothing after a closed mark can be known to be open."""
    out: list[str] = []
    closed = False
    for line in lines:
        low = line.strip().lower()
        if low and len(low) <= 200:
            if _CLOSED_SECTION.match(low) or low in _CLOSED_MARKERS or _closed_title(low):
                closed = True
            elif _OPEN_SECTION.match(low) or low in _MARKERS:
                closed = False
                continue
        out.append("" if closed else line)
    return out


def _passages(lines: list[str], start: int) -> list[Item]:
    """The open text cut into passages of about ``_PASSAGE_CHARS``, at paragraph ends."""
    items: list[Item] = []
    chunk: list[str] = []
    size = 0
    for line in _open_lines(lines[start:]) + [""]:
        chunk.append(line)
        size += len(line)
        if not line.strip() and size >= _PASSAGE_CHARS:
            items.append(_passage(chunk, len(items) + 1))
            chunk, size = [], 0
    if any(line.strip() for line in chunk):
        items.append(_passage(chunk, len(items) + 1))
    return [item for item in items if item.text]


def _passage(chunk: list[str], n: int) -> Item:
    text = _tidy(chunk)
    words = text.split()
    head = " ".join(words[:8])
    return Item(number=None, title=f"Uddrag {n}: {head} …", text=text)


def _minutes_like(lines: list[str]) -> bool:
    """Text that is minutes or an agenda: a meeting word and a date, or section labels, or case
    numbers."""
    text_has_date = any(find_date(line) for line in lines[:60] if line)
    words = sum(1 for line in lines[:80] if line and _MINUTES_WORDS.search(line))
    labels = sum(1 for line in lines if line and len(line) <= 120 and (lab := label_of(line))
                 and lab[0] in _OPENING)
    return bool((words and text_has_date) or words >= 2 or labels >= 2
                or (labels and text_has_date))


def _items_without_headings(lines: list[str], toc_text: str, source: str) -> tuple[
        list[Item], list[tuple[str, str | None]], int, str]:
    segments = case_line_segments(lines, label_of, toc_text, looks_like_title)
    how = "case numbers"
    if not segments:
        segments = label_restart_segments(lines, label_of)
        how = "section labels"
    if segments:
        items, sources = _items_from_segments(lines, segments)
        return items, sources, segments[0].start, how
    first = _first_label(lines)
    if first is not None:
        title_at = _single_item_title(lines, first)
        start = title_at if title_at is not None else first
        body = lines[title_at + 1:] if title_at is not None else lines[first:]
        title = clean_title(lines[title_at]) if title_at is not None else ""
        item, found = _build_item(None, title, None, body, {})
        if not title:
            item.title = _derived_title(item)
        return [item], found, start, "single item"
    if _minutes_like(lines):
        start = next((i for i, line in enumerate(lines) if line.strip()), 0)
        passages = _passages(lines, start)
        if passages:
            return passages, [], start, "passages"
    # Not minutes (a letter, a README): no items, no section labels, no meeting date.
    raise ParseError(f"{source}: no agenda items found")


def _toc_only_items(toc_text: list[str], items: list[Item]) -> list[Item]:
    """Title-only items for the entries of a flattened table of contents that the body does not
    reach (a transcript cut short, a protocol that prints only its contents)."""
    keys = [title_key(item.title) for item in items if item.number is not None or not
            item.title.startswith("Uddrag ")]
    out: list[Item] = []
    for line in toc_text:
        if is_toc_line(line):
            continue  # dotted leaders: its titles were matched against the headings already
        for title in flattened_toc_titles(line):
            key = title_key(title)
            if not key or any(key in k or k in key for k in keys if k):
                continue
            keys.append(key)
            out.append(Item(number=None, title=title, closed=_closed_title(title)))
    return out


def _kind(lines: list[str], header_end: int, items: list[Item]) -> str:
    """"agenda" when the document calls itself a dagsorden and records no decision."""
    if any(item.decision for item in items):
        return MINUTES
    head = [line for line in lines[:max(header_end, 1)] if line]
    if any(_MINUTES_WORD.search(line) for line in head):
        return MINUTES
    if any(_AGENDA_WORD.search(line) for line in head):
        return AGENDA
    return AGENDA if _undecided_items(lines, items) else MINUTES


_AGENDA_MIN_ITEMS = 3
# A decision's usual first words: where one stands, some decision was recorded.
_DECIDED = re.compile(r"(?i)^(?:godkendt|vedtaget|tiltrådt|anbefales|anbefalet|taget\s+til"
                      r"\s+efterretning|udsat|oversendt|indstillingen\s+(?:blev\s+)?(?:godkendt"
                      r"|tiltrådt|vedtaget))\b")


def _undecided_items(lines: list[str], items: list[Item]) -> bool:
    """An agenda that does not call itself one: several open items, each with its case laid out
    (Indstilling, Sagsfremstilling, Beslutningstema) and followed by the next heading, and no
    decision section or decision phrase anywhere. An excerpt that stops inside its first item,
    or an item without sections, is no evidence: such a document stays minutes."""
    open_items = [item for item in items if not item.closed]
    if len(open_items) < _AGENDA_MIN_ITEMS:
        return False
    if not all(item.recommendation or item.resume or item.presentation for item in open_items):
        return False
    return not any(line[:1] in "GgVvTtAaUuOoIi" and _DECIDED.match(line) for line in lines)


def parse_text(text: str, source: str = "<text>", municipality: str | None = None) -> Meeting:
    """Parse the text of one meeting's minutes; ParseError("<source>: why") if it holds none.

    ``municipality`` is used when the text does not name one.
    """
    return read_text(text, source, municipality).meeting


def read_text(text: str, source: str = "<text>", municipality: str | None = None) -> Reading:
    """Parse one document and keep how it was read (for ``referat check``)."""
    removed: list[tuple[str, str]] = []
    lines = _clean_lines(text, source, removed)
    toc: list[str] = []
    toc_text: list[str] = []
    after_toc_word = False
    for line in lines:
        if not line:
            continue
        if is_toc_line(line):
            toc.extend(title_key(t)[:30] for t in toc_titles(line))
        if len(line) > 80 and (after_toc_word or line.lower().startswith("indholdsfortegnelse")):
            toc_text.append(line)  # a table of contents flattened onto one line
        # (Only "I" and "i" lower to a plain "i": other lines are not the word, at no cost.)
        after_toc_word = line[0] in "Ii" and line.lower().rstrip(":") in ("indholdsfortegnelse",
                                                                          "indhold")
    headings = find_headings(lines, _is_label, [t for t in toc if t])
    if headings:
        items, sources, header_end = _items_from_headings(lines, headings)
        how = "headings"
    else:
        items, sources, header_end, how = _items_without_headings(lines, "\n".join(toc_text),
                                                                  source)
    if toc_text and not any(h.toc_only for h in headings):
        items.extend(_toc_only_items(toc_text, items))
    # A municipality named only in chrome ("… Kommunes hjemmeside") still names it.
    named = lines + [line for _, line in removed]
    meeting = _meeting(named, header_end, items, sources, source, municipality)
    return Reading(meeting=meeting, how=how, removed=removed)


def _meeting(lines: list[str], header_end: int, items: list[Item],
             sources: list[tuple[str, str | None]], source: str,
             municipality: str | None) -> Meeting:
    facts = read_header(lines[:header_end])
    file_name = Path(source).name if source and not source.startswith("<") else ""
    named_municipality, named_body = _names_from_file(file_name)
    body = facts.body or (sources[-1][0] if sources else None)
    body = body or named_body or "Ukendt"
    date = facts.date or next((d for _, d in sources if d), None)
    if not date and file_name:
        date = find_date(file_name)
    meeting = Meeting(
        body=body,
        date=date,
        start_time=facts.time,
        place=facts.place,
        participants=facts.participants,
        absent=facts.absent + [name for name in absent_in_decisions([i.decision for i in items])
                               if name not in facts.absent],
        municipality=municipality_in(lines, header_end) or municipality or named_municipality,
        kind=_kind(lines, header_end, items),
        source=source,
        items=items,
    )
    if not date and file_name:
        meeting.undated_key = file_name
    meeting.content_hash = meeting.compute_hash()
    return meeting


_FILE_NAME_NUMBERS = re.compile(r"\d{4}-\d{2}-\d{2}|\d+")
_FILE_NAME_GAPS = re.compile(r"[-_\s]+")


def _names_from_file(file_name: str) -> tuple[str | None, str | None]:
    """The municipality and body a file's name suggests (``koege_byraad_2020-10-27.txt``):
    the last resort, for text that names neither."""
    stem = Path(file_name).stem
    stem = _FILE_NAME_NUMBERS.sub(" ", stem)
    words = [w for w in _FILE_NAME_GAPS.split(stem) if w]
    if not words:
        return None, None
    municipality, name = split_municipality(" ".join(words))
    return municipality, name[0].upper() + name[1:]
