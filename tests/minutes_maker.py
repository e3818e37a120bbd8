"""Whole-document minutes for segmentation tests: what a PDF export of a long meeting looks like
as text. Running headers and footers with page numbers on every page, a form feed between pages,
a table of contents with dotted leaders, many items in one heading style, case numbers, closed
items, numbered lists inside items, and pages that break in the middle of an item.

``make_minutes`` returns the text and the items it holds, so a test can compare what the parser
reads with what was written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TOPICS = ["Budgetopfølgning", "Lokalplan for boligområde", "Anlægsbevilling til skole",
          "Trafiksikkerhedsplan", "Udbud af rengøring", "Kvalitetsstandarder på ældreområdet",
          "Takster for daginstitutioner", "Salg af byggegrund", "Klimaplan", "Renovering af hal"]
# Heading styles of the common systems: (format, closed prefix).
STYLES = {
    "dot": "{n}. {title}",
    "punkt": "Punkt {n}: {title}",
    "sag": "Sag {n}: {title}",
    "glued": "{n}{title}",
}


@dataclass
class WrittenItem:
    number: int
    title: str
    case_number: str
    closed: bool
    decision: str


def _item_lines(item: WrittenItem, style: str, rng: random.Random) -> list[str]:
    lines = [STYLES[style].format(n=item.number, title=item.title), "",
             f"Sagsnr.: {item.case_number}", ""]
    if item.closed:
        return lines + (["Beslutning", "Fortroligt indhold om en person.", ""]
                        if item.decision else [])
    lines += ["Sagsfremstilling"]
    for p in range(rng.randint(2, 6)):
        lines += [f"Afsnit {p + 1} om {item.title.lower()} beskriver sagens baggrund og "
                  "forvaltningens vurdering af de økonomiske konsekvenser.", ""]
    lines += ["Forvaltningen foreslår:", "1. at planen godkendes", "2. at sagen sendes i høring",
              "", "Indstilling", "Direktionen indstiller, at sagen godkendes.", ""]
    if item.decision:
        lines += ["Beslutning", item.decision, ""]
    return lines


def _varied_edges(n: int, pages: int) -> tuple[list[str], list[str]]:
    """Header and footer lines that change from page to page but keep their shape."""
    head = ["Eksempel Kommune · Teknik og Miljø",
            f"Økonomiudvalget 12. marts 2024 – side {n} af {pages}"]
    foot = [f"https://www.eksempel.dk/politik/referater/2024-03-12/side-{n}",
            f"Udskrevet 13.03.2024 kl. 08:{n % 60:02d}"]
    return head, foot


def make_minutes(items: int = 40, style: str = "dot", seed: int = 1,
                 lines_per_page: int = 45,
                 varied_edges: bool = False,
                 agenda: bool = False) -> tuple[str, list[WrittenItem]]:
    """The text of one long meeting's minutes and the items written into it.

    ``varied_edges`` prints a logo line, a header with "side N af M", a URL footer and a print
    time on every page instead of one fixed header and a "Side N af M" footer. ``agenda``
    writes the meeting before it is held: no decisions, and no "Referat" above it.
    """
    rng = random.Random(seed)
    written = []
    for k in range(items):
        number = 100 + k
        closed = k % 9 == 8
        title = f"{'Lukket: ' if closed else ''}{TOPICS[k % len(TOPICS)]} {2020 + k % 5}"
        written.append(WrittenItem(number, title, f"{20 + k % 5}-{10000 + k:06d}", closed,
                                   "" if agenda else f"Godkendt med {k} stemmer."))
    body: list[str] = ["Indholdsfortegnelse", ""]
    for k, item in enumerate(written):
        body.append(f"{item.number}. {item.title} {'.' * 12} {3 + k // 3}")
    body.append("")
    for item in written:
        body += _item_lines(item, style, rng)
    header = "Økonomiudvalget 12-03-2024"
    pages = [body[i:i + lines_per_page] for i in range(0, len(body), lines_per_page)]
    out = ["Møde" if agenda else "Referat", "Økonomiudvalget", "Mødedato: 12. marts 2024 kl. 16:00",
           "Mødested: Rådhuset, mødelokale 1", "Eksempel Kommune", ""]
    for n, page in enumerate(pages, start=1):
        if varied_edges:
            head, foot = _varied_edges(n, len(pages))
            out += [*head, "", *page, "", *foot, "\f"]
        else:
            out += [header, "", *page, "", f"Side {n} af {len(pages)}", "\f"]
    return "\n".join(out), written
