"""Block Kit rendering of answers, item cards, help and the App Home tab.

Pure functions from search results and records to Slack blocks: no Slack calls, no search. The
plain-text answer (``store.answer.answer_text``) is used as every message's ``text`` fallback, so
notifications and screen readers say what the CLI prints.

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
from collections.abc import Sequence
from typing import Any

from store.answer import answer_text, human_date, is_bare_decision, labels
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

# Slack-only wording (buttons, help); the answer's own labels come from store.answer.labels.
_UI: dict[str, dict[str, str]] = {
    "da": {
        "other_matches": "Andre mulige punkter",
        "helpful": "Var svaret nyttigt?",
        "follow": "Følg sagen",
        "share": "Del i kanalen",
        "you_asked": "Du spurgte",
        "shared_by": "Delt af",
        "closed_title": "lukket punkt",
        "no_decision": "Ingen beslutning er noteret.",
        "thanks": "Tak for din feedback.",
        "not_found": "Punktet findes ikke længere i referaterne.",
        "sorry": "Beklager, noget gik galt. Prøv igen om lidt.",
        "item": "Punkt",
    },
    "en": {
        "other_matches": "Other possible items",
        "helpful": "Was this helpful?",
        "follow": "Follow this case",
        "share": "Share in channel",
        "you_asked": "You asked",
        "shared_by": "Shared by",
        "closed_title": "closed item",
        "no_decision": "No decision is recorded.",
        "thanks": "Thanks for your feedback.",
        "not_found": "That item is no longer in the minutes.",
        "sorry": "Sorry, something went wrong. Please try again in a moment.",
        "item": "Item",
    },
}



def ui(lang: str, key: str) -> str:
    """A Slack-only UI string in ``lang`` (Danish unless ``"en"``)."""
    return _UI["en" if lang == "en" else "da"][key]


def _label(lang: str, key: str, fallback: str) -> str:
    return labels(lang).get(key) or fallback


def escape_mrkdwn(text: str) -> str:
    """Escape Slack's three control characters so user or minutes text can never ping or link.

    >>> escape_mrkdwn("Hi <!channel> & <@U123>")
    'Hi &lt;!channel&gt; &amp; &lt;@U123&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def record_key(record: ItemRecord) -> str:
    """The value of an "open item" button: ``meeting_id#item_number``, else the case number."""
    if record.item_number is not None:
        return f"{record.meeting_id}#{record.item_number}"
    return record.case_number or record.meeting_id


