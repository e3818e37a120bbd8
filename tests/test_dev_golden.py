"""The 30 real dev pages (tests/fixtures/dev/, each with its ``# source:`` line) against golden
files written by reading each page (tests/fixtures/dev_golden/).

A golden item holds number, title (null where the page prints none), case number and closed
flag; golden meeting facts hold municipality, body, date and kind (null where the page does not
say, so the file-name fallback is not judged). The test reports the share of items read exactly
right and holds the parser to at least the share reached when the goldens were written, so a
change that reads fewer items right fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.parse import read_text

DEV = Path(__file__).resolve().parent / "fixtures" / "dev"
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "dev_golden"
PAGES = sorted(DEV.glob("*.txt"))
# Items read exactly right when the goldens were written; raise it as the parser improves.
MIN_ITEM_SHARE = 0.95
MIN_FACT_SHARE = 0.95


def _read(path: Path):
    text = path.read_text(encoding="utf-8")
    if text.startswith("# source:"):
        text = text.split("\n", 1)[1]
    return read_text(text, path.name)


def _item_right(got, want: dict) -> bool:
    return (got.number == want["number"]
            and (want["title"] is None or got.title == want["title"])
            and got.case_number == want["case_number"]
            and got.closed == want["closed"])


def _score() -> tuple[int, int, int, int, list[str]]:
    right = total = facts_right = facts_total = 0
    misses: list[str] = []
    for path in PAGES:
        golden = json.loads((GOLDEN / f"{path.stem}.json").read_text(encoding="utf-8"))
        reading = _read(path)
        meeting = reading.meeting
        items = meeting.items if golden["how"] != "passages" else []
        for n, want in enumerate(golden["items"]):
            total += 1
            if n < len(items) and _item_right(items[n], want):
                right += 1
            else:
                misses.append(f"{path.name} item {n + 1}")
        for key, want in golden["meeting"].items():
            if want is None:
                continue
            facts_total += 1
            got = getattr(meeting, key)
            if (got or "").casefold() == want.casefold():
                facts_right += 1
            else:
                misses.append(f"{path.name} {key}: {got!r} != {want!r}")
    return right, total, facts_right, facts_total, misses


def test_every_page_has_a_golden_file_and_keeps_its_source_line():
    assert len(PAGES) == 30
    for path in PAGES:
        assert path.read_text(encoding="utf-8").startswith("# source: http")
        assert (GOLDEN / f"{path.stem}.json").exists(), path.name


def test_share_of_items_and_facts_read_right(capsys):
    right, total, facts_right, facts_total, misses = _score()
    with capsys.disabled():
        print(f"\ndev pages: items read exactly right {right}/{total} ({right / total:.0%}), "
              f"meeting facts {facts_right}/{facts_total}; misses: {misses}")
    assert right / total >= MIN_ITEM_SHARE, misses
    assert facts_right / facts_total >= MIN_FACT_SHARE, misses


@pytest.mark.parametrize("path", PAGES, ids=[p.stem[:3] for p in PAGES])
def test_no_dev_page_is_lost(path):
    """Every page is minutes: it is read into items or, failing that, passages; never refused."""
    reading = _read(path)
    assert reading.meeting.items
    for item in reading.meeting.items:
        assert item.title.strip()
