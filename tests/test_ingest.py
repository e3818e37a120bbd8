"""Files and folders into the store: scanning, per-file failures, one transaction per run."""

from __future__ import annotations

import logging
import os
import shutil
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from store.db import Store
from store.ingest import (
    CHUNK_FILES,
    FILES_PER_WORKER,
    NO_SUCH_FILE,
    POOL_MIN_BYTES,
    POOL_MIN_FILES,
    WORKER_CRASHED,
    Progress,
    SizePolicy,
    _chunk_files,
    _pool_size,
    collect_files,
    default_loader,
    ingest_paths,
    scan_paths,
    worker_count,
)
from store.records import Meeting, ParseError
from tests.helpers import make_meeting, meeting_id, minutes_text

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "examples" / "minutes"
SAMPLE_2023 = SAMPLES / "direktionen-2023-02-20.txt"
SAMPLE_2016 = SAMPLES / "direktionen-2016-02-29.txt"


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class TableLoader:
    """A loader that knows meetings by file name, and fails on request: ingest's error paths
    exercised without depending on what the parser accepts."""

    def __init__(self, meetings: dict[str, Meeting], failures: dict[str, Exception]) -> None:
        self.meetings = meetings
        self.failures = failures
        self.seen: list[str] = []

    def __call__(self, path: Path) -> Meeting:
        self.seen.append(path.name)
        if path.name in self.failures:
            raise self.failures[path.name]
        return self.meetings[path.name]


# -- scanning ----------------------------------------------------------------------------------


def test_collect_walks_folders_sorted_and_skips_hidden_and_non_minutes(tmp_path: Path) -> None:
    for name in ["b/2.txt", "a/1.pdf", "a/sub/3.docx", "c.txt", "noext", "a/Z.TXT",
                 ".hidden.txt", ".git/config", "a/.cache/x.txt",
                 "referat.json", "referat.json.lock", ".referat.json.abc.tmp", "README.md",
                 "scan.png", "tool.py"]:
        touch(tmp_path / name)
    got = [p.relative_to(tmp_path).as_posix() for p in collect_files([tmp_path])]
    assert got == ["a/1.pdf", "a/Z.TXT", "a/sub/3.docx", "b/2.txt", "c.txt", "noext"]


def test_explicit_files_are_always_tried_and_listed_once(tmp_path: Path) -> None:
    notes = touch(tmp_path / "notes.md")
    hidden = touch(tmp_path / ".draft.txt")
    folder_file = touch(tmp_path / "d" / "m.txt")
    files = collect_files([notes, tmp_path / "d", folder_file, str(hidden)])
    assert files == [notes, folder_file, hidden]


def test_a_file_reached_through_links_is_listed_once(tmp_path: Path) -> None:
    """Links to files and folders resolve to the file itself; broken links and pipes are no
    files."""
    first = touch(tmp_path / "a" / "1.txt")
    nested = touch(tmp_path / "a" / "sub" / "2.txt")
    touch(tmp_path / "b" / "3.txt")
    (tmp_path / "a" / "link1.txt").symlink_to("1.txt")
    (tmp_path / "a" / "link3.txt").symlink_to(Path("..", "b", "3.txt"))
    (tmp_path / "a" / "broken.txt").symlink_to("missing.txt")
    (tmp_path / "a" / "linkdir").symlink_to(Path("..", "b"))
    os.mkfifo(tmp_path / "a" / "pipe")
    (tmp_path / "alink").symlink_to("a")
    files = collect_files([tmp_path / "a", tmp_path / "alink", tmp_path / "b",
                           tmp_path / "alink" / "sub" / "2.txt"])
    assert files == [first, tmp_path / "a" / "link3.txt", nested]


def test_argument_order_is_kept(tmp_path: Path) -> None:
    new = touch(tmp_path / "new" / "m.txt")
    old = touch(tmp_path / "old" / "m.txt")
    assert collect_files([tmp_path / "old", tmp_path / "new"]) == [old, new]


def test_missing_paths_are_reported(tmp_path: Path) -> None:
    real = touch(tmp_path / "m.txt")
    files, missing = scan_paths([tmp_path / "nope", real, tmp_path / "gone" / "x.pdf"])
    assert files == [real]
    assert missing == [(str(tmp_path / "nope"), NO_SUCH_FILE),
                       (str(tmp_path / "gone" / "x.pdf"), NO_SUCH_FILE)]


