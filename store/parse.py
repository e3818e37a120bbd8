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
from pathlib import Path

from store.headings import (
    Heading,
    clean_title,
    find_headings,
    is_toc_line,
    repeated_heading,
    title_key,
    toc_titles,
)
from store.parse_dates import find_date, find_time
from store.records import Item, Meeting, ParseError

__all__ = ["parse_text", "parse_file"]

# --------------------------------------------------------------------------------------------
# Reading and cleaning text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# "^{Åbent}" is superscript markup some exports leave behind.
_MARKUP = re.compile(r"\^\{[^}\n]{0,40}\}")
_PAGE_LINE = re.compile(
    r"^(?:side|page|s\.)\s*\d{1,4}\s*(?:(?:af|of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$|^\d{1,4}\s*/\s*\d{1,4}$",
    re.IGNORECASE,
)
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


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Text of a minutes file's bytes; ParseError for empty or binary data."""
    if not data.strip():
        raise ParseError(f"{source}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    head = data[:8192]
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    if b"\x00" in head or controls > len(head) // 20:
        raise ParseError(f"{source}: not text: binary data")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Older exports are Windows-1252; its five undefined bytes become U+FFFD.
        return data.decode("cp1252", errors="replace")


def _clean_lines(text: str, source: str) -> list[str]:
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError(f"{source}: empty file")
    sample = text[:8192]
    bad = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    if "\x00" in sample or bad > max(len(sample) // 20, 2):
        raise ParseError(f"{source}: not text: binary data")
    text = _CONTROL.sub("", text)
    text = _MARKUP.sub("", text)
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\xad", "")
    lines: list[str] = []
    pages = [[line.strip() for line in page.split("\n")] for page in text.split("\f")]
    edges = _page_edges(pages)
    for number, page_lines in enumerate(pages):
        # A page number alone at the top or bottom of a page is furniture, not content, and so
        # is a running header or footer (the document's own title on page 1 is kept).
        nonempty = [i for i, line in enumerate(page_lines) if line]
        for i in (nonempty[:2] + nonempty[-2:]) if len(pages) > 1 else []:
            line = page_lines[i]
            page_number = line.isdigit() and len(line) <= 3
            if page_number or (line in edges and (number or i != nonempty[0])):
                page_lines[i] = ""
        lines.extend(page_lines)
        lines.append("")
    lines = ["" if _PAGE_LINE.match(line) else line for line in lines]
    # Page headers: the document's first line, or a "Referat …" line, repeated at page tops.
    first = next((line for line in lines if line), "")
    seen: set[str] = set()
    counts: dict[str, int] = {}
    for line in lines:
        if line and _PAGE_HEADER_START.match(line):
            counts[line] = counts.get(line, 0) + 1
    for i, line in enumerate(lines):
        if not line:
            continue
        if line == first or counts.get(line, 0) > 1:
            if line in seen:
                lines[i] = ""
            seen.add(line)
    return lines


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
            if count >= 2 and len(line) >= 6 and label_of(line) is None}


# --------------------------------------------------------------------------------------------
# Section labels inside an item

_LABEL_NAMES: dict[str, tuple[str, ...]] = {
    "decision": ("beslutning", "beslutninger", "afgørelse", "vedtak", "udvalgets beslutning",
                 "beslutning i sagen", "beslutningen", "endelig beslutning"),
    "recommendation": ("indstilling", "indstillinger", "innstilling", "forslag til beslutning",
                       "forslag til vedtak", "indstilling/forslag", "forslag til indstilling"),
    "resume": ("resume", "resumé", "sammendrag", "resume og sagens baggrund",
               "resumé og sagens baggrund", "kort resume", "kort resumé", "resume og baggrund",
               "resumé og baggrund", "kort om sagen", "beslutningstema", "sagens kerne"),
    "presentation": ("sagsfremstilling", "sagsframstilling", "sagsbeskrivelse", "baggrund",
                     "beskrivelse", "sagen", "sagens baggrund", "supplerende sagsfremstilling",
                     "sagsfremstilling og vurdering", "saksopplysninger", "sagens indhold",
                     "sagsfremstilling og baggrund", "beskrivelse af sagen", "sagens fakta"),
    "treatment": ("behandling", "behandlingsforløb", "sagsgang", "beslutningskompetence",
                  "kompetence", "politisk behandling", "videre behandling", "sagens behandling",
                  "beslutningsproces", "sagsgang og sagstype", "sagsforløb"),
    "economy": ("økonomi", "økonomiske konsekvenser", "økonomi og finansiering",
                "bevillingsmæssige konsekvenser", "økonomiske og personalemæssige konsekvenser",
                "økonomisk konsekvens", "økonomiske forhold",
                "økonomi og administrative konsekvenser", "bevilling", "finansiering"),
    "attachments": ("bilag", "vedlegg", "bilagsliste", "bilag til sagen", "vedhæftede bilag",
                    "bilag til punktet"),
    "combined": ("indstilling og beslutning", "indstilling & beslutning", "forslag og beslutning"),
    "sagstype": ("sagstype",),
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
              "miljømæssige konsekvenser", "høringsparter"),
}
_LABELS = {name: kind for kind, names in _LABEL_NAMES.items() for name in names}

