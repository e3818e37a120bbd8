"""The console chat: the bot without Slack, so anyone can try it in one command.

It answers with exactly the text the CLI prints and Slack uses as its fallback, because all three
call :func:`store.answer.answer_text`.
"""

from __future__ import annotations

from typing import TextIO

from store.answer import answer_text, word
from store.search import Searcher, SearchResult

PROMPT = "referat> "
QUIT_WORDS = {"quit", "exit", "q", ":q", "afslut"}
LANG = "en"  # the greeting's language; every answer follows its question's language


def greeting(searcher: Searcher, ingest_hint: str = "PATH") -> str:
    """What the chat says first: what it knows and how to ask.

    An empty store names its file and suggests ``referat ingest <ingest_hint>``.
    """
    stats = searcher.store.stats()
    if stats.meetings == 0:
        where = f" ({searcher.store.path})" if searcher.store.path else ""
        return word(LANG, "console_empty").format(where, ingest_hint)
    return word(LANG, "console_greeting").format(stats.items, stats.meetings)


def chat(searcher: Searcher, stdin: TextIO, stdout: TextIO, ingest_hint: str = "PATH") -> None:
    """Read questions until EOF or ``quit``; print each answer followed by a blank line."""
    print(greeting(searcher, ingest_hint), file=stdout, flush=True)
    previous: SearchResult | None = None
    while True:
        print(PROMPT, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            print(file=stdout)
            return
        question = line.strip()
        if not question:
            continue
        if question.lower() in QUIT_WORDS:
            return
        # The session is one conversation: a follow-up builds on the previous answer.
        previous = searcher.search(question, previous=previous)
        print(answer_text(previous), file=stdout, flush=True)
        print(file=stdout, flush=True)
