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

from pathlib import Path

import pytest

from store.parse import parse_file, parse_text
from store.records import ParseError

VARIANTS = Path(__file__).resolve().parent / "fixtures" / "variants"
CONTENT_FIELDS = ("decision", "recommendation", "resume", "presentation", "treatment", "economy")

# file -> (body, date, start_time, place, participants)
HEADERS = {
    "eg_punkt.txt": ("Økonomiudvalget", "2017-04-24", "16:00", "Rådhuset, mødesal 1",
                     ["Anne Hansen (A)", "Bo Jensen (V)", "Carla Nielsen (O)"]),
    "polweb.txt": ("Børne- og Ungeudvalget", "2020-01-09", "13:00", "Byrådssalen", []),
    "firstagenda.txt": ("Byrådet", "2002-05-15", None, "Rådhuset", []),
    "flat_toc.txt": ("Teknik- og Miljøudvalget", "2020-06-04", "09:00", "", []),
    "messy_cp1252.txt": ("Social- og Sundhedsudvalget", "2019-11-12", "15:30",
                         "Plejecenter Æblehaven, mødelokale Ø",
                         ["Åse Ørum", "Bent Møller", "Lis Kær"]),
    "bom_crlf.txt": ("Direktionen", "2023-03-06", "12:30", "Mødelokale 6", []),
    "sag_nr.txt": ("Byrådet", "2019-04-03", None, "", []),
    "single_item.txt": ("Kultur- og Fritidsudvalget", "2020-03-03", None, "", []),
}

# file -> [(number, title, closed, case_number, journal_number, document_number, decision)]
ITEMS = {
    "eg_punkt.txt": [
        (1, "Godkendelse af dagsorden", False, None, None, None, "Godkendt."),
        (2, "Salg af byggegrund på Havnevej", False, "330-2019-2104", None, "330-2017-11223",
         "Anbefales over for Byrådet.\nFraværende: Dorte Holm (F)"),
        (3, "Anlægsbevilling til cykelsti", False, "330-2017-900", None, None,
         "Fraværende: Dorte Holm (F)"),
    ],
    "polweb.txt": [
        (1, "Godkendelse af dagsorden", False, "14/30210", None, None, "Godkendt."),
        (2, "Skolestruktur i Nordområdet", False, "20/35762", None, None,
         "Model 2 sendes i høring."),
        (3, "Ansættelse af skoleleder - Lukket punkt", True, "299835", None, None, ""),
        (4, "Meddelelser", False, None, None, None, "Taget til efterretning."),
    ],
    "firstagenda.txt": [
        (1, "Budgetopfølgning 1. kvartal", False, "19.03.00-P24-1-19", "19.03.00-P24-1-19", None,
         "At 1: Taget til efterretning.\nAt 2: Godkendt."),
        (2, "Personalesag", True, "299835", None, None, ""),
        (3, "Nyt navn til biblioteket", False, "00.01.00P35-0104", "00.01.00P35-0104", None,
         "Godkendt."),
    ],
    "flat_toc.txt": [
        (1, "Godkendelse af dagsorden", False, None, None, None, "Godkendt."),
        (2, "Vintertjeneste - ny model", False, "306-2009-600", None, None,
         "Godkendt med de faldne bemærkninger."),
        (3, "Lukket - TMU - Erstatningssag", True, None, None, None, ""),
        (4, "Trafiksikkerhedsplan", False, "2014/06569", "18.00Ø00", None, "Sendes i høring."),
    ],
    "messy_cp1252.txt": [
        (1, "Godkendelse af dagsorden", False, None, None, None, "Godkendt."),
        (2, "Ældrepolitik 2020-2023", False, "19/12345", None, None,
         "Anbefales over for Byrådet."),
        (3, "Lukket sag: Klagesag", True, "19/99999", None, None, ""),
    ],
    "bom_crlf.txt": [
        (1, "Budgetproces 2024", False, "23-004411", None, None, "Godkendt."),
        (2, "Lukket: Personalesag", True, "23-004412", None, None, ""),
    ],
    "sag_nr.txt": [
        (1, "Godkendelse af dagsorden", False, "00.01.00P35-0104", "00.01.00P35-0104", None,
         "Godkendt."),
        (2, "Lokalplan for Stationsbyen", False, "19.03.00-P24-1-19", "19.03.00-P24-1-19", None,
         "Lokalplanen vedtages endeligt."),
        (3, "Lukket sag: Køb af ejendom", True, None, None, None, ""),
    ],
    "single_item.txt": [
        (None, "Ændring af takster for vinterbadning", False, "20/35762", None, None, "Godkendt."),
    ],
}


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
