"""Shared fixtures: a clean environment, a store holding the two sample minutes, Slack's stand-in.

Every test runs with the Slack and Referat variables removed from the environment, so a
developer's real tokens (exported in the shell, or in ``.env``) can never reach a test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, SlackStub, slack_settings
from tests.pg_server import PG_TEMPLATE, EngineFactory, LocalPostgres

# Variables read by bot/config.py (and Slack's SDKs) that must never leak into a test.
_ENV_PREFIXES = ("SLACK_", "INLINE_CASE_", "NOTIFY_", "MINUTES_", "REFERAT_", "TEAMS_")
_ENV_NAMES = ("LOG_LEVEL", "PORT", "HTTPS_PROXY", "https_proxy")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No real setting reaches a test: not from the shell, not from a ``.env`` in the checkout
    (``bot.config.CHECKOUT`` points at an empty folder during tests)."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) or name in _ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
    # Embedding costs tens of milliseconds an item: tests that need meaning search turn it on
    # for a small corpus (tests/test_semantic.py); every other test searches by words.
    monkeypatch.setenv("REFERAT_SEMANTIC", "off")
    monkeypatch.setattr("bot.config.CHECKOUT", tmp_path_factory.getbasetemp() / "no-checkout")


@pytest.fixture(scope="session")
def _sample_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples ingested once per session; tests get copies they may change."""
    from store.db import Store
    from store.ingest import ingest_paths

    path = tmp_path_factory.mktemp("samples") / "referat.json"
    summary = ingest_paths(Store(path), [SAMPLES])
    assert len(summary.report.added) == 2, summary
    return path


@pytest.fixture
def sample_store_path(_sample_store_file: Path, tmp_path: Path) -> Path:
    """A fresh store file (TinyDB JSON) holding both sample minutes."""
    path = tmp_path / "referat.json"
    shutil.copyfile(_sample_store_file, path)
    return path


@pytest.fixture
def sample_store(sample_store_path: Path):
    """A :class:`store.db.Store` on a fresh file holding both sample minutes."""
    from store.db import Store

    return Store(sample_store_path)


@pytest.fixture
def slack_stub() -> Iterator[SlackStub]:
    """Slack's Web API, played on a free loopback port; records every call."""
    with SlackStub() as stub:
        yield stub


@pytest.fixture
def bot_ctx(slack_stub: SlackStub, sample_store, sample_store_path: Path):
    """A :class:`bot.context.BotContext` on the sample store, its client pointed at the stub."""
    from bot.context import BotContext

    return BotContext.create(slack_settings(slack_stub, sample_store_path), store=sample_store)


@pytest.fixture(scope="session")
def generated_1000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of 1,000 synthetic meetings (written once per session) to mix real minutes into."""
    from bench.corpus import write_corpus

    out = tmp_path_factory.mktemp("generated")
    write_corpus(out, 1000)
    return out


# -- store engines -----------------------------------------------------------------------------



@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """One throw-away PostgreSQL cluster for the whole test run, on a free loopback port.

    A template database holds Referat's schema, so each test's fresh database is a cheap copy.
    """
    from store.pg import PgStore

    with LocalPostgres() as server:
        PgStore(server.create_database(PG_TEMPLATE)).close()
        yield server


@pytest.fixture(scope="session")
def new_store(request: pytest.FixtureRequest) -> EngineFactory:
    """``new_store("tinydb")`` / ``new_store("postgresql")``: an empty store of that engine.

    The PostgreSQL server starts the first time a PostgreSQL store is asked for.
    """
    return EngineFactory(lambda: request.getfixturevalue("postgres"))