_BODY = r"[A-ZÆØÅ][\w\-]*(?:\s+(?:og|for|i|&|-)?\s*[A-ZÆØÅ\-][\w\-]*)*"
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
    r"|økonomi|økonomiske konsekvenser|bilag|vedlegg|sagstype)\s*:\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_MARKERS = {"åbent", "åben", "åbent punkt", "åben sag", "åbent møde", "offentlig", "åbent:"}
_CLOSED_MARKERS = {"lukket", "lukket punkt", "lukket sag", "lukket:", "fortroligt"}


# Web exports print section labels as bullets ("• Beslutning i … den 17-01-2019").
_ROUND_BULLETS = "•·▪◦●"


def _norm_label(line: str) -> str:
    return " ".join(line.strip().rstrip(":").strip().lower().split())


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
    norm = _norm_label(line)
    kind = _LABELS.get(norm)
    if kind:
        return kind, ""
    first = norm[:1]
    if first in "bødr" or line[:1].isupper():
        if _ECONOMY.match(norm):
            return "economy", ""
        for pattern in _DECISION_PATTERNS:
            if pattern.match(line):
                return "decision", ""
        for pattern in _RECOMMENDATION_PATTERNS:
            if pattern.match(line):
                return "recommendation", ""
    m = _INLINE.match(line)
    if m:
        kind = _LABELS.get(m.group("label").lower(), "economy")
        return kind, m.group("rest").strip()
    head = _inline_decision_head(line)
    if head:
        return "decision", line[len(head):].strip()
    return None


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


def decision_source(line: str) -> tuple[str, str | None] | None:
    """(body, date) named by a decision label such as "Direktionens møde den 29. februar 2016:"."""
    line = line.strip().lstrip(_ROUND_BULLETS).strip()
    line = _inline_decision_head(line) or line
    for pattern in _DECISION_PATTERNS:
        m = pattern.match(line)
        if m:
            body = _strip_genitive(m.group("body").strip())
            date = find_date(m.group("date") or "") if "date" in m.groupdict() else None
            return body, date
    return None


def _strip_genitive(body: str) -> str:
    # Danish genitive: "Direktionens" → "Direktionen", "Økonomiudvalgets" → "Økonomiudvalget".
    if body.endswith(("ens", "ets", "nes", "ns", "ts")) and len(body) > 4:
        return body[:-1]
    return body


# --------------------------------------------------------------------------------------------
# Case, journal and document numbers

