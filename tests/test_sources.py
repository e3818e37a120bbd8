"""The watched folder: files dropped or replaced there are ingested once complete, never half."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from store.db import Store
from store.sources import FolderWatcher
from tests.helpers import meeting_id, minutes_text

SAMPLE_ITEMS = 10


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "referat.json")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def watcher_for(store: Store, inbox: Path) -> FolderWatcher:
    # A settle time of an hour: a fresh file is only ever taken after two equal polls.
    return FolderWatcher(store, inbox, settle_seconds=3600)


def test_a_dropped_file_is_ingested_once_it_is_stable(store: Store, inbox: Path) -> None:
    watcher = watcher_for(store, inbox)
    path = inbox / "direktionen.txt"
    path.write_text(minutes_text(6), encoding="utf-8")

    first = watcher.poll()
    assert first.waiting == [path] and not first.ingested
    assert store.meetings() == []

    second = watcher.poll()
    assert second.ingested == [path]
    assert second.report is not None and second.report.added == [meeting_id(6)]
    assert len(store.items_for_meeting(meeting_id(6))) == SAMPLE_ITEMS

    third = watcher.poll()
    assert not third.ingested and not third.waiting and not third.failed


def test_a_file_still_being_written_waits_until_it_is_complete(store: Store, inbox: Path) -> None:
    watcher = watcher_for(store, inbox)
    text = minutes_text(7)
    path = inbox / "copying.txt"
    half = len(text) // 2
    path.write_text(text[:half], encoding="utf-8")
    assert watcher.poll().waiting == [path]
    with path.open("a", encoding="utf-8") as handle:  # the copy goes on
        handle.write(text[half:])
    os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns + 1_000_000))
    assert watcher.poll().waiting == [path], "a file that changed since the last poll waits"
    assert store.meetings() == []
    assert watcher.poll().ingested == [path]
    assert len(store.items_for_meeting(meeting_id(7))) == SAMPLE_ITEMS


def test_a_file_that_does_not_parse_is_retried_only_when_it_changes(
    store: Store, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    watcher = watcher_for(store, inbox)
    path = inbox / "broken.txt"
    path.write_text("Dette er ikke et referat.\n", encoding="utf-8")
    watcher.poll()
    result = watcher.poll()
    assert [p for p, _ in result.failed] == [path]
    assert "broken.txt" in caplog.text
    again = watcher.poll()
    assert not again.failed and not again.ingested, "an unchanged broken file is not re-read"

    path.write_text(minutes_text(8), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns + 5_000_000))
    watcher.poll()
    assert watcher.poll().ingested == [path]
    assert store.meeting(meeting_id(8)) is not None


def test_same_file_again_changes_nothing_and_a_replaced_file_updates(
    store: Store, inbox: Path
) -> None:
    watcher = watcher_for(store, inbox)
    first = inbox / "a.txt"
    first.write_text(minutes_text(9), encoding="utf-8")
    watcher.poll()
    watcher.poll()
    revision = store.revision()

    shutil.copyfile(first, inbox / "a-copy.txt")
    watcher.poll()
    copy = watcher.poll()
    assert copy.report is not None and copy.report.unchanged == [meeting_id(9)]
    assert store.revision() == revision, "the same content again does not write the store"

    changed = minutes_text(9).replace("Taget til efterretning.", "Godkendt med ændringer.", 1)
    first.write_text(changed, encoding="utf-8")
    os.utime(first, ns=(time.time_ns(), first.stat().st_mtime_ns + 5_000_000))
    watcher.poll()
    update = watcher.poll()
    assert update.report is not None and update.report.updated == [meeting_id(9)]
    decisions = [r.decision for r in store.items_for_meeting(meeting_id(9))]
    assert "Godkendt med ændringer." in decisions


def test_files_already_there_at_start_are_taken_at_once(store: Store, inbox: Path) -> None:
    path = inbox / "old.txt"
    path.write_text(minutes_text(10), encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))
    watcher = FolderWatcher(store, inbox, settle_seconds=2.0)
    assert watcher.poll().ingested == [path]


def test_hidden_and_temporary_files_are_ignored(store: Store, inbox: Path) -> None:
    watcher = watcher_for(store, inbox)
    (inbox / ".partial.txt").write_text(minutes_text(11), encoding="utf-8")
    (inbox / "upload.tmp").write_text(minutes_text(12), encoding="utf-8")
    watcher.poll()
    result = watcher.poll()
    assert not result.ingested and not result.failed
    assert store.meetings() == []


def test_a_missing_folder_is_logged_not_fatal(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "not-yet"
    watcher = watcher_for(store, folder)
    assert not watcher.poll().ingested
    assert "does not exist" in caplog.text
    folder.mkdir()
    (folder / "m.txt").write_text(minutes_text(13), encoding="utf-8")
    watcher.poll()
    assert watcher.poll().ingested == [folder / "m.txt"]


def test_a_file_removed_and_put_back_is_read_again(store: Store, inbox: Path) -> None:
    watcher = watcher_for(store, inbox)
    path = inbox / "m.txt"
    path.write_text(minutes_text(14), encoding="utf-8")
    watcher.poll()
    assert watcher.poll().ingested == [path]
    stat = path.stat()
    path.unlink()
    watcher.poll()
    path.write_text(minutes_text(14), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and mtime as before
    watcher.poll()
    again = watcher.poll()
    assert again.ingested == [path]
    assert again.report is not None and again.report.unchanged == [meeting_id(14)]
