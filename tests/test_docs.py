"""The README, .env.example and the code must say the same thing."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli import build_parser
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")


def _env_names_read_by_settings() -> set[str]:
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    return set(re.findall(r'env(?:\.get)?\(\s*(?:env,\s*)?"([A-Z_]+)"', source)) | set(
        re.findall(r'_int\(env, "([A-Z_]+)"', source)
    )


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    run, test = blocks[0], blocks[1]
    assert README.index(run) < README.index("## ")
    assert run.startswith("python3 -m venv .venv") and run.endswith("referat run")
    assert "referat ingest examples/minutes" in run
    assert test.startswith("python3 -m venv .venv") and test.endswith("pytest")
    assert "ruff check" in test


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    pattern = re.search(r'grep -m1 -E "(.+?)" README.md', ci).group(1)
    matches = [line for line in README.splitlines() if re.search(pattern, line)]
    assert matches and matches[0].endswith("pytest")


def test_every_setting_is_in_env_example_and_back() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE, flags=re.M))
    read = _env_names_read_by_settings()
    assert "SLACK_BOT_TOKEN" in read and "REFERAT_DB" in read
    assert documented == read


def test_env_example_defaults_are_safe() -> None:
    values = dict(re.findall(r"^([A-Z_]+)=(.*)$", ENV_EXAMPLE, flags=re.M))
    for secret in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
                   "TEAMS_APP_PASSWORD"):
        assert values[secret] == ""
    settings = Settings.from_env(values)
    assert not settings.slack_enabled and not settings.teams_enabled
    assert settings.teams_host == "127.0.0.1"


def test_readme_documents_every_cli_command() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    for name in commands:
        assert f"`referat {name}" in README, name


def test_readme_documents_every_stored_field() -> None:
    from store.records import ItemRecord

    for name in ItemRecord.__dataclass_fields__:
        assert f"| `{name}` |" in README, name


def test_config_variables_are_the_env_example_variables_in_order() -> None:
    from bot.config import VARIABLES

    documented = re.findall(r"^([A-Z_]+)=(.*)$", ENV_EXAMPLE, flags=re.M)
    assert list(VARIABLES.items()) == documented


def test_readme_sample_answer_is_what_the_console_prints(sample_store) -> None:
    """The console exchange under "What Referat is", replayed on the samples, word for word."""
    import io

    from bot.console import PROMPT, chat
    from store.search import Searcher

    block = re.search(r"```\n(referat> .*?)\n```", README, flags=re.S).group(1)
    question, *expected = block.splitlines()
    out = io.StringIO()
    chat(Searcher(sample_store), io.StringIO(question.removeprefix(PROMPT) + "\nquit\n"), out)
    answer = out.getvalue().split(PROMPT)[1].strip("\n")
    assert answer.splitlines() == expected


def test_no_test_module_imports_another() -> None:
    """Shared helpers live in tests/helpers.py; a test module never imports a test module or
    the conftest, so each can be read (and moved) on its own."""
    import ast

    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(("tests.test_", "tests.conftest")), (path.name, name)


def test_documented_defaults_are_the_defaults_in_effect() -> None:
    """Settings read from nothing equal settings read from every documented default, so
    `referat config` never shows a default the code does not use."""
    from bot.config import VARIABLES

    assert Settings.from_env({}) == Settings.from_env(VARIABLES)