_REF_LABEL = re.compile(
    r"(?<![\wæøå])(?P<label>sagsnummer|sagsnr|sags\.?\s?nr|sagsid|sags-id|sag\s?nr|sag"
    r"|journalnummer|journalnr|journal\s?nr|j\.\s?nr|jnr|dokumentnummer|dokumentnr|dokument\s?nr"
    r"|dok\.?\s?nr)\.?\s*:?\s*",
    re.IGNORECASE,
)
_REF_LINE_START = re.compile(
    r"^(?:[•·\-]\s*)?(?:sagsnummer|sagsnr|sags\.?\s?nr|sagsid|sags-id|sag\s?nr|sag\s+\d"
    r"|journalnummer|journalnr|journal\s?nr|j\.\s?nr|jnr|dokumentnummer|dokumentnr|dokument\s?nr|dok\.?\s?nr)",
    re.IGNORECASE,
)
_KLE = r"\d{2}\.\d{2}(?:\.\d{2}(?:Ø\d{2})?|Ø\d{2})(?:\s?-?\s?[A-ZÆØÅ]\d{2}(?:-\d{1,6})*)?"
_CASE = r"\d{2}-\d{5,7}[A-ZÆØÅ]?|\d{3}-\d{4}-\d{1,7}|\d{2,4}/\d{2,7}"
_BARE_CASE = re.compile(rf"^(?P<case>{_CASE})\s*-?$")
_BARE_KLE = re.compile(rf"^(?P<kle>{_KLE})(?:\s*-\s*(?P<case>{_CASE}))?\s*-?$")
_VALUE = re.compile(
    rf"^(?:(?P<kle>{_KLE})\s*-\s*(?P<case>{_CASE})|(?P<any>[\w./\-]*\d[\w./\-]*))"
)


def _refs_in_line(line: str) -> dict[str, str]:
    """Case/journal/document numbers on one line ("Sagsnr.: 326-2015-47221 J.nr.: 00.01.00 …")."""
    stripped = line.strip()
    found: dict[str, str] = {}
    m = _BARE_CASE.match(stripped)
    if m:
        found["case"] = m.group("case")
        return found
    m = _BARE_KLE.match(stripped)
    if m:
        found["journal"] = m.group("kle")
        found["case"] = m.group("case") or m.group("kle")
        return found
    if not _REF_LINE_START.match(stripped):
        return found
    matches = list(_REF_LABEL.finditer(stripped))
    for n, lab in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(stripped)
        value = stripped[lab.end():end].strip().rstrip("-–,;").strip()
        vm = _VALUE.match(value)
        if not vm:
            continue
        label = lab.group("label").lower().replace(" ", "").replace(".", "")
        if label.startswith(("j", "journal")):
            kind = "journal"
        elif label.startswith("dok"):
            kind = "document"
        else:
            kind = "case"
            if label in ("sagnr", "sag") and vm.group(0).isdigit() and len(vm.group(0)) <= 3:
                continue  # "Sag nr. 5" is an item number
        if vm.group("kle"):
            found.setdefault("journal", vm.group("kle"))
            found.setdefault("case", vm.group("case"))
        else:
            found.setdefault(kind, vm.group("any").rstrip(".-"))
    return found


# --------------------------------------------------------------------------------------------
# Items


