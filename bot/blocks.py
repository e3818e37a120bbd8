"""Block Kit rendering of answers, item cards, help and the App Home tab.

Pure functions from the surface-neutral answer model (:mod:`store.answer`: what to say and its
wording) to Slack blocks: no Slack calls, no search, no wording of their own. The plain-text
rendering of the same card is every message's ``text`` fallback, so notifications and screen
readers say what the CLI prints.

Slack facts honoured here:

* mrkdwn treats ``&``, ``<`` and ``>`` as control characters: ``<!channel>`` pings a channel and
  ``<@U123>`` a person. Everything that comes from a user or from minutes goes through
  :func:`escape_mrkdwn`.
* A section's text holds at most 3,000 characters (:func:`section_blocks` splits), a message at
  most 50 blocks (:func:`chunk_blocks`), a button's text 75 and its value 2,000 characters, and
  ``action_id`` must be unique within a message (so "other match" buttons are ``open_item_1``...).
* Closed items ("Lukket") are shown by title only, even if a record somehow carried content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from store.answer import (
    AnswerCard,
    ItemCard,
    Line,
    answer_card,
    count,
    human_date,
    item_card,
    meeting_name,
    record_key,  # noqa: F401  (re-exported: listeners and tests name items by it)
    render_text,
    word,
)
from store.db import StoreStats
from store.question import clean_question
from store.records import ItemRecord, MeetingRecord
from store.search import SearchResult

SECTION_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
HOME_BLOCK_LIMIT = 100
OTHER_MATCHES = 3

# action_id / callback_id values shared with the listeners.
OPEN_ITEM = "open_item"  # "open_item_1".. "open_item_3" on one card; matched by prefix
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
FOLLOW_CASE = "follow_case"
SHARE_ANSWER = "share_answer"

def ui(lang: str, key: str) -> str:
    """A chat wording (buttons, notes) in ``lang``, from the one wording table."""
    return word(lang, key)


# Control characters (but tab and newline) and the bidirectional embeddings, overrides and
# isolates, which can make echoed text read backwards or hide what follows it.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_mrkdwn(text: str) -> str:
    """Escape Slack's three control characters so user or minutes text can never ping or link,
    and drop control and bidirectional-override characters, which no answer needs.

    >>> escape_mrkdwn("Hi <!channel> & <@U123>\u202e")
    'Hi &lt;!channel&gt; &amp; &lt;@U123&gt;'
    """
    text = _INVISIBLE.sub(lambda m: " " if m.group().isspace() else "", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_truncated(text: str, limit: int) -> str:
    """:func:`escape_mrkdwn`, then whitespace folded and cut to ``limit`` characters.

    Cutting after escaping bounds what is sent (2,900 ``<`` would grow fourfold if cut first),
    and the cut backs off so it never splits an escape such as ``&lt;``.
    """
    text = " ".join(escape_mrkdwn(text).split())
    if len(text) <= limit:
        return text
    cut = limit - 1
    amp = text.rfind("&", max(cut - 5, 0), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    return text[:cut].rstrip() + "…"


def _split(text: str, limit: int) -> list[str]:
    """Split at paragraph, line or word boundaries into pieces of at most ``limit`` chars.

    Never splits inside an escape such as ``&amp;`` (a hard cut backs off to before the ``&``).
    """
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
            amp = window.rfind("&", limit - 6)
            if amp != -1 and ";" not in window[amp:]:
                cut = amp
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest.strip() or not pieces:
        pieces.append(rest)
    return pieces


def section_blocks(text: str) -> list[dict]:
    """One or more mrkdwn sections for ``text`` (already escaped), at most 3,000 chars each."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece or " "}}
        for piece in _split(text, SECTION_LIMIT)
    ]


def chunk_blocks(blocks: Sequence[dict], limit: int = MESSAGE_BLOCK_LIMIT) -> list[list[dict]]:
    """Split ``blocks`` into messages of at most ``limit`` blocks each (at least one message)."""
    blocks = list(blocks)
    if not blocks:
        return [[]]
    return [blocks[i : i + limit] for i in range(0, len(blocks), limit)]


def format_date(date: str | None, lang: str = "da") -> str:
    """``"2023-02-20"`` -> ``"20. februar 2023"`` (da) or ``"20 February 2023"`` (en).

    No date gives "" (callers word the missing date themselves).
    """
    return human_date(date, lang) if date else ""


