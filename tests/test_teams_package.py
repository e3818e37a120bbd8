"""``referat teams-package`` zips a manifest Teams accepts: the bot, the message action, the
scopes and the resource-specific permission that inline case numbers need."""

from __future__ import annotations

import json
import re
import struct
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from tests.teams_stub import APP_ID


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_package_holds_the_filled_manifest_and_icons(tmp_path: Path, capsys) -> None:
    out = tmp_path / "referat.zip"
    assert main(["teams-package", "--host", "referat.kommune.dk", "--app-id", APP_ID,
                 "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "da.json", "manifest.json",
                                              "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert _png_size(archive.read("color.png")) == (192, 192)
        assert _png_size(archive.read("outline.png")) == (32, 32)
    assert "{{" not in json.dumps(manifest)
    assert manifest["id"] == APP_ID and manifest["manifestVersion"] == "1.17"
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID and set(bot["scopes"]) == {"personal", "team", "groupChat"}
    [extension] = manifest["composeExtensions"]
    [action] = extension["commands"]
    assert action["type"] == "action" and action["context"] == ["message"]
    assert action["title"] == "Look up in minutes" and action["fetchTask"] is True
    rsc = manifest["authorization"]["permissions"]["resourceSpecific"]
    assert {"name": "ChannelMessage.Read.Group", "type": "Application"} in rsc
    assert manifest["webApplicationInfo"]["id"] == APP_ID
    assert manifest["validDomains"] == ["referat.kommune.dk"]
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80


@pytest.mark.parametrize(("app_id", "host"), [("", "referat.kommune.dk"),
                                              ("not-a-guid", "referat.kommune.dk"),
                                              (APP_ID, "https://referat.kommune.dk/")])
def test_package_refuses_a_bad_app_id_or_host(tmp_path: Path, capsys, app_id: str,
                                              host: str) -> None:
    out = tmp_path / "referat.zip"
    assert main(["teams-package", "--host", host, "--app-id", app_id, "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith("referat: ")
    assert not out.exists()


def _at(manifest: dict, key: str):
    """The manifest value a localisation key names ("composeExtensions[0].commands[0].title")."""
    node = manifest
    for name, index in re.findall(r"([A-Za-z]+)(?:\[(\d+)\])?", key):
        node = node[name]
        if index:
            node = node[int(index)]
    return node


def test_package_holds_a_danish_translation_whose_keys_match_the_manifest(
        tmp_path: Path) -> None:
    out = tmp_path / "referat.zip"
    assert main(["teams-package", "--host", "referat.kommune.dk", "--app-id", APP_ID,
                 "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        danish = json.loads(archive.read("da.json"))
    info = manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "en"
    assert info["additionalLanguages"] == [{"languageTag": "da", "file": "da.json"}]
    keys = [key for key in danish if key != "$schema"]
    assert {"name.short", "name.full", "description.short", "description.full"} <= set(keys)
    for key in keys:
        assert isinstance(_at(manifest, key), str), key  # every key names a string there
        assert danish[key].strip(), key
    assert danish["composeExtensions[0].commands[0].title"] == "Slå op i referaterne"
    assert _at(manifest, "composeExtensions[0].commands[0].title") == "Look up in minutes"
    assert len(danish["name.short"]) <= 30 and len(danish["description.short"]) <= 80
    assert len(danish["composeExtensions[0].commands[0].title"]) <= 32
