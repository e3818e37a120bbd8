"""Socket Mode end to end: a local WebSocket server plays Slack's Socket Mode endpoint.

The real ``SocketModeHandler`` asks the stand-in's ``apps.connections.open`` for the WebSocket
URL, connects, receives an ``events_api`` and a ``slash_commands`` envelope, must acknowledge
each by its ``envelope_id``, and answers through the Web API stand-in.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from bot.context import BotContext
from bot.runner import socket_mode_handler
from bot.slack_app import build_app
from store.db import Store
from tests.helpers import (
    APP_TOKEN,
    BOT_USER_ID,
    SlackStub,
    command_body,
    event_body,
    slack_settings,
)


class SocketModeServer:
    """Sends envelopes to whoever connects and records what comes back."""

    def __init__(self, envelopes: list[dict[str, Any]]) -> None:
        self.envelopes = envelopes
        self.received: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._server = serve(self._handle, "127.0.0.1", 0, compression=None)
        port = self._server.socket.getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/link/?ticket=test"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SocketModeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _handle(self, ws: ServerConnection) -> None:
        ws.send(json.dumps({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0REFERAT"}}))
        for envelope in self.envelopes:
            ws.send(json.dumps(envelope))
        try:
            for message in ws:
                with self._cond:
                    self.received.append(json.loads(message))
                    self._cond.notify_all()
        except ConnectionClosed:
            pass

    def wait_for_acks(self, envelope_ids: set[str], timeout: float = 10.0) -> dict[str, dict]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                acks = {m["envelope_id"]: m for m in self.received if "envelope_id" in m}
                if envelope_ids <= acks.keys():
                    return acks
                left = deadline - time.monotonic()
                assert left > 0, f"acks seen: {sorted(acks)}; expected {sorted(envelope_ids)}"
                self._cond.wait(left)


def envelopes(stub: SlackStub) -> list[dict[str, Any]]:
    mention = {"type": "app_mention", "user": "U0ASKER", "channel": "C0GENERAL",
               "ts": "1700002000.000100",
               "text": f"<@{BOT_USER_ID}> what was decided on the plaster scheme?"}
    events_payload = json.loads(event_body(mention, event_id="Ev0SOCKET"))
    command = dict(parse_qsl(command_body("23-001310", stub.response_url()).decode()))
    return [
        {"envelope_id": "env-event", "type": "events_api", "accepts_response_payload": False,
         "retry_attempt": 0, "retry_reason": "", "payload": events_payload},
        {"envelope_id": "env-command", "type": "slash_commands",
         "accepts_response_payload": True, "payload": command},
        # Slack re-sends an envelope it thinks was lost: acknowledged, not answered again.
        {"envelope_id": "env-event-retry", "type": "events_api",
         "accepts_response_payload": False, "retry_attempt": 1, "retry_reason": "timeout",
         "payload": events_payload},
    ]


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
