"""The feedback table holds user ids and questions: it can be exported, deleted and expires."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.feedback import RETENTION_DAYS, TABLE, export_feedback, record_feedback
from store.db import Store
from tests.helpers import REPO


def _vote(store: Store, user: str, question: str, at: str | None = None) -> None:
    key = record_feedback(store, question=question, case_number="", vote="up", user=user)
    if at is not None:
        store.state_put(TABLE, key, {**store.state_get(TABLE, key), "at": at})


def _referat(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "feedback", *args, "--db", str(db)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)


def test_feedback_export_and_delete_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "referat.json"
    store = Store(db)
    now = datetime.now(UTC)
    _vote(store, "U0ALICE", "plaster?", at=(now - timedelta(days=20)).isoformat())
    _vote(store, "U0ALICE", "budget?")
    _vote(store, "U0BOB", "skoler?", at=(now - timedelta(days=5)).isoformat())
    week_ago = (now - timedelta(days=7)).date().isoformat()

    exported = _referat(db, "export", "--user", "U0ALICE")
    assert exported.returncode == 0, exported.stderr
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [e["question"] for e in lines] == ["plaster?", "budget?"]

    assert _referat(db, "delete").returncode == 2  # nothing named: refused, nothing deleted
    done = _referat(db, "delete", "--before", week_ago)
    assert done.returncode == 0 and "deleted 1 feedback entry" in done.stdout
    done = _referat(db, "delete", "--user", "U0BOB")
    assert "deleted 1" in done.stdout
    left = export_feedback(Store(db))
    assert [(e["user"], e["question"]) for e in left] == [("U0ALICE", "budget?")]
    assert "deleted 1" in _referat(db, "delete", "--all").stdout
    assert export_feedback(Store(db)) == []


def test_old_votes_expire_when_new_ones_come_in(tmp_path: Path) -> None:
    store = Store(tmp_path / "referat.json")
    old = (datetime.now(UTC) - timedelta(days=RETENTION_DAYS + 1)).isoformat(timespec="seconds")
    _vote(store, "U0ALICE", "gammelt spørgsmål", at=old)
    _vote(store, "U0BOB", "nyt spørgsmål")
    assert [e["question"] for e in export_feedback(store)] == ["nyt spørgsmål"]
