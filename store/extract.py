"""Read minutes as published: PDF, Word (.docx) or plain text, chosen by what the file holds.

The kind of file is decided by its first bytes, not its name: the case systems export ".pdf"
files that are Word documents, staff save text as ".doc", and downloads lose their extension.

* ``%PDF-`` → PDF, read with pypdf (pure Python, no system binaries such as poppler). Layout mode
  keeps the vertical gaps between paragraphs, which :mod:`store.clean` needs to rebuild them.
* ``PK`` zip holding ``word/document.xml`` → Word, read with python-docx (pure Python on lxml).
* anything else that decodes as text → plain text (BOM, UTF-8, else Windows-1252).

A name that promises one kind of document and content of another (a ".pdf" that is a zip, an
image or text) is refused rather than guessed at. Every failure is a :class:`ParseError` naming
the file, so one bad download is reported and skipped, never fatal to an ingest.

    >>> meeting = load_meeting("examples/minutes/direktionen-2023-02-20.txt")
    >>> meeting.body, meeting.date
    ('Direktionen', '2023-02-20')
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

from store.clean import normalise_chars, normalise_text_breaks, rebuild_paragraphs
from store.parse import decode_bytes, parse_text
from store.records import Meeting, ParseError

# Bytes that open the files people mistake for minutes.
_IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# The PDF header may follow a little junk; readers accept it within the first 1024 bytes.
_PDF_WINDOW = 1024

NO_TEXT_LAYER = "no text layer (scanned PDF?) — run OCR first"


class NeedsOCR(ParseError):
    """A PDF with pictures of pages and no text: it must go through OCR before it can be read."""


def sniff(data: bytes) -> str:
    """What the bytes are: ``"pdf"``, ``"docx"``, ``"zip"``, ``"doc"``, ``"image: …"``,
    ``"binary"``, ``"empty"`` or ``"text"``."""
    if not data.strip():
        return "empty"
    if b"%PDF-" in data[:_PDF_WINDOW]:
        return "pdf"
    if data.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    if data.startswith(_OLE2):
        return "doc"
    for magic, what in _IMAGE_MAGIC.items():
        if data.startswith(magic):
            return "image: " + what
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def _describe(kind: str) -> str:
    return {
        "pdf": "a PDF", "docx": "a Word document", "zip": "a zip archive, not a Word document",
        "doc": "a legacy Word .doc file (save it as .docx or PDF)", "binary": "a binary file",
        "empty": "empty", "text": "plain text",
    }.get(kind, kind.removeprefix("image: ") + " (scanned? run OCR and save as PDF or text)")


# Extensions that promise a document kind; content of another kind is refused, not guessed.
_PROMISED = {".pdf": "pdf", ".docx": "docx", ".docm": "docx"}


def read_document(path: str | Path) -> str:
    """The cleaned text of a .txt, .pdf or .docx file, chosen by its content.

    Raises :class:`ParseError` (``"<path>: why"``) for anything that cannot be read as minutes,
    and :class:`NeedsOCR` for a PDF with no text layer.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    kind = sniff(data)
    promised = _PROMISED.get(path.suffix.lower())
    if kind == "empty":
        raise ParseError(f"{path}: empty file")
    if promised and kind not in (promised, "text"):  # the content decides, not the name
        raise ParseError(f"{path}: named {path.suffix} but is {_describe(kind)}")
    if kind == "pdf":
        text = pdf_text(data, path)
    elif kind == "docx":
        text = docx_text(data, path)
    elif kind == "text":
        # One decoder for every text file (BOM, UTF-8, else Windows-1252), shared with the parser.
        text = normalise_chars(
            normalise_text_breaks(decode_bytes(data, str(path))), keep_page_breaks=True
        )
    else:
        raise ParseError(f"{path}: not minutes: {_describe(kind)}")
    if not text.strip():
        raise ParseError(f"{path}: no text in the document")
    return text


def load_meeting(path: str | Path) -> Meeting:
    """Read a document and parse it into a :class:`Meeting` (``source`` is the path given)."""
    return parse_text(read_document(path), source=str(path))


