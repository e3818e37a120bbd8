"""The ``referat`` command line, invoked as a user would: a real subprocess on a real store file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "minutes"
PLASTER = "18-034639K"


def referat(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REFERAT_"))}
    env["REFERAT_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "referat.json"


@pytest.fixture
def loaded(db: Path) -> Path:
    done = referat("ingest", str(SAMPLES), db=db)
    assert done.returncode == 0, done.stderr
    return db


def test_ingest_reports_counts_and_is_idempotent(db: Path) -> None:
    first = referat("ingest", str(SAMPLES), db=db)
    assert first.returncode == 0
    assert "meetings: 2 added, 0 updated, 0 unchanged" in first.stdout
    assert "items: 17 added" in first.stdout
    before = db.read_bytes()

    again = referat("ingest", str(SAMPLES), db=db)
    assert again.returncode == 0
    assert "meetings: 0 added, 0 updated, 2 unchanged" in again.stdout
    assert db.read_bytes() == before


def test_ingest_skips_bad_files_and_keeps_good_ones(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "direktionen-2023-02-20.txt", folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 not minutes \xff" * 40)
    done = referat("ingest", str(folder), db=db)
    assert done.returncode == 0
    assert "meetings: 1 added" in done.stdout
    assert "skipped" in done.stdout and "broken.txt" in done.stdout


def test_ingest_exits_2_when_every_file_fails(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("Shopping list: milk, bread.\n", encoding="utf-8")
    done = referat("ingest", str(bad), str(tmp_path / "missing.txt"), db=db)
    assert done.returncode == 2
    assert "notes.txt" in done.stdout and "missing.txt" in done.stdout
    assert "Traceback" not in done.stderr


def test_changed_file_updates_that_meeting(loaded: Path, tmp_path: Path) -> None:
    text = (SAMPLES / "direktionen-2023-02-20.txt").read_text(encoding="utf-8")
    changed = tmp_path / "changed.txt"
    changed.write_text(text.replace("Mødet aflyses.", "Mødet gennemføres."), encoding="utf-8")
    done = referat("ingest", str(changed), db=loaded)
    assert done.returncode == 0
    assert "meetings: 0 added, 1 updated" in done.stdout
    answer = referat("show", "22-011564", db=loaded)
    assert "Mødet gennemføres." in answer.stdout
    assert "aflyses" not in answer.stdout


def test_show_prints_decision_and_recommendation(loaded: Path) -> None:
    done = referat("show", PLASTER, db=loaded)
    assert done.returncode == 0, done.stderr
    assert "Godkendt." in done.stdout
    assert "Plasterordningen\" ophører med udgangen af 2023" in done.stdout
    assert PLASTER in done.stdout


def test_show_unknown_case_is_a_one_line_error(loaded: Path) -> None:
    done = referat("show", "99-999999", db=loaded)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "99-999999" in done.stderr


def test_ask_json_matches_the_documented_shape(loaded: Path) -> None:
    done = referat("ask", "--json", "what was decided on the plaster scheme?", db=loaded)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["question"] == "what was decided on the plaster scheme?"
    assert data["answer"].startswith("Decision: Godkendt.")
    top = data["results"][0]
    assert top["case_number"] == PLASTER
    assert {"case_number", "title", "item_number", "closed", "decision", "recommendation",
            "meeting", "score"} <= set(top)
    assert top["meeting"] == {"body": "Direktionen", "date": "2023-02-20"}


def test_ask_stdin_answers_one_line_per_question_in_order(loaded: Path) -> None:
    questions = ["47221", "vindmøller på Røsnæs", "", "22-011564"]
    done = referat("ask", "--json", "-", db=loaded, stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert lines[0]["results"][0]["case_number"] == "326-2015-47221"
    assert lines[1]["results"] == []
    assert lines[3]["results"][0]["case_number"] == "22-011564"


def test_meetings_lists_newest_first(loaded: Path) -> None:
    done = referat("meetings", db=loaded)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2023-02-20") and lines[1].startswith("2016-02-29")


@pytest.mark.parametrize("command", ["ingest", "ask", "show", "meetings", "run"])
def test_every_command_has_help(command: str, db: Path) -> None:
    done = referat(command, "--help", db=db)
    assert done.returncode == 0
    assert "usage: referat " + command in done.stdout


def test_corrupt_store_is_a_one_line_error_and_left_alone(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_text("{ this is not json", encoding="utf-8")
    done = referat("ingest", str(SAMPLES), db=db)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert db.read_text(encoding="utf-8") == "{ this is not json"


def test_console_chat_answers_until_quit(loaded: Path) -> None:
    done = referat("run", db=loaded, stdin="18-034639\nquit\nnot reached\n")
    assert done.returncode == 0, done.stderr
    assert "Godkendt." in done.stdout and PLASTER in done.stdout
    assert "not reached" not in done.stdout


def test_run_mode_without_tokens_is_a_one_line_error(db: Path) -> None:
    done = referat("run", "--mode", "socket", db=db)
    assert done.returncode == 2
    assert done.stderr.strip() == "referat: Socket Mode needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN"


def test_console_mode_ignores_slack_tokens(loaded: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REFERAT_"))}
    env.update(REFERAT_DB=str(loaded), SLACK_BOT_TOKEN="xoxb-never-used")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--mode", "console"], input="47221\n",
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "326-2015-47221" in done.stdout


def test_procfile_lines_are_valid_commands() -> None:
    from bot.cli import build_parser

    lines = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(lines) == {"web", "worker"}
    modes = {}
    for kind, command in lines.items():
        words = command.split()
        assert words[0] == "referat"
        modes[kind] = build_parser().parse_args(words[1:]).mode
    assert modes == {"worker": "socket", "web": "http"}