def truncate(text: str, limit: int) -> str:
    """Whitespace folded to single spaces, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _context_line(record: ItemRecord, lang: str) -> str:
    parts = [escape_mrkdwn(record.body)]
    if record.date:
        parts.append(format_date(record.date, lang))
    if record.item_number is not None:
        parts.append(f"{_label(lang, 'item', ui(lang, 'item'))} {record.item_number}")
    if record.case_number:
        parts.append(f"{_label(lang, 'case', 'Sag')} {escape_mrkdwn(record.case_number)}")
    return " · ".join(parts)


def _title_text(record: ItemRecord, lang: str) -> str:
    title = f"*{escape_mrkdwn(record.title)}*"
    if record.closed:
        title += f" ({ui(lang, 'closed_title')})"
    return title


def _content_text(record: ItemRecord, lang: str, compact: bool) -> str:
    """Decision first; the recommendation too when the decision alone says nothing."""
    if record.closed:
        note = _label(lang, "closed_note", "lukket punkt")
        return f"_{escape_mrkdwn(note[:1].upper() + note[1:])}._"
    decision = record.decision.strip()
    if decision == "-":
        decision = ""
    recommendation = record.recommendation.strip()
    limit = 600 if compact else 2500
    lines = []
    if decision:
        lines.append(f"*{_label(lang, 'decision', 'Beslutning')}:* "
                     f"{escape_mrkdwn(truncate(decision, limit) if compact else decision)}")
    else:
        lines.append(f"_{escape_mrkdwn(_label(lang, 'no_decision', ui(lang, 'no_decision')))}_")
    if recommendation and (not decision or is_bare_decision(decision)):
        shown = truncate(recommendation, limit) if compact else recommendation
        lines.append(f"*{_label(lang, 'recommendation', 'Indstilling')}:* {escape_mrkdwn(shown)}")
    return "\n".join(lines)


def item_card_blocks(record: ItemRecord, lang: str = "da", compact: bool = False) -> list[dict]:
    """A card for one agenda item: title, decision (and recommendation), then its context line.

    ``compact`` is the short inline card shown when someone writes a case number in a channel.
    """
    blocks = section_blocks(_title_text(record, lang) + "\n" + _content_text(record, lang, compact))
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _context_line(record, lang)}]}
    )
    return blocks


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


def answer_blocks(result: SearchResult) -> list[dict]:
    """The answer card: best item (decision first), other matches as buttons, feedback buttons."""
    lang = result.lang
    blocks: list[dict] = []
    if not result.hits or result.kind != "items" or result.focus:
        # No match, listings, meeting facts, help and follow-up fields: the shared text answer.
        blocks.extend(section_blocks(escape_mrkdwn(answer_text(result))))
        return blocks
    top = result.hits[0].record
    if result.did_you_mean:
        template = _label(lang, "did_you_mean", "{0}?")
        note = escape_mrkdwn(template.format(top.case_number or top.title))
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    blocks.extend(item_card_blocks(top, lang))
    others = [hit.record for hit in result.hits[1 : 1 + OTHER_MATCHES]]
    if others:
        blocks.append({"type": "divider"})
        heading = _label(lang, "other_matches", ui(lang, "other_matches"))
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": heading}]})
        blocks.append(
            {
                "type": "actions",
                "block_id": "other_matches",
                "elements": [
                    _button(
                        f"{other.date or ''} {other.title}".strip(),
                        f"{OPEN_ITEM}_{n}",
                        record_key(other),
                    )
                    for n, other in enumerate(others, start=1)
                ],
            }
        )
    value = feedback_value(result.question, top.case_number)
    elements = [
        _button("👍", FEEDBACK_UP, value),
        _button("👎", FEEDBACK_DOWN, value),
        _button(ui(lang, "follow"), FOLLOW_CASE, top.case_number or result.question),
    ]
    blocks.append({"type": "actions", "block_id": "feedback", "elements": elements})
    return blocks


def answer_fallback(result: SearchResult) -> str:
    """The message's plain ``text``: the shared text answer, escaped, cut to Slack's limit."""
    return escape_mrkdwn(_truncate_keep_lines(answer_text(result), 3900))


def _truncate_keep_lines(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def question_context(question: str, lang: str) -> dict:
    """A context block repeating the question (ephemeral slash-command answers)."""
    text = f"{ui(lang, 'you_asked')}: _{escape_mrkdwn(truncate(question, 2900))}_"
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
    if lang == "en":
        return (
            "*Ask what the board decided.*\n"
            "• `/referat what was decided on the plaster scheme?` (only you see the answer)\n"
            "• `/referat 18-034639K`: look up a case number\n"
            "• `/referat latest`: the newest meeting's decisions\n"
            "• `/referat follow 18-034639K`, `unfollow …`, `following`: get told when a case "
            "comes up again\n"
            "• Mention me in a channel, or write to me directly.\n"
            "• A case number written in a channel I am in gets a short card in the thread."
        )
    return (
        "*Spørg, hvad der blev besluttet.*\n"
        "• `/referat hvad blev besluttet om plasterordningen?` (kun du ser svaret)\n"
        "• `/referat 18-034639K`: slå et sagsnummer op\n"
        "• `/referat latest`: beslutningerne fra det seneste møde\n"
        "• `/referat follow 18-034639K`, `unfollow …`, `following`: få besked, når en sag "
        "kommer op igen\n"
        "• Nævn mig i en kanal, eller skriv direkte til mig.\n"
        "• Et sagsnummer skrevet i en kanal, jeg er med i, får et kort svar i tråden."
    )


def meeting_title(meeting: MeetingRecord | ItemRecord, lang: str = "da") -> str:
    date = format_date(meeting.date, lang) if meeting.date else ""
    return f"{meeting.body} {date}".strip()


def meeting_summary_text(items: Sequence[ItemRecord], lang: str = "da", limit: int = 300) -> str:
    """One line per item: number, title and decision; closed items by title only."""
    lines = []
    for item in items:
        number = f"{item.item_number}. " if item.item_number is not None else ""
        title = f"*{number}{escape_mrkdwn(item.title)}*"
        if item.closed:
            lines.append(f"{title} _({ui(lang, 'closed_title')})_")
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
        empty = "_No minutes yet._" if lang == "en" else "_Ingen referater endnu._"
        blocks.extend(section_blocks(empty))
    for meeting, items in meetings:
        blocks.extend(meeting_blocks(meeting, items, lang))
        blocks.append({"type": "divider"})
    size_kb = stats.size_bytes / 1024
    updated = stats.updated_at or "—"
    if lang == "en":
        facts = (f"{stats.meetings} meetings, {stats.items} items · {size_kb:.0f} KB"
                 f" · updated {updated}")
    else:
        facts = (f"{stats.meetings} møder, {stats.items} punkter · {size_kb:.0f} KB"
                 f" · opdateret {updated}")
    footer = {"type": "context", "elements": [{"type": "mrkdwn", "text": escape_mrkdwn(facts)}]}
    blocks = blocks[: HOME_BLOCK_LIMIT - 1] + [footer]
    return {"type": "home", "blocks": blocks}
