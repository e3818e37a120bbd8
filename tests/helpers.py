"""Everything tests share, in one place: import from here, never from another test module.

* constants: the repository, the samples, the fake Slack credentials the stand-in accepts;
* store data: :func:`make_meeting` (a small meeting from a number), :func:`minutes_text` (the
  2023 sample moved to another date) and :func:`meeting_id`;
* Slack: :class:`SlackStub` (Slack's Web API played on a loopback port), :func:`slack_settings`,
  signed requests and the real HTTP bot (:func:`post_signed`, :func:`start_http_bot`, …);
* notifications: a bot context and notifier on a store, and what they posted;
* documents: :mod:`docmaker` lays text minutes out as PDF and Word files.

The Slack stand-in, the request helpers and the document maker are big enough to keep their own
modules (``slack_stub.py``, ``slack_helpers.py``, ``docmaker.py``); they are re-exported here so
a test's imports name one module.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.context import BotContext
from bot.notify import Notifier
from store.records import Item, ItemRecord, Meeting
from tests import docmaker
from tests.slack_helpers import (
    EVENTS_PATH,
    Reply,
    block_action_payload,
    command_body,
    event_body,
    interaction_body,
    post,
    post_signed,
    sign,
    start_http_bot,
)
from tests.slack_stub import BOT_USER_ID, SlackStub

__all__ = [
    "APP_TOKEN", "BOT_USER_ID", "CHANNEL", "EVENTS_PATH", "REPO", "SAMPLE", "SAMPLES",
    "SIGNING_SECRET", "SLACK_TOKEN", "Reply", "SlackStub", "block_action_payload", "blocks_of",
    "command_body", "docmaker", "drop", "event_body", "interaction_body", "make_ctx",
    "make_meeting", "make_notifier", "meeting_id", "minutes_text", "post", "post_signed",
    "posts", "sign", "slack_settings", "start_http_bot", "tick",
]

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "examples" / "minutes"
SAMPLE = SAMPLES / "direktionen-2023-02-20.txt"
# The store engines every store and search test runs on (see the new_store fixture).
ENGINES = ("tinydb", "postgresql")
# The questions about the bundled samples, with the case number or title each must find.
QS = [json.loads(line) for line in
      (REPO / "examples" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
      if line.strip()]

SLACK_TOKEN = "xoxb-test-0000-secret-bot-token"
SIGNING_SECRET = "test-signing-secret-0000"
APP_TOKEN = "xapp-test-0000-secret-app-token"
CHANNEL = "C0MINUTES"  # where the notifier announces new minutes in tests


# -- store data -------------------------------------------------------------------------------

def make_meeting(n: int, *, body: str = "Direktionen", items: int = 3,
                 decision: str = "Godkendt.", date: str | None = "auto") -> Meeting:
    """A small meeting whose date is derived from ``n`` (distinct n -> distinct meeting)."""
    auto = f"{2000 + n // 336:04d}-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
    when = auto if date == "auto" else date
    meeting = Meeting(
        body=body, date=when, start_time="12:30", place="Mødelokale 6",
        participants=["Søren Ole Sørensen"], source=f"minutes/{body}-{when}.txt",
        items=[
            Item(number=k + 1, title=f"Punkt {k + 1} om ældrepleje",
                 case_number=f"23-{n:03d}{k:03d}", decision=decision,
                 recommendation="Direktøren indstiller, at sagen godkendes.",
                 attachments=[f"Bilag {k + 1}"], text="Sagen vedrører budgetopfølgning.")
            for k in range(items)
        ],
    )
    meeting.items.append(Item(number=items + 1, title="Lukket: Personalesag", closed=True,
                              case_number=f"24-{n:06d}"))
    meeting.content_hash = meeting.compute_hash()
    return meeting


def minutes_text(day: int, month_name: str = "marts", month: int = 3) -> str:
    """The 2023 sample as if it were the minutes of another meeting (another date)."""
    text = SAMPLE.read_text(encoding="utf-8")
    return (text.replace("20-02-2023", f"{day:02d}-{month:02d}-2023")
                .replace("20. februar 2023", f"{day}. {month_name} 2023"))


def meeting_id(day: int, month: int = 3) -> str:
    """The id of the meeting :func:`minutes_text` describes."""
    return f"Kalundborg|Direktionen|2023-{month:02d}-{day:02d}"


# -- Slack ------------------------------------------------------------------------------------

def slack_settings(stub: SlackStub, db_path: Path, **overrides) -> Settings:
    """Settings for a bot talking to ``stub`` (HTTP mode unless ``slack_app_token`` is given)."""
    values = {
        "db_path": db_path,
        "slack_bot_token": SLACK_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": stub.api_url,
    }
    values.update(overrides)
    return Settings(**values)


# -- notifications ----------------------------------------------------------------------------

def make_ctx(stub: SlackStub, db_path: Path, inbox: Path | None, **overrides) -> BotContext:
    """A bot process: its own Store on ``db_path`` (a new context is a restart)."""
    overrides.setdefault("notify_channel", CHANNEL)
    settings = slack_settings(stub, db_path, minutes_dir=inbox, **overrides)
    return BotContext.create(settings)


def make_notifier(ctx: BotContext, **kwargs) -> Notifier:
    """A notifier that retries at once (no back-off waits in tests)."""
    kwargs.setdefault("retry_backoff", (0.0, 0.0))
    return Notifier(ctx, **kwargs)


def tick(notifier: Notifier, times: int = 2) -> int:
    """Run a few ticks, as the background thread would (a fresh file needs two polls)."""
    return sum(notifier.run_once() for _ in range(times))


def drop(inbox: Path, name: str, text: str) -> Path:
    """Put a minutes file into the watched folder."""
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    return path


def posts(stub: SlackStub, channel: str | None = CHANNEL) -> list[dict]:
    """The messages posted to ``channel`` (every channel with ``None``)."""
    return [b for b in stub.calls_to("chat.postMessage")
            if channel is None or b["channel"] == channel]


def blocks_of(body: dict) -> list[dict]:
    """A message's blocks, whether sent as JSON text (form-encoded) or as a list."""
    blocks = body["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


# -- Slack requests a person would cause ----------------------------------------------------

BOT = f"<@{BOT_USER_ID}>"
PLASTER = "what was decided on the plaster scheme?"
_ts = iter(range(1, 10_000))


def next_ts() -> str:
    return f"1700001000.{next(_ts):06d}"


def mention(base: str, text: str, *, channel: str = "C0GENERAL", ts: str | None = None,
            thread_ts: str | None = None, event_id: str | None = None,
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Send an ``app_mention`` event; returns the event."""
    event = {"type": "app_mention", "user": "U0ASKER", "text": f"{BOT} {text}",
             "ts": ts or next_ts(), "channel": channel, "event_ts": "1"}
    if thread_ts:
        event["thread_ts"] = thread_ts
    reply = post_signed(base, event_body(event, event_id=event_id), SIGNING_SECRET,
                        extra_headers=headers)
    assert reply.status == 200, reply
    return event


def rendered(body: dict[str, Any]) -> str:
    """Everything a message body would show: its text and all block text."""
    return json.dumps({"text": body.get("text"), "blocks": body.get("blocks")}, ensure_ascii=False)


# -- `referat run` as a real process ------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"referat run exited with {proc.returncode}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"referat run did not listen on port {port} within {timeout}s")


def referat_env(**values: str) -> dict[str, str]:
    """A minimal environment: every setting given explicitly, so no ``.env`` file can add one."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "SYSTEMROOT")
           if key in os.environ}
    env.update({
        "SLACK_BOT_TOKEN": "", "SLACK_APP_TOKEN": "", "SLACK_SIGNING_SECRET": "",
        "SLACK_API_URL": "", "INLINE_CASE_LOOKUP": "on", "INLINE_CASE_CHANNELS": "",
        "NOTIFY_CHANNEL": "", "NOTIFY_DIGEST": "off", "MINUTES_DIR": "", "MINUTES_FEED_URL": "",
        "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1",
    })
    env.update(values)
    return env


# -- records ----------------------------------------------------------------------------------

def make_record(**fields: Any) -> ItemRecord:
    values: dict[str, Any] = {
        "meeting_id": "Direktionen|2023-02-20",
        "body": "Direktionen",
        "date": "2023-02-20",
        "item_number": 4,
        "title": 'VSBV - Forbindsstoffer - "Plasterordning"',
        "closed": False,
        "case_number": "18-034639K",
        "journal_number": None,
        "document_number": None,
        "decision": "Godkendt.",
        "recommendation": "Sekretariatschefen indstiller, at ordningen ophører.",
        "resume": "",
        "presentation": "",
        "treatment": "",
        "economy": "",
        "attachments": [],
        "text": "",
        "source": "direktionen-2023-02-20.txt",
    }
    values.update(fields)
    return ItemRecord(**values)


# -- the saved search index ---------------------------------------------------------------------

class CountingBuild:
    """A build function that records how often the index had to be built."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, store: Any) -> BuiltIndex:
        self.calls += 1
        records = store.items()
        return BuiltIndex([r.title for r in records], records)


@dataclass
class BuiltIndex:
    """What :class:`CountingBuild` builds: the titles, and the records the saved file omits."""

    titles: list[str]
    records: list
