"""Chat noise around a question never changes its answer.

Every visible question (the samples' and the dev set's) is asked clean and wrapped in the noise
people and Slack add: mentions, hand-typed @names, emoji shortcodes and characters, greetings,
thanks, politeness and ``<!channel>``. The first result (or the honest no-match) must be the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.db import Store
from store.ingest import ingest_paths
from store.question import clean_question, is_help
from store.search import Searcher

ROOT = Path(__file__).resolve().parent
# The 30 real dev pages (tests/fixtures/dev, each with its source line) and their 121 questions.
DEV_PAGES = ROOT / "fixtures" / "dev"
DEV_QUESTIONS = ROOT / "fixtures" / "dev_questions.jsonl"
SAMPLE_QUESTIONS = ROOT.parent / "examples" / "questions.jsonl"
SAMPLES = ROOT.parent / "examples" / "minutes"

NOISE = [
    "<@U999ABC> {q}",
    "@bob {q}",
    "hey {q} :pray:",
    "<!channel> {q}",
    "hej, {q} tak!",
    "yo {q} thanks",
    "{q} 🙏 :eyes:",
    "Hej referat, kan du fortælle mig {q}? På forhånd tak",
    "<!here> please {q} <#C123|general> :+1::skin-tone-2:",
]


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _first(searcher: Searcher, question: str) -> tuple[str | None, str] | None:
    hits = searcher.search(question).hits
    return (hits[0].record.case_number, hits[0].record.title) if hits else None


@pytest.fixture(scope="module")
def dev_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    folder = tmp_path_factory.mktemp("devq")
    for f in sorted(DEV_PAGES.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        if text.startswith("# source:"):
            text = text.split("\n", 1)[1].lstrip("\n")
        (folder / f.name).write_text(text, encoding="utf-8")
    store = Store(None)
    ingest_paths(store, [folder])
    return Searcher(store)


@pytest.fixture(scope="module")
def sample_searcher() -> Searcher:
    store = Store(None)
    ingest_paths(store, [SAMPLES])
    return Searcher(store)


def _assert_same(searcher: Searcher, question: str) -> None:
    want = _first(searcher, question)
    for template in NOISE:
        noisy = template.format(q=question)
        assert _first(searcher, noisy) == want, noisy


@pytest.mark.parametrize("q", _load(DEV_QUESTIONS), ids=lambda q: q["id"])
def test_dev_question_survives_noise(dev_searcher: Searcher, q: dict) -> None:
    _assert_same(dev_searcher, q["question"])


@pytest.mark.parametrize("q", _load(SAMPLE_QUESTIONS), ids=lambda q: q["id"])
def test_sample_question_survives_noise(sample_searcher: Searcher, q: dict) -> None:
    _assert_same(sample_searcher, q["question"])


def test_issue_examples_answer_like_the_clean_question(sample_searcher: Searcher) -> None:
    clean = _first(sample_searcher, "what was decided on the plaster scheme?")
    assert clean is not None and "Plasterordning" in clean[1]
    for noisy in ["hey what was decided on the plaster scheme?",
                  "what was decided on the plaster scheme, thanks",
                  "<@U999ABC> hvad blev besluttet om plasterordningen?",
                  "@bob hvad blev besluttet om plasterordningen?",
                  ":pray: hvad blev besluttet om plasterordningen?",
                  "<!channel> plasterordning"]:
        assert _first(sample_searcher, noisy) == clean, noisy


@pytest.mark.parametrize("raw, clean", [
    ("<@U1|bob> hvad skete der?", "hvad skete der?"),
    ("se <https://kk.dk/x|referatet> om budget", "se referatet om budget"),
    ("budget https://example.org/a?b=1 2024", "budget 2024"),
    ("kl. 10:30:00 møde", "kl. 10:30:00 møde"),
    ("mail a@b.dk om budget", "mail a@b.dk om budget"),
    ("Tak for hjælpen", ""),
    ("§ 17 stk. 4 udvalg", "§ 17 stk. 4 udvalg"),
])
def test_clean_question(raw: str, clean: str) -> None:
    assert clean_question(raw) == clean


def test_help_words_in_both_languages() -> None:
    for text in ("hjælp", "help", "Hvad kan du?", "what can you do?", "<@U1> help", "hej"):
        assert is_help(text), text
    for text in ("hjælp til flygtninge", "budget 2024", "18-034639K"):
        assert not is_help(text), text
