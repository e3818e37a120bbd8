"""Hostile requests against the real HTTP bot: forged, replayed, oversized, or full of tricks.

Every test here drives the waitress-served Bolt app over loopback, with the Web API stand-in as
Slack, and asserts on what the bot did (or did not) send to it and what it logged. Where a test
proves that something did *not* happen, a signed request that is answered follows as a barrier.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import BOT, PLASTER, SIGNING_SECRET, mention, next_ts, rendered
from tests.slack_helpers import (
    block_action_payload,
    command_body,
    event_body,
    interaction_body,
    post,
    post_signed,
    sign,
    start_http_bot,
)
from tests.slack_stub import SlackStub

if TYPE_CHECKING:
    from bot.context import BotContext

EVENTS = "/slack/events"
MALFORMED = ["not-a-number", "", "1e9", " 17", "-17", "99999999999999999999"]


@pytest.fixture
def base_url(bot_ctx: BotContext) -> Iterator[str]:
    with start_http_bot(bot_ctx) as url:
        yield url


def _strings(value: Any) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _barrier(base: str, stub: SlackStub, count: int = 1) -> list[dict[str, Any]]:
    """A signed mention that is answered: everything sent before it has been handled."""
    mention(base, "23-001310")
    return stub.wait_for("chat.postMessage", count=count)


# -- 1: nothing acts on an unverified body ---------------------------------------------------


@pytest.mark.parametrize("timestamp", MALFORMED)
def test_a_malformed_timestamp_is_refused_and_nothing_acts_on_the_body(
    base_url: str, slack_stub: SlackStub, caplog: pytest.LogCaptureFixture, timestamp: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    hook = slack_stub.response_url()
    forged = {"type": "app_mention", "user": "U0EVIL", "text": f"{BOT} {PLASTER}",
              "ts": next_ts(), "channel": "C0VICTIM", "event_ts": "1"}
    bodies = [
        event_body(forged),
        command_body("MARKER-FORGED plaster", hook),
        interaction_body(block_action_payload("share_answer", "MARKER-FORGED", hook)),
    ]
    for body in bodies:
        headers = {"Content-Type": "application/json" if body[:1] == b"{" else
                   "application/x-www-form-urlencoded",
                   "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=00"}
        reply = post(base_url + EVENTS, body, headers)
        assert reply.status == 401, reply
    [answer] = _barrier(base_url, slack_stub)
    assert answer["channel"] == "C0GENERAL"
    assert len(slack_stub.calls_to("chat.postMessage")) == 1
    assert slack_stub.calls_to("response_url") == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "MARKER-FORGED" not in logged and "C0VICTIM" not in logged
    assert "U0EVIL" not in logged


# -- 9: replays ------------------------------------------------------------------------------


def test_a_replayed_slash_command_is_answered_once(base_url: str, slack_stub: SlackStub) -> None:
    body = command_body(PLASTER, slack_stub.response_url())
    headers = sign(body, SIGNING_SECRET)
    for _ in range(4):  # the original and three replays, byte for byte, within 5 minutes
        reply = post_signed(base_url, body, SIGNING_SECRET, ts=int(headers[
            "X-Slack-Request-Timestamp"]))
        assert reply.status == 200
    slack_stub.wait_for("response_url")
    _barrier(base_url, slack_stub)
    assert len(slack_stub.calls_to("response_url")) == 1


def test_a_replayed_share_click_posts_once(base_url: str, slack_stub: SlackStub) -> None:
    payload = block_action_payload("share_answer", PLASTER, slack_stub.response_url())
    body = interaction_body(payload)
    ts = int(time.time())
    for _ in range(3):
        assert post_signed(base_url, body, SIGNING_SECRET, ts=ts).status == 200
    slack_stub.wait_for("response_url", count=2)  # the shared answer and the delete
    _barrier(base_url, slack_stub)
    shared = [b for b in slack_stub.calls_to("response_url")
              if b.get("response_type") == "in_channel"]
    assert len(shared) == 1


def test_two_different_commands_with_the_same_text_are_both_answered(
    base_url: str, slack_stub: SlackStub,
) -> None:
    for _ in range(2):
        body = command_body(PLASTER, slack_stub.response_url())
        assert post_signed(base_url, body, SIGNING_SECRET).status == 200
    assert len(slack_stub.wait_for("response_url", count=2)) == 2


# -- 10: what is logged ----------------------------------------------------------------------


def test_unsigned_and_malformed_bodies_are_not_logged(
    base_url: str, slack_stub: SlackStub, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    big = json.dumps({"type": "event_callback", "event_id": "Ev0BIG",
                      "event": {"type": "app_mention", "text": "SECRETBODY" * 100_000}}).encode()
    post(base_url + EVENTS, big, {"Content-Type": "application/json"})
    post(base_url + EVENTS, big, {"Content-Type": "application/json", **sign(big, "wrong")})
    broken = b'{"type": "event_callback", "SECRETBODY": ' + b"[" * 5000
    post(base_url + EVENTS, broken, {"Content-Type": "application/json"})
    post(base_url + EVENTS, b"payload=%7BSECRETBODY", {
        "Content-Type": "application/x-www-form-urlencoded"})
    huge = b'{"SECRETBODY": "' + b"B" * 2_000_000 + b'"}'
    try:  # refused as too large; the server may close before the client has sent it all
        status = post(base_url + EVENTS, huge, {"Content-Type": "application/json"}).status
    except OSError:
        status = 413
    assert status == 413
    _barrier(base_url, slack_stub)
    logged = [r.getMessage() + (logging.Formatter().formatException(r.exc_info)
                                if r.exc_info else "") for r in caplog.records]
    assert not [line[:300] for line in logged if "SECRETBODY" in line]
    assert sum(len(line) for line in logged) < 20_000
    assert not any(r.exc_info for r in caplog.records if r.levelno >= logging.ERROR)


def test_a_slow_client_cannot_hold_the_server(base_url: str, slack_stub: SlackStub) -> None:
    """Slow-header clients (item 8) are bounded: a signed mention is still answered at once."""
    host, port = base_url.removeprefix("http://").split(":")
    sockets = []
    try:
        for n in range(150):  # from other loopback addresses than the barrier's 127.0.0.1
            sock = socket.create_connection((host, int(port)), timeout=5,
                                            source_address=(f"127.0.0.{2 + n % 3}", 0))
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)
        started = time.monotonic()
        [answer] = _barrier(base_url, slack_stub)
        assert time.monotonic() - started < 5
        assert "23-001310" in rendered(answer)
    finally:
        for sock in sockets:
            sock.close()


# -- 11: echo limits -------------------------------------------------------------------------


def test_an_echoed_question_is_cut_after_escaping_and_loses_control_characters(
    base_url: str, slack_stub: SlackStub,
) -> None:
    question = "plaster \u202e\u2066evil\u2069 \x07\x1b[31m" + "<" * 2900
    body = command_body(question, slack_stub.response_url())
    assert post_signed(base_url, body, SIGNING_SECRET).status == 200
    [answer] = slack_stub.wait_for("response_url")
    for block in answer["blocks"]:
        for element in block.get("elements", []):
            text = element.get("text")
            if isinstance(text, str):
                assert len(text) <= 3000, len(text)
            if isinstance(element.get("value"), str):
                assert len(element["value"]) <= 2000
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= 3000
    everything = "".join(_strings(answer))
    for bad in ("\u202e", "\u2066", "\u2069", "\x07", "\x1b"):
        assert bad not in everything
    assert "evil" in everything
    asked = answer["blocks"][0]["elements"][0]["text"]
    assert "&lt;" in asked and not asked.rstrip("_…").endswith("&")


def test_a_request_trickling_in_is_cut_off(base_url: str, slack_stub: SlackStub,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A client sending a header byte now and then is closed once its request is overdue."""
    from bot import http_guard

    monkeypatch.setattr(http_guard, "REQUEST_SECONDS", 1.0)
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 8 and not closed:
            try:
                sock.sendall(b"X-Slow: 1\r\n")
                sock.settimeout(0.3)
                closed = sock.recv(1024) == b""
            except TimeoutError:
                continue
            except OSError:
                closed = True
        assert closed, "the server kept a request that never finished"
        assert time.monotonic() - started < 5


