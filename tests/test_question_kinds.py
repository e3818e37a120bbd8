"""Bare filters, meeting facts, help and follow-ups: through the CLI, the console and Slack."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.console import chat
from store.answer import answer_text
from store.db import Store
from store.followup import Conversations, asked_field, resolve
from store.ingest import ingest_paths
from store.parse import parse_text
from store.search import Searcher
from tests.helpers import (
    SIGNING_SECRET,
    event_body,
    mention,
    next_ts,
    post_signed,
    referat_env,
    rendered,
    start_http_bot,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "minutes"
PARTICIPANT = "Michael Gravesen"


def referat(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it, on the store ``db``, meaning search off."""
    env = referat_env(REFERAT_DB=str(db), REFERAT_SEMANTIC="off")
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    db = tmp_path / "referat.json"
    assert referat("ingest", str(SAMPLES), db=db).returncode == 0
    return db


@pytest.fixture
def bot_url(bot_ctx) -> Iterator[str]:
    with start_http_bot(bot_ctx) as url:
        yield url


# -- the command line ---------------------------------------------------------------------


def test_cli_bare_body_and_year_list_meetings(loaded: Path) -> None:
    out = referat("ask", "Direktionen", db=loaded).stdout
    assert "2 møder, nyeste først:" in out
    assert out.index("20. februar 2023") < out.index("29. februar 2016")
    assert "… og 7 punkter mere" in out
    data = json.loads(referat("ask", "--json", "i 2016", db=loaded).stdout)
    assert data["kind"] == "listing" and data["results"] == []
    assert [m["date"] for m in data["meetings"]] == ["2016-02-29"]
    assert "Kommunikationsstrategi" in data["answer"]
    assert data["answer"].startswith("1 møde, nyeste først:")  # one meeting is not "1 møder"
    english = referat("ask", "meetings in February 2016", db=loaded).stdout
    assert "Kommunikationsstrategi" in english


def test_cli_latest_and_previous_meeting(loaded: Path) -> None:
    latest = json.loads(referat("ask", "--json", "seneste møde", db=loaded).stdout)
    previous = json.loads(referat("ask", "--json", "forrige møde", db=loaded).stdout)
    assert {r["meeting"]["date"] for r in latest["results"]} == {"2023-02-20"}
    assert {r["meeting"]["date"] for r in previous["results"]} == {"2016-02-29"}


def test_cli_topic_with_a_filter_is_filtered(loaded: Path) -> None:
    data = json.loads(referat("ask", "--json", "kommunikationsstrategi i 2016", db=loaded).stdout)
    assert data["results"][0]["case_number"] == "326-2015-47221"
    data = json.loads(referat("ask", "--json", "Direktionen kommunikationsstrategi 2023",
                              db=loaded).stdout)
    assert data["results"][0]["case_number"] == "23-001310"


def test_cli_meeting_facts_name_their_source(loaded: Path) -> None:
    place = referat("ask", "hvor blev mødet holdt?", db=loaded).stdout
    assert "Sted: Mødelokale 6" in place and "Kilde:" in place
    assert place.index("Sted") < place.index("Deltagere")
    who = referat("ask", "who attended the meeting in February 2023?", db=loaded).stdout
    assert who.startswith("Meeting: Direktionen (Kalundborg), 20 February 2023")
    assert f"Participants: {PARTICIPANT}" in who and "Source: " in who
    nobody = referat("ask", "who attended the meeting in February 2016?", db=loaded).stdout
    assert "The minutes do not say who took part." in nobody
    absent = referat("ask", "hvem var fraværende på seneste møde?", db=loaded).stdout
    assert "Fraværende" in absent or "ingen fraværende" in absent


def test_cli_help_in_both_languages(loaded: Path) -> None:
    assert "Spørg om hvad der blev besluttet" in referat("ask", "hjælp", db=loaded).stdout
    assert "Ask what was decided" in referat("ask", "help", db=loaded).stdout
    assert "Spørg om" in referat("ask", "hvad kan du?", db=loaded).stdout


