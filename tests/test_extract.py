"""Reading minutes as published: PDF and Word give the same records as the text export.

The documents are built here from the two sample minutes (see tests/docmaker.py), with running
headers and footers, wrapped and justified paragraphs, a table of contents with dotted leaders,
and in Word a header laid out as a table.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from store.clean import normalise_chars, rebuild_paragraphs
from store.extract import NeedsOCR, load_meeting, read_document, sniff
from store.records import ParseError
from tests.helpers import docmaker

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples" / "minutes").glob("*.txt"))
SAMPLE_IDS = [p.stem for p in SAMPLES]

needs_font = pytest.mark.skipif(
    not docmaker.have_unicode_font(),
    reason="no DejaVu TrueType font to write æøå, – and ” into a PDF",
)


def _text_shape(text: str) -> str:
    """The sample as a document gives it back: no leading/trailing blank lines or spaces."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())



@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every sample as a justified PDF, a ragged-right PDF and a Word document."""
    folder = tmp_path_factory.mktemp("documents")
    made: dict[tuple[str, str], Path] = {}
    for sample in SAMPLES:
        text = sample.read_text(encoding="utf-8")
        if docmaker.have_unicode_font():
            made[sample.stem, "pdf"] = folder / f"{sample.stem}.pdf"
            docmaker.make_pdf(text, made[sample.stem, "pdf"])
            made[sample.stem, "pdf-ragged"] = folder / f"{sample.stem}-ragged.pdf"
            docmaker.make_pdf(text, made[sample.stem, "pdf-ragged"], align="L", font_size=9)
        made[sample.stem, "docx"] = folder / f"{sample.stem}.docx"
        docmaker.make_docx(text, made[sample.stem, "docx"])
    return made


def test_samples_exist() -> None:
    assert len(SAMPLES) == 2


# --- the acceptance test: same records from text, PDF and Word --------------------------------


@needs_font
@pytest.mark.parametrize("kind", ["pdf", "pdf-ragged", "docx"])
@pytest.mark.parametrize("sample", SAMPLES, ids=SAMPLE_IDS)
def test_document_round_trips_to_the_records_of_the_text(
    documents, sample: Path, kind: str
) -> None:
    from store.parse import parse_file

    expected = parse_file(sample)
    got = load_meeting(documents[sample.stem, kind])
    assert got.source == str(documents[sample.stem, kind])
    assert got.items, "the sample has agenda items"
    assert docmaker.records_without_source(got) == docmaker.records_without_source(expected)
    assert got.compute_hash() == expected.compute_hash()
    assert got.content_hash == expected.content_hash


@needs_font
@pytest.mark.parametrize("kind", ["pdf", "pdf-ragged"])
@pytest.mark.parametrize("sample", SAMPLES, ids=SAMPLE_IDS)
def test_pdf_text_is_the_text_export(documents, sample: Path, kind: str) -> None:
    """Stronger than equal records: paragraphs, list lines and tab stops come back exactly."""
    text = read_document(documents[sample.stem, kind])
    assert text == _text_shape(sample.read_text(encoding="utf-8"))


@needs_font
def test_pdf_fixture_really_has_running_headers_and_page_breaks(documents) -> None:
    """Guard the fixture: the PDF must contain what the cleaner is meant to remove."""
    from pypdf import PdfReader

    path = documents["direktionen-2023-02-20", "pdf"]
    pages = [page.extract_text() for page in PdfReader(path).pages]
    assert len(pages) >= 4
    assert all(f"Side {n} af {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert all(page.count("REFERAT Direktionen d. 20-02-2023") >= 1 for page in pages)
    assert "....." in pages[0] and "Sak 1: Status" in pages[0]
    cleaned = read_document(path)
    assert "Side " not in cleaned
    assert cleaned.count("REFERAT Direktionen d. 20-02-2023") == 1
    assert "Status på kommunikationsstrategien.....\t3" in cleaned.splitlines()


def test_word_reads_tables_and_lists_in_document_order(documents) -> None:
    text = read_document(documents["direktionen-2023-02-20", "docx"])
    lines = text.splitlines()
    assert lines[0] == "REFERAT Direktionen d. 20-02-2023"
    # The header table's rows come back as "label<TAB>value", between the title and the contents.
    assert lines.index("Mødested\tMødelokale 6") < lines.index("Innholdsfortegnelse")
    assert "- Bosætning gennem fortællinger\n- Rekruttering til ældre- og Sundhedsområdet" in text
    assert "Side X af Y" not in text  # the running footer is not body text


def test_word_merged_cells_are_read_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Mødedato"
    table.cell(0, 2).text = "20-02-2023"
    for cell, value in zip(table.rows[1].cells, ["Sag", "23-001310", "Godkendt"], strict=True):
        cell.text = value
    document.add_paragraph("Efter tabellen")
    path = tmp_path / "table.docx"
    document.save(str(path))
    assert read_document(path) == (
        "Mødedato\t20-02-2023\n\nSag\t23-001310\tGodkendt\n\nEfter tabellen"
    )


# --- choosing the reader by content ----------------------------------------------------------


@needs_font
def test_kind_is_chosen_by_content_not_name(documents, tmp_path: Path) -> None:
    pdf = documents["direktionen-2016-02-29", "pdf"]
    word = documents["direktionen-2016-02-29", "docx"]
    as_txt = tmp_path / "download.txt"
    as_txt.write_bytes(pdf.read_bytes())
    no_suffix = tmp_path / "download"
    no_suffix.write_bytes(word.read_bytes())
    assert read_document(as_txt) == read_document(pdf)
    assert read_document(no_suffix) == read_document(word)
    assert sniff(pdf.read_bytes()) == "pdf" and sniff(word.read_bytes()) == "docx"


def test_text_decoding_bom_utf8_cp1252(tmp_path: Path) -> None:
    text = "REFERAT Økonomiudvalget d. 01-02-2024\n\nSak 1: Fælles ”plan” – status\n"
    for name, data in {
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf8.txt": text.encode("utf-8"),
        "cp1252.txt": text.encode("cp1252"),
        "crlf.txt": text.replace("\n", "\r\n").encode("cp1252"),
    }.items():
        (tmp_path / name).write_bytes(data)
        assert read_document(tmp_path / name) == text, name
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    assert read_document(tmp_path / "utf16.txt") == text


def test_odd_characters_are_normalised() -> None:
    raw = "Beslutning\u00a0om\u202ffinansiering af ﬂexrum og ﬁlm\u200b, udvik\u00adlings\ufeffplan"
    assert normalise_chars(raw) == "Beslutning om finansiering af flexrum og film, udviklingsplan"


# --- cleaning what PDF extraction leaves behind -----------------------------------------------

PROSE = (
    "Direktionen har på møde før jul vedtaget at drøfte, hvordan den enkelte direktør inden for",
    "sit fagområde kan understøtte den nye strategi for hele kommunen og dens forvaltninger samt",
)


def _page(body: list[str], number: int, total: int, footer: str = "Side {n} af {m}") -> str:
    head = "Børne- og Skoleudvalget 12-03-2024" + " " * 30 + "Holbæk Kommune"
    foot = " " * 40 + footer.format(n=number, m=total)
    return "\n".join([head, "", *body, "", "", foot])


@pytest.mark.parametrize("footer", ["Side {n} af {m}", "Side {n}/{m}", "- {n} -", "{n}", "{n}/{m}"])
def test_running_headers_and_page_numbers_are_removed(footer: str) -> None:
    pages = [
        _page(["Punkt 1: Budget", "", "Godkendt."], 1, 3, footer),
        _page(["Punkt 2: Skolestruktur", "", "Drøftet."], 2, 3, footer),
        _page(["Punkt 3: Eventuelt", "", "Intet."], 3, 3, footer),
    ]
    assert rebuild_paragraphs(pages) == (
        "Punkt 1: Budget\n\nGodkendt.\n\nPunkt 2: Skolestruktur\n\nDrøftet.\n\n"
        "Punkt 3: Eventuelt\n\nIntet."
    )


def test_first_page_title_survives_identical_running_header() -> None:
    title = "Referat Økonomiudvalget 12-03-2024"
    pages = [f"{title}\n\n{title}\n\nPunkt 1: Budget", f"{title}\n\nPunkt 2: Skoler"]
    assert rebuild_paragraphs(pages) == f"{title}\n\nPunkt 1: Budget\n\nPunkt 2: Skoler"


def test_a_line_repeated_on_one_page_only_is_kept() -> None:
    pages = ["Godkendt.\n\nPunkt 1: A", "Punkt 2: B\n\nGodkendt.", "Punkt 3: C\n\nDrøftet."]
    assert rebuild_paragraphs(pages).count("Godkendt.") == 2


def test_wrapped_lines_are_joined_and_short_lines_kept() -> None:
    page = "\n".join([PROSE[0], PROSE[1], "afdelinger.", "", "Bilag", "", "Notat om strategi",
                      "Tidsplan", "", "- første punkt", "- andet punkt"])
    assert rebuild_paragraphs([page]) == (
        f"{PROSE[0]} {PROSE[1]} afdelinger.\n\nBilag\n\nNotat om strategi\nTidsplan\n\n"
        "- første punkt\n- andet punkt"
    )


def test_paragraph_split_by_a_page_break_is_rejoined() -> None:
    pages = [_page(["Punkt 1: Strategi", "", PROSE[0]], 1, 2),
             _page([PROSE[1], "afdelinger.", "", "Godkendt."], 2, 2)]
    assert rebuild_paragraphs(pages) == (
        f"Punkt 1: Strategi\n\n{PROSE[0]} {PROSE[1]} afdelinger.\n\nGodkendt."
    )


def test_new_paragraph_at_the_top_of_a_page_stays_separate() -> None:
    full_sentence = PROSE[0].replace("inden for", "i sit arbejde.")
    pages = [_page([full_sentence], 1, 2),
             _page(["Kommunaldirektøren indstiller.", "", "Ok."], 2, 2)]
    assert rebuild_paragraphs(pages) == f"{full_sentence}\n\nKommunaldirektøren indstiller.\n\nOk."


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("Opfølgning på ud-", "viklingsstrategien for hele kommunens område i de kommende år",
         "Opfølgning på udviklingsstrategien"),
        ("Sagen behandles i Børne-", "og Skoleudvalget og derefter i Økonomiudvalget på mødet",
         "Børne- og Skoleudvalget"),
        ("Punktet vedrører VSBV -", "Forbindsstoffer og den nuværende ordning for institutionerne",
         "VSBV - Forbindsstoffer"),
        ("Reglerne for EU-", "borgere gælder også for de ansatte i kommunens administration",
         "EU-borgere"),
        ("Opfølgning på ud\u00ad", "viklingsstrategien", "Opfølgning på udviklingsstrategien"),
    ],
)
def test_hyphenation_at_line_end(first: str, second: str, joined: str) -> None:
    filler = "Direktionen har på møde før jul vedtaget at drøfte sagen grundigt. "
    line = filler + first
    text = rebuild_paragraphs([line + "\n" + second + "\n" + "x" * len(line)])
    assert joined in text.splitlines()[0]


def test_dotted_leaders_and_tab_stops_become_tabs() -> None:
    page = "\n".join([
        "Indholdsfortegnelse",
        "",
        "Status på strategien ........................................     3",
        "Eventuelt. . . . . . . . . . . . . . . . . . . . . . . . . . .12",
        "Lukket: Beslutning om indretning af flexrum                          9",
        "Kommunikationsstrategi Kalundborg Kommune                  326-2016-31569",
    ])
    assert rebuild_paragraphs([page]).splitlines()[2:] == [
        "Status på strategien.....\t3",
        "Eventuelt.....\t12",
        "Lukket: Beslutning om indretning af flexrum\t9",
        "Kommunikationsstrategi Kalundborg Kommune\t326-2016-31569",
    ]


def test_justified_line_padding_is_not_a_tab() -> None:
    page = (
        "Som  element  i  strategien  for  Kalundborg  Kommune  er  det  aftalt,  at  der\n"
        "udvælges tre."
    )
    assert rebuild_paragraphs([page]) == (
        "Som element i strategien for Kalundborg Kommune er det aftalt, at der udvælges tre."
    )


# --- files that cannot be read: a clear error naming the file, nothing else --------------------


def _bad_files(folder: Path, good_pdf: Path | None) -> dict[str, tuple[Path, str]]:
    """Broken inputs and a fragment of the error each must give."""
    cases: dict[str, tuple[Path, str]] = {}

    def add(name: str, data: bytes, expect: str) -> None:
        path = folder / name
        path.write_bytes(data)
        cases[name] = (path, expect)

    scan = folder / "scan.pdf"
    docmaker.make_scanned_pdf(scan)
    cases["scan.pdf"] = (scan, "no text layer (scanned PDF?) — run OCR first")
    add("empty.pdf", b"", "empty file")
    add("blank.txt", b"  \n\n \r\n", "empty file")
    add("zip.pdf", _zip({"hello.txt": b"hi"}), "named .pdf but is a zip archive")
    add("picture.pdf", docmaker.grey_png(8, 8), "named .pdf but is a PNG image")
    add("picture.docx", docmaker.grey_png(8, 8), "named .docx but is a PNG image")
    add("photo.txt", b"\xff\xd8\xff\xe0" + bytes(64), "JPEG image")
    add("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "legacy Word .doc")
    add("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4, "damaged PDF")
    add("broken.docx", _zip({"word/document.xml": b"<not xml", "[Content_Types].xml": b"<x/>"}),
        "damaged Word document")
    add("cut.docx", _zip({"word/document.xml": b"<w/>"})[:40], "named .docx but is a zip archive")
    if good_pdf is not None:
        data = good_pdf.read_bytes()
        add("truncated.pdf", data[: len(data) // 3], "damaged PDF")
        locked = folder / "locked.pdf"
        docmaker.encrypt_pdf(good_pdf, locked)
        cases["locked.pdf"] = (locked, "encrypted PDF")
    return cases


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bad_files(documents, tmp_path_factory) -> dict[str, tuple[Path, str]]:
    good = documents.get(("direktionen-2016-02-29", "pdf"))
    return _bad_files(tmp_path_factory.mktemp("bad"), good)


def test_every_bad_file_is_a_parse_error_naming_the_file(bad_files) -> None:
    for name, (path, expect) in bad_files.items():
        with pytest.raises(ParseError) as caught:
            read_document(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: "), message
        assert expect in message, (name, message)


def test_scan_is_reported_as_needing_ocr(bad_files) -> None:
    path, _ = bad_files["scan.pdf"]
    with pytest.raises(NeedsOCR) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: no text layer (scanned PDF?) — run OCR first"


@needs_font
def test_pdf_locked_only_against_editing_opens(documents, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    source = documents["direktionen-2016-02-29", "pdf"]
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="", owner_password="redaktion")
    target = tmp_path / "protected.pdf"
    with open(target, "wb") as handle:
        writer.write(handle)
    assert PdfReader(target).is_encrypted
    assert read_document(target) == read_document(source)


def test_bad_files_are_skipped_and_the_store_file_is_untouched(bad_files, tmp_path: Path) -> None:
    from store.db import Store
    from store.ingest import ingest_paths

    store_path = tmp_path / "referat.json"
    store = Store(store_path)
    first = ingest_paths(store, [SAMPLES[0]])
    assert first.report.added and not first.skipped
    before = store_path.read_bytes()
    paths = [path for path, _ in bad_files.values()]

    summary = ingest_paths(Store(store_path), paths)

    assert store_path.read_bytes() == before
    assert summary.report.added == [] and summary.report.updated == []
    reasons = dict(summary.skipped)
    assert len(reasons) == len(bad_files)
    for path, expect in bad_files.values():
        assert expect in reasons[str(path)], (path, reasons[str(path)])


# --- lines that stand on their own ------------------------------------------------------------

NARROW = "Kommunaldirektøren orienterede udvalget om de seneste forhandlinger."  # sets the width


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Beslutning i Kultur- og Fritidsudvalget den 3. marts 2020:", "Godkendt."),
        ("Forvaltningen har undersøgt sagen og anbefaler den løsning", "Indstilling"),
        ("Forvaltningen har undersøgt sagen og anbefaler den løsning", "Sag nr. 2"),
        ("Godkendt med den ændring, at tillægsbevillingen gives i maj.", "Afbud: Mette Krogh (F)"),
        ("Sagsfremstilling", "Lokalplanen har været i høring i fire uger hos borgerne."),
    ],
)
def test_labels_headings_and_fields_are_never_joined(first: str, second: str) -> None:
    """Each first line is long enough to pass for a full line; the shape of the pair decides."""
    page = "\n".join([first, second, "", NARROW])
    assert rebuild_paragraphs([page]).split("\n\n")[0] == f"{first}\n{second}"


def test_wrapped_prose_after_an_inline_label_is_joined() -> None:
    first = "Beslutning: Godkendt, idet udvalget dog ønsker en status på sagen"
    page = "\n".join([first, "inden sommerferien.", "", NARROW])
    assert rebuild_paragraphs([page]).startswith(f"{first} inden sommerferien.\n\n")


def test_short_document_lines_are_not_taken_for_full_ones() -> None:
    """No line of a short page wraps; the header's right-hand text marks where lines end."""
    head = "Referat af møde i Økonomiudvalget" + " " * 60 + "Holbæk Kommune"
    page = "\n".join([head, "", "Punkt 2 Salg af grund", "",
                      "Grunden har været udbudt i offentligt udbud.", "Der er indkommet to bud:"])
    assert rebuild_paragraphs([page]).endswith(
        "Grunden har været udbudt i offentligt udbud.\nDer er indkommet to bud:"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3/14", True), ("Side 2 af 5", True), ("12", True), ("- 3 -", True),
     ("19/99999", False), ("14/3", False), ("Side 9 af 4", False), ("19/4410", False)],
)
def test_page_numbers_and_case_numbers(text: str, expected: bool) -> None:
    from store.clean import is_page_number

    assert is_page_number(text) is expected


