"""Block Kit rendering: escaping, Slack's size limits, closed items, answer cards, Home tab."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.blocks import (
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    FOLLOW_CASE,
    MESSAGE_BLOCK_LIMIT,
    SECTION_LIMIT,
    answer_blocks,
    answer_fallback,
    chunk_blocks,
    escape_mrkdwn,
    feedback_value,
    format_date,
    home_view,
    item_card_blocks,
    record_key,
    section_blocks,
)
from bot.feedback import parse_value
from store.answer import answer_text
from tests.helpers import make_record


def all_text(blocks: Any) -> str:
    """Every string in the blocks, joined (what Slack could render or act on)."""
    return json.dumps(blocks, ensure_ascii=False)


def mrkdwn_texts(blocks: list[dict]) -> list[str]:
    texts = []
    for block in blocks:
        if block.get("type") == "section":
            texts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                texts.append(element["text"])
    return texts


# -- escaping and limits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel> hej", "&lt;!channel&gt; hej"),
        ("spørg <@U123ABC>", "spørg &lt;@U123ABC&gt;"),
        ("A & B <https://x.dk|klik>", "A &amp; B &lt;https://x.dk|klik&gt;"),
        ("&lt; already", "&amp;lt; already"),
    ],
)
def test_escape_mrkdwn(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped


def test_section_blocks_split_long_text_at_word_boundaries() -> None:
    words = [f"ord{n}" for n in range(2000)]
    text = " ".join(words)
    blocks = section_blocks(text)
    assert len(blocks) > 1
    pieces = [b["text"]["text"] for b in blocks]
    assert all(len(p) <= SECTION_LIMIT for p in pieces)
    assert " ".join(pieces).split() == words


def test_section_blocks_never_cut_an_escape_in_half() -> None:
    text = escape_mrkdwn("<" * 5000)  # no spaces: hard cuts only
    pieces = [b["text"]["text"] for b in section_blocks(text)]
    assert all(len(p) <= SECTION_LIMIT for p in pieces)
    assert all(p.startswith("&lt;") and p.endswith("&lt;") for p in pieces)
    assert "".join(pieces) == text


def test_chunk_blocks_respects_fifty_blocks_a_message() -> None:
    blocks = [{"type": "divider"} for _ in range(120)]
    chunks = chunk_blocks(blocks)
    assert [len(c) for c in chunks] == [50, 50, 20]
    assert chunk_blocks([]) == [[]]


def test_format_date_in_danish_and_english() -> None:
    assert format_date("2023-02-20") == "20. februar 2023"
    assert format_date("2023-02-20", "en") == "20 February 2023"
    assert format_date(None) == ""
    assert format_date("februar 2023") == "februar 2023"


# -- item cards ------------------------------------------------------------------------------


def test_bare_decision_card_shows_the_recommendation_after_the_decision() -> None:
    blocks = item_card_blocks(make_record())
    text = mrkdwn_texts(blocks)[0]
    assert text.index("Godkendt.") < text.index("ophører")
    context = blocks[-1]
    assert context["type"] == "context"
    line = context["elements"][0]["text"]
    assert "Direktionen" in line and "20. februar 2023" in line
    assert "18-034639K" in line and "4" in line


def test_full_decision_card_leaves_the_recommendation_out() -> None:
    record = make_record(decision="Direktionen besluttede at opsige ordningen fra 2024 og "
                                  "orientere institutionerne.")
    text = all_text(item_card_blocks(record))
    assert "opsige ordningen" in text
    assert "ophører" not in text


def test_closed_item_never_shows_content_even_if_present() -> None:
    record = make_record(
        title="Ydelser mellem enheder",
        closed=True,
        decision="HEMMELIG BESLUTNING",
        recommendation="HEMMELIG INDSTILLING",
        resume="HEMMELIGT RESUME",
    )
    for compact in (False, True):
        text = all_text(item_card_blocks(record, compact=compact))
        assert "Ydelser mellem enheder" in text
        assert "HEMMELIG" not in text


def test_card_escapes_minutes_text() -> None:
    record = make_record(title="Møde <!everyone>", decision="Godkendt <@U999> & sendt.")
    text = all_text(item_card_blocks(record))
    assert "<!everyone>" not in text and "<@U999>" not in text
    assert "&lt;!everyone&gt;" in text and "&amp; sendt" in text


def test_compact_card_is_short() -> None:
    record = make_record(decision="Godkendt med bemærkninger. " * 200)
    full = mrkdwn_texts(item_card_blocks(record))
    compact = mrkdwn_texts(item_card_blocks(record, compact=True))
    assert sum(map(len, compact)) < 1000 < sum(map(len, full))
    assert all(len(t) <= SECTION_LIMIT for t in full)


def test_record_key() -> None:
    assert record_key(make_record()) == "Direktionen|2023-02-20#4"
    assert record_key(make_record(item_number=None)) == "18-034639K"


# -- answer cards from real searches -----------------------------------------------------------


@pytest.fixture
def searcher(sample_store):
    from store.search import Searcher

    return Searcher(sample_store)


def test_answer_card_for_the_plaster_scheme(searcher) -> None:
    result = searcher.search("what was decided on the plaster scheme?")
    blocks = answer_blocks(result)
    texts = mrkdwn_texts(blocks)
    first = next(t for t in texts if "Godkendt" in t)
    assert "Plasterordning" in first
    assert any("18-034639K" in t for t in texts)
    assert len(blocks) <= MESSAGE_BLOCK_LIMIT
    assert all(len(t) <= SECTION_LIMIT for t in texts)
    fallback = answer_fallback(result)
    assert "18-034639K" in fallback and "Godkendt" in fallback


def test_answer_card_buttons(searcher) -> None:
    result = searcher.search("kommunikationsstrategi")
    blocks = answer_blocks(result)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    ids = [b["action_id"] for b in buttons]
    assert len(ids) == len(set(ids)), "action_id must be unique within a message"
    assert {FEEDBACK_UP, FEEDBACK_DOWN, FOLLOW_CASE} <= set(ids)
    others = [b for b in buttons if b["action_id"].startswith("open_item")]
    assert len(others) == min(3, len(result.hits) - 1)
    assert [b["value"] for b in others] == [record_key(h.record) for h in result.hits[1:4]]
    up = next(b for b in buttons if b["action_id"] == FEEDBACK_UP)
    top_case = result.hits[0].record.case_number or ""
    assert parse_value(up["value"]) == ("kommunikationsstrategi", top_case)
    assert all(len(b["value"]) <= 2000 and len(b["text"]["text"]) <= 75 for b in buttons)


def test_feedback_value_stays_under_slacks_limit() -> None:
    value = feedback_value("æ" * 5000 + '"<>', "18-034639K")
    assert len(value) <= 2000
    question, case = parse_value(value)
    assert case == "18-034639K" and question.startswith("æææ")


def test_answer_without_hits_is_the_text_answer(searcher) -> None:
    result = searcher.search("xyzzy qwertyuiop")
    blocks = answer_blocks(result)
    assert not result.hits
    assert [b["type"] for b in blocks] == ["section"]
    assert blocks[0]["text"]["text"] == escape_mrkdwn(answer_text(result))


# -- App Home --------------------------------------------------------------------------------


def test_home_view_lists_latest_decisions_and_hides_closed_content(sample_store) -> None:
    meetings = [(m, sample_store.items_for_meeting(m.meeting_id)) for m in sample_store.meetings()]
    view = home_view(meetings, sample_store.stats())
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    text = all_text(view)
    assert "Godkendt." in text and "Plasterordning" in text
    assert "Ydelser mellem enheder" in text  # a closed item: its title only
    assert text.index("20. februar 2023") < text.index("29. februar 2016")
    assert "2 møder" in text
    closed = [i for _, items in meetings for i in items if i.closed]
    assert closed and all(not (i.decision or i.recommendation) for i in closed)
