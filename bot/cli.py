"""The ``referat`` command line: ingest minutes, ask questions, run the bot.

A thin layer over ``store/``: every command calls the same functions the console chat and Slack
use, so the three can never disagree. Expected failures (a missing file, a corrupt store) become
one line on stderr and exit status 2; nothing here prints a traceback unless ``LOG_LEVEL=DEBUG``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from store.records import ReferatError

from .config import ConfigError, Settings, load_settings

log = logging.getLogger("referat")

EXIT_OK = 0
EXIT_ERROR = 2
SHOW_LIMIT = 50  # every meeting a case passed through, not just the top few


def _open_store(settings: Settings, db: str | None):
    from store.engine import open_store

    return open_store(settings, db)


def cmd_ingest(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Ingest files and folders; exit 2 only when no file could be used at all."""
    from store.ingest import ingest_paths

    store = _open_store(settings, args.db)
    summary = ingest_paths(store, args.paths)
    report = summary.report
    print(
        f"meetings: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged",
        file=out,
    )
    print(
        f"items: {report.items_added} added, {report.items_updated} updated, "
        f"{report.items_unchanged} unchanged",
        file=out,
    )
    for path, reason in summary.skipped:
        print(f"skipped {path}: {reason}", file=out)
    used = len(report.added) + len(report.updated) + len(report.unchanged)
    if used == 0:
        print("referat: no minutes ingested", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Answer one question, or (with ``-``) one question a line from stdin, loading once."""
    from store.answer import answer_text, result_json
    from store.search import Searcher

    searcher = Searcher(_open_store(settings, args.db))
    if args.question == ["-"]:
        questions: Sequence[str] = (line.strip() for line in sys.stdin)
    else:
        questions = [" ".join(args.question)]
    for question in questions:
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
            if args.question == ["-"]:
                print(file=out)
    return EXIT_OK


def cmd_show(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Every item filed under one case number, newest meeting first.

    Only exact case matches count here (any spelling of the same number); a near miss is an
    error that names the suggestions, because ``show`` is for when you know the number.
    """
    from store.answer import answer_text
    from store.search import Searcher

    searcher = Searcher(_open_store(settings, args.db))
    result = searcher.search(args.case_number, limit=SHOW_LIMIT)
    exact = [hit for hit in result.hits if hit.match == "case"]
    if not exact:
        near = sorted({h.record.case_number or "" for h in result.hits if h.match == "case_fuzzy"})
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        print(f"referat: no item with case number {args.case_number}{hint}", file=sys.stderr)
        return EXIT_ERROR
    print(answer_text(replace(result, hits=exact, did_you_mean=False)), file=out)
    return EXIT_OK


def cmd_meetings(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """List meetings, newest first."""
    store = _open_store(settings, args.db)
    meetings = store.meetings()
    if not meetings:
        print("no meetings yet: run `referat ingest PATH` first", file=out)
        return EXIT_OK
    for m in meetings:
        print(f"{m.date or 'undated':10}  {m.body}  ({m.item_count} items)  {m.source}", file=out)
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Copy a store (default: the TinyDB file) into another, e.g. PostgreSQL; safe to repeat."""
    from store.engine import copy_store, open_store, open_store_at

    source = open_store(replace(settings, database_url=""), args.db)
    meetings, items, keys = copy_store(source, open_store_at(args.to))
    print(f"copied {meetings} meetings, {items} items and {keys} state entries", file=out)
    return EXIT_OK


def cmd_run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Start the bot: Slack when tokens are set, otherwise the console chat.

    ``--mode`` pins the mode, so a Procfile's ``web:`` process stays in HTTP mode even where
    the environment also holds an app-level token for the ``worker:``.
    """
    from .runner import run

    if args.db:
        from store.engine import is_database_url

        if is_database_url(args.db):
            settings = replace(settings, database_url=args.db)
        else:
            settings = replace(settings, db_path=Path(args.db), database_url="")
    if args.mode == "http":
        settings = replace(settings, slack_app_token="")
    elif args.mode == "console":
        settings = replace(settings, slack_bot_token="", slack_app_token="")
    elif args.mode == "socket" and not (settings.slack_app_token and settings.slack_bot_token):
        raise ConfigError("Socket Mode needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN")
    if args.mode in {"http", "socket"} and not settings.slack_bot_token:
        raise ConfigError(f"{args.mode} mode needs SLACK_BOT_TOKEN")
    run(settings)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="referat",
        description="Ask what the board decided, from published Danish minutes.",
    )
    db_help = ("store file or postgresql:// URL (default: $REFERAT_DATABASE_URL, else $REFERAT_DB "
               "or data/referat.json)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read minutes files or folders into the store",
                       description="Read minutes (.txt, .pdf, .docx; folders recursively) "
                       "into the store. Files that cannot be read are reported and skipped.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="ask a question or look up a case number",
                       description="Answer a question. With '-' read one question a line "
                       "from stdin (with --json: one JSON object a line on stdout, in order).")
    p.add_argument("question", nargs="+", metavar="QUESTION")
    p.add_argument("--json", action="store_true", help="print the answer and results as JSON")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("show", help="every item with a case number, newest first",
                       description="Show every agenda item filed under CASE_NUMBER, "
                       "newest meeting first.")
    p.add_argument("case_number", metavar="CASE_NUMBER")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("meetings", help="list the meetings in the store",
                       description="List the meetings in the store, newest first.")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_meetings)

    p = sub.add_parser("migrate", help="copy the store into another (e.g. PostgreSQL)",
                       description="Copy every meeting, item and state entry of the store "
                       "(--db, default the TinyDB file $REFERAT_DB) into --to, a postgresql:// "
                       "URL or another store file. Running it again changes nothing.")
    p.add_argument("--to", required=True, metavar="URL", help="the target store")
    p.add_argument("--db", help="source store file or URL (default: $REFERAT_DB)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("run", help="start the bot (console chat without Slack tokens)",
                       description="Start the bot: Socket Mode when SLACK_APP_TOKEN is set, "
                       "HTTP mode with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, otherwise a "
                       "console chat on the store.")
    p.add_argument("--mode", choices=["auto", "socket", "http", "console"], default="auto",
                   help="auto (default): chosen from the Slack variables that are set")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=getattr(logging, settings.log_level, logging.INFO),
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
        )
        return args.func(args, settings, sys.stdout)
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
