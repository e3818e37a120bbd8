"""Build PDF and Word versions of plain-text minutes, the way they are published.

The published minutes are PDF exports from the case systems and Word files; their text versions
are what the parser was written against. These helpers lay a text file out as such a document so
the tests can check that reading the document gives back the same records as the text:

* A4 pages with a running header (the meeting line and the municipality) and a footer
  ``Side N af M`` on every page, so the reader must drop them;
* a page break wherever the text has a form feed (the text exports of paged minutes keep them);
* item headings in bold and a larger size, paragraphs that wrap across lines and across pages;
* the table of contents and the attachment list with their numbers at a right-hand tab stop, the
  table of contents with dotted leaders filling the line;
* in Word, the meeting header laid out as a two-column table and headings in heading styles.

Nothing here is imported by the application: it exists for the tests and the benchmark.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zlib
from pathlib import Path

from store.records import Meeting

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

MUNICIPALITY = "Kalundborg Kommune"

_HEADING = re.compile(r"^(Sak|Punkt) \d+:")
_LIST_ITEM = re.compile(r"^(?:- |\d+\. )")
_SECTION = {
    "Beslutning", "Sagsfremstilling", "Resume og sagens baggrund", "Indstillinger", "Behandling",
    "Økonomiske konsekvenser", "Bilag", "Vedlegg", "Indholdsfortegnelse", "Innholdsfortegnelse",
    "Sagstype",
}


def have_unicode_font() -> bool:
    """The PDF fixtures need a TrueType font with æøå, en dash and curly quotes."""
    return FONT_REGULAR.is_file() and FONT_BOLD.is_file()


def pages(text: str) -> list[list[list[str]]]:
    """The text's pages (split at form feeds), each as its :func:`paragraphs`."""
    return [paragraphs(page) for page in text.replace("\ufeff", "").split("\f")]


