"""The deployment files name only commands, options and variables that exist."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from bot.cli import build_parser
from bot.config import VARIABLES

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def _parses(words: list[str]) -> object:
    """The arguments as the real parser reads them (argparse exits on anything unknown)."""
    assert words[0].endswith("referat"), words
    return build_parser().parse_args(words[1:])


def _manifest_socket_mode() -> bool:
    text = (ROOT / "slack-manifest.yml").read_text(encoding="utf-8")
    return re.search(r"^\s*socket_mode_enabled:\s*(\w+)", text, flags=re.M).group(1) == "true"


def test_procfile_has_one_process_matching_the_manifest_mode() -> None:
    lines = [line for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()]
    processes = dict(line.split(":", 1) for line in lines)
    assert _manifest_socket_mode()
    assert list(processes) == ["worker"]  # Socket Mode needs no web process
    assert _parses(shlex.split(processes["worker"])).mode == "socket"


def _unit() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "referat.service").read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_systemd_unit_runs_a_real_command_as_a_service_user() -> None:
    unit = _unit()
    args = _parses(shlex.split(unit["ExecStart"][0]))
    assert args.command == "run" and args.mode == "socket" and args.env_file
    assert unit["User"] == ["referat"]
    for assignment in unit["Environment"]:
        name, value = assignment.split("=", 1)
        assert name in VARIABLES, name
        if name == "REFERAT_DB":
            assert any(value.startswith(path) for path in unit["ReadWritePaths"])
            assert value.startswith(unit["WorkingDirectory"][0])


def _containerfile() -> list[tuple[str, str]]:
    text = (DEPLOY / "Containerfile").read_text().replace("\\\n", " ")
    return [(m.group(1), m.group(2).strip()) for m in
            re.finditer(r"^([A-Z]+)\s+(.*)$", text, flags=re.M)]


def test_containerfile_builds_from_pyproject_as_non_root_with_the_store_on_a_volume() -> None:
    steps = _containerfile()
    copied = [source for kind, value in steps if kind == "COPY" for source in value.split()[:-1]]
    assert "pyproject.toml" in copied
    for source in copied:
        assert (ROOT / source).exists(), source
    assert any(kind == "RUN" and "pip install" in value and " . " in value + " "
               for kind, value in steps)
    user = [value for kind, value in steps if kind == "USER"]
    assert user and user[-1] not in {"root", "0"}
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(v for k, v in steps if k == "ENV")))
    volume = [value for kind, value in steps if kind == "VOLUME"][0]
    assert env["REFERAT_DB"].startswith(volume.strip('[]"'))
    for name in env:
        assert name in VARIABLES or name.startswith("PYTHON"), name
    entry = [value for kind, value in steps if kind == "ENTRYPOINT"][0]
    cmd = [value for kind, value in steps if kind == "CMD"][0]
    words = [*json.loads(entry), *json.loads(cmd)]  # the exec (JSON array) form
    assert _parses(words).mode == "socket"


_COMMAND_LINE = re.compile(r"\bbin/referat\b((?: --?[\w-]+(?: [^\s#`]+)?)* (?:ingest|run|ask|"
                           r"show|meetings|config)\b[^\n#`]*)")


def _service_steps() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Install as a service")
    return readme[start:readme.index("\n## ", start + 1)]


def test_deploy_files_and_readme_steps_name_only_real_commands() -> None:
    """Every ``…/bin/referat …`` command in the deploy files and the README's service steps
    parses, and every variable the steps ask to fill in exists."""
    texts = [path.read_text(encoding="utf-8") for path in DEPLOY.iterdir()] + [_service_steps()]
    found = 0
    for text in texts:
        for match in _COMMAND_LINE.finditer(text):
            _parses(["referat", *shlex.split(match.group(1))])
            found += 1
    assert found >= 4
    for name in re.findall(r"`([A-Z_]{4,})(?:=[^`]*)?`", _service_steps()):
        assert name in VARIABLES, name


def test_containerfile_copies_everything_the_package_build_needs() -> None:
    """``pip install .`` inside the image sees only what was copied: the readme pyproject names
    and every package root it includes must be among it."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    copied = {source for kind, value in _containerfile() if kind == "COPY"
              for source in value.split()[:-1]}
    assert project["project"]["readme"] in copied
    for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]:
        assert pattern.rstrip("*") in copied, pattern
