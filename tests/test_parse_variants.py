"""The parser on hand-written minutes in the other layout families of FORMATS.md.

Each fixture in tests/fixtures/variants/ imitates one family:

* eg_punkt.txt      EG-style "Punkt N Title", "Referat af møde i …", participants one per line,
                    a chain of "Beslutning i <udvalg> den …:" decisions, a decision that is only
                    an absentee list, numbered lists inside items
* polweb.txt        labelled header (UDVALG/MØDE/STED/PUNKTER), "N. Title" headings, "(B)" repeat,
                    "Sagsnr.: 14/30210", "Sagsid.: 20/35762", "Title - Lukket punkt"
* firstagenda.txt   "åbent N Title" / "lukket N Title", "Indstilling og beslutning",
                    "Beslutning fra Byrådet" + "Dato:", "At 1: …", KLE journal numbers
* flat_toc.txt      a table of contents flattened onto one line with roman page numbers,
                    "Pkt. N Title", "<Udvalg>, dd-mm-yyyy, pkt. N", "Sag 306-2009-600",
                    "18.00Ø00 - 2014/06569", "Lukket - TMU - Title", "04-06-2020 09:00:00"
* messy_cp1252.txt  Windows-1252 bytes, CRLF, form feeds, "Side 2 af 3" and the meeting name
                    repeated at page tops, a paragraph broken by a page break, "Lukket sag:"
* bom_crlf.txt      UTF-8 with BOM and CRLF, "Innholdsfortegnelse", case number with a trailing dash
* sag_nr.txt        title line + "Sag nr. N", KLE journal number above each heading,
                    "Referat fra Byrådets møde", "April 3, 2019"
* single_item.txt   an item published alone: no number, no header, body and date taken from the
                    decision label
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.parse import parse_file, parse_text
from store.records import ParseError

VARIANTS = Path(__file__).resolve().parent / "fixtures" / "variants"
CONTENT_FIELDS = ("decision", "recommendation", "resume", "presentation", "treatment", "economy")

# What each fixture must parse to, in expected.json beside the fixtures: per file the header
# (body, date, start_time, place, participants) and every item (number, title, closed,
# case_number, journal_number, document_number, decision).
_EXPECTED = json.loads((VARIANTS / "expected.json").read_text(encoding="utf-8"))
HEADERS = {name: tuple(h.values()) for name, h in _EXPECTED["headers"].items()}
ITEMS = {name: [tuple(row.values()) for row in rows] for name, rows in _EXPECTED["items"].items()}


@pytest.fixture(scope="module", params=sorted(HEADERS))
def parsed(request):
    return request.param, parse_file(VARIANTS / request.param)


def test_every_fixture_is_covered():
    assert sorted(p.name for p in VARIANTS.glob("*.txt")) == sorted(HEADERS) == sorted(ITEMS)


def test_header(parsed):
    name, meeting = parsed
    got = (meeting.body, meeting.date, meeting.start_time, meeting.place, meeting.participants)
    assert got == HEADERS[name]


def test_items(parsed):
    name, meeting = parsed
    got = [
        (i.number, i.title, i.closed, i.case_number, i.journal_number, i.document_number,
         i.decision)
        for i in meeting.items
    ]
    assert got == ITEMS[name]
    for item in meeting.items:
        if item.closed:
            assert all(getattr(item, f) == "" for f in CONTENT_FIELDS) and item.text == ""
        else:
            assert item.text


def test_eg_sections():
    item = parse_file(VARIANTS / "eg_punkt.txt").items[1]
    assert item.resume == "Kommunen har modtaget et bud på grunden."
    assert item.presentation == (
        "Grunden har været udbudt i offentligt udbud.\nDer er indkommet to bud:\n\n"
        "1. Et bud på 1,2 mio. kr.\n2. Et bud på 0,9 mio. kr."
    )
    assert item.economy == "Salget giver en indtægt på 1,2 mio. kr."
    assert item.recommendation == (
        "Forvaltningen indstiller, at\n1. grunden sælges til højestbydende,\n"
        "2. indtægten tilgår kassebeholdningen."
    )
    assert item.attachments == ["Købstilbud Havnevej 12", "Kortbilag"]
    # The earlier decision in the chain stays in the text.
    assert "Beslutning i Teknik- og Miljøudvalget den 10. april 2017:\nAnbefales." in item.text


def test_polweb_list_and_repeated_heading_are_content():
    meeting = parse_file(VARIANTS / "polweb.txt")
    item = meeting.items[1]
    assert "1. Bevarelse af alle skoler\n2. Sammenlægning af to skoler" in item.presentation
    assert item.recommendation == "Forvaltningen indstiller, at model 2 sendes i høring."
    assert "(B)" not in item.text


def test_first_agenda_combined_recommendation_and_decision():
    meeting = parse_file(VARIANTS / "firstagenda.txt")
    assert meeting.items[0].recommendation == (
        "Økonomidirektøren indstiller, at\n1. budgetopfølgningen tages til efterretning,\n"
        "2. mindreforbruget overføres."
    )
    assert meeting.items[0].presentation == "Budgetopfølgningen viser et mindreforbrug."
    assert meeting.items[2].recommendation == (
        "Kulturchefen indstiller, at biblioteket får navnet Byens Hus."
    )
    assert meeting.items[1].text == ""  # "lukket 2": content never kept


def test_messy_page_furniture_is_removed():
    meeting = parse_file(VARIANTS / "messy_cp1252.txt")
    item = meeting.items[1]
    assert item.presentation == (
        "Udkast til ældrepolitik har været i høring hos ældrerådet og handicaprådet, og de "
        "indkomne høringssvar er indarbejdet."
    )
    for line in ("Side 1 af 3", "Side 2 af 3", "Referat - Social"):
        assert all(line not in i.text for i in meeting.items)


def test_flat_toc_is_not_an_item():
    meeting = parse_file(VARIANTS / "flat_toc.txt")
    assert all("...." not in i.title for i in meeting.items)
    assert meeting.items[3].resume == "Planen er revideret."


def test_single_item_without_header_uses_file_name_fallbacks():
    text = "Ny skolesti\n\nSagsfremstilling\nEn sti anlægges.\n\nBeslutning\nGodkendt.\n"
    meeting = parse_text(text, "/data/teknik-og-miljoe-2021-05-04.txt")
    assert (meeting.body, meeting.date) == ("Teknik og miljoe", "2021-05-04")
    assert [(i.number, i.title, i.decision) for i in meeting.items] == [
        (None, "Ny skolesti", "Godkendt.")]
    assert parse_text(text).body == "Ukendt" and parse_text(text).date is None


def test_numbered_lists_do_not_become_items():
    text = (
        "Referat af møde i Byrådet den 2. maj 2022\n\n"
        "1. Godkendelse af dagsorden\n\nBeslutning\nGodkendt.\n\n"
        "2. Trafikplan\n\nSagsfremstilling\nPlanen har tre dele:\n\n"
        "3. Cykelstier skal udbygges, så flere cykler.\n\n"
        "Indstilling\nDirektøren indstiller, at\n1. planen godkendes\n2. Planen sendes i høring\n\n"
        "Beslutning\nGodkendt.\n\n3. Eventuelt\n\nBeslutning\nIntet.\n"
    )
    meeting = parse_text(text, "x")
    assert [(i.number, i.title) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden"), (2, "Trafikplan"), (3, "Eventuelt")]
    assert "3. Cykelstier" in meeting.items[1].presentation
    assert meeting.body == "Byrådet" and meeting.date == "2022-05-02"


def test_plain_title_list_before_items_is_a_table_of_contents():
    text = (
        "Dagsorden\n\n1. Budget\n2. Skoler\n\n"
        "1. Budget\n\nBeslutning\nGodkendt.\n\n2. Skoler\n\nBeslutning\nUdsat.\n"
    )
    meeting = parse_text(text, "x")
    assert [(i.number, i.title, i.decision) for i in meeting.items] == [
        (1, "Budget", "Godkendt."), (2, "Skoler", "Udsat.")]


def test_unrelated_text_is_refused():
    with pytest.raises(ParseError, match="no agenda items found"):
        parse_text("1. Køb mælk\n2. Ring til mor\n3. Hent børn\n", "todo.txt")
