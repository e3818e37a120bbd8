"""Hostile minutes files, generated in code (nothing big is kept in the repository).

Shared by the tests and by ``python -m bench.hostile``. Each maker writes one file to ``path``
and returns it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(path: Path, unpacked_mb: int = 420) -> Path:
    """A small .docx whose ``document.xml`` unpacks to ``unpacked_mb`` MB of paragraphs."""
    paragraph = b"<w:p><w:r><w:t>Sag 1: Budget</w:t></w:r></w:p>" * 1000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            for _ in range(unpacked_mb * 1024 * 1024 // len(paragraph)):
                part.write(paragraph)
            part.write(b"</w:body></w:document>")
    return path


def pdf_many_pages(path: Path, pages: int = 100_000) -> Path:
    """A PDF of a few hundred KB whose page tree lists ``pages`` pages (one page, repeated)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [" % pages + b"3 0 R " * pages + b"] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
        b" >>",
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 20 100 Td (Sag 1: Budget) Tj ET\nendstream",
    ]
    return _write_pdf(path, objects)


def _write_pdf(path: Path, objects: list[bytes]) -> Path:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def big_text(path: Path, mb: float, sample: str) -> Path:
    """A text file of about ``mb`` MB: the sample minutes, then their items over and over."""
    head, _, items = sample.partition("\nSak ")
    block = ("\nSak " + items).encode("utf-8")
    with path.open("wb") as handle:
        handle.write(head.encode("utf-8"))
        for _ in range(int(mb * 1_000_000 / len(block)) + 1):
            handle.write(block)
    return path


def text_pdf(path: Path, text: str) -> Path:
    """A plain PDF of ``text`` in a core font (Latin-1), one paragraph per line."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in text.splitlines():
        safe = line.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 5, safe or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def encrypted_pdf(source: Path, target: Path, user_password: str = "",
                  algorithm: str = "AES-256") -> Path:
    """``source`` encrypted with AES; an empty user password opens it without asking."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password=user_password, owner_password="redaktion", algorithm=algorithm)
    with open(target, "wb") as handle:
        writer.write(handle)
    return target
