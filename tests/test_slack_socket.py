"""Socket Mode end to end: a local WebSocket server plays Slack's Socket Mode endpoint.

The real ``SocketModeHandler`` asks the stand-in's ``apps.connections.open`` for the WebSocket
URL, connects, receives an ``events_api`` and a ``slash_commands`` envelope, must acknowledge
each by its ``envelope_id``, and answers through the Web API stand-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.context import BotContext
from bot.runner import socket_mode_handler
from bot.slack_app import build_app
from store.db import Store
from tests.helpers import (
    APP_TOKEN,
    SlackStub,
    slack_settings,
)
from tests.socket_stub import SocketModeServer, envelopes


@pytest.fixture
def socket_ctx(slack_stub: SlackStub, sample_store: Store,
               sample_store_path: Path) -> Iterator[BotContext]:
    settings = slack_settings(slack_stub, sample_store_path, slack_app_token=APP_TOKEN,
                              slack_signing_secret="")
    yield BotContext.create(settings, store=sample_store)


def test_socket_mode_acknowledges_and_answers(slack_stub: SlackStub,
                                              socket_ctx: BotContext) -> None:
    with SocketModeServer(envelopes(slack_stub)) as server:
        slack_stub.socket_url = server.url
        handler = socket_mode_handler(build_app(socket_ctx), socket_ctx.settings)
        handler.connect()
        try:
            acks = server.wait_for_acks({"env-event", "env-command", "env-event-retry"})
            [reply] = slack_stub.wait_for("chat.postMessage", timeout=10)
            [answer] = slack_stub.wait_for("response_url", timeout=10)
        finally:
            handler.close()

    [connect] = slack_stub.attempts("apps.connections.open")
    assert connect.headers["authorization"] == f"Bearer {APP_TOKEN}"
    assert acks["env-command"].get("payload") in (None, {}, "")  # acknowledged with no text
    assert reply["thread_ts"] == "1700002000.000100"
    assert "18-034639K" in reply["text"] and "Godkendt" in reply["text"]
    assert answer["response_type"] == "ephemeral" and "Taget til efterretning" in answer["text"]
    assert len(slack_stub.calls_to("chat.postMessage")) == 1
