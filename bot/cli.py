"""The ``referat`` command line: ingest minutes, ask questions, run the bot.

A thin layer over ``store/``: every command calls the same functions the console chat and Slack
use, so the three can never disagree. Each subcommand is one ``cmd_*`` function and one entry in
:data:`COMMANDS`; adding a command means adding both.

Exit status: 0 answered (or done), 1 nothing matched, 2 a usage or data error (a missing store,
an empty store, a bad setting, a store record that fails validation). Errors are one line on
stderr; nothing here prints a traceback unless ``LOG_LEVEL=DEBUG``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from store.records import ReferatError

from .config import DEFAULT, ENVIRONMENT, ConfigError, Loaded, describe, load_settings

log = logging.getLogger("referat")

EXIT_OK = 0
EXIT_NO_MATCH = 1
EXIT_ERROR = 2
SHOW_LIMIT = 50  # every meeting a case passed through, not just the top few


@dataclass
class Context:
    """What every command gets: its arguments, the loaded settings and where to print."""

    args: argparse.Namespace
    loaded: Loaded
    out: TextIO
    err: TextIO

    @property
    def db_path(self) -> Path:
        return Path(self.args.db) if self.args.db else self.loaded.settings.db_path

    @property
    def database_url(self) -> str:
        """The PostgreSQL store named by ``--db`` or ``REFERAT_DATABASE_URL``, else ""."""
        from store.engine import is_database_url

        if self.args.db:
            return self.args.db if is_database_url(self.args.db) else ""
        return self.loaded.settings.database_url

    def db_origin(self) -> str:
        """Where the store path came from, for messages that must say where we looked."""
        if self.args.db:
            return "from --db"
        origin = self.loaded.origin("REFERAT_DB")
        if origin == DEFAULT:
            return f"the default, relative to the working folder {Path.cwd()}"
        if origin == ENVIRONMENT:
            return "REFERAT_DB from the environment"
        return f"REFERAT_DB from {origin}"


class NoStore(ReferatError):
    """The store file is missing or holds no minutes: nothing can be answered."""


def _open_store(ctx: Context):
    from store.engine import open_store

    return open_store(ctx.loaded.settings, ctx.args.db)


def _open_filled_store(ctx: Context):
    """The store, which must exist and hold minutes; otherwise say where we looked and why."""
    path = ctx.db_path
    if not ctx.database_url and not path.exists():
        raise NoStore(f"no store at {path.resolve()} ({ctx.db_origin()}); "
                      "run `referat ingest PATH` first, or point --db or REFERAT_DB at your store")
    store = _open_store(ctx)
    if store.stats().meetings == 0:
        where = "the PostgreSQL store" if ctx.database_url else f"the store {path.resolve()}"
        raise NoStore(f"{where} holds no minutes yet; "
                      "run `referat ingest PATH` first")
    return store


def _searcher(ctx: Context):
    from store.search import Searcher

    return Searcher(_open_filled_store(ctx))


def _saved_index(store):
    """A searcher holding the store's saved search index, if there is one (else None).

    Loaded before an ingest so that the ingest can update it for the meetings it changes: the
    bot's next start then loads the index instead of spending seconds building it.
    """
    from store.index_cache import saved_for
    from store.search import Searcher

    if not saved_for(store):
        return None
    searcher = Searcher(store)
    searcher.index()
    return searcher


# -- commands ---------------------------------------------------------------------------------

def cmd_ingest(ctx: Context) -> int:
    """Ingest files and folders; exit 2 when nothing was found or no file could be used."""
    from store.ingest import SizePolicy, ingest_paths

    from .progress import IngestProgress, print_summary

    store = _open_store(ctx)
    settings = ctx.loaded.settings
    policy = SizePolicy(ctx.args.max_size) if ctx.args.max_size else settings.size_policy
    kept = _saved_index(store)
    with IngestProgress(ctx.err) as progress:
        summary = ingest_paths(store, ctx.args.paths, policy=policy,
                               progress=progress.update,
                               municipality=ctx.args.municipality)
    if kept is not None and summary.report.changed:
        kept.update_index()
    if summary.files == 0 and not summary.skipped:
        print("referat: no files found in " + ", ".join(ctx.args.paths), file=ctx.err)
        return EXIT_ERROR
    print_summary(summary, ctx.out)
    report = summary.report
    if not (report.added or report.updated or report.unchanged):
        reason = "no files found" if summary.files == 0 else "no file could be read as minutes"
        print(f"referat: no minutes ingested ({reason})", file=ctx.err)
        return EXIT_ERROR
    from store.semantic import embed_store

    # Meaning search needs each item's vector; the items are searchable by words meanwhile.
    embed_store(store, lambda line: print(line, file=ctx.err, flush=True),
                budget_s=settings.semantic_ingest_seconds)
    return EXIT_OK


def cmd_ask(ctx: Context) -> int:
    """Answer one question (exit 1 when nothing matches), or with ``-`` one question a line
    from stdin (exit 0 once every line is answered, so scripts can zip input and output)."""
    from store.answer import answer_text, result_json

    searcher = _searcher(ctx)
    args, out = ctx.args, ctx.out
    if args.question != ["-"]:
        result = searcher.search(" ".join(args.question))
        if args.json:
            print(json.dumps(result_json(result), ensure_ascii=False), file=out)
        else:
            print(answer_text(result), file=out)
        return EXIT_OK if result.hits else EXIT_NO_MATCH
    for line in sys.stdin:
        question = line.strip()
        if not question:
            if args.json:
                # Keep one output line per input line, so callers can zip them.
                print(json.dumps({"question": "", "answer": "", "results": []}), file=out)
            continue
        result = searcher.search(question)
        if args.json:
            print(json.dumps(result_json(result), ensure_ascii=False), file=out, flush=True)
        else:
            print(answer_text(result), file=out, flush=True)
            print(file=out)
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    """Every item filed under one case number, newest meeting first.

    Only exact case matches count here (any spelling of the same number); a near miss exits 1
    and names the suggestions, because ``show`` is for when you know the number.
    """
    from store.answer import answer_text

    result = _searcher(ctx).search(ctx.args.case_number, limit=SHOW_LIMIT)
    exact = [hit for hit in result.hits if hit.match == "case"]
    if not exact:
        near = sorted({h.record.case_number or "" for h in result.hits if h.match == "case_fuzzy"})
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        print(f"referat: no item with case number {ctx.args.case_number}{hint}", file=ctx.err)
        return EXIT_NO_MATCH
    print(answer_text(replace(result, hits=exact, did_you_mean=False)), file=ctx.out)
    return EXIT_OK


def cmd_check(ctx: Context) -> int:
    """Show how files are read, without storing them; 2 when a file yields no meeting."""
    from store.check import check_paths

    lines, failed = check_paths(ctx.args.paths)
    print("\n".join(lines), file=ctx.out)
    return EXIT_ERROR if failed else EXIT_OK


def cmd_meetings(ctx: Context) -> int:
    """List meetings, newest first."""
    store = _open_filled_store(ctx)
    for m in store.meetings():
        print(f"{m.date or 'undated':10}  {m.body}  ({m.item_count} items)  {m.source}",
              file=ctx.out)
    return EXIT_OK


def cmd_config(ctx: Context) -> int:
    """Print the effective settings, secrets masked, each with where it came from."""
    files = ", ".join(str(f) for f in ctx.loaded.files) or "none found"
    print(f"# .env files read: {files}", file=ctx.out)
    rows = describe(ctx.loaded)
    if ctx.args.db:
        rows = [("REFERAT_DB", ctx.args.db, "--db") if name == "REFERAT_DB" else
                (name, value, origin) for name, value, origin in rows]
    width = max(len(name) + len(value) for name, value, _ in rows) + 1
    for name, value, origin in rows:
        print(f"{f'{name}={value}':{width}}  # {origin}", file=ctx.out)
    return EXIT_OK


def cmd_feedback(ctx: Context) -> int:
    """Export (JSON lines) or delete the stored 👍/👎 votes, which hold user ids and questions."""
    from .feedback import delete_feedback, export_feedback

    args = ctx.args
    store = _open_store(ctx)
    if args.action == "export":
        for entry in export_feedback(store, user=args.user):
            print(json.dumps(entry, ensure_ascii=False), file=ctx.out)
        return EXIT_OK
    if args.user is None and args.before is None and not args.all:
        raise ConfigError("feedback delete needs --user, --before or --all")
    deleted = delete_feedback(store, user=args.user, before=args.before)
    print(f"deleted {deleted} feedback entr{'y' if deleted == 1 else 'ies'}", file=ctx.out)
    return EXIT_OK


def cmd_migrate(ctx: Context) -> int:
    """Copy a store (default: the TinyDB file) into another, e.g. PostgreSQL; safe to repeat."""
    from store.engine import copy_store, open_store, open_store_at

    source = open_store(replace(ctx.loaded.settings, database_url=""), ctx.args.db)
    meetings, items, keys = copy_store(source, open_store_at(ctx.args.to))
    print(f"copied {meetings} meetings, {items} items and {keys} state entries", file=ctx.out)
    return EXIT_OK


def cmd_run(ctx: Context) -> int:
    """Start the bot: Slack when tokens are set, otherwise the console chat.

    ``--mode`` pins the mode, so a service started in Socket Mode never falls back to a console
    chat that exits at once when a token is missing.
    """
    from .runner import run, run_teams

    settings = ctx.loaded.settings
    if ctx.database_url:
        settings = replace(settings, database_url=ctx.database_url)
    else:
        settings = replace(settings, db_path=ctx.db_path, database_url="")
    mode = ctx.args.mode
    if mode == "teams":
        run_teams(settings)
        return EXIT_OK
    if mode == "http":
        settings = replace(settings, slack_app_token="")
    elif mode == "console":
        settings = replace(settings, slack_bot_token="", slack_app_token="")
    elif mode == "socket" and not (settings.slack_app_token and settings.slack_bot_token):
        raise ConfigError("Socket Mode needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN")
    if mode in {"http", "socket"} and not settings.slack_bot_token:
        raise ConfigError(f"{mode} mode needs SLACK_BOT_TOKEN")
    run(settings, ingest_hint=ingest_hint(ctx))
    return EXIT_OK


def ingest_hint(ctx: Context) -> str:
    """What the empty console suggests ingesting: the bundled samples only for the default
    store of a checkout, never for a store the user chose."""
    chosen = ctx.args.db or ctx.loaded.origin("REFERAT_DB") != DEFAULT
    samples = Path("examples/minutes")
    return "PATH" if chosen or not samples.is_dir() else str(samples)


# -- the parser -------------------------------------------------------------------------------

Command = Callable[[Context], int]


@dataclass(frozen=True)
class Spec:
    """One subcommand: its handler, its one-line help and its own arguments."""

    func: Command
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None] = lambda p: None


def _positive_mb(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a size in MB above 0, got {value!r}")
    return number


def _iso_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _ingest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--municipality", metavar="NAME",
                   help="the municipality these minutes belong to (else read from the text)")
    p.add_argument("--max-size", type=_positive_mb, metavar="MB",
                   help="most text a file may hold, in MB (default $MINUTES_MAX_SIZE_MB, else 5); "
                   "PDF and Word files may be ten times that on disk")


def _feedback_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("export", "delete"))
    p.add_argument("--user", help="only this Slack user id")
    p.add_argument("--before", type=_iso_date, metavar="DATE",
                   help="only votes recorded before this date (YYYY-MM-DD; delete only)")
    p.add_argument("--all", action="store_true", help="delete every vote")


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="FILE")


def _ask_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", nargs="+", metavar="QUESTION")
    p.add_argument("--json", action="store_true", help="print the answer and results as JSON")


def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("case_number", metavar="CASE_NUMBER")


def cmd_teams_package(ctx: Context) -> int:
    """Zip the Teams app package (manifest and icons) with the app id and host filled in."""
    from .teams.package import build_package

    args = ctx.args
    path = build_package(args.app_id or ctx.loaded.settings.teams_app_id, args.host,
                         Path(args.out))
    print(f"wrote {path}: upload it in Teams (Apps > Manage your apps > Upload an app)",
          file=ctx.out)
    return EXIT_OK


def _teams_package_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", required=True,
                   help="public host name that serves /api/messages, e.g. referat.kommune.dk")
    p.add_argument("--app-id", default="", help="Microsoft App ID (default: $TEAMS_APP_ID)")
    p.add_argument("--out", default="referat-teams.zip", help="zip file to write")


def _migrate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, metavar="URL", help="the target store")


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=["auto", "socket", "http", "console", "teams"],
                   default="auto",
                   help="auto (default): chosen from the Slack variables that are set; "
                   "teams: Microsoft Teams at POST /api/messages on PORT")


COMMANDS: dict[str, Spec] = {
    "ingest": Spec(cmd_ingest, "read minutes files or folders into the store",
                   "Read minutes (.txt, .pdf, .docx; folders recursively) into the store. "
                   "Files that cannot be read are reported and skipped.", _ingest_args),
    "check": Spec(cmd_check, "show how files are read, without storing them",
                  "Show how each file is read: meeting facts, every item (number, title, case "
                  "number, closed, first line of the decision) and what was ignored as page "
                  "furniture. Exits 2 when a file yields no meeting.", _check_args),
    "ask": Spec(cmd_ask, "ask a question or look up a case number",
                "Answer a question (exit 1 when nothing matches). With '-' read one question a "
                "line from stdin (with --json: one JSON object a line on stdout, in order; "
                "exit 0 once all are answered).", _ask_args),
    "show": Spec(cmd_show, "every item with a case number, newest first",
                 "Show every agenda item filed under CASE_NUMBER, newest meeting first.",
                 _show_args),
    "meetings": Spec(cmd_meetings, "list the meetings in the store",
                     "List the meetings in the store, newest first."),
    "config": Spec(cmd_config, "print the effective settings and where each came from",
                   "Print every setting (secrets masked) and its origin: the environment, "
                   "a .env file, --db, or the default."),
    "feedback": Spec(cmd_feedback, "export or delete the stored 👍/👎 votes",
                     "The feedback table holds chat user ids and their questions. "
                     "'export' prints it as JSON lines; 'delete' removes entries.", _feedback_args),
    "migrate": Spec(cmd_migrate, "copy the store into another (e.g. PostgreSQL)",
                    "Copy every meeting, item and state entry of the store (--db, default the "
                    "TinyDB file $REFERAT_DB) into --to, a postgresql:// URL or another store "
                    "file. Running it again changes nothing.", _migrate_args),
    "run": Spec(cmd_run, "start the bot (console chat without Slack tokens)",
                "Start the bot: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode with "
                "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, otherwise a console chat on the "
                "store.", _run_args),
    "teams-package": Spec(cmd_teams_package, "zip the Microsoft Teams app package",
                          "Write the Teams app package (manifest.json, color.png, outline.png) "
                          "with the bot's app id and public host filled in.",
                          _teams_package_args),
}

DB_HELP = ("store file or postgresql:// URL (default: $REFERAT_DATABASE_URL, else $REFERAT_DB "
           "or data/referat.json)")
ENV_FILE_HELP = "read settings from this file instead of ./.env (real variables still win)"


def _common_args(p: argparse.ArgumentParser, default: object) -> None:
    """``--db`` and ``--env-file``, accepted before and after the subcommand. After it they
    default to SUPPRESS, so a value given before the subcommand is not overwritten."""
    p.add_argument("--db", help=DB_HELP, default=default)
    p.add_argument("--env-file", help=ENV_FILE_HELP, default=default)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="referat",
        description="Ask what the board decided, from published Danish minutes.",
        epilog="Exit status: 0 answered, 1 nothing matched, 2 usage or data error.",
    )
    _common_args(parser, None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, spec in COMMANDS.items():
        p = sub.add_parser(name, help=spec.help, description=spec.description)
        spec.add_arguments(p)
        _common_args(p, argparse.SUPPRESS)
        p.set_defaults(func=spec.func)
    return parser


def _setup_logging(level: str) -> None:
    logging.basicConfig(level=getattr(logging, level, logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if level != "DEBUG":
        # The Slack SDK logs every retry of an unreachable host; our one-line error says it all.
        logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (see the module docstring)."""
    args = build_parser().parse_args(argv)
    try:
        loaded = load_settings(args.env_file)
        _setup_logging(loaded.settings.log_level)
        return args.func(Context(args, loaded, sys.stdout, sys.stderr))
    except ReferatError as exc:
        print(f"referat: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: one line for the user, the traceback for debugging
        log.debug("unexpected error", exc_info=True)
        print(f"referat: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
