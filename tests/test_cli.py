"""The ``referat`` command line, driven in process through ``main(argv)`` on real store files,
plus one smoke test that runs it as a real subprocess the way a user or a service does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "minutes"
PLASTER = "18-034639K"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """``cli(*argv, stdin=...)`` -> (exit status, stdout, stderr), run in an empty folder."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", _Lines(stdin))
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


class _Lines:
    """A stdin that yields the given text line by line."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def __iter__(self):
        return iter(self.lines)

    def readline(self) -> str:
        return self.lines.pop(0) if self.lines else ""


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "store" / "referat.json")


@pytest.fixture
def loaded(cli, db: str) -> str:
    code, _, err = cli("ingest", "--db", db, str(SAMPLES))
    assert code == 0, err
    return db


# -- ingest -----------------------------------------------------------------------------------

def test_ingest_reports_counts_in_a_table_and_is_idempotent(cli, db: str) -> None:
    code, out, _ = cli("ingest", "--db", db, str(SAMPLES))
    assert code == 0
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:3]}
    assert rows == {"meetings": ["2", "0", "0"], "items": ["17", "0", "0"]}
    assert "files: 2 read, 0 skipped" in out
    before = Path(db).read_bytes()

    code, out, _ = cli("ingest", "--db", db, str(SAMPLES))
    assert code == 0
    assert out.splitlines()[1].split() == ["meetings", "0", "0", "2"]
    assert Path(db).read_bytes() == before


def test_ingest_keeps_the_saved_search_index_current(cli, loaded: str, tmp_path: Path) -> None:
    from store import index_cache
    from store.db import Store

    code, _, _ = cli("ask", "--db", loaded, "plasterordning")  # saves the index
    index_cache.wait_saved()  # as the command's process does before it exits
    assert code == 0 and index_cache.saved_for(Store(loaded))
    new = tmp_path / "new.txt"
    text = (SAMPLES / "direktionen-2023-02-20.txt").read_text(encoding="utf-8")
    new.write_text(text.replace("20-02-2023", "20-02-2031").replace("Plasterordning",
                                                                    "Forbindingsordning"),
                   encoding="utf-8")
    code, _, err = cli("ingest", "--db", loaded, str(new))
    assert code == 0, err
    assert index_cache.saved_for(Store(loaded))  # updated for the new meeting, not stale
    index = index_cache.load_or_build(Store(loaded), lambda store: pytest.fail("rebuilt"))
    assert "forbindingsordning" in index.df


def test_ingest_skips_bad_files_naming_each_once(cli, db: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "direktionen-2023-02-20.txt", folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 not minutes \xff" * 40)
    code, out, _ = cli("ingest", "--db", db, str(folder))
    assert code == 0
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and skipped[0].count("broken.txt") == 1, skipped


def test_ingest_exits_2_when_every_file_fails(cli, db: str, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("Shopping list: milk, bread.\n", encoding="utf-8")
    code, out, err = cli("ingest", "--db", db, str(bad), str(tmp_path / "missing.txt"))
    assert code == 2
    assert "notes.txt" in out and "missing.txt" in out
    assert "no minutes ingested" in err


def test_ingest_of_an_empty_folder_says_no_files_found(cli, db: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = cli("ingest", "--db", db, str(tmp_path / "empty"))
    assert code == 2
    assert "no files found" in err


def test_a_text_file_named_pdf_is_read_as_text(cli, db: str, tmp_path: Path) -> None:
    renamed = tmp_path / "direktionen.pdf"
    shutil.copy(SAMPLES / "direktionen-2023-02-20.txt", renamed)
    code, out, err = cli("ingest", "--db", db, str(renamed))
    assert code == 0, out + err
    assert out.splitlines()[1].split() == ["meetings", "1", "0", "0"]


def test_changed_file_updates_that_meeting(cli, loaded: str, tmp_path: Path) -> None:
    text = (SAMPLES / "direktionen-2023-02-20.txt").read_text(encoding="utf-8")
    changed = tmp_path / "changed.txt"
    changed.write_text(text.replace("Mødet aflyses.", "Mødet gennemføres."), encoding="utf-8")
    code, out, _ = cli("ingest", "--db", loaded, str(changed))
    assert code == 0
    assert out.splitlines()[1].split() == ["meetings", "0", "1", "0"]
    code, out, _ = cli("show", "--db", loaded, "22-011564")
    assert "Mødet gennemføres." in out and "aflyses" not in out


def test_ingest_progress_callback_sees_every_file_then_the_write(tmp_path: Path) -> None:
    from store.db import Store
    from store.ingest import ingest_paths

    events = []
    ingest_paths(Store(tmp_path / "s.json"), [SAMPLES], progress=events.append)
    assert [(e.stage, e.done, e.total) for e in events] == [
        ("read", 0, 2), ("read", 1, 2), ("write", 2, 2)]
    assert events[-1].bytes_done == events[-1].bytes_total > 0
    assert events[1].bytes_done == (SAMPLES / events[0].path.name).stat().st_size


def test_long_ingest_prints_plain_progress_lines_without_a_terminal(cli, db: str,
                                                                    tmp_path: Path) -> None:
    from bench.corpus import write_corpus

    write_corpus(tmp_path / "many", 60)
    code, out, err = cli("ingest", "--db", db, str(tmp_path / "many"))
    assert code == 0
    lines = err.splitlines()
    assert lines[0].startswith("reading: ") and lines[-1] == "read 60 files; writing the store"
    assert 5 <= len(lines) <= 12  # about one a tenth, not one a file
    assert "\x1b[" not in err  # no terminal codes in a log


def test_progress_bar_draws_on_a_terminal(tmp_path: Path) -> None:
    import io

    from bot.progress import IngestProgress
    from store.ingest import Progress

    stream = io.StringIO()
    with IngestProgress(stream, force_terminal=True) as progress:
        progress.update(Progress("read", 0, 3, 0, 300, tmp_path / "a.txt"))
        progress.update(Progress("read", 1, 3, 100, 300, tmp_path / "b.txt"))
        progress.bar.refresh()  # the bar redraws ten times a second; the test is faster
        progress.update(Progress("write", 3, 3, 300, 300))
    drawn = stream.getvalue()
    assert "b.txt" in drawn and "1/3 files" in drawn and "━" in drawn


# -- ask, show, meetings ----------------------------------------------------------------------

def test_show_prints_decision_and_recommendation(cli, loaded: str) -> None:
    code, out, err = cli("show", "--db", loaded, PLASTER)
    assert code == 0, err
    assert "Godkendt." in out and PLASTER in out
    assert 'Plasterordningen" ophører med udgangen af 2023' in out


def test_show_unknown_case_exits_1_with_one_line(cli, loaded: str) -> None:
    code, out, err = cli("show", "--db", loaded, "99-999999")
    assert code == 1
    assert out == "" and len(err.strip().splitlines()) == 1 and "99-999999" in err


def test_ask_exits_0_when_answered_and_1_when_nothing_matches(cli, loaded: str) -> None:
    assert cli("ask", "--db", loaded, "plasterordningen")[0] == 0
    code, out, _ = cli("ask", "--db", loaded, "vindmøller på Røsnæs")
    assert code == 1 and "fandt ikke" in out


def test_ask_json_matches_the_documented_shape(cli, loaded: str) -> None:
    code, out, err = cli("ask", "--json", "--db", loaded, "what was decided on the plaster scheme?")
    assert code == 0, err
    data = json.loads(out)
    assert data["question"] == "what was decided on the plaster scheme?"
    assert data["answer"].startswith("Decision: Godkendt.")
    top = data["results"][0]
    assert top["case_number"] == PLASTER
    assert {"case_number", "title", "item_number", "closed", "decision", "recommendation",
            "meeting", "score"} <= set(top)
    assert top["meeting"] == {"body": "Direktionen", "date": "2023-02-20",
                              "municipality": "Kalundborg"}


def test_ask_stdin_answers_every_line_in_order_and_exits_0(cli, loaded: str) -> None:
    questions = ["47221", "vindmøller på Røsnæs", "", "22-011564"]
    code, out, err = cli("ask", "--json", "--db", loaded, "-", stdin="\n".join(questions) + "\n")
    assert code == 0, err  # scoring scripts rely on 0 once every line is answered
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert lines[0]["results"][0]["case_number"] == "326-2015-47221"
    assert lines[1]["results"] == []
    assert lines[3]["results"][0]["case_number"] == "22-011564"


def test_meetings_lists_newest_first(cli, loaded: str) -> None:
    code, out, _ = cli("meetings", "--db", loaded)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("2023-02-20") and lines[1].startswith("2016-02-29")


def test_db_is_accepted_before_the_subcommand(cli, loaded: str) -> None:
    code, out, _ = cli("--db", loaded, "meetings")
    assert code == 0 and out.startswith("2023-02-20")


# -- errors that say what is wrong ------------------------------------------------------------

@pytest.mark.parametrize("argv", [["ask", "plaster"], ["show", PLASTER], ["meetings"]])
def test_a_missing_store_is_an_error_naming_where_it_looked(cli, argv: list[str]) -> None:
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert f"no store at {Path.cwd() / 'data' / 'referat.json'}" in err
    assert "relative to the working folder" in err and "referat ingest" in err


def test_a_missing_store_given_with_db_says_so(cli) -> None:
    code, _, err = cli("--db", "/nonexistent/dir/x.json", "ask", "plaster")
    assert code == 2
    assert "no store at /nonexistent/dir/x.json (from --db)" in err


def test_an_empty_store_says_no_minutes_yet(cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    code, _, err = cli("ask", "--db", str(empty), "plaster")
    assert code == 2 and "holds no minutes yet" in err


def test_corrupt_store_is_a_one_line_error_and_left_alone(cli, db: str) -> None:
    Path(db).parent.mkdir(parents=True)
    Path(db).write_text("{ this is not json", encoding="utf-8")
    code, _, err = cli("ingest", "--db", db, str(SAMPLES))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert Path(db).read_text(encoding="utf-8") == "{ this is not json"


def test_a_record_missing_a_field_is_named_with_the_field(cli, loaded: str) -> None:
    data = json.loads(Path(loaded).read_text(encoding="utf-8"))
    doc = next(d for d in data["items"].values() if d.get("case_number") == PLASTER)
    del doc["title"]
    Path(loaded).write_text(json.dumps(data), encoding="utf-8")
    code, _, err = cli("ask", "--db", loaded, "plaster")
    assert code == 2
    assert "internal error" not in err
    assert "Direktionen|2023-02-20 item 4" in err and "'title' is missing" in err


def test_unreachable_slack_names_the_proxy_settings(cli, loaded: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-unreachable")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test-unreachable")
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{port}/api/")
    code, _, err = cli("run", "--db", loaded)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # no retry noise
    assert "cannot reach Slack" in lines[0]
    assert "HTTPS_PROXY" in lines[0] and "SLACK_API_URL" in lines[0]


def test_run_mode_without_tokens_is_a_one_line_error(cli, db: str) -> None:
    code, _, err = cli("run", "--mode", "socket", "--db", db)
    assert code == 2
    assert err.strip() == "referat: Socket Mode needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN"


# -- configuration ----------------------------------------------------------------------------

def test_env_in_the_working_folder_is_read(cli, loaded: str) -> None:
    Path(".env").write_text(f"REFERAT_DB={loaded}\n", encoding="utf-8")
    code, out, _ = cli("meetings")
    assert code == 0 and out.startswith("2023-02-20")


def test_env_file_option_replaces_the_working_folder_env(cli, loaded: str,
                                                         tmp_path: Path) -> None:
    Path(".env").write_text("REFERAT_DB=/nowhere/else.json\n", encoding="utf-8")
    chosen = tmp_path / "service.env"
    chosen.write_text(f"REFERAT_DB={loaded}\n", encoding="utf-8")
    assert cli("--env-file", str(chosen), "meetings")[0] == 0
    assert cli("meetings", "--env-file", str(chosen))[0] == 0
    code, _, err = cli("--env-file", str(tmp_path / "missing.env"), "meetings")
    assert code == 2 and "missing.env not found" in err


def test_config_masks_secrets_and_names_each_origin(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "xoxb-1111-2222-verysecretvalue"
    Path(".env").write_text(f"SLACK_BOT_TOKEN={secret}\nPORT=8080\n", encoding="utf-8")
    monkeypatch.setenv("NOTIFY_CHANNEL", "C123")
    code, out, _ = cli("config")
    assert code == 0
    assert secret not in out and "verysecret" not in out
    rows = {line.split("=", 1)[0]: line for line in out.splitlines() if "=" in line}
    env_file = str(Path.cwd() / ".env")
    assert rows["SLACK_BOT_TOKEN"].endswith(f"# {env_file}") and "hidden" in rows["SLACK_BOT_TOKEN"]
    assert rows["PORT"].startswith("PORT=8080") and rows["PORT"].endswith(f"# {env_file}")
    assert rows["NOTIFY_CHANNEL"].endswith("# environment")
    assert rows["NOTIFY_DIGEST"].startswith("NOTIFY_DIGEST=off") and rows["NOTIFY_DIGEST"].endswith(
        "# default")


def test_empty_console_suggests_the_samples_only_for_the_default_store(
        cli, tmp_path: Path) -> None:
    shutil.copytree(SAMPLES, Path("examples/minutes"))
    _, out, _ = cli("run", "--mode", "console", stdin="quit\n")
    assert "referat ingest examples/minutes" in out
    _, out, _ = cli("run", "--mode", "console", "--db", str(tmp_path / "mine.json"),
                    stdin="quit\n")
    assert "referat ingest PATH" in out and "examples" not in out


def test_console_chat_answers_until_quit(cli, loaded: str) -> None:
    code, out, err = cli("run", "--db", loaded, stdin="18-034639\nquit\nnot reached\n")
    assert code == 0, err
    assert "Godkendt." in out and PLASTER in out and "not reached" not in out


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert "usage: referat " + command in capsys.readouterr().out


def test_parser_accepts_db_on_both_sides_for_every_command() -> None:
    for name in COMMANDS:
        extra = {"ingest": ["x"], "ask": ["q"], "show": ["1"], "check": ["x"],
                 "feedback": ["export"], "teams-package": ["--host", "h"],
                 "migrate": ["--to", "x"]}.get(name, [])
        assert build_parser().parse_args(["--db", "a", name, *extra]).db == "a"
        assert build_parser().parse_args([name, *extra, "--db", "b"]).db == "b"


# -- as a real process ------------------------------------------------------------------------

def test_smoke_the_installed_command_in_a_subprocess(tmp_path: Path) -> None:
    """The one end-to-end run: ``python -m bot`` as a service would start it, environment only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REFERAT_"))}
    env["REFERAT_DB"] = str(tmp_path / "referat.json")
    ingest = subprocess.run([sys.executable, "-m", "bot", "ingest", str(SAMPLES)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert ingest.returncode == 0, ingest.stderr
    ask = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "-"], input="47221\n",
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["results"][0]["case_number"] == "326-2015-47221"


def test_unreachable_slack_through_a_proxy_names_it_masked(cli, loaded: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-unreachable")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test-unreachable")
    monkeypatch.setenv("HTTPS_PROXY", f"http://kommune:hemmelig@127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "")
    code, _, err = cli("run", "--db", loaded)
    assert code == 2
    assert f"through the proxy HTTPS_PROXY=http://kommune:***@127.0.0.1:{port}" in err
    assert "hemmelig" not in err


def test_a_missing_store_from_env_file_names_that_file(cli, tmp_path: Path) -> None:
    Path(".env").write_text(f"REFERAT_DB={tmp_path / 'gone.json'}\n", encoding="utf-8")
    code, _, err = cli("meetings")
    assert code == 2
    assert f"no store at {tmp_path / 'gone.json'} (REFERAT_DB from {Path.cwd() / '.env'})" in err


def test_a_refused_app_token_is_a_one_line_error(cli, loaded: str, slack_stub,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    slack_stub.responses["apps.connections.open"] = {"ok": False, "error": "invalid_auth"}
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-0000")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test-refused")
    monkeypatch.setenv("SLACK_API_URL", slack_stub.api_url)
    code, _, err = cli("run", "--db", loaded)
    assert code == 2
    assert err.strip().splitlines() == [
        "referat: Slack rejected SLACK_APP_TOKEN (invalid_auth): it must be an app-level token "
        "(xapp-…) with the connections:write scope"]


def test_a_record_with_a_wrong_type_is_named_with_the_field(cli, loaded: str) -> None:
    data = json.loads(Path(loaded).read_text(encoding="utf-8"))
    doc = next(d for d in data["items"].values() if d.get("case_number") == PLASTER)
    doc["item_number"] = "fire"
    Path(loaded).write_text(json.dumps(data), encoding="utf-8")
    code, _, err = cli("ask", "--db", loaded, "plaster")
    assert code == 2 and "internal error" not in err
    assert ("item Kalundborg|Direktionen|2023-02-20 item fire fails validation: "
            "field 'item_number' is str, expected int or null") in err
