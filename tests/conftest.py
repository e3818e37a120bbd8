"""Shared fixtures: a clean environment, a store holding the two sample minutes, Slack's stand-in.

Every test runs with the Slack and Referat variables removed from the environment, so a
developer's real tokens (exported in the shell, or in ``.env``) can never reach a test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_server import LocalPostgres
from tests.slack_stub import SlackStub

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "examples" / "minutes"
GENERATOR = REPO.parent / "shared" / "tools" / "gen_minutes.py"

SLACK_TOKEN = "xoxb-test-0000-secret-bot-token"
SIGNING_SECRET = "test-signing-secret-0000"
APP_TOKEN = "xapp-test-0000-secret-app-token"

# Variables read by bot/config.py (and Slack's SDKs) that must never leak into a test.
_ENV_PREFIXES = ("SLACK_", "INLINE_CASE_", "NOTIFY_", "MINUTES_", "REFERAT_")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES):
            monkeypatch.delenv(name, raising=False)


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


def slack_settings(stub: SlackStub, db_path: Path, **overrides):
    """Settings for a bot talking to ``stub`` (HTTP mode unless ``slack_app_token`` is given)."""
    from bot.config import Settings

    values = {
        "db_path": db_path,
        "slack_bot_token": SLACK_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": stub.api_url,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def bot_ctx(slack_stub: SlackStub, sample_store, sample_store_path: Path):
    """A :class:`bot.context.BotContext` on the sample store, its client pointed at the stub."""
    from bot.context import BotContext

    return BotContext.create(slack_settings(slack_stub, sample_store_path), store=sample_store)


@pytest.fixture(scope="session")
def generated_1000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of 1,000 synthetic meetings (written once per session) to mix real minutes into."""
    if not GENERATOR.exists():
        pytest.skip(f"corpus generator not found: {GENERATOR}")
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(GENERATOR), str(out), "--meetings", "1000"],
                   check=True, capture_output=True)
    return out


# -- store engines -----------------------------------------------------------------------------

ENGINES = ("tinydb", "postgresql")
_PG_TEMPLATE = "referat_template"


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """One throw-away PostgreSQL cluster for the whole test run, on a free loopback port.

    A template database holds Referat's schema, so each test's fresh database is a cheap copy.
    """
    from store.pg import PgStore

    with LocalPostgres() as server:
        PgStore(server.create_database(_PG_TEMPLATE)).close()
        yield server


class EngineFactory:
    """Fresh, empty stores of either engine: TinyDB in memory or a new PostgreSQL database."""

    def __init__(self, server_fixture) -> None:
        self._server_fixture = server_fixture
        self._count = 0

    def __call__(self, kind: str):
        from store.db import Store
        from store.pg import PgStore

        if kind == "tinydb":
            return Store(None)
        return PgStore(self.new_database_url())

    def new_database_url(self) -> str:
        server: LocalPostgres = self._server_fixture()
        self._count += 1
        name = f"t{os.getpid()}_{self._count}"
        import psycopg

        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_PG_TEMPLATE}"')
        return server.url(name)


@pytest.fixture(scope="session")
def new_store(request: pytest.FixtureRequest) -> EngineFactory:
    """``new_store("tinydb")`` / ``new_store("postgresql")``: an empty store of that engine.

    The PostgreSQL server starts the first time a PostgreSQL store is asked for.
    """
    return EngineFactory(lambda: request.getfixturevalue("postgres"))
