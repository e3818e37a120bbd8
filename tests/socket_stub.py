"""A stand-in of Slack's Socket Mode WebSocket, on a free loopback port.

It greets whoever connects, sends the given envelopes and records every acknowledgement, so a
test can drive the real Socket Mode client of ``referat run`` without Slack.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qsl

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from tests.slack_helpers import command_body, event_body
from tests.slack_stub import BOT_USER_ID, SlackStub


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