def pdf_text(data: bytes, path: Path) -> str:
    """The text of a PDF, page by page in layout mode, rebuilt into paragraphs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    _quiet_pypdf()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _open_encrypted(reader):
            raise ParseError(f"{path}: encrypted PDF (a password is needed to open it)")
        pages = [_page_text(page) for page in reader.pages]
    except ParseError:
        raise
    except PdfReadError as exc:
        raise ParseError(f"{path}: damaged PDF ({exc})") from exc
    except Exception as exc:
        # pypdf reports broken files with many exception types (KeyError, ValueError, ...):
        # a corrupt download must be a skipped file, never a crash.
        raise ParseError(f"{path}: damaged PDF ({type(exc).__name__}: {exc})") from exc
    if not any(any(ch.isalnum() for ch in page) for page in pages):
        raise NeedsOCR(f"{path}: {NO_TEXT_LAYER}")
    return rebuild_paragraphs(pages)


def _open_encrypted(reader) -> bool:
    """Many published PDFs are "encrypted" only to forbid editing, with an empty user password;
    those open without asking. Anything else needs the password we do not have."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # missing crypto backend or unsupported algorithm: treat as locked
        return False


def _page_text(page) -> str:
    try:
        return page.extract_text(extraction_mode="layout")
    except Exception:
        # Layout mode needs font metrics that some producers omit; plain mode still reads them,
        # without the paragraph gaps.
        return page.extract_text()


def _quiet_pypdf() -> None:
    # pypdf logs every repaired cross-reference table at WARNING; one line per bad file is ours.
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def docx_text(data: bytes, path: Path) -> str:
    """The text of a Word document: paragraphs and table rows in document order.

    Each Word paragraph is a paragraph of the text, separated by a blank line as in the text
    exports, except consecutive list paragraphs (a ``List`` style or Word numbering), which stay
    one item per line. A heading is never a list item, even when Word numbers it ("52. Title"
    above "53. Title" are two headings, not a list). Table rows become their cells joined by a
    tab, so a meeting header laid out as a table (``Mødedato | Mandag d. …``) keeps its label and
    value; each row is a paragraph of its own, as each header field is in the text exports.
    Line breaks inside a paragraph (Shift+Enter) stay line breaks, and a page break becomes a
    form feed, as in the text exports. Running headers and footers are not part of the body.
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []  # paragraphs, and PAGE_BREAK where a page ends
        in_list = False
        for element in document.element.body.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                paragraph = Paragraph(element, document)
                before, after = _page_breaks(element)
                if before:
                    blocks.append(_PAGE_BREAK)
                    in_list = False
                text = normalise_chars(paragraph.text).strip()
                if text:
                    is_item = _is_list_paragraph(paragraph)
                    if is_item and in_list:
                        blocks[-1] += "\n" + text
                    else:
                        blocks.append(text)
                    in_list = is_item
                else:
                    in_list = False
                if after:
                    blocks.append(_PAGE_BREAK)
                    in_list = False
            elif tag == "tbl":
                blocks.extend(_table_rows(Table(element, document)))
                in_list = False
    except Exception as exc:
        # python-docx raises KeyError, ValueError, lxml errors ... on a damaged file.
        raise ParseError(f"{path}: damaged Word document ({type(exc).__name__}: {exc})") from exc
    parts: list[str] = []
    page_break = False
    for block in blocks:
        if block == _PAGE_BREAK:
            page_break = bool(parts)
        else:
            # The text exports print a page's last line, then the form feed, then the next
            # page's first line: "Side 2 af 4\n\fØkonomiudvalget 12-03-2019".
            parts.append(("\n\f" if page_break else "\n\n") + block if parts else block)
            page_break = False
    return "\n".join(line.strip(" \t") for line in "".join(parts).split("\n"))


_PAGE_BREAK = "\f"


def _page_breaks(element) -> tuple[bool, bool]:
    """Whether a Word paragraph starts and/or ends a page: a page break (``w:br w:type="page"``)
    before or after its text, or "page break before" in its formatting."""
    from docx.oxml.ns import qn

    before = any(
        flag.get(qn("w:val"), "1") not in ("0", "false", "off")
        for props in element.iterchildren(qn("w:pPr"))
        for flag in props.iterchildren(qn("w:pageBreakBefore"))
    )
    after = False
    seen_text = False
    for node in element.iter(qn("w:t"), qn("w:br")):
        if node.tag == qn("w:t"):
            seen_text = seen_text or bool((node.text or "").strip())
        elif node.get(qn("w:type")) == "page":
            if seen_text:
                after = True
            else:
                before = True
    return before, after


def _is_list_paragraph(paragraph) -> bool:
    style = paragraph.style.name.lower() if paragraph.style is not None else ""
    if style.startswith(("heading", "title", "overskrift")):
        return False
    if style.startswith("list"):
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None


def _table_rows(table) -> list[str]:
    """Rows of a table as tab-joined cell texts; merged cells (repeated by python-docx) once."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(normalise_chars(cell.text).split()))
        line = "\t".join(cells).strip("\t")
        if line.strip():
            rows.append(line)
    return rows
