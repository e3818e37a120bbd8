"""``referat teams-package``: the Teams app package (a zip of the manifest and two icons) that a
Microsoft 365 administrator uploads as a custom app.

The manifest in ``teams/manifest.json`` holds two placeholders, filled in here: the bot's
Microsoft App ID (``TEAMS_APP_ID``) and the public host name that serves ``/api/messages``.
Its strings are English; the translations its ``localizationInfo`` names (Danish in
``teams/da.json``) go into the zip beside it, and Teams shows them to users whose client speaks
that language.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from ..config import ConfigError

TEAMS_DIR = Path(__file__).resolve().parents[2] / "teams"
FILES = ("manifest.json", "color.png", "outline.png")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                   r"[a-zA-Z]{2,63}$")


def manifest(app_id: str, host: str, source: Path = TEAMS_DIR) -> dict:
    """The manifest with the app id and host filled in (both checked first)."""
    if not _GUID.match(app_id):
        raise ConfigError("the app id must be the Azure Bot's Microsoft App ID (a GUID); "
                          "set TEAMS_APP_ID or pass --app-id")
    if not _HOST.match(host):
        raise ConfigError(f"--host must be a host name such as referat.kommune.dk, got {host!r}")
    text = (source / "manifest.json").read_text(encoding="utf-8")
    return json.loads(text.replace("{{TEAMS_APP_ID}}", app_id).replace("{{HOST}}", host))


def language_files(data: dict) -> list[str]:
    """The translation files the manifest names (``localizationInfo.additionalLanguages``)."""
    languages = (data.get("localizationInfo") or {}).get("additionalLanguages") or []
    return [str(language["file"]) for language in languages]


def build_package(app_id: str, host: str, out: Path, source: Path = TEAMS_DIR) -> Path:
    """Write the zip (manifest and icons at its root, as Teams expects) to ``out``."""
    missing = [name for name in FILES if not (source / name).is_file()]
    if missing:
        raise ConfigError(f"{source} lacks {', '.join(missing)} (run from a source checkout)")
    filled = manifest(app_id, host, source)
    translations = language_files(filled)
    missing = [name for name in translations if not (source / name).is_file()]
    if missing:
        raise ConfigError(f"{source} lacks the translation {', '.join(missing)}")
    data = json.dumps(filled, ensure_ascii=False, indent=2)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", data)
        for name in (*FILES[1:], *translations):
            archive.write(source / name, name)
    return out
