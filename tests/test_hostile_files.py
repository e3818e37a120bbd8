"""Hostile files through the real ingest: bounded in size and time, refused with a clear reason.

The files are generated here (see :mod:`tests.hostile_files`); each test runs the ingest a user
would run (``ingest_paths`` or the ``referat ingest`` command) and checks what it reported.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.db import Store
from store.extract import read_document
from store.ingest import SizePolicy, ingest_paths
from tests import hostile_files
from tests.helpers import REPO, SAMPLES

SAMPLE = SAMPLES / "direktionen-2023-02-20.txt"


def _ingest_one(tmp_path: Path, path: Path, **kwargs) -> tuple[float, str]:
    """Ingest one file into a fresh store; returns seconds taken and the skip reason."""
    store = Store(tmp_path / "referat.json")
    started = time.monotonic()
    summary = ingest_paths(store, [path], **kwargs)
    elapsed = time.monotonic() - started
    assert not summary.report.changed, "a hostile file must not reach the store"
    [(_, reason)] = summary.skipped
    return elapsed, reason


def test_a_word_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = hostile_files.docx_bomb(tmp_path / "bomb.docx", unpacked_mb=60)
    assert bomb.stat().st_size < 1_000_000
    elapsed, reason = _ingest_one(tmp_path, bomb)
    assert elapsed < 2
    assert "too large" in reason and "document.xml" in reason and "limit is 25 MB" in reason


def test_a_pdf_listing_100000_pages_is_refused_at_once(tmp_path: Path) -> None:
    pdf = hostile_files.pdf_many_pages(tmp_path / "pages.pdf")
    elapsed, reason = _ingest_one(tmp_path, pdf)
    assert elapsed < 2
    assert "100,000 pages" in reason and "limit" in reason


def test_a_pdf_that_stops_paying_its_time_budget_is_refused(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from store import extract

    pdf = hostile_files.text_pdf(tmp_path / "m.pdf", SAMPLE.read_text(encoding="utf-8"))
    monkeypatch.setattr(extract, "PDF_MAX_SECONDS", -1.0)
    _, reason = _ingest_one(tmp_path, pdf)
    assert "took over" in reason and "refused" in reason


def test_a_huge_text_file_is_refused_with_how_to_raise_the_limit(tmp_path: Path) -> None:
    big = hostile_files.big_text(tmp_path / "big.txt", 6, SAMPLE.read_text(encoding="utf-8"))
    elapsed, reason = _ingest_one(tmp_path, big)
    assert elapsed < 2
    assert "too large" in reason and "5 MB" in reason and "--max-size" in reason


def test_the_size_policy_is_one_for_every_intake(tmp_path: Path) -> None:
    """The same refusal from the command line, the watched folder and (see test_feed) the feed."""
    from store.sources import FolderWatcher

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "m.txt").write_bytes(SAMPLE.read_bytes())
    policy = SizePolicy(max_text_mb=0.001)
    watcher = FolderWatcher(Store(tmp_path / "w.json"), inbox, settle_seconds=0, policy=policy)
    [(_, reason)] = watcher.poll().failed
    assert "too large" in reason and "--max-size" in reason

    db = tmp_path / "cli.json"
    cli = [sys.executable, "-m", "bot", "ingest", "--db", str(db), str(inbox / "m.txt")]
    refused = subprocess.run([*cli, "--max-size", "0.001"], cwd=REPO, capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2
    assert "too large" in refused.stdout + refused.stderr
    accepted = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert accepted.returncode == 0, accepted.stderr
    assert re.search(r"^meetings\s+1\s", accepted.stdout, re.M), accepted.stdout


def test_an_aes_pdf_without_a_user_password_opens(tmp_path: Path) -> None:
    plain = hostile_files.text_pdf(tmp_path / "plain.pdf", SAMPLE.read_text(encoding="utf-8"))
    for algorithm in ("AES-128", "AES-256"):
        locked = hostile_files.encrypted_pdf(plain, tmp_path / f"{algorithm}.pdf",
                                             algorithm=algorithm)
        assert read_document(locked) == read_document(plain)


def test_only_a_pdf_that_needs_a_password_is_called_encrypted(tmp_path: Path) -> None:
    plain = hostile_files.text_pdf(tmp_path / "plain.pdf", SAMPLE.read_text(encoding="utf-8"))
    locked = hostile_files.encrypted_pdf(plain, tmp_path / "locked.pdf", user_password="pw")
    _, reason = _ingest_one(tmp_path, locked)
    assert reason.endswith("encrypted PDF (a password is needed to open it)")


def test_without_its_aes_backend_the_message_says_what_to_install(tmp_path: Path) -> None:
    plain = hostile_files.text_pdf(tmp_path / "plain.pdf", SAMPLE.read_text(encoding="utf-8"))
    locked = hostile_files.encrypted_pdf(plain, tmp_path / "aes.pdf")
    script = (
        "import sys; sys.modules['cryptography'] = None\n"  # as an install without it
        "from store.extract import read_document\n"
        f"read_document({str(locked)!r})\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert "install the cryptography package" in done.stderr
    assert "damaged" not in done.stderr