def _tidy(lines: list[str]) -> str:
    """Join content lines: blank runs collapsed, and a paragraph cut by a page break mended."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        line = line.replace("\t", " ").strip()
        if line:
            paragraphs[-1].append(" ".join(line.split()))
        elif paragraphs[-1]:
            paragraphs.append([])
    merged: list[list[str]] = []
    for para in paragraphs:
        if not para:
            continue
        if merged and merged[-1][-1][-1:].islower() and para[0][:1].islower():
            merged[-1][-1] = merged[-1][-1] + " " + para[0]
            merged[-1].extend(para[1:])
        else:
            merged.append(para)
    return "\n\n".join("\n".join(p) for p in merged)


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


_CLOSED_TITLE = re.compile(
    r"^lukket(?:\s+(?:sag|punkt|møde))?\s*[:\-–]|[-–(]\s*lukket(?:\s+(?:punkt|sag))?\)?\s*$",
    re.IGNORECASE,
)
_DATO_LINE = re.compile(r"^dato\s*:", re.IGNORECASE)
# "Sagsnr. 316877 Kultur- og Idrætsudvalget Lukket punkt", "Sagsnr.: … Dok.nr.: …   Lukket"
_CLOSED_AFTER_REF = re.compile(r"\s(?:lukket(?:\s+(?:punkt|sag))?|fortroligt)\s*$", re.IGNORECASE)
# "Fraværende:" with no names, printed by some systems above every decision.
_EMPTY_ABSENT = re.compile(r"^(?:fraværende|afbud|ikke til stede|fravær)\s*:?\s*-?$", re.IGNORECASE)
_JOURNAL_ABOVE = re.compile(rf"^{_KLE}$")


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


def _build_item(heading: Heading | None, title: str, number: int | None, body: list[str],
                extra_refs: dict[str, str]) -> tuple[Item, list[tuple[str, str | None]]]:
    """One item from its heading and the lines under it; also the decision sources seen."""
    closed = bool(heading and heading.closed_kw) or bool(_CLOSED_TITLE.search(title))
    refs: dict[str, str] = dict(extra_refs)
    sections: list[tuple[str, list[str]]] = []
    current: list[str] = []
    sections.append(("preamble", current))
    text_lines: list[str] = []
    sources: list[tuple[str, str | None]] = []
    seen_content = 0
    skip_value = False
    last_label: int | None = None
    title_id = title_key(title)
    for line in body:
        stripped = line.strip()
        if not stripped:
            current.append("")
            text_lines.append("")
            continue
        low = stripped.lower()
        if seen_content < 12 and repeated_heading(stripped, number, title_id):
            continue
        if low in _MARKERS:
            continue
        if low in _CLOSED_MARKERS and seen_content < 3:
            closed = True
            continue
        if skip_value:
            skip_value = False
            value_label = label_of(stripped)
            if len(stripped) <= 40 and (value_label is None or value_label[0] == "decision"):
                continue
        seen_content += 1
        line_refs = _refs_in_line(stripped) if seen_content <= 8 or _REF_LINE_START.match(
            stripped) else {}
        if line_refs:
            for key, value in line_refs.items():
                refs.setdefault(key, value)
            if seen_content <= 4 and _CLOSED_AFTER_REF.search(stripped):
                closed = True
            text_lines.append(stripped)
            continue
        label = label_of(stripped)
        if label and label[0] == "other" and sections[-1][0] == "presentation":
            # "Historik", "Vurdering" … under "Sagsfremstilling" are its sub-headings (Viborg,
            # Rødovre): the presentation keeps them rather than losing its first paragraphs.
            label = None
        if label:
            kind, rest = label
            if kind == "sagstype":
                skip_value = not rest
                continue
            if last_label is not None and not any(text_lines[last_label + 1:]):
                # The previous label opened an empty section (a "Sagsfremstilling" wrapper).
                del text_lines[last_label:]
            last_label = None if rest else len(text_lines)
            if kind == "decision":
                src = decision_source(stripped)
                if src:
                    sources.append(src)
            current = [rest] if rest else []
            sections.append((kind, current))
        else:
            current.append(stripped)
        text_lines.append(stripped)

    item = Item(number=number, title=title, closed=closed, case_number=refs.get("case"))
    if closed:
        return item, sources
    item.journal_number = refs.get("journal")
    item.document_number = refs.get("document")
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
            while content and not content[0].strip():
                content = content[1:]
            if content and _DATO_LINE.match(content[0]):
                content = content[1:]
            content = [line for line in content if not _EMPTY_ABSENT.match(line)]
            decisions.append(_tidy(content))
        elif kind == "attachments":
            attachments.extend(content)
        elif kind in ("recommendation", "resume", "presentation", "treatment", "economy"):
            fields.setdefault(kind, []).append(_tidy(content))
    decisions = [d for d in decisions if d and d.strip("-–— .") != ""]
    item.decision = decisions[-1] if decisions else ""
    for kind, parts in fields.items():
        setattr(item, kind, "\n\n".join(p for p in parts if p))
    item.attachments = _attachments(attachments)
    item.text = _tidy(text_lines)
    return item, sources


# --------------------------------------------------------------------------------------------
# Meeting header

_HEADER_LABEL = re.compile(
    r"^(?P<label>mødedato|mødetidspunkt|mødetid|mødestart|starttidspunkt|tidspunkt|dato|tid"
    r"|mødested|sted"
    r"|lokation|mødedeltagere|deltagere|deltager|til stede|tilstede|medlemmer|fraværende|afbud"
    r"|udvalg|møde|punkter)\b\s*[:.]?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_DATE_LABELS = {"mødedato", "dato", "møde", "mødetidspunkt", "mødetid", "tidspunkt", "mødestart",
                "starttidspunkt", "tid"}
_PEOPLE_LABELS = {"mødedeltagere", "deltagere", "deltager", "til stede", "tilstede", "medlemmer"}
_REFERAT_BODY = re.compile(
    r"^(?:referat|beslutningsprotokol|protokol)\s*(?:[-–:]\s*)?(?:for\s+|fra\s+|af\s+)?"
    r"(?:(?:ordinært\s+|ekstraordinært\s+)?møde(?:t)?\s+i\s+)?(?P<rest>.+)$",
    re.IGNORECASE,
)
_BODY_CUT = re.compile(
    r"\s+(?:d\.|den|kl\.?)\s|,|\s[-–]\s|\s+(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\b"
    r"|\s+\d|\s*\(|\s*:",
    re.IGNORECASE,
)
# "Økonomiudvalget – Referat – 1. oktober 2018", "Social- og Sundhedsudvalget - Referat fra …"
# (a hyphen inside the name is followed by a space only before "og").
_BODY_DASH_REFERAT = re.compile(
    r"^(?P<body>[A-ZÆØÅ](?:[^-–]|[-–](?=\s+og\s)){2,60}?)\s*[-–]\s*referat\b", re.IGNORECASE
)
# A line holding only the name of a board ("Kommunalbestyrelsen", "Udvalget for Klima og Miljø").
_BODY_LINE = re.compile(
    r"^(?:[A-ZÆØÅ][\w\-]*\s+(?:og|for|&)\s+)?[A-ZÆØÅ][\w\-]*(?:udvalg|udvalget|bestyrelsen|rådet"
    r"|råd|direktionen|nævnet|repræsentationen|forsamlingen)$"
    r"|^Udvalget\s+for\s+[A-ZÆØÅ][\w\-]*(?:\s+(?:og|&)\s+[A-ZÆØÅ\w][\w\-]*)?$",
)


def _body_from_line(line: str) -> str | None:
    m = _BODY_DASH_REFERAT.match(line)
    if m:
        return m.group("body").strip()
    m = _REFERAT_BODY.match(line)
    if not m:
        return None
    rest = m.group("rest").strip()
    cut = _BODY_CUT.search(rest)
    if cut:
        rest = rest[: cut.start()]
    rest = re.sub(r"s\s+møde$", "", rest.strip(), flags=re.IGNORECASE).strip(" .-–:")
    words = rest.split()
    if words and words[-1].lower() == "møde":
        rest = _strip_genitive(" ".join(words[:-1]))
    if not rest or not rest[0].isalpha() or len(rest) > 80:
        return None
    return rest


def _body_from_source(source: str) -> str | None:
    stem = Path(source).stem if source and not source.startswith("<") else ""
    stem = re.sub(r"\d{4}-\d{2}-\d{2}|\d+", " ", stem)
    words = [w for w in re.split(r"[-_\s]+", stem) if w]
    if not words:
        return None
    name = " ".join(words)
    return name[0].upper() + name[1:]


def _split_people(value: str) -> list[str]:
    parts = re.split(r",|;|\s+og\s+|\s+&\s+", value)
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _parse_header(lines: list[str]) -> dict:
    out: dict = {"body": None, "date": None, "time": None, "place": "", "participants": []}
    plain_body: str | None = None
    plain_dates: list[tuple[str, str]] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i].strip()
        i += 1
        if not line or is_toc_line(line):
            continue
        m = _HEADER_LABEL.match(line)
        if m:
            label = m.group("label").lower()
            value = m.group("value").strip()
            if not value:
                j = i
                while j < n and not lines[j].strip():
                    j += 1
                if j < n and not _HEADER_LABEL.match(lines[j].strip()):
                    value = lines[j].strip()
                    i = j + 1
            if label in _DATE_LABELS:
                date = find_date(value)
                if date and not out["date"]:
                    out["date"] = date
                    out["time"] = out["time"] or find_time(value)
                elif not out["time"]:
                    out["time"] = find_time(value)
            elif label in ("mødested", "sted", "lokation"):
                out["place"] = out["place"] or value
            elif label in _PEOPLE_LABELS:
                people = _split_people(value)
                # Names listed one per line under the label, until a blank line.
                while i < n and lines[i].strip() and not _HEADER_LABEL.match(lines[i].strip()):
                    people.extend(_split_people(lines[i]))
                    i += 1
                if not out["participants"]:
                    out["participants"] = people
            elif label == "udvalg" and value:
                out["body"] = out["body"] or value
            continue
        if out["body"] is None:
            out["body"] = _body_from_line(line)
        if plain_body is None and _BODY_LINE.match(line):
            plain_body = line
        date = find_date(line)
        if date:
            plain_dates.append((date, line))
    out["body"] = out["body"] or plain_body
    if not out["date"] and plain_dates:
        out["date"] = plain_dates[0][0]
        out["time"] = out["time"] or find_time(plain_dates[0][1])
    if not out["time"]:
        for _date, line in plain_dates:
            out["time"] = find_time(line)
            if out["time"]:
                break
    return out


def _single_item_title(lines: list[str]) -> int | None:
    """Index of the title line of an item published alone (no numbered heading)."""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or len(line) > 200 or is_toc_line(line):
            continue
        if _HEADER_LABEL.match(line) or _refs_in_line(line) or label_of(line):
            continue
        if _PAGE_HEADER_START.match(line) or find_date(line):
            continue
        if line.lower() in _MARKERS:
            continue
        if not line[0].isalnum() and line[0] not in "\"'“«":
            continue
        return i
    return None


def parse_text(text: str, source: str = "<text>") -> Meeting:
    """Parse the text of one meeting's minutes; ParseError("<source>: why") if it holds none."""
    lines = _clean_lines(text, source)
    toc: list[str] = []
    for line in lines:
        if line and is_toc_line(line):
            toc.extend(title_key(t)[:30] for t in toc_titles(line))
    headings = find_headings(lines, _is_label, [t for t in toc if t])
    items: list[Item] = []
    sources: list[tuple[str, str | None]] = []
    if headings:
        header_end = headings[0].start
        # Some layouts print a KLE journal number on the line above each heading.
        journal_above = False
        j = header_end - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and _JOURNAL_ABOVE.match(lines[j].strip()):
            journal_above = True
        bounds = [h.start for h in headings[1:]] + [len(lines)]
        carried: dict[str, str] = {}
        if journal_above and j >= 0:
            carried = _refs_in_line(lines[j].strip())
        for heading, end in zip(headings, bounds, strict=True):
            body = lines[heading.index + 1: end]
            next_refs: dict[str, str] = {}
            if journal_above:
                k = len(body) - 1
                while k >= 0 and not body[k].strip():
                    k -= 1
                if k >= 0 and _JOURNAL_ABOVE.match(body[k].strip()):
                    next_refs = _refs_in_line(body[k].strip())
                    body = body[:k]
            item, found = _build_item(heading, heading.title, heading.number, body, carried)
            carried = next_refs
            items.append(item)
            sources.extend(found)
    else:
        title_at = _single_item_title(lines)
        has_labels = any(
            (lab := label_of(line)) and lab[0] in ("decision", "presentation", "recommendation",
                                                   "resume", "combined")
            for line in lines
            if line
        )
        if title_at is None or not has_labels:
            raise ParseError(f"{source}: no agenda items found")
        header_end = title_at

        item, found = _build_item(None, clean_title(lines[title_at]), None,
                                  lines[title_at + 1:], {})
        items.append(item)
        sources.extend(found)

    header = _parse_header(lines[:header_end])
    body = header["body"]
    date = header["date"]
    if not body and sources:
        body = sources[-1][0]
    if not date:
        date = next((d for _, d in sources if d), None)
    if not body:
        body = _body_from_source(source) or "Ukendt"
    if not date and source:
        date = find_date(Path(source).name) if not source.startswith("<") else None
    meeting = Meeting(
        body=body,
        date=date,
        start_time=header["time"],
        place=header["place"],
        participants=header["participants"],
        source=source,
        items=items,
    )
    meeting.content_hash = meeting.compute_hash()
    return meeting
