"""The parser on minutes laid out as municipalities publish them (tests/fixtures/realworld/).

The fixtures are written for these tests (their text is invented), but each follows the layout of
one family of published minutes faithfully, page furniture and quirks included:

* firstagenda_labelled.txt  First Agenda web export: labelled header (UDVALG/MØDE/STED/
                            STARTTIDSPUNKT "04-06-2020 09:00:00"/PUNKTER), running item numbers
                            from 49, the title repeated under each heading, "Sagsgang og sagstype",
                            "Beskrivelse af sagen", "Title - Lukket punkt", no case numbers, a
                            decision that is only "Fraværende: …"
* eg_pdf_pages.txt          EG/Sbsys PDF text: "Økonomiudvalget – Referat – 1. oktober 2018" at
                            every page top, "Side 2 af 5", "N. Title (B)" printed twice, one case
                            number on three items, "Beslutningstema", an empty "Fraværende:" above
                            the decision, a chain of two bodies' decisions, "Ad 1." decisions,
                            paragraphs cut by page breaks, "Lukket - ØU - Title"
* web_pkt.txt               municipal web page: "• Pkt. 42 Title" then "Pkt. 42" and the title,
                            "Sagsnr. 299835 <udvalg> Åbent punkt", "<Udvalg>, 03-04-2019, pkt. 42"
                            decisions, "Dato: Onsdag, April 3, 2019 - 18:00", no body in the header,
                            a closed item marked only on its case line
* sag_nr_chain.txt          title line + "Sag nr. 129", a bare body name as header, member and
                            absentee lists, decisions of two committees ("<Udvalg>, 10. september
                            2019, pkt. 65:") before the final "Beslutning", which comes before the
                            case presentation, "Lukket sag"
* bullets_web.txt           "• 1 Title" headings with bulleted section labels ("• Resume",
                            "• Beslutning i … den 17-01-2019"), "At 1:" decisions, "(Lukket)"
* acadre_pages.txt          "Dagsorden og referat", "Punkt N. Title", a plain list of the headings
                            as table of contents, "Sagsnr.: 14/30210" on two items, "Beslutning i
                            Økonomiudvalget den 12-03-2019:" before the presentation, "Afbud:",
                            "Økonomiudvalget 12-03-2019" at every page top, a sentence cut by a
                            page break, "Lukket punkt: Title"
* sbsys_nr.txt              "Nr.61 - Title", "Sagsid.: 20/35762", "Beslutning <Udvalg> den
                            dd-mm-yyyy" from three bodies in turn (the last is final), votes
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.parse import label_of, parse_file, parse_text

REALWORLD = Path(__file__).resolve().parent / "fixtures" / "realworld"
CONTENT_FIELDS = ("decision", "recommendation", "resume", "presentation", "treatment", "economy")

# What each fixture must parse to, in expected.json beside the fixtures: per file the meeting
# (body, date, start_time) and every item (number, title, closed, case_number, how its decision
# and recommendation start; an empty start means the field is empty).
_EXPECTED = json.loads((REALWORLD / "expected.json").read_text(encoding="utf-8"))
MEETINGS = {name: tuple(m.values()) for name, m in _EXPECTED["meetings"].items()}
ITEMS = {name: [tuple(row.values()) for row in rows] for name, rows in _EXPECTED["items"].items()}


@pytest.fixture(scope="module", params=sorted(MEETINGS))
def parsed(request):
    return request.param, parse_file(REALWORLD / request.param)


def _load(name: str):
    return parse_file(REALWORLD / name)


def test_every_fixture_is_covered():
    assert sorted(p.name for p in REALWORLD.glob("*.txt")) == sorted(MEETINGS) == sorted(ITEMS)


def test_meeting(parsed):
    name, meeting = parsed
    assert (meeting.body, meeting.date, meeting.start_time) == MEETINGS[name]
    assert meeting.content_hash == meeting.compute_hash()


def test_items(parsed):
    name, meeting = parsed
    expected = ITEMS[name]
    got = [(i.number, i.title, i.closed, i.case_number) for i in meeting.items]
    assert got == [row[:4] for row in expected]
    for item, (*_, decision, recommendation) in zip(meeting.items, expected, strict=True):
        for field, start in (("decision", decision), ("recommendation", recommendation)):
            value = getattr(item, field)
            if start:
                assert value.startswith(start), (item.number, field, value)
            else:
                assert value == "", (item.number, field, value)
        if item.closed:
            assert all(getattr(item, f) == "" for f in CONTENT_FIELDS) and item.text == ""
            assert item.journal_number is None and item.document_number is None
        else:
            assert item.text


def test_running_headers_and_page_numbers_are_not_content():
    for name, furniture in (("eg_pdf_pages.txt", "Økonomiudvalget – Referat"),
                            ("acadre_pages.txt", "Økonomiudvalget 12-03-2019")):
        meeting = _load(name)
        for item in meeting.items:
            assert furniture not in item.text and "Side " not in item.text, (name, item.number)


def test_sentences_cut_by_a_page_break_are_mended():
    eg = _load("eg_pdf_pages.txt").items
    assert eg[2].decision.endswith(
        "busbetjening. Der er endnu ikke enighed om fordelingen af udgifterne.")
    assert eg[3].presentation == (
        "Daginstitutionen blev taget i brug i foråret. Byggeriet er afsluttet inden for "
        "tidsplanen, og\nder har kun været få ekstraarbejder.\n\n"
        "Den samlede udgift blev 0,3 mio. kr. lavere end bevillingen."
    )
    assert eg[3].attachments == ["Anlægsregnskab Vestbyen"]
    acadre = _load("acadre_pages.txt").items
    assert acadre[2].presentation.endswith(
        "Skolerne har selv prioriteret, hvilke lokaler der renoveres først.")


def test_earlier_decisions_of_a_chain_stay_in_the_text_only():
    eg = _load("eg_pdf_pages.txt").items[3]
    assert "Beslutning i Børne- og Skoleudvalget den 17. september 2018:\nAnbefales." in eg.text
    assert "Anbefales.\n" not in eg.decision
    chain = _load("sag_nr_chain.txt").items[1]
    assert "Teknik- og Miljøudvalget, 10. september 2019, pkt. 65:\n\nAnbefales." in chain.text
    assert "Anbefales" not in chain.recommendation and "Indstilles" not in chain.recommendation
    assert chain.presentation.startswith("Tillægget giver mulighed for at bygge rækkehuse")
    assert chain.attachments == ["Høringssvar fra grundejerforeningen"]
    sbsys = _load("sbsys_nr.txt").items[2]
    assert "Beslutning Børne- og Skoleudvalget den 19-05-2020\n\nAnbefales med 5" in sbsys.text
    assert "Beslutning Økonomiudvalget den 27-05-2020\n\nAnbefales." in sbsys.text


def test_first_agenda_sections_end_the_decision():
    items = _load("firstagenda_labelled.txt").items
    assert items[1].decision == (
        "Anbefales over for Økonomiudvalget og Kommunalbestyrelsen.\n\nFraværende: Peter Lund (V)")
    assert items[1].presentation.startswith("Sommerhusejerne i kystområderne")
    assert items[1].treatment == (
        "Udvalget for Klima og Miljø, Økonomiudvalget, Kommunalbestyrelsen\n\nBeslutningssag")
    assert items[1].economy == "Ordningen koster ca. 1,4 mio. kr. om året, som dækkes af gebyret."
    assert items[1].attachments == ["Takstberegning for sommerhuse",
                                    "Høringssvar fra grundejerforeninger"]
    assert items[5].presentation == "Underskriftsarket underskrives af de fremmødte medlemmer."
    # The repeated title under each heading is not content.
    assert not items[0].text.startswith("Godkendelse af dagsorden")
    meeting = _load("firstagenda_labelled.txt")
    assert meeting.place == "Rådhuset, mødelokale 1.14"


def test_web_page_number_line_and_closed_case_line():
    meeting = _load("web_pkt.txt")
    assert meeting.place == "Mødelokale 2A"
    for item in meeting.items:
        assert f"Pkt. {item.number}" not in item.text
    # Closed only on the case line: content dropped, the case number kept.
    assert meeting.items[3].text == "" and meeting.items[3].case_number == "316877"
    assert meeting.items[2].resume.startswith("Bibliotekerne har lavet en handleplan")
    assert meeting.items[2].economy == "Handleplanen gennemføres inden for den eksisterende ramme."


def test_bulleted_labels_and_decision_before_presentation():
    items = _load("bullets_web.txt").items
    assert items[0].resume == (
        "Forvaltningen præsenterer udkastet til en ny demensstrategi på mødet.")
    # "Historik" under "Sagsfremstilling" is a sub-heading: its paragraph stays in the presentation
    assert items[0].presentation.startswith(
        "Historik\n\nDen gældende strategi udløber ved årets udgang.")
    assert items[0].economy == "Intet."
    assert items[2].presentation == "Der er i øjeblikket 23 borgere på ventelisten."
    assert items[1].decision.endswith("Fraværende: Lis Holm (V)")


def test_header_participants_from_a_member_list():
    meeting = _load("sag_nr_chain.txt")
    assert meeting.participants == ["Formand Karin Winther (A)", "Søren Bak (A)",
                                    "Helle Strand (C)", "Mads Iversen (F)", "Tove Lynge (Ø)"]


@pytest.mark.parametrize("line, expected", [
    ("• Resume", ("resume", "")),
    ("• Beslutning i Social- og Sundhedsudvalget den 17-01-2019", ("decision", "")),
    ("Teknik- og Miljøudvalget, 10. september 2019, pkt. 65:", ("decision", "")),
    ("Økonomiudvalget den 25. oktober 2005, pkt. 3", ("decision", "")),
    ("Økonomiudvalgets beslutning i mødet den 31. marts 2020", ("decision", "")),
    ("Beskrivelse af sagen", ("presentation", "")),
    ("Beslutningstema", ("resume", "")),
    ("Sagens kerne", ("resume", "")),
    ("Sagsgang og sagstype", ("treatment", "")),
    ("Beslutning i Økonomiudvalget den 23-03-2015: Dagsordenen blev godkendt.",
     ("decision", "Dagsordenen blev godkendt.")),
    ("Direktionens møde den 29. februar 2016: Godkendt.", ("decision", "Godkendt.")),
    ("Beslutning i Byrådet den 3. marts 2020 kl. 19:00:", ("decision", "")),
    ("Bemærk: Sagen er udsat: se bilag", None),
    ("Beslutning om ny affaldsordning for sommerhuse", None),
    ("Hans Jensen, 3. maj 2019, pkt. 4 blev drøftet", None),
])
def test_labels_of_other_systems(line, expected):
    assert label_of(line) == expected


def test_a_line_repeated_at_one_page_top_only_is_kept():
    text = (
        "Referat af møde i Byrådet den 2. maj 2022\n\n1. Budget\n\nBeslutning\nGodkendt.\n\f"
        "Trafikplan for bymidten\n\n2. Trafik\n\nSagsfremstilling\nTrafikplan for bymidten\n\n"
        "Beslutning\nUdsat.\n"
    )
    meeting = parse_text(text, "x")
    assert "Trafikplan for bymidten" in meeting.items[0].text + meeting.items[1].text


def test_headings_of_a_web_list_need_round_bullets():
    # A dash before a bare number is a list line, not a heading.
    text = (
        "Referat af møde i Byrådet den 2. maj 2022\n\n• 1 Budget\n\nBeslutning\nGodkendt.\n\n"
        "- 2 Borgere har klaget\n\n• 2 Skoler\n\nBeslutning\nUdsat.\n"
    )
    meeting = parse_text(text, "x")
    assert [(i.number, i.title, i.decision) for i in meeting.items] == [
        (1, "Budget", "Godkendt.\n\n- 2 Borgere har klaget"), (2, "Skoler", "Udsat.")]


def test_decision_on_the_label_line_and_page_top_heading_printed_twice():
    # Web pages print the decision after the label; PDF text prints "3. Title" above "3.<tab>Title".
    text = (
        "Økonomiudvalget – Referat – 23. marts 2015\n\n"
        "1. Godkendelse af dagsorden\n1.\tGodkendelse af dagsorden\n\n"
        "Beslutning i Økonomiudvalget den 23-03-2015: Dagsordenen blev godkendt.\n\n"
        "2. Regnskab 2014\n2.\tRegnskab 2014\n\nIndstilling\nDirektionen indstiller, at\n"
        "1. regnskabet godkendes\n2. overskuddet overføres\n\n"
        "Beslutning i Økonomiudvalget den 23-03-2015: Anbefales.\n"
    )
    meeting = parse_text(text, "x")
    assert (meeting.body, meeting.date) == ("Økonomiudvalget", "2015-03-23")
    assert [(i.number, i.title, i.decision) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden", "Dagsordenen blev godkendt."),
        (2, "Regnskab 2014", "Anbefales.")]
    assert meeting.items[1].recommendation == (
        "Direktionen indstiller, at\n1. regnskabet godkendes\n2. overskuddet overføres")
