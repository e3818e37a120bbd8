"""Turn the text a PDF gives back into the text the minutes were written as.

A PDF holds positioned glyphs, not paragraphs. Read with pypdf's layout mode, each page comes
back as lines of text placed on a character grid: vertical gaps become blank lines and horizontal
gaps become runs of spaces. What that leaves behind, and what this module undoes:

* running headers and footers on every page: the meeting line, the municipality, ``Side 3 af 14``,
  ``Side 3/14``, ``- 3 -``, a lone page number;
* paragraphs wrapped onto several lines (and across a page break), justified with padded spaces,
  told apart from lines that stand on their own: section labels, keyword headings and fields
  ("Afbud: …") always start a line, as the parser expects them to;
* words hyphenated at the end of a line (``ud-`` / ``viklingsstrategi``);
* ligatures (``ﬁ``), no-break and zero-width spaces, soft hyphens;
* dotted leaders in the table of contents (``Eventuelt ........ 14``), and right-hand tab stops
  that the text exports of the same minutes write as a tab.

The goal is the text export's shape: paragraphs separated by a blank line, one line per list
item, ``title.....<TAB>page`` in the table of contents, so a PDF parses to the same records.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Characters that extraction leaves behind and that never carry meaning in minutes.
_CHAR_MAP = str.maketrans({
    "\u00a0": " ",  # no-break space
    "\u2007": " ",  # figure space
    "\u202f": " ",  # narrow no-break space (French-style thousands, times)
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u205f": " ", "\u3000": " ",
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
    "\r": None,
    "\f": "\n",
    "\v": "\n",
    "\u2028": "\n", "\u2029": "\n\n",
})
SOFT_HYPHEN = "\u00ad"
# Text files and Word documents keep their page breaks as form feeds: the parser uses them to
# tell running headers and footers from content, as it does for the text exports.
_CHAR_MAP_PAGED = {k: v for k, v in _CHAR_MAP.items() if k != ord("\f")}
# Any character either map changes. ``str.translate`` with a dict looks up every character of a
# non-ASCII text (most minutes: "æøå"), so it runs only when one of these is there at all,
# which a substring test per character tells fastest (a character class, tried at every
# position, took 20 µs a file).
_MAPPED = tuple(chr(k) for k in _CHAR_MAP) + (SOFT_HYPHEN,)

# A run of this many spaces inside a line is a tab stop or a column gap, not a word space.
TAB_GAP = 5
_TAB_RUN = re.compile(" {%s,}" % TAB_GAP)  # noqa: UP031 (braces of a regex quantifier)

# Page numbers as printed in running headers and footers.
_PAGE_NUMBER = re.compile(
    r"""^(?:
        (?:side|page|s\.)\s*(?P<a>\d+)(?:\s*(?:af|of|/)\s*(?P<b>\d+))?  # Side 3 af 14, Page 3 of 9
      | -\s*\d+\s*-                                             # - 3 -
      | (?P<n>\d{1,3})\s*(?:/|af|of)\s*(?P<m>\d{1,3})              # 3/14, 3 af 14
      | \d{1,4}                                                 # 3
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Dotted leaders before a page number at the end of a table-of-contents line.
# Lookbehind and possessive quantifiers: one try per run of dots, so a line of dots is linear.
_LEADER = re.compile(r"(?<![\s.])\s*+(?:\.\s*+){4,}+\t?\s*+([0-9]+|[ivxlcdm]+)$", re.IGNORECASE)
# Lines that start a new paragraph even without a blank line before them: list items.
_LIST_ITEM = re.compile(r"^(?:[-–•▪◦*·]\s|\d{1,2}[.)]\s|[a-zæøå][.)]\s|At \d+:)")
# Item headings by keyword ("Sag nr. 2", "Punkt 3 Title", "Pkt. 4", "Nr.5 - Title", "Sak 1:"):
# always a line of their own.
_KEYWORD_HEADING = re.compile(
    r"^(?:Sag|Sak|Punkt|Pkt\.?|Nr\.?|Dagsordenspunkt)\s*(?:nr\.?\s*)?\d{1,3}(?![\d/.\-]\d)"
    r"(?:\s*[:.)\-–]?\s|\s*[:.]?$)"
)
# A field line ("Afbud: …", "Fraværende: …", "Sagsnr.: …"): a capitalised name of at most three
# words and a colon. After a line that ends a sentence it starts a line of its own.
_FIELD = re.compile(r"^[A-ZÆØÅ][\w.\-/]*(?:\s[\w.\-/]+){0,2}:(?:\s|$)")
# Line ends that leave a sentence or a title open: the next line continues it.
_OPEN_ENDS = (",", " -", " –", " &", " og", " samt", " eller", " i", " af", " til", " for", " på",
              " med", " om", " fra", " ved", " mellem", " under", " efter")
# Section labels are short; a long line that merely starts like one ("Økonomi og …") is prose.
_LABEL_MAX = 90
# Words after which "Børne-" at the end of a line keeps its hyphen: "Børne- og Skoleudvalget".
_KEEP_HYPHEN_BEFORE = {"og", "eller", "samt", "til", "and", "or", "&"}
# Layout mode places glyphs on a grid of one average character width, so where a line ends is
# only approximate: a full line of wide letters ends well short of one of narrow letters. A line
# counts as full when the next word would have taken it past this share of the longest line.
_FULL = 0.8
# A full line of body text holds about this share of the columns up to the grid's right edge
# (a little less: the edge is often reached by a wider page header or a dotted leader).
_EDGE_SHARE = 0.7


def normalise_chars(text: str, *, keep_page_breaks: bool = False) -> str:
    """Map ligatures, odd spaces and line separators to plain text; drop invisible characters.

    Soft hyphens are removed: inside a word they are invisible, and at the end of a line they
    mark a hyphenation that :func:`rebuild_paragraphs` joins without them. A form feed (page
    break) becomes a line end unless ``keep_page_breaks``.

    >>> normalise_chars("Beslutning\\u00a0om \\ufb01nansiering\\u200b")
    'Beslutning om finansiering'
    """
    if not any(char in text for char in _MAPPED):
        return text
    table = _CHAR_MAP_PAGED if keep_page_breaks else _CHAR_MAP
    return text.translate(table).replace(SOFT_HYPHEN, "")


@dataclass
class _Line:
    text: str  # cleaned: word spaces single, tab stops as "\t"
    end: int  # the column where the line ends on the layout grid
    ends_soft: bool = False  # the line ended in a soft hyphen (a sure hyphenation point)


def _clean_line(raw: str) -> _Line:
    soft = raw.rstrip().endswith(SOFT_HYPHEN)
    raw = raw.translate(_CHAR_MAP).replace(SOFT_HYPHEN, "").rstrip()
    end = len(raw)
    body = raw.lstrip()
    gaps = re.findall(r" {2,}", body)
    words = body.split()
    if len(words) >= 4 and len(gaps) >= len(words) - 2:
        # Justified: every gap is padded, none is a tab stop.
        text = " ".join(words)
    else:
        text = _TAB_RUN.sub("\t", body)
        text = re.sub(r" {2,}", " ", text)
    text = _LEADER.sub(lambda m: ".....\t" + m.group(1), text)
    if soft and text and not text.endswith("-"):
        text += "-"
    return _Line(text=text, end=end, ends_soft=soft)


def _page_lines(page: str) -> list[_Line | None]:
    """A page as cleaned lines, ``None`` standing for a blank line (a paragraph gap)."""
    lines: list[_Line | None] = []
    for raw in normalise_text_breaks(page).split("\n"):
        line = _clean_line(raw)
        lines.append(line if line.text else None)
    return lines


def normalise_text_breaks(text: str) -> str:
    """Unify line ends (``\\r\\n``, ``\\r``) to ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_page_number(text: str) -> bool:
    """A page number as printed in a running header or footer.

    "3/14" is page 3 of 14, but "19/4410" or "19/99999" at the foot of a page is a case number:
    minutes run to hundreds of pages at most, and the page cannot exceed the page count.
    """
    m = _PAGE_NUMBER.match(text)
    if not m:
        return False
    first, last = m.group("a") or m.group("n"), m.group("b") or m.group("m")
    return last is None or int(first) <= int(last)


def _key(text: str) -> str:
    """A header/footer line with its page number blanked, so "Side 3" and "Side 4" match."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text)).strip().lower()


# Headers and footers live in the first and last few lines of a page.
_BAND = 4


def strip_running_lines(pages: list[list[_Line | None]]) -> list[list[_Line | None]]:
    """Drop running headers and footers: page numbers, and lines that repeat across pages.

    A line is running when the same text (digits aside, so "Side 3" matches "Side 4") stands at
    the same place on at least half the pages and at least two. The place is counted in text
    lines from the top or from the bottom of the page, and in layout lines (blank ones too) from
    the first or last text line, since running lines are printed at fixed heights. Requiring the
    same place keeps a body line that merely recurs ("Direktionens møde den ...:" before each
    decision, "Fraværende: …" closing the last item of two pages), and page one's own title just
    below an identical running header. Stripping goes inward from each edge and stops at the
    first line that is neither running nor a page number.

    A header or footer of several lines is printed whole on the pages that carry it, so a line
    inside it recurs on as many pages as the line outside it (one fewer allowed: page one may
    differ). A line on fewer is content that happens to open or close a few pages at the same
    height: "Indstilling" or "Sagsnr.: 16-259242" (digits aside) atop two pages of four, where
    the header above it stands on all four.
    """
    def band(lines: list[_Line | None], top: bool) -> list[int]:
        idx = [i for i, line in enumerate(lines) if line is not None]
        return idx[:_BAND] if top else idx[::-1][:_BAND]

    def places(lines: list[_Line | None], top: bool) -> list[tuple[int, tuple]]:
        """(index, place) of the lines in the band at one edge, outermost first."""
        idx = band(lines, top)
        return [
            (i, (top, rank, abs(i - idx[0]), _key(lines[i].text)))  # type: ignore[union-attr]
            for rank, i in enumerate(idx)
        ]

    counts: Counter[tuple] = Counter()
    for lines in pages:
        for top in (True, False):
            counts.update(where for _, where in places(lines, top))
    need = max(2, (len(pages) + 1) // 2)
    running = {where for where, n in counts.items() if n >= need}

    out: list[list[_Line | None]] = []
    for number, lines in enumerate(pages):
        lines = list(lines)
        title = _title_under_header(lines)
        for top in (True, False):
            floor = 0  # pages the running line outside this one was found on
            for i, where in places(lines, top):
                line = lines[i]
                assert line is not None
                if top and title is not None and i == title[0]:
                    continue  # the page header above a copy of its own first cell
                if top and number == 0 and title is not None and i == title[1]:
                    break  # the document's own title, printed again in every page header
                if where in running and counts[where] >= floor - 1:
                    lines[i] = None
                    floor = counts[where]
                elif is_page_number(line.text):
                    lines[i] = None
                else:
                    break
            if top and title is not None:
                lines[title[0]] = None
        out.append(lines)
    return out


def _title_under_header(lines: list[_Line | None]) -> tuple[int, int] | None:
    """(header, title) line indexes when a page opens with a page header whose left-hand part is
    the line below it: ``Referat - Byrådet - 04-06-2020<TAB>Holbæk Kommune`` over
    ``Referat - Byrådet - 04-06-2020``.

    Case systems print the meeting line in the page header, and page one starts with the same
    line as its title. That shape marks the header even on a document of one page, where
    nothing repeats; and on page one the line below is the title, kept though it repeats at the
    top of every later page (as in the text export, where the parser keeps its first copy).
    """
    idx = [i for i, line in enumerate(lines) if line is not None][:2]
    if len(idx) < 2:
        return None
    head, below = lines[idx[0]], lines[idx[1]]
    assert head is not None and below is not None
    if "\t" not in head.text or "\t" in below.text:
        return None
    left = head.text.split("\t", 1)[0]
    return (idx[0], idx[1]) if _key(left) == _key(below.text) else None


def _blocks(lines: list[_Line | None]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line is None:
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _first_word(text: str) -> str:
    return text.split(maxsplit=1)[0] if text.split() else ""


def _label(text: str) -> tuple[str, str] | None:
    """The section a label line opens ("Indstilling", "Beslutning i Byrådet den 3. marts 2020:",
    "Beslutning: Godkendt."), as the parser reads it; None for any other line."""
    from store.parse import label_of  # the parser's own list of labels, so both agree

    return label_of(text) if len(text) <= _LABEL_MAX else None


def _starts_line(prev: _Line, nxt: _Line) -> bool:
    """Lines that stand on their own whatever room was left: a label or a keyword heading never
    continues the line above it, a field ("Afbud: …") does not continue a finished sentence,
    and nothing continues a label that stands alone. The parser reads these lines by
    themselves, so joining them would lose a section or an item."""
    if _KEYWORD_HEADING.match(nxt.text) or _label(nxt.text) is not None:
        return True
    if prev.text.endswith((".", ":", "!", "?")) and _FIELD.match(nxt.text):
        return True
    label = _label(prev.text)
    # An inline label ("Beslutning: Godkendt, idet …") is followed by text that may wrap.
    return label is not None and not label[1]


def _wrapped(prev: _Line, nxt: _Line, width: float) -> bool:
    """Did ``nxt`` continue ``prev`` only because ``prev`` ran out of room?

    The test is the one a typesetter applies: the next line's first word would not have fit at
    the end of the previous line. List items, tab-stop lines (table rows, table of contents),
    labels and headings (:func:`_starts_line`) and lines after a hyphenated word are decided by
    their shape.
    """
    if "\t" in prev.text or "\t" in nxt.text or _LIST_ITEM.match(nxt.text):
        return False
    if prev.ends_soft:
        return True
    if prev.text.endswith(_OPEN_ENDS) and nxt.text[:1].islower():
        # A lower-case word after a spaced dash or a conjunction goes on with the line, even
        # one that names a section when capitalised on its own ("… skoler -" / "høringssvar").
        return True
    if _starts_line(prev, nxt):
        return False
    if prev.text.endswith(_OPEN_ENDS):
        # No paragraph or heading ends on a comma, a spaced dash, a conjunction or a
        # preposition; a heading set large wraps before "Nordområdet" as well as "i" does.
        return True
    if len(prev.text) + 1 + len(_first_word(nxt.text)) > width * _FULL:
        return True
    # Headings set in a larger font fit fewer characters on a line; their continuation is
    # recognisable as a lower-case word (Danish sentences and items start upper case; after
    # "mio." or "bl.a." a lower-case word continues the line) unless a colon or semicolon
    # introduced it.
    return (
        nxt.text[:1].islower()
        and not prev.text.endswith((":", ";"))
        and len(prev.text) >= width * _FULL / 2
    )


def _join(prev: str, nxt: str) -> str:
    """Join a wrapped line to the next, undoing end-of-line hyphenation.

    ``ud-`` + ``viklingsstrategi`` → ``udviklingsstrategi``; ``Børne-`` + ``og Skoleudvalget``
    keeps its hyphen; ``VSBV -`` + ``Forbindsstoffer`` is a spaced dash and keeps a space;
    ``EU-`` + ``borgere`` keeps the hyphen of an abbreviation.
    """
    if prev.endswith("-") and len(prev) >= 2 and prev[-2].isalpha():
        word = _first_word(nxt)
        if word.lower() in _KEEP_HYPHEN_BEFORE:
            return prev + " " + nxt
        if prev[-2].islower() and word[:1].islower():
            return prev[:-1] + nxt
        return prev + nxt
    return prev + " " + nxt


def rebuild_paragraphs(pages: list[str]) -> str:
    r"""Rebuild the text of a document from its pages as laid out by pypdf's layout mode.

    >>> pages = [
    ...     "Referat 2024\n\nThe board agreed that the long report on the new school\n"
    ...     "structure is approved\n\n  Side 1 af 2",
    ...     "Referat 2024\n\n- one item\n- two\n\n  Side 2 af 2",
    ... ]
    >>> print(rebuild_paragraphs(pages))
    The board agreed that the long report on the new school structure is approved
    <BLANKLINE>
    - one item
    - two
    """
    laid_out = [_page_lines(page) for page in pages]
    cleaned = strip_running_lines(laid_out)
    # The measure of a full line: the longest prose line of the document (tab-stop lines such
    # as the table of contents are drawn to the margin with leaders and padding). A short
    # document may hold no full line at all; then the grid's right edge, which right-aligned
    # header text, tab stops and page numbers reach, bounds it from below.
    width = max(
        (len(line.text) for lines in cleaned for line in lines
         if line is not None and "\t" not in line.text),
        default=0,
    )
    edge = max((line.end for lines in laid_out for line in lines if line is not None), default=0)
    width = max(width, edge * _EDGE_SHARE)

    paragraphs: list[list[str]] = []  # each a list of visual lines, wrapped lines already joined
    last: _Line | None = None
    paged = [_blocks(lines) for lines in cleaned]
    tight = _labels_set_tight(paged)
    for blocks in paged:
        for i, block in enumerate(blocks):
            first = block[0]
            if i == 0 and last is not None and _continues_across_page(last, block, width):
                paragraphs[-1][-1] = _join(paragraphs[-1][-1], first.text)
            elif i == 0 and paragraphs and _LIST_ITEM.match(paragraphs[-1][-1]) \
                    and _LIST_ITEM.match(first.text):
                paragraphs[-1].append(first.text)  # a list that runs on to the next page
            elif i == 0 and tight and last is not None and _alone_label(last.text):
                paragraphs[-1].append(first.text)  # a label at the foot, its text overleaf
            else:
                paragraphs.append([first.text])
            prev = first
            for line in block[1:]:
                if _wrapped(prev, line, width):
                    paragraphs[-1][-1] = _join(paragraphs[-1][-1], line.text)
                else:
                    paragraphs[-1].append(line.text)
                prev = line
            last = prev
    return "\n\n".join("\n".join(lines) for lines in paragraphs)


def _alone_label(text: str) -> bool:
    """A label line with nothing after it ("Resumé", "Beslutning i Byrådet den …:")."""
    label = _label(text)
    return label is not None and not label[1]


def _labels_set_tight(pages: list[list[list[_Line]]]) -> bool:
    """Does this document print a section's text on the line right under its label?

    A page break leaves no trace of whether a blank line followed a label that ends a page, so
    the document's own habit decides: labels followed by their text in the same block (EG's
    "Resumé" / "Sagen vedrører …") against labels that end a block inside a page.
    """
    tight = loose = 0
    for blocks in pages:
        for b, block in enumerate(blocks):
            for j, line in enumerate(block):
                if not _alone_label(line.text):
                    continue
                if j < len(block) - 1:
                    tight += 1
                elif b < len(blocks) - 1:
                    loose += 1
    return tight > loose


def _continues_across_page(prev: _Line, block: list[_Line], width: float) -> bool:
    """A paragraph broken by a page break: the last line was full, and the page does not open
    with a new sentence after a full stop or with a heading (one line on its own, capitalised,
    no closing punctuation: ``Sagstype``, ``Beslutning``)."""
    nxt = block[0]
    if not _wrapped(prev, nxt, width):
        return False
    if prev.text.rstrip().endswith((".", ":", "!", "?")) and nxt.text[:1].isupper():
        return False
    heading = len(block) == 1 and nxt.text[:1].isupper() and not nxt.text.endswith((".", ",", ";"))
    return not heading