# -- 10: the Socket Mode ticket and tokens never reach the log, even at DEBUG ----------------


def test_socket_mode_at_debug_logs_no_ticket_and_no_token(slack_stub: SlackStub,
                                                          sample_store_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from tests.helpers import APP_TOKEN, REPO, SLACK_TOKEN, referat_env
    from tests.socket_stub import SocketModeServer, envelopes

    with SocketModeServer(envelopes(slack_stub)) as server:
        slack_stub.socket_url = server.url.replace("ticket=test", "ticket=SECRET-TICKET-42")
        env = referat_env(SLACK_API_URL=slack_stub.api_url, SLACK_BOT_TOKEN=SLACK_TOKEN,
                          SLACK_APP_TOKEN=APP_TOKEN, REFERAT_DB=str(sample_store_path),
                          LOG_LEVEL="DEBUG")
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            server.wait_for_acks({"env-event", "env-command"}, timeout=30)
            slack_stub.wait_for("chat.postMessage", timeout=15)
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=20)
    assert "apps.connections.open" in output  # DEBUG really was on
    assert "SECRET-TICKET-42" not in output
    assert SLACK_TOKEN not in output and APP_TOKEN not in output


def test_escape_truncated_never_cuts_an_escape_and_keeps_the_limit() -> None:
    from bot.blocks import escape_truncated

    for limit in range(2, 40):
        for text in ("<" * 50, "a&b" * 20, "x <y> & z " * 10, "æ\u202eø" * 30):
            cut = escape_truncated(text, limit)
            assert len(cut) <= limit
            body = cut.removesuffix("…")
            assert not body.endswith(("&", "&l", "&lt", "&g", "&gt", "&a", "&am", "&amp"))
            assert "\u202e" not in cut
    assert escape_truncated("side\fto\rtre", 100) == "side to tre"
