"""Segmentation of whole documents: long generated minutes (tests/minutes_maker.py) with running
headers, page numbers, form feeds, a table of contents and many items, in each heading style."""

from __future__ import annotations

import pytest

from store.parse import parse_text
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
