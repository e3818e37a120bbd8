"""A store one write behind takes the writer's journal instead of re-reading the whole file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import journal
from store.db import Store
from tests.helpers import make_meeting


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "referat.json"
    Store(path).ingest([make_meeting(n) for n in range(1, 6)])
    return path


def _records(store: Store) -> dict:
    return {(r.meeting_id, r.item_number): r for r in store.items()}


def _same_as_the_file(store: Store) -> None:
    fresh = Store(store.path)
    assert store.items() == fresh.items()
    assert store.meetings() == fresh.meetings()
    assert store.content_stamp() == fresh.content_stamp()


def test_a_reader_one_write_behind_applies_the_journal(path: Path) -> None:
    reader = Store(path)
    before = _records(reader)
    Store(path).ingest([make_meeting(6), make_meeting(2, decision="Udsat.")])
    assert journal.journal_path(path).exists()
    assert reader.refresh()
    after = _records(reader)
    kept = [key for key, r in after.items() if before.get(key) is r]
    # Unchanged items keep their very records: nothing was parsed again but the change.
    assert len(kept) == 4 * 4 and len(after) == 6 * 4
    assert after[(make_meeting(2).meeting_id, 1)].decision == "Udsat."
    _same_as_the_file(reader)


def test_a_reader_two_writes_behind_reads_the_file(path: Path) -> None:
    reader = Store(path)
    before = _records(reader)
    Store(path).ingest([make_meeting(6)])
    Store(path).ingest([make_meeting(7)])
    assert reader.refresh()
    assert not any(before.get(key) is r for key, r in _records(reader).items())
    _same_as_the_file(reader)


@pytest.mark.parametrize("damage", ["garbage", "other file", "other stamp", "bad doc"])
def test_a_journal_that_does_not_fit_is_not_used(path: Path, damage: str) -> None:
    reader = Store(path)
    Store(path).ingest([make_meeting(6)])
    target = journal.journal_path(path)
    doc = json.loads(target.read_text(encoding="utf-8"))
    if damage == "garbage":
        target.write_bytes(b"\x00not json")
    else:
        if damage == "other file":
            doc["sig"][1] += 1
        elif damage == "other stamp":
            doc["before"] = "0" * 32
        else:
            doc["tables"]["items"]["put"]["x"] = {"title": "forged"}
        target.write_text(json.dumps(doc), encoding="utf-8")
    assert reader.refresh()
    _same_as_the_file(reader)
    assert "forged" not in {r.title for r in reader.items()}


def test_a_large_write_leaves_no_journal(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = Store(path)
    monkeypatch.setattr(journal, "MAX_DOCS", 3)
    Store(path).ingest([make_meeting(6)])
    assert not journal.journal_path(path).exists()
    assert reader.refresh()
    _same_as_the_file(reader)


def test_a_writer_one_write_behind_catches_up_from_the_journal(path: Path) -> None:
    first, second = Store(path), Store(path)
    first.ingest([make_meeting(6)])
    second.ingest([make_meeting(7)])  # catches up with the first's write, then writes
    assert len(Store(path).meetings()) == 7
    _same_as_the_file(second)
    first.refresh()
    _same_as_the_file(first)
