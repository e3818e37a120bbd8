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
import re
import time
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

# Bounds on what one document may cost, checked before the expensive part where possible. Real
# minutes stay far below them; a file past one is refused with a message that says which.
#: Word: the uncompressed size of all parts together, and of the XML parts python-docx parses.
DOCX_MAX_TOTAL_BYTES = 150_000_000
DOCX_MAX_XML_BYTES = 25_000_000
#: Word: a part this much larger than its compressed size is a zip bomb, not a document.
DOCX_MAX_RATIO = 200
DOCX_MAX_PARTS = 5000
#: PDF: pages read from one file, and seconds spent reading them.
PDF_MAX_PAGES = 2000
PDF_MAX_SECONDS = 120.0


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


def read_document(path: str | Path, *, max_text_chars: int | None = None) -> str:
    """The cleaned text of a .txt, .pdf or .docx file, chosen by its content.

    Raises :class:`ParseError` (``"<path>: why"``) for anything that cannot be read as minutes,
    and :class:`NeedsOCR` for a PDF with no text layer. ``max_text_chars`` refuses a document
    holding more text than that (the size policy of :mod:`store.ingest`), before it is parsed.
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
        text = pdf_text(data, path, max_text_chars=max_text_chars)
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
    if max_text_chars is not None and len(text) > max_text_chars:
        raise TooLarge(f"{path}: {too_much_text(len(text), max_text_chars)}")
    return text


class TooLarge(ParseError):
    """A document past one of the size or time bounds: refused, not read."""


def too_much_text(chars: int, limit: int) -> str:
    """The one wording for text over the size policy's limit."""
    from store.ingest import RAISE_HINT

    return f"too large: {chars / 1e6:.1f} MB of text, the limit is {limit / 1e6:g} MB {RAISE_HINT}"


def load_meeting(path: str | Path, *, max_text_chars: int | None = None) -> Meeting:
    """Read a document and parse it into a :class:`Meeting` (``source`` is the path given)."""
    return parse_text(read_document(path, max_text_chars=max_text_chars), source=str(path))


def pdf_text(data: bytes, path: Path, *, max_text_chars: int | None = None) -> str:
    """The text of a PDF, page by page in layout mode, rebuilt into paragraphs.

    At most :data:`PDF_MAX_PAGES` pages and :data:`PDF_MAX_SECONDS` seconds; with
    ``max_text_chars``, reading stops as soon as the pages hold more text than that.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    _quiet_pypdf()
    declared = _declared_pages_in_bytes(data)
    if declared > PDF_MAX_PAGES:  # before pypdf reads a page tree that may take seconds to parse
        raise TooLarge(f"{path}: too large: {declared:,} pages, the limit is {PDF_MAX_PAGES:,}")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _open_encrypted(reader, path)
        pages = _read_pages(reader, path, max_text_chars)
    except ParseError:
        raise
    except DependencyError as exc:  # pypdf without its AES backend: say what is missing
        raise ParseError(f"{path}: PDF uses AES encryption; install the cryptography package "
                         "to read it") from exc
    except PdfReadError as exc:
        raise ParseError(f"{path}: damaged PDF ({exc})") from exc
    except Exception as exc:
        # pypdf reports broken files with many exception types (KeyError, ValueError, ...):
        # a corrupt download must be a skipped file, never a crash.
        raise ParseError(f"{path}: damaged PDF ({type(exc).__name__}: {exc})") from exc
    if not any(any(ch.isalnum() for ch in page) for page in pages):
        raise NeedsOCR(f"{path}: {NO_TEXT_LAYER}")
    return rebuild_paragraphs(pages)


def _read_pages(reader, path: Path, max_text_chars: int | None) -> list[str]:
    """Each page's text, within the page, time and text bounds (a :class:`TooLarge` past one).

    The page count the document declares is checked before its page tree is walked, and the
    real count after, so a file listing 100,000 pages is refused at once.
    """
    for count in (_declared_pages(reader), len(reader.pages)):
        if count > PDF_MAX_PAGES:
            raise TooLarge(f"{path}: too large: {count:,} pages, the limit is {PDF_MAX_PAGES:,}")
    started = time.monotonic()
    pages: list[str] = []
    chars = 0
    for page in reader.pages:
        pages.append(_page_text(page))
        chars += len(pages[-1])
        if max_text_chars is not None and chars > max_text_chars:
            raise TooLarge(f"{path}: {too_much_text(chars, max_text_chars)}")
        if time.monotonic() - started > PDF_MAX_SECONDS:
            raise TooLarge(f"{path}: too slow: took over {PDF_MAX_SECONDS:g} s to read "
                           f"({len(pages)} of {count} pages); refused")
    return pages


_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d{1,12})"
                    rb"|/Count\s+(\d{1,12})[^>]*?/Type\s*/Pages\b")


def _declared_pages_in_bytes(data: bytes) -> int:
    """The largest page count a page-tree node states in the file's uncompressed objects."""
    counts = [int(a or b) for a, b in _COUNT.findall(data)]
    return max(counts, default=0)


def _declared_pages(reader) -> int:
    """The ``/Count`` of the root page tree (0 when missing or not a number)."""
    try:
        count = reader.root_object["/Pages"]["/Count"]
    except Exception:
        return 0
    return count if isinstance(count, int) else 0


def _open_encrypted(reader, path: Path) -> None:
    """Many published PDFs are "encrypted" only to forbid editing, with an empty user password;
    those open without asking (RC4 or AES; AES needs the ``cryptography`` package). Only a PDF
    that really asks for a password is reported as encrypted."""
    from pypdf import PasswordType
    from pypdf.errors import DependencyError

    try:
        opened = reader.decrypt("")
    except DependencyError:
        raise
    except Exception as exc:
        raise ParseError(f"{path}: damaged or unsupported PDF encryption "
                         f"({type(exc).__name__}: {exc})") from exc
    if opened == PasswordType.NOT_DECRYPTED:
        raise ParseError(f"{path}: encrypted PDF (a password is needed to open it)")


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

    _check_docx_size(data, path)
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


def _check_docx_size(data: bytes, path: Path) -> None:
    """Refuse a Word file whose parts would expand past the bounds, before anything is unpacked.

    The sizes are the zip directory's; Python's zip reader never inflates an entry past the
    size its directory declares, so a part that lies about its size cannot grow beyond it.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ParseError(f"{path}: damaged Word document ({exc})") from exc
    if len(parts) > DOCX_MAX_PARTS:
        raise TooLarge(f"{path}: too large: {len(parts):,} parts in the Word file, "
                       f"the limit is {DOCX_MAX_PARTS:,}")
    total = sum(part.file_size for part in parts)
    if total > DOCX_MAX_TOTAL_BYTES:
        raise TooLarge(f"{path}: too large: would unpack to {total / 1e6:,.0f} MB, "
                       f"the limit is {DOCX_MAX_TOTAL_BYTES / 1e6:,.0f} MB")
    for part in parts:
        if part.filename.endswith((".xml", ".rels")) and part.file_size > DOCX_MAX_XML_BYTES:
            raise TooLarge(f"{path}: too large: {part.filename} would unpack to "
                           f"{part.file_size / 1e6:,.0f} MB, the limit is "
                           f"{DOCX_MAX_XML_BYTES / 1e6:,.0f} MB")
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > 1024 * 1024 and ratio > DOCX_MAX_RATIO:
            raise TooLarge(f"{path}: refused: {part.filename} expands {ratio:,.0f} times "
                           f"(a zip bomb?), the limit is {DOCX_MAX_RATIO}")


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