def paragraphs(text: str) -> list[list[str]]:
    """Blank-line separated blocks of the text, each a list of its lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    # Only line ends split lines here: str.splitlines() would also split at a form feed.
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def title_line(text: str) -> str:
    """The first non-blank line (``REFERAT Direktionen d. 20-02-2023``), used as running header."""
    return next(line.strip() for line in text.replace("\ufeff", "").splitlines() if line.strip())


def make_pdf(text: str, path: Path, *, header: bool = True, font_size: float = 10.0,
             align: str = "J") -> int:
    """Lay ``text`` out as a paged PDF at ``path``; returns the number of pages.

    ``align`` is ``"J"`` (justified, as most exports) or ``"L"`` (ragged right).
    """
    from fpdf import FPDF

    running = title_line(text)

    class Minutes(FPDF):
        def header(self) -> None:
            if not header:
                return
            self.set_font("Body", "", 8)
            self.cell(0, 5, running, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, MUNICIPALITY, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(6)

        def footer(self) -> None:
            if not header:
                return
            self.set_y(-15)
            self.set_font("Body", "", 8)
            self.cell(0, 5, f"Side {self.page_no()} af {{nb}}", align="C")

    pdf = Minutes(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font("Body", "", str(FONT_REGULAR))
    pdf.add_font("Body", "B", str(FONT_BOLD))
    line_h = font_size * 0.5
    for n, page in enumerate(pages(text)):
        if n == 0 or page:
            pdf.add_page()
        for block in page:
            _pdf_block(pdf, block, font_size, line_h, align)
    pdf.output(str(path))
    return pdf.pages_count


def _pdf_block(pdf, block: list[str], font_size: float, line_h: float, align: str) -> None:
    """One blank-line separated block: an item heading, a section label or body lines."""
    first = block[0]
    if len(block) == 1 and _HEADING.match(first):
        pdf.ln(2)
        pdf.set_font("Body", "B", font_size + 3)
        pdf.multi_cell(0, line_h + 1.5, first, new_x="LMARGIN", new_y="NEXT")
    elif len(block) == 1 and (first in _SECTION or first.startswith("REFERAT")):
        pdf.set_font("Body", "B", font_size + 1)
        pdf.multi_cell(0, line_h + 0.5, first, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font("Body", "", font_size)
        for line in block:
            if "\t" in line:
                _tab_line(pdf, line, line_h)
            else:
                pdf.multi_cell(0, line_h, line, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(line_h * 0.8)


def _tab_line(pdf, line: str, line_h: float) -> None:
    """A line with a right-hand tab stop; dotted leaders fill the gap in the table of contents."""
    left, right = line.split("\t", 1)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    right_w = pdf.get_string_width(right) + 1
    leader = left.endswith(".....")
    if leader:
        left = left[: -len(".....")]
    left_w = pdf.get_string_width(left)
    if left_w > width - right_w - 10:  # too long for one line: keep the number on its own
        pdf.multi_cell(0, line_h, line.replace("\t", " "), new_x="LMARGIN", new_y="NEXT")
        return
    pdf.cell(left_w, line_h, left)
    if leader:
        dot_w = pdf.get_string_width(".")
        room = width - right_w - left_w - 2
        pdf.cell(room, line_h, "." * max(int(room / dot_w), 5))
    pdf.set_x(pdf.w - pdf.r_margin - right_w)
    pdf.cell(right_w, line_h, right, align="R", new_x="LMARGIN", new_y="NEXT")


def make_docx(text: str, path: Path) -> None:
    """Lay ``text`` out as a Word document: heading styles, a header table, running header/footer.

    The meeting header (``Mødedato``, ``Mødested``, ``Mødedeltagere``) goes into a two-column
    table, as the case systems' Word templates do, so the reader must take text from tables.
    A block of two or more numbered or dashed lines is a Word list (one list paragraph per line);
    a form feed is a page break.
    """
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{title_line(text)}\t{MUNICIPALITY}"
    section.footer.paragraphs[0].text = "Side X af Y"
    labels = ("Mødedato ", "Mødested ", "Mødedeltagere ")
    table = None
    for n, page in enumerate(pages(text)):
        if n:
            document.add_page_break()  # a paragraph holding a page break, as Ctrl+Enter makes
        for block in page:
            first = block[0]
            if len(block) == 1 and first.startswith(labels):
                label, value = first.split(" ", 1)
                if table is None:
                    table = document.add_table(rows=0, cols=2)
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
                continue
            table = None
            if len(block) == 1 and _HEADING.match(first):
                document.add_heading(first, level=1)
            elif len(block) == 1 and first in _SECTION:
                document.add_heading(first, level=2)
            elif len(block) > 1 and all(_LIST_ITEM.match(line) for line in block):
                for line in block:  # one list paragraph per item, as Word writes lists
                    document.add_paragraph(line, style="List Paragraph")
            else:
                # A numbered line standing alone ("52. Title", "2. at …" between blank lines) is
                # a paragraph of its own with a typed number. Other lines of a block (table of
                # contents, attachments) are line breaks.
                document.add_paragraph("\n".join(block))
    document.save(str(path))


def make_scanned_pdf(path: Path) -> None:
    """A PDF holding only a picture of a page (a scan): no text layer at all."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(grey_png(64, 80)), x=10, y=10, w=190)
    pdf.set_fill_color(40, 40, 40)
    for row in range(20):
        pdf.rect(25, 30 + row * 10, 160 - (row % 3) * 30, 3, style="F")
    pdf.output(str(path))


def grey_png(width: int, height: int) -> bytes:
    """A small greyscale PNG written by hand (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
        )

    rows = b"".join(
        b"\x00" + bytes(255 if (x // 4 + y // 6) % 2 else 200 for x in range(width))
        for y in range(height)
    )
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def encrypt_pdf(source: Path, target: Path, password: str = "hemmelig") -> None:
    """Copy a PDF with a user password, as a protected publication would be."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with open(target, "wb") as handle:
        writer.write(handle)


def records_without_source(meeting: Meeting) -> list[dict]:
    """A meeting's item records as dicts, less ``source``: what must match across formats."""
    rows = []
    for record in meeting.records():
        row = dataclasses.asdict(record)
        del row["source"]
        rows.append(row)
    return rows
