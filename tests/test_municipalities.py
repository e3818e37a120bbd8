"""The municipality and board a file's name gives, used only where the minutes' text is silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.municipalities import MUNICIPALITIES, split_municipality
from store.parse import parse_text

DEV = Path(__file__).parent / "fixtures" / "dev"


def _page(name: str) -> str:
    """A dev page's text without its ``# source:`` line, as it would be saved."""
    return (DEV / name).read_text(encoding="utf-8").split("\n", 1)[1]


def test_all_98_municipalities_are_known_once() -> None:
    assert len(MUNICIPALITIES) == len(set(MUNICIPALITIES)) == 98


@pytest.mark.parametrize(("name", "expected"), [
    ("koebenhavn borgerrepraesentationen", ("København", "borgerrepraesentationen")),
    ("Høje-Taastrup byråd", ("Høje-Taastrup", "byråd")),
    ("hoeje taastrup byraad", ("Høje-Taastrup", "byraad")),
    ("aabenraa", (None, "aabenraa")),  # a municipality alone names no board
    ("greve solrod", ("Greve", "solrod")),  # "Solrød" is a municipality too, but Greve is first
    ("Kommunalbestyrelsen", (None, "Kommunalbestyrelsen")),
])
def test_split_municipality(name: str, expected: tuple[str | None, str]) -> None:
    assert split_municipality(name) == expected


def test_a_page_that_names_no_municipality_takes_it_from_its_file_name() -> None:
    """Thisted's web page prints neither "Thisted Kommune" nor its board's full name."""
    name = "001_thisted_kommunalbestyrelsen_2022-08-30.txt"
    meeting = parse_text(_page(name), name)
    assert meeting.municipality == "Thisted"
    assert meeting.body == "Kommunalbestyrelsen"
    assert meeting.meeting_id == "Thisted|Kommunalbestyrelsen|2022-08-30"


def test_the_text_wins_over_the_file_name() -> None:
    """Køge's page names its municipality and board; a misleading file name changes nothing."""
    meeting = parse_text(_page("003_koege_byraad_2020-10-27.txt"), "roskilde_direktionen.txt")
    assert meeting.municipality == "Køge"
    assert meeting.body != "Direktionen"
