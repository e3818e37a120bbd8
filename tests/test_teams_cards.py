"""Adaptive Cards from the shared answer model: the same content as text and Slack, shown
literally, and a generic "lines" answer every renderer can show."""

from __future__ import annotations

import json

import pytest

from bot.blocks import render_blocks
from bot.teams.cards import item_adaptive_card, render_adaptive
from store.answer import AnswerCard, answer_card, item_card, render_text
from store.search import Searcher
from tests.helpers import make_record


@pytest.fixture
def searcher(sample_store) -> Searcher:
    return Searcher(sample_store)


def _runs(card: dict) -> list[str]:
    return ["".join(run["text"] for run in block["inlines"]) for block in card["body"]]


def test_bare_decision_card_leads_with_the_decision_then_the_recommendation(searcher) -> None:
    card = render_adaptive(answer_card(searcher.search("plasterordning")))
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    runs = _runs(card)
    assert runs[0] == 'VSBV - Forbindsstoffer - "Plasterordning"'
    assert runs[1] == "Beslutning: Godkendt."
    assert runs[2].startswith("Indstilling: Sekretariatschefen indstiller")
    assert runs[3] == "Direktionen (Kalundborg) · 20. februar 2023 · Punkt 4 · Sag 18-034639K"
    # Minutes text only ever sits in text runs, which Teams shows literally.
    assert all(block["type"] == "RichTextBlock" for block in card["body"])


def test_closed_item_card_has_title_and_case_number_only() -> None:
    record = make_record(item_number=7, title="Lukket: Ydelser mellem enheder", closed=True,
                         case_number="23-000658", decision="HEMMELIG",
                         recommendation="HEMMELIG", resume="HEMMELIG", text="HEMMELIG")
    shown = json.dumps(item_adaptive_card(record), ensure_ascii=False)
    assert "HEMMELIG" not in shown
    assert "Ydelser mellem enheder" in shown and "23-000658" in shown
    assert "Lukket punkt: indholdet er ikke offentligt." in shown
    assert item_card(record).lines[0].label == ""


def test_a_lines_answer_renders_on_every_surface() -> None:
    card = AnswerCard("lines", "da", "møder i 2023", heading="Møder i 2023:",
                      rows=("- Direktionen, 20. februar 2023", "- Byrådet, 2. maj 2023"))
    assert render_text(card).splitlines() == ["Møder i 2023:", *card.rows]
    slack = json.dumps(render_blocks(card), ensure_ascii=False)
    teams = _runs(render_adaptive(card))
    assert "Byrådet, 2. maj 2023" in slack
    assert teams == ["Møder i 2023:", "- Direktionen, 20. februar 2023", "- Byrådet, 2. maj 2023"]


def test_latest_meeting_names_the_meeting_on_every_surface(searcher) -> None:
    card = answer_card(searcher.search("seneste"))
    assert card.kind == "meeting"
    text = render_text(card)
    assert text.startswith("Møde: Direktionen (Kalundborg), 20. februar 2023\nPunkter på mødet:")
    assert "Møde: Direktionen (Kalundborg), 20. februar 2023" in json.dumps(render_blocks(card),
                                                               ensure_ascii=False)
    runs = _runs(render_adaptive(card))
    assert runs[:2] == ["Møde: Direktionen (Kalundborg), 20. februar 2023", "Punkter på mødet"]
    assert any(row.startswith("3. Lukket: Ydelser mellem enheder — lukket punkt") for row in runs)