def truncate(text: str, limit: int) -> str:
    """Whitespace folded to single spaces, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _line_mrkdwn(line: Line) -> str:
    if line.label:
        return f"*{escape_mrkdwn(line.label)}:* {escape_mrkdwn(line.text)}"
    return f"_{escape_mrkdwn(line.text)}_"


def card_blocks(card: ItemCard) -> list[dict]:
    """An item card as blocks: title, content lines (decision first), then the context line."""
    title = f"*{escape_mrkdwn(card.title)}*"
    if card.closed:
        title += f" ({ui(card.lang, 'closed')})"
    text = "\n".join([title, *(_line_mrkdwn(line) for line in card.lines)])
    context = " · ".join(escape_mrkdwn(part) for part in card.context())
    return [*section_blocks(text),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]}]


def item_card_blocks(record: ItemRecord, lang: str = "da", compact: bool = False) -> list[dict]:
    """A card for one agenda item (``compact``: the short inline card for a written case
    number; otherwise the whole decision and recommendation)."""
    return card_blocks(item_card(record, lang, "compact" if compact else "full"))


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(text, BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_LIMIT],
    }
    if style:
        button["style"] = style
    return button


def feedback_value(question: str, case_number: str | None) -> str:
    """The value both feedback buttons carry: the question (and top case), under 2,000 chars."""
    # Chat markup (``<!channel>``, mentions) is dropped: the cleaned question has the same answer.
    question = clean_question(question)
    return json.dumps({"q": question[:1500], "c": case_number or ""}, ensure_ascii=False)[
        :BUTTON_VALUE_LIMIT
    ]


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def render_blocks(card: AnswerCard) -> list[dict]:
    """An answer card as blocks: best item (decision first), a timeline or agenda when the
    answer has one, other matches as buttons, then 👍/👎 and "Follow this case"."""
    if card.item is None or card.kind not in ("answer", "meeting"):
        return section_blocks(escape_mrkdwn(render_text(card)))
    blocks: list[dict] = [_context(escape_mrkdwn(card.note))] if card.note else []
    if card.kind == "answer":
        blocks.extend(card_blocks(card.item))
    if card.title:
        blocks.extend(section_blocks(f"*{escape_mrkdwn(card.title)}*"))
    if card.rows:
        rows = "\n".join(escape_mrkdwn(row) for row in card.rows)
        blocks.extend(section_blocks(f"*{escape_mrkdwn(card.heading)}*\n{rows}"))
    if card.others:
        blocks.append({"type": "divider"})
        blocks.append(_context(escape_mrkdwn(ui(card.lang, "other_matches"))))
        blocks.append({
            "type": "actions",
            "block_id": "other_matches",
            "elements": [_button(f"{other.date} {other.title}", f"{OPEN_ITEM}_{n}", other.key)
                         for n, other in enumerate(card.others, start=1)],
        })
    value = feedback_value(card.question, card.case_number)
    elements = [
        _button("👍", FEEDBACK_UP, value),
        _button("👎", FEEDBACK_DOWN, value),
        _button(ui(card.lang, "follow"), FOLLOW_CASE, card.case_number or card.question),
    ]
    blocks.append({"type": "actions", "block_id": "feedback", "elements": elements})
    return blocks


def answer_blocks(result: SearchResult) -> list[dict]:
    """The Slack answer card of a search result."""
    return render_blocks(answer_card(result))


def answer_fallback(result: SearchResult) -> str:
    """The message's plain ``text``: the shared text answer, escaped, cut to Slack's limit."""
    return escape_mrkdwn(_truncate_keep_lines(render_text(answer_card(result)), 3900))


def _truncate_keep_lines(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def question_context(question: str, lang: str) -> dict:
    """A context block repeating the question (ephemeral slash-command answers)."""
    text = f"{ui(lang, 'you_asked')}: _{escape_truncated(question, 2900)}_"
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def share_button(question: str, lang: str) -> dict:
    """An actions block with the "Share in channel" button; its value is the question."""
    return {
        "type": "actions",
        "block_id": "share",
        "elements": [_button(ui(lang, "share"), SHARE_ANSWER, clean_question(question),
                             style="primary")],
    }


def help_text(lang: str = "da") -> str:
    """How to ask, for ``/referat help``, the Home tab and unknown input."""
    return word(lang, "help_slack")


def meeting_title(meeting: MeetingRecord | ItemRecord, lang: str = "da") -> str:
    date = format_date(meeting.date, lang) if meeting.date else ""
    return f"{meeting_name(meeting.body, meeting.municipality)} {date}".strip()


def meeting_summary_text(items: Sequence[ItemRecord], lang: str = "da", limit: int = 300) -> str:
    """One line per item: number, title and decision; closed items by title only."""
    lines = []
    for item in items:
        number = f"{item.item_number}. " if item.item_number is not None else ""
        title = f"*{number}{escape_mrkdwn(item.title)}*"
        if item.closed:
            lines.append(f"{title} _({ui(lang, 'closed')})_")
        elif item.decision.strip():
            lines.append(f"{title}\n{escape_mrkdwn(truncate(item.decision, limit))}")
        else:
            lines.append(f"{title}\n_{ui(lang, 'no_decision')}_")
    return "\n".join(lines)


def meeting_blocks(
    meeting: MeetingRecord, items: Sequence[ItemRecord], lang: str = "da"
) -> list[dict]:
    """A meeting's header and its decisions (``/referat latest`` and the Home tab)."""
    header = {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(meeting_title(meeting, lang), 150)},
    }
    return [header, *section_blocks(meeting_summary_text(items, lang))]


def home_view(
    meetings: Sequence[tuple[MeetingRecord, Sequence[ItemRecord]]],
    stats: StoreStats,
    lang: str = "da",
) -> dict:
    """The App Home tab: latest meetings with decisions, how to ask, the store's size and age."""
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Referat"}},
        *section_blocks(help_text(lang)),
        {"type": "divider"},
    ]
    if not meetings:
        blocks.extend(section_blocks(f"_{word(lang, 'no_minutes')}_"))
    for meeting, items in meetings:
        blocks.extend(meeting_blocks(meeting, items, lang))
        blocks.append({"type": "divider"})
    facts = word(lang, "home_facts").format(
        count(lang, stats.meetings, "meeting"), count(lang, stats.items, "item"),
        f"{stats.size_bytes / 1024:.0f}", stats.updated_at or "—")
    footer = {"type": "context", "elements": [{"type": "mrkdwn", "text": escape_mrkdwn(facts)}]}
    blocks = blocks[: HOME_BLOCK_LIMIT - 1] + [footer]
    return {"type": "home", "blocks": blocks}
