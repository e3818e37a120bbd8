"""Real processes against one store file: killed mid-write, and two writers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from store.db import Store
from tests.helpers import make_meeting

REPO = Path(__file__).resolve().parents[1]

# Builds a large batch in the child and ingests it in one transaction (a ~20 MB write), so the
# window between "temporary file created" and "os.replace" is wide enough to kill inside.
BIG_INGEST = textwrap.dedent("""
    import sys
    from store.db import Store
    from tests.helpers import make_meeting
    path, count = sys.argv[1], int(sys.argv[2])
    meetings = [make_meeting(n, body="Teknik- og Miljøudvalget", items=10) for n in range(count)]
    for meeting in meetings:
        for item in meeting.items:
            item.text = "Sagen vedrører vintertjeneste og vejvedligeholdelse. " * 30
        meeting.content_hash = meeting.compute_hash()
    Store(path).ingest(meetings)
    print("done")
""")

# One meeting and one state key per transaction, so two such processes interleave their writes.
SMALL_WRITES = textwrap.dedent("""
    import sys
    from store.db import Store
    from tests.helpers import make_meeting
    path, body, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(path)
    for n in range(count):
        store.ingest([make_meeting(n, body=body, items=2)])
        store.state_put("feedback", f"{body}-{n}", {"n": n})
    print("done")
""")

PATHS_INGEST = textwrap.dedent("""
    import sys
    from store.db import Store
    from store.ingest import ingest_paths
    summary = ingest_paths(Store(sys.argv[1]), [sys.argv[2]])
    print(len(summary.report.added))
""")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _temp_files(db_path: Path) -> list[Path]:
    return [p for p in db_path.parent.iterdir()
            if p.name.startswith(f".{db_path.name}.") and p.name.endswith(".tmp")]


def _kill_when_temp_appears(proc: subprocess.Popen[str], db_path: Path,
                            timeout: float = 60.0) -> bool:
    """SIGKILL ``proc`` as soon as its temporary file exists; True if it was caught mid-write."""
    deadline = time.monotonic() + timeout
    caught = False
    while time.monotonic() < deadline and proc.poll() is None:
        if _temp_files(db_path):
            proc.send_signal(signal.SIGKILL)
            caught = True
            break
        time.sleep(0.0005)
    if proc.poll() is None and not caught:
        proc.kill()
    proc.communicate(timeout=30)
    return caught and proc.returncode == -signal.SIGKILL


def _snapshot(store: Store) -> tuple[object, ...]:
    return (store.meetings(), store.items(), store.state_all("follows"), store.stats().updated_at)


def _seed(db_path: Path) -> tuple[bytes, tuple[object, ...]]:
    store = Store(db_path)
    store.ingest([make_meeting(n) for n in range(20)])
    store.state_put("follows", "U1", {"cases": ["23-001310"]})
    return db_path.read_bytes(), _snapshot(store)


def test_killed_mid_write_leaves_the_previous_store(tmp_path: Path) -> None:
    db_path = tmp_path / "referat.json"
    before_bytes, before = _seed(db_path)
    caught = 0
    for _attempt in range(3):
        proc = _spawn(BIG_INGEST, str(db_path), "2000")
        if not _kill_when_temp_appears(proc, db_path):
            # The writer finished before the poll saw its temporary file (a busy machine):
            # put the old store back and try again.
            db_path.write_bytes(before_bytes)
            continue
        caught += 1
        assert _temp_files(db_path), "the half-written temporary file should be left behind"
        assert db_path.read_bytes() == before_bytes
        assert _snapshot(Store(db_path)) == before
    assert caught >= 1, "never managed to kill the writer while it was writing"

    # The leftovers do not disturb the next run, which also cleans them up.
    store = Store(db_path)
    report = store.ingest([make_meeting(100)])
    assert report.added == ["Direktionen|2000-04-17"]
    assert _temp_files(db_path) == []
    assert len(Store(db_path).meetings()) == 21


def test_killed_at_random_moments(tmp_path: Path) -> None:
    # Kills spread over the child's whole life: start-up, building, serialising, writing.
    db_path = tmp_path / "referat.json"
    before_bytes, before = _seed(db_path)
    for delay in (0.3, 0.6, 0.9, 1.2):
        proc = _spawn(BIG_INGEST, str(db_path), "1500")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        current = db_path.read_bytes()
        if proc.returncode == 0:  # finished before the kill: then it must be complete
            assert len(Store(db_path).meetings()) == 1520
            return
        assert current == before_bytes
        assert _snapshot(Store(db_path)) == before


def test_killed_during_ingest_of_generated_minutes(generated_1000: Path, tmp_path: Path) -> None:
    corpus = generated_1000
    db_path = tmp_path / "referat.json"
    before_bytes, before = _seed(db_path)
    for _attempt in range(3):
        proc = _spawn(PATHS_INGEST, str(db_path), str(corpus))
        if _kill_when_temp_appears(proc, db_path, timeout=120):
            break
        db_path.write_bytes(before_bytes)  # finished before the poll saw it: try again
    else:
        pytest.fail("never managed to kill the ingest while it was writing")
    assert db_path.read_bytes() == before_bytes
    assert _snapshot(Store(db_path)) == before
    # A complete run afterwards works on top of the leftovers and removes them.
    rerun = _spawn(PATHS_INGEST, str(db_path), str(corpus))
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert int(out.strip()) > 900
    assert _temp_files(db_path) == []
    assert len(Store(db_path).meetings()) > 900


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "referat.json"
    reader = Store(db_path)
    revision = reader.revision()
    count = 25
    procs = [_spawn(SMALL_WRITES, str(db_path), body, str(count))
             for body in ("Direktionen", "Økonomiudvalget")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "done"

    final = Store(db_path)
    ids = {m.meeting_id for m in final.meetings()}
    assert len(ids) == 2 * count
    assert {i.split("|")[0] for i in ids} == {"Direktionen", "Økonomiudvalget"}
    assert len(final.items()) == 2 * count * 3
    assert len(final.state_all("feedback")) == 2 * count

    # A reader opened before any of it sees everything after one refresh.
    assert reader.meetings() == []
    assert reader.refresh() is True
    assert reader.revision() > revision
    assert {m.meeting_id for m in reader.meetings()} == ids
    assert reader.state_all("feedback") == final.state_all("feedback")
    assert reader.refresh() is False
