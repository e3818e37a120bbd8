"""Each reading rule on the real page that needs it (tests/fixtures/dev/, sources in line 1).

The rules are general (evidence every layout gives), each is shown here on a real page of a
family that needs it, and the golden test (test_dev_golden.py) holds all pages together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from store.casenum import find_case_numbers, refs_in_line
from store.db import Store
from store.ingest import ingest_paths
from store.parse import parse_text, read_text
from store.records import AGENDA, MINUTES, ParseError

DEV = Path(__file__).resolve().parent / "fixtures" / "dev"
SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "minutes"


def page(prefix: str):
    path = next(DEV.glob(f"{prefix}_*.txt"))
    return read_text(path.read_text(encoding="utf-8").split("\n", 1)[1], path.name)


def test_number_glued_to_the_title():
    items = page("030").meeting.items
    assert [(i.number, i.title) for i in items] == [(114, "Spørgsmål til Byrådet fra borgerne")]


def test_titleless_items_start_at_their_case_number_lines():
    meeting = page("009").meeting
    assert [i.case_number for i in meeting.items] == ["18/5090", "18/44", "18/23514"]
    assert meeting.items[0].decision == "Godkendt."
    assert "Hærvejsskolen" in meeting.items[2].presentation
    assert meeting.body == "Børne- og Uddannelsesudvalg"


def test_table_of_contents_entries_and_its_closed_part():
    meeting = page("008").meeting
    assert [i.number for i in meeting.items] == list(range(8, 17))
    first = meeting.items[0]
    assert first.title == ("Anlægsregnskab for projekt nr. 222033 Frederikssund Havn, "
                           "bolværk - Østkajen")
    assert first.case_number == "08.03.00G01/549"  # OCR-spaced "0 8.0 3.0 0 G 0 1 /5 4 9"
    assert meeting.items[2].title == "Evaluering af Agenda 21 Center"  # from "Saq nr. 10"
    closed = [i for i in meeting.items if i.closed]
    assert [i.number for i in closed] == [14, 15, 16]  # listed under "Lukket møde"
    assert all(i.text == "" and i.decision == "" for i in closed)


def test_flattened_transcript_titles_come_from_the_table_of_contents():
    meeting = page("019").meeting
    assert [(i.title[:30], i.case_number) for i in meeting.items[:3]] == [
        ("Til efterretning", "06/17018"), ("Til orientering", "06/17018"),
        ("Afrapportering i forlængelse a", "08/704")]
    assert "Byudviklingen omkring Haderslev og Vojens" in meeting.items[2].title
    # The entries the excerpt never reaches stay as title-only items, each title once.
    toc_only = [i.title for i in meeting.items[3:]]
    assert "Idrætspolitik Opsigelse af klublokale" in toc_only
    assert all(i.case_number is None and i.text == "" for i in meeting.items[3:])
    assert not any(t.startswith(("Til ", "Afrapportering")) for t in toc_only)
    assert meeting.absent == ["Bent K. Andersen"] and meeting.municipality == "Haderslev"


def test_a_table_of_contents_without_separators_keeps_its_titles():
    titles = [i.title for i in page("027").meeting.items]
    assert titles[0] == "Strukturplan for det somatiske sygehusvæsen i Region Nordjylland"
    assert any(t.startswith("Valgsteder i Thisted Kommune") for t in titles)
    silkeborg = page("024").meeting.items
    assert [i.closed for i in silkeborg if i.title == "Lukket - Ejendomssag"] == [True]


def test_titleless_items_told_apart_by_their_labels_starting_over():
    items = page("013").meeting.items
    assert [i.decision for i in items] == ["Orientering blev taget til efterretning.", "Godkendt."]


def test_web_chrome_is_removed_and_a_title_with_a_full_stop_is_kept():
    reading = page("001")
    items = reading.meeting.items
    assert [(i.number, i.title) for i in items] == [
        (136, "Godkendelse af dagsorden"), (137, "Kommunalbestyrelsen. Mødeplan 2023")]
    assert items[0].decision == "Godkendt."
    assert ("navigation", "Til toppen") in reading.removed


def test_a_heading_with_a_sentence_in_it_does_not_lend_its_decision():
    meeting = page("016").meeting
    first, second, third = meeting.items
    assert "Borgmesteren orienterede" not in first.decision
    assert second.decision.startswith("Borgmesteren orienterede")
    assert third.title == "Vedtægt for Hvidovre Kommunes borgerrådgiver"
    assert meeting.absent == ["Benthe Viola Holm (A)", "Mikkel Dencker (O)",
                              "Mogens Leo Hansen (Ø)"]


def test_absentees_noted_inside_decisions_are_the_meetings_absentees():
    """Slagelse prints "Fraværende: Anne Bjergvang (A)" under each decision, not in a header."""
    meeting = page("022").meeting
    assert meeting.absent == ["Anne Bjergvang (A)"]
    assert all(i.decision.startswith("Fraværende: Anne Bjergvang (A)") for i in meeting.items)
    # Faxe: "Fraværende: Michael Christensen (C) og Henrik Rützou Aakast (V) deltog ikke i …"
    assert page("012").meeting.absent == ["Michael Christensen (C)", "Henrik Rützou Aakast (V)"]


def test_meeting_facts_from_the_text():
    koege = page("003").meeting
    assert (koege.municipality, koege.date, koege.start_time, koege.place) == (
        "Køge", "2020-10-27", "17:00", "Byrådssalen")
    assert koege.participants[0] == "Ali Ünsal (V)" and len(koege.participants) == 27
    assert page("002").meeting.municipality == "Københavns"  # "Københavns Kommune"
    ishoej = page("005").meeting
    assert (ishoej.body, ishoej.municipality) == ("Teknik- og Bygningsudvalget", "Ishøj")
    faxe = page("010").meeting
    assert (faxe.body, faxe.date, faxe.start_time) == ("Børn & Læringsudvalget", "2021-09-08",
                                                       "16:00")


def test_an_agenda_is_marked_and_its_items_await_a_decision():
    svendborg = page("026").meeting
    assert svendborg.kind == AGENDA
    assert all(r.decision_pending for r in svendborg.records())
    assert page("021").meeting.kind == AGENDA
    assert page("014").meeting.kind == MINUTES


def test_minutes_whose_items_cannot_be_found_are_kept_as_passages():
    reading = page("025")
    assert reading.how == "passages"
    text = " ".join(i.text for i in reading.meeting.items)
    assert "Medborgerhus på Bindslevs Plads" in text
    assert reading.meeting.body and reading.meeting.date == "2007-08-27"


def test_a_letter_is_refused():
    with pytest.raises(ParseError, match="no agenda items found"):
        parse_text("Kære Jens\n\nTak for sidst. Vi ses til jul.\n\nHilsen Ole\n", "letter")


@pytest.mark.parametrize(("line", "refs"), [
    ("Sagsnr.: 330-2017-90230   Dok.nr.: 330-2018-104357   Åbent",
     {"case": "330-2017-90230", "document": "330-2018-104357"}),
    ("Sagsid.: 18/23514, Sagsinitialer: khl", {"case": "18/23514"}),
    ("Sagsnummer: 00.22.00-3584-18", {"case": "00.22.00-3584-18"}),
    ("Sag: EMN-2025-008893", {"case": "EMN-2025-008893"}),
    ("J.nr.: 00.01.00A04 - 2007/34364", {"journal": "00.01.00A04", "journal_case": "2007/34364"}),
    ("DIHAJP / 06/17018", {"case": "06/17018"}),
    ("Journal nr.: 0 8.0 3.0 0 G 0 1 /5 4 9", {"journal": "08.03.00G01/549"}),
    ("Sag nr. 25", {}),
])
def test_case_numbers_in_every_labelled_form(line, refs):
    assert refs_in_line(line) == refs


def test_a_labelled_case_number_beats_the_case_inside_a_journal_number():
    items = page("029").meeting.items
    assert [i.case_number for i in items] == ["6628", "6628", "6532", "4925"]
    assert items[0].journal_number == "00.01.00.A10-0001/2013"
    assert find_case_numbers("se EMN-2025-008893") == ["EMN-2025-008893"]


CLOSED_SPELLINGS = [
    "Lukket: Salg af grund", "LUKKET PUNKT: Personalesag", "Lukket punkt 3: Køb af ejendom",
    "Fortroligt: Erstatningssag", "Ikke offentligt punkt - Udbud", "Salg af areal (Lukket)",
    "Ejendomssag - Lukket punkt",
]


def test_closed_items_in_every_spelling_keep_nothing_but_their_title(tmp_path):
    parts = ["Referat af møde i Økonomiudvalget den 3. marts 2020", ""]
    for n, title in enumerate(["Godkendelse af dagsorden", *CLOSED_SPELLINGS,
                               "Eventuelt"], start=1):
        parts += [f"Punkt {n}: {title}", "Sagsnr.: 20/1234" + str(n), "Beslutning",
                  f"Hemmeligt{n} indhold." if n > 1 and n <= len(CLOSED_SPELLINGS) + 1
                  else "Godkendt.", ""]
    meeting = parse_text("\n".join(parts), "closed.txt")
    assert [i.closed for i in meeting.items] == [False] + [True] * len(CLOSED_SPELLINGS) + [False]
    assert meeting.items[-1].decision == "Godkendt."  # nothing lent by its closed neighbour
    store = Store(tmp_path / "referat.json")
    store.ingest([meeting])
    assert "Hemmeligt" not in (tmp_path / "referat.json").read_text(encoding="utf-8")


def test_the_same_body_in_two_municipalities_is_two_meetings():
    text = "Referat Direktionen d. 20-02-2023\n{town} Kommune\n\nSak 1: Budget\nBeslutning\nOK.\n"
    a = parse_text(text.format(town="Stevns"), "a.txt")
    b = parse_text(text.format(town="Kalundborg"), "b.txt")
    assert (a.municipality, b.municipality) == ("Stevns", "Kalundborg")
    assert a.meeting_id != b.meeting_id


def test_ingest_names_the_municipality(tmp_path):
    store = Store(tmp_path / "referat.json")
    summary = ingest_paths(store, [SAMPLES], municipality="Testby")
    assert summary.report.added and all(m.startswith("Testby|") for m in summary.report.added)
    assert {r.municipality for r in store.meetings()} == {"Testby"}


def test_check_shows_how_a_file_is_read_and_fails_on_a_letter(tmp_path, capsys):
    path = next(DEV.glob("019_*.txt"))
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Til orientering" in out and "case: 08/704" in out and "found by case numbers" in out
    assert "ignored as furniture" in out
    letter = tmp_path / "brev.txt"
    letter.write_text("Kære Jens\n\nTak for sidst.\n", encoding="utf-8")
    assert main(["check", str(letter)]) == 2
    assert "not read" in capsys.readouterr().out


def test_two_undated_meetings_of_one_body_stay_apart():
    first, second = page("019").meeting, page("020").meeting
    assert (first.body, first.date) == (second.body, second.date) == (
        "Udvalget for Erhverv og Kultur", None)
    assert first.meeting_id != second.meeting_id
    assert first.meeting_id == page("019").meeting.meeting_id  # the same file: the same meeting


@pytest.mark.parametrize("prefix, body", [
    ("023", "§ 17 stk. 4 udvalg - Busborgergruppen"),  # "Møde i X d. 12. november 2015"
    ("027", "Thisted Byråd"),  # "THISTED BYRÅD …" in capitals, spelled as usual
    ("029", "Bestyrelsen"),  # "Bestyrelsesmøde 29. januar 2016"
])
def test_the_body_is_read_as_the_page_prints_it(prefix, body):
    assert page(prefix).meeting.body == body


@pytest.mark.parametrize("line, body", [
    ("Referat af møde i Økonomiudvalget den 3. marts 2020", "Økonomiudvalget"),
    ("REFERAT fra møde i THISTED BYRÅD kl i byrådssalen", "Thisted Byråd"),
    ("TEKNIK- OG MILJØUDVALGET 12. MARTS 2024", "Teknik- og Miljøudvalget"),
    ("HVIDOVRE KOMMUNALBESTYRELSE", "Hvidovre Kommunalbestyrelse"),
    ("Byrådsmøde den 3. maj 2021", "Byrådet"),
    ("Dagsorden for Børne- og Skoleudvalget", "Børne- og Skoleudvalget"),
    ("Beslutningsprotokol Økonomiudvalget 3. maj 2021", "Økonomiudvalget"),
    ("Mødet blev hævet kl. 17.30", None),
])
def test_body_forms_of_a_header_line(line, body):
    from store.meeting_facts import body_from_line

    assert body_from_line(line) == body
