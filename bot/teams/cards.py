"""Adaptive Cards (1.5) from the shared answer model (:mod:`store.answer`).

Layout only: the wording and what an item shows (decision first, closed items by title and case
number) come from the model, exactly as for Slack (:mod:`bot.blocks`) and the text answer.

Text from the minutes and from users goes into ``RichTextBlock`` text runs, which Teams shows
literally (no Markdown, no links), so nothing in the minutes can format or link. Buttons are
``Action.Execute`` (an ``adaptiveCard/action`` invoke) with an ``Action.Submit`` fallback (a
message activity with a ``value``); :mod:`bot.teams.handlers` reads both (``data["referat"]``
names the action).
"""

from __future__ import annotations

from typing import Any

from store.answer import AnswerCard, ItemCard, Line, item_card, render_text, word
from store.records import ItemRecord

from ..blocks import truncate

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
BUTTON_TITLE_LIMIT = 75  # as on Slack, so both show the same button text
VALUE_LIMIT = 1500

# data["referat"] of the card actions
VOTE = "vote"
FOLLOW = "follow"
OPEN_ITEM = "open"


def run(text: str, **style: Any) -> dict[str, Any]:
    """A text run: shown literally, however the text looks."""
    return {"type": "TextRun", "text": text, **style}


def rich(*runs: dict[str, Any], spacing: str | None = None) -> dict[str, Any]:
    """A paragraph of text runs."""
    block: dict[str, Any] = {"type": "RichTextBlock", "inlines": list(runs)}
    if spacing:
        block["spacing"] = spacing
    return block


def _line(line: Line) -> dict[str, Any]:
    if line.label:
        return rich(run(f"{line.label}: ", weight="Bolder"), run(line.text))
    return rich(run(line.text, italic=True))


def item_elements(card: ItemCard) -> list[dict[str, Any]]:
    """An item: title (closed items say so), content lines, then body · date · item · case."""
    title = [run(card.title, weight="Bolder")]
    if card.closed:
        title.append(run(f" ({word(card.lang, 'closed')})", isSubtle=True))
    return [
        rich(*title),
        *(_line(line) for line in card.lines),
        rich(run(" · ".join(card.context()), isSubtle=True, size="Small"), spacing="Small"),
    ]


def adaptive_card(body: list[dict[str, Any]],
                  actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
                            "body": body}
    if actions:
        card["actions"] = actions
    return card


def _submit(title: str, data: dict[str, Any]) -> dict[str, Any]:
    """A button: ``Action.Execute`` (its answer is shown to the clicking user only), falling
    back to ``Action.Submit`` (a message back to the bot) where a client lacks it."""
    title = truncate(title, BUTTON_TITLE_LIMIT)
    return {"type": "Action.Execute", "title": title, "verb": str(data["referat"]),
            "data": data, "fallback": {"type": "Action.Submit", "title": title, "data": data}}


def follow_action(lang: str, case_number: str) -> dict[str, Any]:
    """The "follow this case" button of one item."""
    return _submit(word(lang, "follow"), {"referat": FOLLOW, "value": case_number})


def action_set(*actions: dict[str, Any]) -> dict[str, Any]:
    """Buttons inside a card's body, under the element they belong to."""
    return {"type": "ActionSet", "actions": list(actions)}


def answer_actions(card: AnswerCard) -> list[dict[str, Any]]:
    """Other matches (each opens that item), 👍/👎 (kept with the question), follow the case."""
    question = card.question[:VALUE_LIMIT]
    actions = [_submit(f"{other.date} {other.title}", {"referat": OPEN_ITEM, "key": other.key})
               for other in card.others]
    actions += [
        _submit("👍", {"referat": VOTE, "vote": "up", "q": question, "c": card.case_number}),
        _submit("👎", {"referat": VOTE, "vote": "down", "q": question, "c": card.case_number}),
        _submit(word(card.lang, "follow"),
                {"referat": FOLLOW, "value": card.case_number or question}),
    ]
    return actions


def render_adaptive(card: AnswerCard) -> dict[str, Any]:
    """The answer as an Adaptive Card; answers without an item are their text, line by line."""
    if card.item is None or card.kind not in ("answer", "meeting"):
        return text_card(render_text(card))
    body: list[dict[str, Any]] = []
    if card.note:
        body.append(rich(run(card.note, italic=True)))
    if card.kind == "answer":
        body.extend(item_elements(card.item))
    if card.title:
        body.append(rich(run(card.title, weight="Bolder")))
    if card.rows:
        body.append(rich(run(card.heading, weight="Bolder"), spacing="Medium"))
        body.extend(rich(run(row)) for row in card.rows)
    if card.others:
        body.append(rich(run(word(card.lang, "other_matches"), isSubtle=True),
                          spacing="Medium"))
    return adaptive_card(body, answer_actions(card))


def item_adaptive_card(record: ItemRecord, lang: str = "da", compact: bool = False,
                       follow: bool = True) -> dict[str, Any]:
    """One item's card (``compact``: a case number written in a channel)."""
    card = item_card(record, lang, "compact" if compact else "full")
    actions = [follow_action(lang, card.case_number)] if follow and card.case_number else []
    return adaptive_card(item_elements(card), actions)


def text_card(text: str) -> dict[str, Any]:
    """Plain text as a card, one block per line, shown literally."""
    return adaptive_card([rich(run(line or " ")) for line in text.splitlines() or [""]])