def test_empty_folder(tmp_path: Path) -> None:
    assert collect_files([tmp_path]) == []


# -- ingest with a stand-in loader -------------------------------------------------------------


def test_failures_are_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]
    for name in names:
        touch(tmp_path / name)
    loader = TableLoader(
        {"a.txt": make_meeting(1), "e.txt": make_meeting(2)},
        {"b.txt": ParseError(f"{tmp_path / 'b.txt'}: no agenda items found"),
         "c.txt": PermissionError(13, "Permission denied"),
         "d.txt": KeyError("heading")},
    )
    store = Store(None)
    summary = ingest_paths(store, [tmp_path, tmp_path / "missing.txt"], loader=loader)
    assert loader.seen == names
    assert summary.files == 5
    assert summary.report.added == ["Direktionen|2000-01-02", "Direktionen|2000-01-03"]
    assert dict(summary.skipped) == {
        str(tmp_path / "missing.txt"): NO_SUCH_FILE,
        str(tmp_path / "b.txt"): f"{tmp_path / 'b.txt'}: no agenda items found",
        str(tmp_path / "c.txt"): "Permission denied",
        str(tmp_path / "d.txt"): "internal error: KeyError: 'heading'",
    }
    assert len(store.items()) == 8


def test_all_files_are_one_store_transaction(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    meetings = {f"{n:03d}.txt": make_meeting(n, items=1) for n in range(200)}
    for name in meetings:
        touch(tmp_path / "in" / name)
    db_path = tmp_path / "referat.json"
    writes: list[str] = []
    real_replace = os.replace

    def counting_replace(src: str, dst: str) -> None:
        writes.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", counting_replace)
    summary = ingest_paths(Store(db_path), [tmp_path / "in"], loader=TableLoader(meetings, {}))
    assert len(summary.report.added) == 200
    # One write of the store (beside it, the journal of that write for other processes).
    assert [w for w in writes if not w.endswith(".journal.json")] == [str(db_path)]


def test_same_meeting_twice_later_file_wins(tmp_path: Path) -> None:
    first = touch(tmp_path / "1-first.txt")
    second = touch(tmp_path / "2-second.txt")
    loader = TableLoader({first.name: make_meeting(1, decision="Udsat."),
                          second.name: make_meeting(1, decision="Godkendt.")}, {})
    store = Store(None)
    summary = ingest_paths(store, [tmp_path], loader=loader)
    assert summary.report.added == ["Direktionen|2000-01-02"]
    assert summary.skipped == [(str(first), "same meeting (Direktionen|2000-01-02) as "
                                            f"{second}, which is used instead")]
    assert {i.decision for i in store.items() if not i.closed} == {"Godkendt."}


def test_nothing_loaded_writes_nothing(tmp_path: Path) -> None:
    touch(tmp_path / "bad.txt")
    db_path = tmp_path / "db" / "referat.json"
    loader = TableLoader({}, {"bad.txt": ParseError("bad.txt: not minutes")})
    summary = ingest_paths(Store(db_path), [tmp_path / "bad.txt"], loader=loader)
    assert summary.report.added == [] and summary.files == 1
    assert not db_path.exists()


def test_default_loader_reads_documents_by_content() -> None:
    from store.extract import load_meeting

    loader = default_loader()
    assert loader.func is load_meeting  # with the default size policy's text limit
    assert loader.keywords == {"max_text_chars": 5_000_000}


# -- the real sample minutes -------------------------------------------------------------------

needs_parser = pytest.mark.skipif(
    not (REPO / "store" / "parse.py").is_file(), reason="the minutes parser is not present")


@needs_parser
def test_samples_ingest_twice_second_run_changes_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "referat.json"
    first = ingest_paths(Store(db_path), [SAMPLES])
    assert first.skipped == []
    assert first.files == 2
    assert sorted(first.report.added) == ["Kalundborg|Direktionen|2016-02-29",
                                         "Kalundborg|Direktionen|2023-02-20"]
    assert first.report.items_added == 17
    before = db_path.read_bytes()

    second = ingest_paths(Store(db_path), [SAMPLES])
    assert second.report.added == [] and second.report.updated == []
    assert sorted(second.report.unchanged) == sorted(first.report.added)
    assert second.report.items_unchanged == first.report.items_added
    assert db_path.read_bytes() == before

    store = Store(db_path)
    assert [m.date for m in store.meetings()] == ["2023-02-20", "2016-02-29"]
    first_item = store.items()[0]
    assert (first_item.case_number, first_item.decision) == ("23-001310",
                                                             "Taget til efterretning.")


@needs_parser
def test_changed_decision_in_a_copy_updates_that_meeting(tmp_path: Path) -> None:
    folder = tmp_path / "minutes"
    shutil.copytree(SAMPLES, folder)
    store = Store(tmp_path / "referat.json")
    ingest_paths(store, [folder])
    count = len(store.items())

    copy = folder / SAMPLE_2023.name
    text = copy.read_text(encoding="utf-8")
    assert text.count("Taget til efterretning.") >= 1
    copy.write_text(text.replace("Taget til efterretning.", "Godkendt med bemærkninger.", 1),
                    encoding="utf-8")
    summary = ingest_paths(store, [folder])
    assert summary.report.updated == ["Kalundborg|Direktionen|2023-02-20"]
    assert summary.report.unchanged == ["Kalundborg|Direktionen|2016-02-29"]
    assert len(store.items()) == count
    item = next(i for i in store.items() if i.case_number == "23-001310")
    assert item.decision == "Godkendt med bemærkninger."


@needs_parser
def test_bad_files_among_good_ones(tmp_path: Path) -> None:
    folder = tmp_path / "minutes"
    shutil.copytree(SAMPLES, folder)
    (folder / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (folder / "tom.txt").write_bytes(b"")
    store = Store(tmp_path / "referat.json")
    summary = ingest_paths(store, [folder])
    assert summary.files == 4
    skipped = dict(summary.skipped)
    assert set(skipped) == {str(folder / "scan.pdf"), str(folder / "tom.txt")}
    assert "PNG" in skipped[str(folder / "scan.pdf")]
    assert "empty" in skipped[str(folder / "tom.txt")]
    assert len(summary.report.added) == 2
    assert len(Store(tmp_path / "referat.json").meetings()) == 2


@needs_parser
def test_same_minutes_under_two_names(tmp_path: Path) -> None:
    shutil.copy(SAMPLE_2016, tmp_path / "a.txt")
    shutil.copy(SAMPLE_2016, tmp_path / "b.txt")
    summary = ingest_paths(Store(None), [tmp_path])
    assert summary.report.added == ["Kalundborg|Direktionen|2016-02-29"]
    assert [path for path, _ in summary.skipped] == [str(tmp_path / "a.txt")]


# -- reading in worker processes -----------------------------------------------------------------


def crash_on_crash_files(path: Path) -> Meeting:
    """A loader for worker processes: a file named ``crash*`` ends the process reading it at
    once, as a crash inside a C library would; any other file loads as usual."""
    from store.extract import load_meeting

    if path.name.startswith("crash"):
        os._exit(70)
    return load_meeting(path)


def bug_on_bug_files(path: Path) -> Meeting:
    """A loader for worker processes with a bug that only ``bug*`` files reach."""
    from store.extract import load_meeting

    if path.name.startswith("bug"):
        raise KeyError("heading")
    return load_meeting(path)


def _mixed_folder(folder: Path) -> None:
    """Minutes of ten meetings, one of them twice, and files that are refused for each reason."""
    for day in range(1, 11):
        touch(folder / f"m{day:02d}.txt", minutes_text(day))
    touch(folder / "m11-copy.txt", minutes_text(3))  # supersedes m03
    touch(folder / "empty.txt", "")
    (folder / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    touch(folder / "big.txt", "x" * 20_000)  # over the small policy below


def test_worker_processes_ingest_exactly_what_one_process_does(tmp_path: Path) -> None:
    _mixed_folder(tmp_path / "in")
    policy = SizePolicy(max_text_mb=0.01)  # 10,000 characters: more than any of the minutes
    runs = []
    for workers in (0, 2):
        events: list[Progress] = []
        store = Store(tmp_path / f"store-{workers}.json")
        summary = ingest_paths(store, [tmp_path / "in"], progress=events.append, policy=policy,
                               municipality="Testby", workers=workers)
        runs.append((summary, events, [r.to_doc() for r in store.items()]))
    (serial, serial_events, serial_items), (pooled, pooled_events, pooled_items) = runs
    assert len(serial.report.added) == 10 and serial.report.items_added > 10
    assert {Path(p).name for p, _ in serial.skipped} == {"m03.txt", "empty.txt", "scan.pdf",
                                                         "big.txt"}
    assert pooled.report == serial.report
    assert pooled.skipped == serial.skipped
    assert pooled.files == serial.files == 14
    assert pooled_events == serial_events
    assert pooled_items == serial_items
    assert {item["municipality"] for item in pooled_items} == {"Testby"}


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_crashing_worker_loses_only_its_own_file(tmp_path: Path, start: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Forked workers (one thread here) and spawned ones (a threaded process, the bot) alike."""
    import store.ingest

    monkeypatch.setattr(store.ingest, "_start_method", lambda: start)
    for day in range(1, 7):
        touch(tmp_path / f"m{day:02d}.txt", minutes_text(day))
    crash = touch(tmp_path / "crash.txt", minutes_text(20))
    store = Store(None)
    summary = ingest_paths(store, [tmp_path], loader=crash_on_crash_files, workers=2)
    assert summary.skipped == [(str(crash), WORKER_CRASHED)]
    assert sorted(summary.report.added) == [meeting_id(day) for day in range(1, 7)]
    assert {i.meeting_id for i in store.items()} == {meeting_id(day) for day in range(1, 7)}


def test_a_loader_bug_in_a_worker_is_reported_and_logged_here(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    touch(tmp_path / "a.txt", minutes_text(1))
    bug = touch(tmp_path / "bug.txt", minutes_text(2))
    with caplog.at_level(logging.ERROR, logger="store.ingest"):
        summary = ingest_paths(Store(None), [tmp_path], loader=bug_on_bug_files, workers=2)
    assert summary.skipped == [(str(bug), "internal error: KeyError: 'heading'")]
    assert summary.report.added == [meeting_id(1)]
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 1 and logged[0].startswith(f"internal error while reading {bug}\n")
    assert "Traceback" in logged[0] and "KeyError: 'heading'" in logged[0]


def test_worker_processes_only_for_long_runs_of_the_default_loader() -> None:
    cpus = worker_count()
    assert _pool_size(None, None, [6_000] * 3) == 0  # a handful of files: in-process
    assert _pool_size(None, None, [6_000] * POOL_MIN_FILES) == min(cpus, 2)
    assert _pool_size(None, None, [6_000] * 10_000) == min(cpus, 10_000 // FILES_PER_WORKER)
    assert _pool_size(None, None, [POOL_MIN_BYTES, 1]) == min(cpus, 2)  # few, but large
    assert _pool_size(None, TableLoader({}, {}), [6_000] * 500) == 0  # a loader with state
    assert _pool_size(2, TableLoader({}, {}), [6_000] * 3) == 2  # asked for
    assert _pool_size(4, None, [6_000]) == 0  # one file: nothing to share


class _NoProcesses:
    """A process pool where no process ever starts (a process limit, a main module that cannot
    be imported again)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def submit(self, *args: object, **kwargs: object) -> None:
        raise BrokenProcessPool("no process could be started")

    def shutdown(self, *args: object, **kwargs: object) -> None:
        pass


def test_without_worker_processes_the_files_are_read_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import store.ingest

    monkeypatch.setattr(store.ingest, "_spawn_pool", _NoProcesses)
    for day in range(1, 4):
        touch(tmp_path / f"m{day:02d}.txt", minutes_text(day))
    with caplog.at_level(logging.WARNING, logger="store.ingest"):
        summary = ingest_paths(Store(None), [tmp_path], workers=2)
    assert summary.skipped == []
    assert sorted(summary.report.added) == [meeting_id(day) for day in range(1, 4)]
    assert [r.getMessage() for r in caplog.records] == [
        "worker processes do not start; reading the remaining 3 files in this process"]


def test_tasks_are_smaller_when_files_are_few() -> None:
    assert _chunk_files(10_000, 2) == CHUNK_FILES
    assert _chunk_files(20, 2) == 2  # four tasks queued for each of two workers
    assert _chunk_files(2, 2) == 1  # two large PDFs: one for each worker