def test_case_number_at_the_foot_of_the_last_page_is_kept() -> None:
    pages = [_page(["Sag 1: Budget", "", "Godkendt."], 1, 2),
             _page(["Sag 2: Lukket sag: Klagesag", "", "19/99999"], 2, 2)]
    assert rebuild_paragraphs(pages).endswith("Sag 2: Lukket sag: Klagesag\n\n19/99999")


def test_a_line_closing_two_pages_at_different_heights_is_kept() -> None:
    """Running lines sit at a fixed height; body text that happens to end two pages does not."""
    absent = "Fraværende: Dorte Holm (F)"
    pages = [_page(["Punkt 1: Budget", "", "Anbefales.", absent], 1, 2),
             _page(["Punkt 2: Cykelsti", "", absent, *[""] * 12], 2, 2)]
    assert rebuild_paragraphs(pages).count(absent) == 2


def test_one_page_header_over_its_own_title_is_dropped() -> None:
    title = "Ændring af takster for vinterbadning"
    page = "\n".join([title + " " * 50 + "Holbæk Kommune", "", title, "", "Sagsid.: 20/35762",
                      "", " " * 40 + "Side 1 af 1"])
    assert rebuild_paragraphs([page]) == f"{title}\n\nSagsid.: 20/35762"


def test_title_repeated_in_every_page_header_is_kept_once() -> None:
    title = "Referat - Social- og Sundhedsudvalget - 12-11-2019"
    head = title + " " * 40 + "Holbæk Kommune"
    pages = [f"{head}\n\n{title}\n\nSag 1: Budget", f"{head}\n\n{title}\n\nSag 2: Skoler",
             f"{head}\n\n{title}\n\nSag 3: Veje"]
    assert rebuild_paragraphs(pages) == f"{title}\n\nSag 1: Budget\n\nSag 2: Skoler\n\nSag 3: Veje"


