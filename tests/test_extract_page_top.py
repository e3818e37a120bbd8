"""Content that opens or closes a page of a PDF is not page furniture, and a wrapped heading
stays whole.

A short document has few pages, so a body line that happens to stand at the same height on two
pages of four ("Indstilling" or "Sagsnr.: 16-259242" right below the page header) repeats on
half the pages, as a running header on alternate pages does. What tells them apart is the
header itself: the line above it stands on every page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.extract import load_meeting
from store.parse import parse_text
from tests import docmaker

pytestmark = pytest.mark.skipif(not docmaker.have_unicode_font(), reason="no DejaVu font")

_BACKGROUND = ("Sagen vedrører {topic}. Administrationen har udarbejdet et oplæg, og der er behov "
               "for en stillingtagen til den videre proces.")


def _item(number: int, topic: str, case: str, *, split: str) -> tuple[str, str]:
    """An EG-style item as (text before a page break, text after it); ``split`` names the line
    that opens the next page: the case-number field or the recommendation label."""
    head = [f"Punkt {number} Status på {topic}", ""]
    case_line = [f"Sagsnr.: {case}", ""]
    body = ["Resumé", _BACKGROUND.format(topic=topic), ""]
    tail = ["Indstilling", "Direktøren indstiller, at sagen godkendes.", "",
            "Beslutning i Teknik- og Miljøudvalget den 27. december 2016:", "Godkendt.", ""]
    if split == "case":
        return "\n".join(head), "\n".join(case_line + body + tail)
    return "\n".join(head + case_line + body), "\n".join(tail)


def _minutes() -> str:
    """Four pages; pages two and four open with the same kind of line at the same height."""
    first = ["Referat af møde i Teknik- og Miljøudvalget", "",
             "tirsdag den 27. december 2016 kl. 16.00", "", "Sted: Byrådssalen", ""]
    pages: list[str] = []
    a1, a2 = _item(1, "arbejdsmiljø", "16-259242", split="case")
    b1, b2 = _item(2, "anlægsbudget", "16-743855", split="case")
    c1, c2 = _item(3, "kulturstrategi", "16-112233", split="recommendation")
    d1, d2 = _item(4, "sundhedshus", "16-445566", split="recommendation")
    pages.append("\n".join(first) + "\n" + a1)
    pages.append(a2 + "\n" + b1)
    pages.append(b2 + "\n" + c1)
    pages.append(c2 + "\n" + d1 + "\n" + d2)
    return "\f".join(pages)


def test_lines_at_the_top_of_some_pages_are_kept(tmp_path: Path) -> None:
    text = _minutes()
    pdf = tmp_path / "minutes.pdf"
    assert docmaker.make_pdf(text, pdf) == 4
    expected = parse_text(text)
    got = load_meeting(pdf)
    assert [item.case_number for item in got.items] == ["16-259242", "16-743855", "16-112233",
                                                        "16-445566"]
    assert docmaker.records_without_source(got) == docmaker.records_without_source(expected)


def test_a_heading_wrapped_before_a_section_word_stays_whole(tmp_path: Path) -> None:
    """"høringssvar" alone is a section label; after "skoler -" it ends the item's title."""
    title = "Godkendelse af energirenovering af skoler - høringssvar"
    text = "\n".join([
        "REFERAT Beskæftigelsesudvalget d. 08-04-2023", "",
        "Mødedato Lørdag d. 8. april 2023 kl. 08:00", "",
        f"Punkt 1: {title}", "", "Sagsfremstilling", "",
        _BACKGROUND.format(topic="energirenovering af skoler"), "",
        "Beslutning", "", "Godkendt.", "",
    ])
    pdf = tmp_path / "minutes.pdf"
    docmaker.make_pdf(text, pdf)
    assert parse_text(text).items[0].title == title
    assert load_meeting(pdf).items[0].title == title


def test_a_label_at_the_foot_of_a_page_keeps_its_text_under_it(tmp_path: Path) -> None:
    """In a document that prints each section's text right under its label, a label that ends
    a page is followed by the first line of the next page, not by a paragraph gap."""
    item_one, _ = _item(1, "arbejdsmiljø", "16-259242", split="recommendation")
    page_one = "\n".join(["Referat af møde i Teknik- og Miljøudvalget", "", item_one,
                          "Indstilling"])
    page_two = "\n".join(["Direktøren indstiller, at sagen godkendes.", "",
                          "Beslutning i Teknik- og Miljøudvalget den 27. december 2016:",
                          "Godkendt.", ""])
    pdf = tmp_path / "minutes.pdf"
    assert docmaker.make_pdf(page_one + "\n\f" + page_two, pdf) == 2
    text = load_meeting(pdf).items[0].text
    assert "Indstilling\nDirektøren indstiller" in text
    assert "Resumé\nSagen vedrører arbejdsmiljø" in text
