"""What only PostgreSQL adds: several processes, municipalities, candidates, migration.

The store contract itself is tested on every engine in ``tests/test_db.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from bot.cli import main as cli_main
from bot.config import Settings
from store.db import Store
from store.engine import Engine, open_store, open_store_at
from store.ingest import ingest_paths
from store.pg import PgStore
from store.records import MeetingRecord
from tests.helpers import SAMPLES, make_meeting, minutes_text
from tests.pg_server import EngineFactory
from tests.slack_stub import SlackStub

REPO = Path(__file__).resolve().parents[1]
CHANNEL = "C0MINUTES"


def test_both_engines_satisfy_the_interface(new_store: EngineFactory) -> None:
    assert isinstance(Store(None), Engine)
    assert isinstance(new_store("postgresql"), Engine)


def test_the_database_url_selects_postgresql(new_store: EngineFactory, tmp_path: Path) -> None:
    url = new_store.new_database_url()
    assert isinstance(open_store(Settings(database_url=url)), PgStore)
    assert isinstance(open_store(Settings(db_path=tmp_path / "r.json")), Store)
    assert isinstance(open_store(Settings(database_url=url), str(tmp_path / "x.json")), Store)
    assert isinstance(open_store_at(url), PgStore)
    assert url not in repr(open_store_at(url))


def test_municipalities_are_partitions_and_scopes(new_store: EngineFactory) -> None:
    url = new_store.new_database_url()
    kalundborg = PgStore(url, municipality="Kalundborg")
    holbaek = PgStore(url, municipality="Holbæk")
    kalundborg.ingest([make_meeting(1), make_meeting(2)])
    holbaek.ingest([make_meeting(1, items=1)])  # same meeting id, another municipality
    assert [len(s.items()) for s in (kalundborg, holbaek)] == [8, 2]
    assert len(PgStore(url).items()) == 10  # unscoped: everything
    assert holbaek.items_for_meeting("Direktionen|2000-01-02")[0].title == "Punkt 1 om ældrepleje"
    with psycopg.connect(url) as conn:
        parts = conn.execute(
            "SELECT count(*) FROM pg_partition_tree('referat_items') WHERE isleaf").fetchone()[0]
    assert parts == 2


def test_candidates_use_danish_stems_accents_and_trigrams(new_store: EngineFactory) -> None:
    store = new_store("postgresql")
    ingest_paths(store, [SAMPLES])
    items = {(m.meeting_id, n): r for m in store.meetings()
             for n, r in enumerate(store.items_for_meeting(m.meeting_id))}

    def titles(*terms: str) -> list[str]:
        return [items[key].title for key in store.candidates(list(terms), limit=5)]

    assert "Plasterordning" in titles("plasterordningen")[0]  # stemmed
    assert "Plasterordning" in titles("plasterordnig")[0]  # a typo: trigrams on the title
    assert titles("zzzyx") == []
    assert store.candidates([]) == []


def test_migrate_copies_a_tinydb_store_into_postgresql(
    new_store: EngineFactory, sample_store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Store(sample_store_path)
    source.state_put("follows", "U1", {"queries": ["plaster"]})
    url = new_store.new_database_url()
    assert cli_main(["migrate", "--db", str(sample_store_path), "--to", url]) == 0
    target = PgStore(url)

    def headers(store: Engine) -> list[MeetingRecord]:
        return [replace(m, ingested_at="") for m in store.meetings()]  # the copy's own time

    assert headers(target) == headers(source)
    assert target.items() == source.items()
    assert target.state_all("follows") == {"U1": {"queries": ["plaster"]}}
    assert "2 meetings" in capsys.readouterr().out
    assert cli_main(["migrate", "--db", str(sample_store_path), "--to", url]) == 0  # idempotent
    assert len(PgStore(url).items()) == len(source.items())


def _bot(url: str, stub: SlackStub, inbox: Path | None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REFERAT_"))}
    args = [sys.executable, "-m", "tests.bot_process", url, stub.api_url, CHANNEL]
    if inbox is not None:
        args.append(str(inbox))
    proc = subprocess.Popen(args, cwd=REPO, env=env, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _ask(proc: subprocess.Popen[str], question: str) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(question + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def test_two_bot_processes_share_one_store(
    new_store: EngineFactory, slack_stub: SlackStub, tmp_path: Path
) -> None:
    """One ingests (its watched folder), exactly one announces, both answer."""
    url = new_store.new_database_url()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bots = [_bot(url, slack_stub, inbox), _bot(url, slack_stub, None)]
    try:
        assert [_ask(bot, "plasterordning") for bot in bots] == ["-", "-"]
        (inbox / "m.txt").write_text(minutes_text(6), encoding="utf-8")
        slack_stub.wait_for("chat.postMessage", 1, timeout=30)
        time.sleep(1.5)  # many more ticks of both notifiers: still one announcement
        posts = [b for b in slack_stub.calls_to("chat.postMessage") if b["channel"] == CHANNEL]
        assert len(posts) == 1
        assert posts[0]["text"].startswith("Nyt referat: Direktionen (Kalundborg) 6. marts 2023")
        assert [_ask(bot, "plasterordning") for bot in bots] == ["18-034639K", "18-034639K"]
    finally:
        for bot in bots:
            assert bot.stdin is not None
            bot.stdin.close()
            bot.wait(30)


def test_the_cli_ingests_and_answers_on_postgresql(
    new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    url = new_store.new_database_url()
    monkeypatch.setenv("REFERAT_DATABASE_URL", url)
    assert cli_main(["ingest", str(SAMPLES)]) == 0
    assert re.search(r"^meetings\s+2\s", capsys.readouterr().out, re.M)
    assert cli_main(["ask", "--json", "plasterordning"]) == 0
    assert '"case_number": "18-034639K"' in capsys.readouterr().out
    assert len(PgStore(url).meetings()) == 2


def test_the_search_index_is_saved_in_postgresql_for_every_process(
    new_store: EngineFactory
) -> None:
    from store import index_cache
    from tests.helpers import CountingBuild

    url = new_store.new_database_url()
    PgStore(url).ingest([make_meeting(1), make_meeting(2)])
    build = CountingBuild()
    first = index_cache.load_or_build(PgStore(url), build)
    index_cache.wait_saved()
    second = index_cache.load_or_build(PgStore(url), build)  # another process starting
    assert build.calls == 1 and second.titles == first.titles
    assert index_cache.load_or_build(PgStore(url, municipality="Holbæk"), build).titles == []
    PgStore(url).ingest([make_meeting(3)])
    assert len(index_cache.load_or_build(PgStore(url), build).titles) == 12
    assert build.calls == 3


def test_postgresql_reloads_only_the_meetings_another_process_changed(
    new_store: EngineFactory
) -> None:
    url = new_store.new_database_url()
    PgStore(url).ingest([make_meeting(n) for n in range(1, 6)])
    reader = PgStore(url)
    before = {(r.meeting_id, r.item_number): r for r in reader.items()}
    PgStore(url).ingest([make_meeting(6), make_meeting(2, decision="Udsat.")])
    assert reader.refresh()
    after = reader.items()
    assert len(after) == len(before) + 4
    for r in after:
        old = before.get((r.meeting_id, r.item_number))
        if r.meeting_id == make_meeting(2).meeting_id:
            assert old is not None and r is not old and r.decision in ("Udsat.", "")
        elif old is not None:
            assert r is old  # an unchanged meeting's records are kept, not fetched again


def test_a_saved_index_larger_than_a_value_may_be_is_kept_in_parts(
    new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.pg

    monkeypatch.setattr(store.pg, "INDEX_PART", 1000)
    url = new_store.new_database_url()
    blob = os.urandom(4500)
    PgStore(url).save_index("k1", blob)
    assert PgStore(url).load_saved_index("k1") == blob
    assert PgStore(url).load_saved_index("k0") is None
    PgStore(url).save_index("k2", blob[:1500])  # replaces every part of the previous one
    assert PgStore(url).load_saved_index("k1") is None
    assert PgStore(url).load_saved_index("k2") == blob[:1500]
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM referat_saved_index_parts").fetchone()[0] == 2
        conn.execute("DELETE FROM referat_saved_index_parts WHERE part = 0")
    assert PgStore(url).load_saved_index("k2") is None  # a part missing: rebuilt, not misread
