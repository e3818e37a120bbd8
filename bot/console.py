"""The console chat: the bot without Slack, so anyone can try it in one command.

It answers with exactly the text the CLI prints and Slack uses as its fallback, because all three
call :func:`store.answer.answer_text`.
"""

from __future__ import annotations

from typing import TextIO

from store.answer import answer_text
from store.search import Searcher, SearchResult

PROMPT = "referat> "
QUIT_WORDS = {"quit", "exit", "q", ":q", "afslut"}


def greeting(searcher: Searcher, ingest_hint: str = "PATH") -> str:
    """What the chat says first: what it knows and how to ask.

    An empty store names its file and suggests ``referat ingest <ingest_hint>``.
    """
    stats = searcher.store.stats()
    if stats.meetings == 0:
        where = f" ({searcher.store.path})" if searcher.store.path else ""
        return (
            f"The store is empty{where}. Ingest minutes first: referat ingest {ingest_hint}\n"
            "(type quit to leave)"
        )
    return (
        f"Referat: {stats.items} agenda items from {stats.meetings} meetings.\n"
        "Ask what was decided, in Danish or English, or type a case number "
        "(e.g. 'what was decided on the plaster scheme?', '18-034639K'). "
        "Type help for more, quit to leave."
    )


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
