"""Segmentation of whole documents: long generated minutes (tests/minutes_maker.py) with running
headers, page numbers, form feeds, a table of contents and many items, in each heading style."""

from __future__ import annotations

import pytest

from store.check import report
from store.parse import parse_text, read_text
from store.records import AGENDA, MINUTES
from tests.minutes_maker import STYLES, make_minutes


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("seed", [1, 2])
def test_every_item_of_a_long_document_is_read(style, seed):
    text, written = make_minutes(items=40, style=style, seed=seed)
    meeting = parse_text(text, "lang.txt")
    got = [(i.number, i.title, i.case_number, i.closed) for i in meeting.items]
    assert got == [(w.number, w.title, w.case_number, w.closed) for w in written]
    for item, w in zip(meeting.items, written, strict=True):
        if w.closed:
            assert item.decision == "" and item.text == ""
        else:
            assert item.decision == w.decision
            assert "Side " not in item.text and "Økonomiudvalget 12-03-2024" not in item.text
    assert (meeting.body, meeting.date, meeting.start_time) == ("Økonomiudvalget", "2024-03-12",
                                                                "16:00")
    assert meeting.municipality == "Eksempel"


def test_a_very_long_document_reads_all_its_items():
    text, written = make_minutes(items=300, style="punkt", seed=3)
    meeting = parse_text(text, "lang.txt")
    assert [i.number for i in meeting.items] == [w.number for w in written]


def test_check_lists_the_page_furniture_it_dropped():
    from store.check import report
    from store.parse import read_text

    text, _ = make_minutes(items=12, style="sag", seed=4)
    reading = read_text(text, "lang.txt")
    reasons = {reason for reason, _ in reading.removed}
    assert {"running header", "page number"} <= reasons
    lines = report(reading)
    assert any(line.startswith("ignored as furniture:") for line in lines)
    assert any("Sag" in line or "Budget" in line for line in lines)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_headers_and_footers_that_change_per_page_are_furniture(style):
    """A logo line, "… side 3 af 14", a URL with the page in it and a print time, on every page:
    lines of one shape (numbers masked) at the edges of most pages never reach an item."""
    text, written = make_minutes(items=30, style=style, seed=5, varied_edges=True)
    reading = read_text(text, "lang.txt")
    meeting = reading.meeting
    got = [(i.number, i.title, i.case_number, i.closed) for i in meeting.items]
    assert got == [(w.number, w.title, w.case_number, w.closed) for w in written]
    for item, w in zip(meeting.items, written, strict=True):
        for part in ("https://", "Udskrevet", "side ", "Teknik og Miljø"):
            assert part not in item.text and part not in item.decision
        if not w.closed:
            assert item.decision == w.decision
    dropped = [line for reason, line in reading.removed if reason == "running header"]
    assert any(line.startswith("https://www.eksempel.dk/") for line in dropped)
    assert any(line.startswith("Udskrevet 13.03.2024") for line in dropped)
    assert "ignored as furniture:" in "\n".join(report(reading))


def test_a_sentence_repeated_inside_items_is_not_furniture():
    """Every generated item says "Direktionen indstiller, at sagen godkendes."; it stays."""
    text, _ = make_minutes(items=30, style="dot", seed=6, varied_edges=True)
    meeting = read_text(text, "lang.txt").meeting
    open_items = [i for i in meeting.items if not i.closed]
    assert all("Direktionen indstiller" in (i.recommendation or i.text) for i in open_items)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_an_agenda_that_does_not_say_so_is_known_by_its_undecided_items(style):
    """Every item laid out (Sagsfremstilling, Indstilling) and ended by the next heading, no
    decision anywhere: the meeting has not been held yet."""
    text, written = make_minutes(items=12, style=style, seed=7, agenda=True)
    assert "agsorden" not in text and "Beslutning" not in text
    meeting = parse_text(text, "møde.txt")
    assert [i.number for i in meeting.items] == [w.number for w in written]
    assert meeting.kind == AGENDA


def test_too_little_evidence_of_an_agenda_stays_minutes():
    """An excerpt that stops inside its first items, or a decision phrase without its label,
    is no proof that nothing was decided."""
    text, _ = make_minutes(items=2, style="dot", seed=7, agenda=True)
    assert parse_text(text, "møde.txt").kind == MINUTES
    text, _ = make_minutes(items=12, style="dot", seed=7, agenda=True)
    decided = text.replace("Direktionen indstiller, at sagen godkendes.",
                           "Direktionen indstiller, at sagen godkendes.\n\nGodkendt.", 1)
    assert parse_text(decided, "møde.txt").kind == MINUTES


def test_one_item_pages_keep_their_identical_decisions():
    """A page per item, each ending in "Godkendt.": the same last line on every page is the
    decision, not a running footer."""
    pages = [f"Punkt {n}: Sag om emne {n}\n\nSagsnr.: 24-{n:06d}\n\nIndstilling\n"
             f"Forvaltningen indstiller, at sagen godkendes.\n\nBeslutning\nGodkendt.\n"
             for n in range(1, 9)]
    text = "Referat\nØkonomiudvalget 12. marts 2024\n\n" + "\f".join(pages)
    meeting = parse_text(text, "sider.txt")
    assert [i.number for i in meeting.items] == list(range(1, 9))
    assert [i.decision for i in meeting.items] == ["Godkendt."] * 8