# -- the console: help and follow-ups in one session -----------------------------------------


def _console(lines: list[str]) -> list[str]:
    store = Store(None)
    ingest_paths(store, [SAMPLES])
    out = io.StringIO()
    chat(Searcher(store), io.StringIO("\n".join(lines) + "\nquit\n"), out)
    return out.getvalue().split("referat> ")[1:]


def test_console_help_and_follow_ups() -> None:
    answers = _console(["hjælp", "kommunikationsstrategi 2023", "what about 2016?",
                        "hvad var indstillingen?", "og den forrige?"])
    assert "Spørg om hvad der blev besluttet" in answers[0]
    assert "23-001310" in answers[1]
    assert "326-2015-47221" in answers[2] and answers[2].startswith("Decision:")
    assert answers[3].startswith("Indstilling: Kommunaldirektøren indstiller")
    assert "Jeg fandt ikke noget svar" in answers[4]  # nothing before 2016


def test_console_previous_meeting_follow_up() -> None:
    answers = _console(["hvad blev besluttet om plasterordningen?", "og den forrige?",
                        "hvem deltog?"])
    assert "18-034639K" in answers[0]
    assert "Jeg fandt ikke noget svar" in answers[1]  # no earlier item on the plaster scheme
    later = _console(["seneste møde", "og den forrige?", "hvem deltog?"])
    assert "20. februar 2023" in later[0]
    assert "29. februar 2016" in later[1]
    assert later[2].startswith("Møde: Direktionen (Kalundborg), 29. februar 2016")


# -- Slack ---------------------------------------------------------------------------------


def test_slack_bare_filter_fact_and_help(bot_url: str, slack_stub) -> None:
    mention(bot_url, "Direktionen")
    [reply] = slack_stub.wait_for("chat.postMessage")
    assert "2 møder, nyeste først" in rendered(reply) and "punkter mere" in rendered(reply)
    mention(bot_url, "where was the meeting held?")
    [_, reply] = slack_stub.wait_for("chat.postMessage", 2)
    assert "Place: Mødelokale 6" in rendered(reply) and "Source:" in rendered(reply)
    mention(bot_url, "hjælp :pray:")
    [_, _, reply] = slack_stub.wait_for("chat.postMessage", 3)
    assert "Spørg" in rendered(reply)


def test_slack_follow_up_in_a_thread(bot_url: str, slack_stub) -> None:
    first = mention(bot_url, "kommunikationsstrategi 2023")
    [reply] = slack_stub.wait_for("chat.postMessage")
    assert "23-001310" in rendered(reply)
    mention(bot_url, "what about 2016?", thread_ts=first["ts"])
    [_, reply] = slack_stub.wait_for("chat.postMessage", 2)
    assert "326-2015-47221" in rendered(reply) and reply["thread_ts"] == first["ts"]
    mention(bot_url, "hvad var indstillingen?", thread_ts=first["ts"])
    [_, _, reply] = slack_stub.wait_for("chat.postMessage", 3)
    assert "Kommunaldirektøren indstiller" in rendered(reply)
    # Another thread has no previous answer: the same words are a question of their own.
    mention(bot_url, "hvad var indstillingen?")
    [_, _, _, reply] = slack_stub.wait_for("chat.postMessage", 4)
    assert "Kommunaldirektøren indstiller" not in rendered(reply)


def test_slack_follow_up_in_a_direct_message(bot_url: str, slack_stub) -> None:
    for n, text in enumerate(["plasterordningen", "hvad var indstillingen?"], start=1):
        event = {"type": "message", "channel_type": "im", "user": "U0ASKER", "ts": next_ts(),
                 "text": text, "channel": "D0ASKER"}
        assert post_signed(bot_url, event_body(event), SIGNING_SECRET).status == 200
        slack_stub.wait_for("chat.postMessage", n)
    reply = slack_stub.wait_for("chat.postMessage", 2)[1]
    assert "Indstilling: Sekretariatschefen indstiller" in rendered(reply)


