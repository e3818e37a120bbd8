"""Case numbers in every form staff type them."""

import pytest

from store.casenum import case_candidates, case_key, find_case_numbers, index_keys, typo_variants


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("18-034639K", "18-034639K"),
        ("18 034639k", "18-034639K"),
        ("18034639K", "18-034639K"),
        ("326 - 2015 - 47221", "326-2015-47221"),
    ],
)
def test_case_key_ignores_separators_and_case(typed: str, stored: str) -> None:
    assert case_key(typed) == case_key(stored)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("18-034639", "18-034639K"),  # without the trailing letter
        ("18034639", "18-034639K"),
        ("034639", "18-034639K"),  # serial only
        ("47221", "326-2015-47221"),
        ("2015-47221", "326-2015-47221"),
        ("001310", "23-001310"),
        ("1310", "23-001310"),
        ("30210", "14/30210"),
    ],
)
def test_shorter_forms_are_index_keys(typed: str, stored: str) -> None:
    full, partial = index_keys(stored)
    assert case_key(typed) in partial and case_key(typed) != full


def test_short_tails_are_not_keys() -> None:
    # "326-2014-422": the serial "422" alone is too short to identify anything.
    _, partial = index_keys("326-2014-422")
    assert "422" not in partial


def test_find_case_numbers_in_free_text() -> None:
    text = (
        "Se 18-034639K, Sagsnr.: 326-2015-47221 J.nr.: 00.01.00 og Sagsnr.: 14/30210, "
        "Sagsid.: 20/35762, KLE 19.03.00-P24-1-19, Sagsnr. 299835 samt 2014/06569."
    )
    assert find_case_numbers(text) == [
        "18-034639K", "326-2015-47221", "14/30210", "20/35762", "19.03.00-P24-1-19",
        "299835", "2014/06569",
    ]


def test_journal_numbers_and_dates_are_not_case_numbers() -> None:
    assert find_case_numbers("J.nr. 00.01.00, mødet den 20-02-2023 kl. 12.30, 19.000 kr.") == []
    assert find_case_numbers("budget 2016") == []


def test_case_candidates_marks_bare_numbers_as_not_explicit() -> None:
    assert case_candidates("sag 47221") == [("47221", True)]
    assert case_candidates("hvad med 47221") == [("47221", False)]
    assert case_candidates("18 034639") == [("18 034639", False)]
    assert case_candidates("what happened with 18-034639?") == [("18-034639", True)]


def test_typo_variants_cover_swaps_and_missing_digits_only() -> None:
    variants = typo_variants("18043639K")
    assert "18034639K" in variants  # swapped neighbours
    assert "18034639K" in typo_variants("1803469K") or "18034639K" in typo_variants("1834639K")
    assert "18034638K" not in variants  # a wrong digit is not guessed


def test_a_prefixed_year_like_group_is_not_cut_off() -> None:
    """"case 2021-0412" is a partial number, not case "2021" followed by noise."""
    assert case_candidates("case 2021-0412") == [("2021-0412", False)]
    assert case_candidates("sag 47221") == [("47221", True)]