# --- Word: numbered headings, page breaks -----------------------------------------------------


def test_word_numbered_headings_are_not_a_list_and_page_breaks_are_kept(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for title in ("52. Opkøb af landbrugsjord - Lukket punkt", "53. Orienteringer"):
        heading = document.add_heading(title, level=1)
        heading._p.get_or_add_pPr().get_or_add_numPr()  # numbered by Word, as templates do
    document.add_paragraph("1. at orienteringen tages til efterretning", style="List Paragraph")
    document.add_paragraph("2. at sagen genoptages", style="List Paragraph")
    document.add_paragraph("Side 1 af 2")
    document.add_page_break()
    document.add_paragraph("Udvalget for Klima og Miljø")
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    assert read_document(path) == (
        "52. Opkøb af landbrugsjord - Lukket punkt\n\n53. Orienteringer\n\n"
        "1. at orienteringen tages til efterretning\n2. at sagen genoptages\n\n"
        "Side 1 af 2\n\fUdvalget for Klima og Miljø"
    )


def test_text_files_keep_their_form_feeds(tmp_path: Path) -> None:
    path = tmp_path / "paged.txt"
    path.write_bytes("Punkt 1. Budget\n\nGodkendt.\n\nSide 1 af 2\n\fØkonomiudvalget\n".encode())
    assert "Side 1 af 2\n\fØkonomiudvalget" in read_document(path)


def test_large_heading_wrapped_after_a_preposition_is_joined() -> None:
    """A heading set large wraps early; a line ending on "i" is never the end of a title."""
    page = "\n".join(["Sak 3: Lukket: Godkendelse af ungdomsuddannelse i", "Nordområdet", "",
                      PROSE[0]])
    assert rebuild_paragraphs([page]).startswith(
        "Sak 3: Lukket: Godkendelse af ungdomsuddannelse i Nordområdet\n\n"
    )