# -- municipalities and the pure parts -------------------------------------------------------

_MINUTES = """Referat
{body}
Mødedato: {date}
Mødested: {place}

Punkt 1: {title}
Sagsnr.: {case}
Beslutning
Godkendt.

Punkt 2: {other}
Beslutning
Taget til efterretning.
"""
_OTHER = ["Vejbelysning i midtbyen", "Skolernes ferieplan", "Cykelsti mod Køge",
          "Kunstgræsbane ved hallen", "Renovering af svømmehallen", "Trafiksikkerhedsplan"]


def _municipal_store() -> Searcher:
    store = Store(None)
    meetings = []
    for n, (municipality, body, date, title, case) in enumerate((
            ("Køge", "Byrådet", "27. oktober 2020", "Spørgetid for borgerne", "20-000001"),
            ("Frederikssund", "Byrådet", "25. juni 2025", "Spørgetid for borgerne", "25-000002"),
            ("Hvidovre", "Kommunalbestyrelsen", "28. oktober 2014", "Budget 2015", "14-000003"))):
        meeting = parse_text(_MINUTES.format(body=body, date=date, place="Rådhuset", title=title,
                                             case=case, other=_OTHER[n]), f"{municipality}.txt")
        meeting.municipality = municipality
        meetings.append(meeting)
    store.ingest(meetings)
    return Searcher(store)


def test_municipality_filters_a_topic_and_lists_alone() -> None:
    searcher = _municipal_store()
    assert searcher.search("spørgetid i Køge").hits[0].record.case_number == "20-000001"
    assert searcher.search("Frederikssund spørgetid").hits[0].record.case_number == "25-000002"
    assert searcher.search("Frederiksund spørgetid").hits[0].record.case_number == "25-000002"
    listing = searcher.search("Hvidovre")
    assert listing.kind == "listing" and [m.municipality for m in listing.meetings] == \
        ["Hvidovre"]
    assert "(Hvidovre)" in answer_text(listing)
    assert searcher.search("budget i Køge").hits == []
    # Nothing about bike paths in Køge's minutes: the name is then read as a word of the topic.
    assert searcher.search("cykelsti mod Køge").hits[0].record.municipality == "Hvidovre"


def test_resolve_is_pure_and_keeps_topic_with_a_new_period() -> None:
    def none(body: str, date: str | None) -> list[str]:
        return []

    r = resolve("og i 2016?", "budget 2023 i Direktionen", None, none, lambda t: True)
    assert r.question == "budget i Direktionen 2016" and r.followup
    assert resolve("budget 2016", "", None, none, lambda t: True).question == "budget 2016"
    assert not resolve("hvad med en helt anden og lang ny sag om noget", "budget", None, none,
                       lambda t: False).followup
    assert asked_field("hvad var indstillingen?") == "recommendation"
    assert asked_field("What was the decision?") == "decision"
    assert asked_field("hvad var budgettet?") == ""


def test_conversations_forget_the_oldest() -> None:
    memory = Conversations(size=2)
    for key in ("a", "b", "c"):
        memory.put(key, key.upper())
    assert memory.get("a") is None and memory.get("c") == "C"


def test_an_agenda_item_by_number_or_place(loaded: Path) -> None:
    four = json.loads(referat("ask", "--json", "Direktionen 20. februar 2023: hvad blev "
                              "besluttet på punkt 4?", db=loaded).stdout)
    assert four["results"][0]["case_number"] == "18-034639K"
    first = json.loads(referat("ask", "--json", "første punkt i februar 2016",
                               db=loaded).stdout)
    assert first["results"][0]["item_number"] == 1
    assert first["results"][0]["meeting"]["date"] == "2016-02-29"
    last = json.loads(referat("ask", "--json", "the last item of the latest meeting",
                              db=loaded).stdout)
    assert last["results"][0]["title"] == "Eventuelt"
