"""The samples' evaluation questions get the same answers on Slack and on Teams.

Teams answers come through the real endpoint (signed activities, replies recorded by the
stand-in Bot Connector); Slack answers are what the Slack listeners post (``answer_message``).
Both must carry the same plain text and the same words on their cards.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from bot.blocks import answer_blocks
from bot.context import BotContext
from bot.listeners.common import answer_message
from tests.helpers import QS
from tests.teams_helpers import personal_message, post_activity, start_teams_bot, teams_settings
from tests.teams_stub import TeamsStub


def _slack_words(blocks: list[dict]) -> list[str]:
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                texts.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    text = html.unescape(" ".join(texts)).replace("*", "")
    text = re.sub(r"(^|\s)_|_(\s|$)", r"\1 \2", text)
    return text.split()


def _teams_words(card: dict) -> list[str]:
    runs: list[str] = []
    for block in card.get("body", []):
        runs.append("".join(run["text"] for run in block.get("inlines", [])))
    runs.extend(action["title"] for action in card.get("actions", []))
    return " ".join(runs).split()


def test_the_same_answers_on_slack_and_teams(sample_store, sample_store_path: Path) -> None:
    with TeamsStub() as stub:
        ctx = BotContext.create(teams_settings(stub, sample_store_path), store=sample_store)
        with start_teams_bot(ctx) as base:
            for n, q in enumerate(QS, start=1):
                status, _ = post_activity(base, personal_message(stub, q["question"]),
                                          stub.sign())
                assert status == 200
                sent = stub.wait_for(n)
                assert len(sent) == n, q["id"]
    assert len(sent) == len(QS) >= 27
    for q, teams in zip(QS, sent, strict=True):
        result = ctx.searcher.search(q["question"])
        slack = answer_message(result)
        assert teams.body["text"] == html.unescape(slack["text"]), q["id"]
        card = teams.body["attachments"][0]["content"]
        assert _teams_words(card) == _slack_words(answer_blocks(result)), q["id"]
