"""Page furniture and web chrome: lines that belong to the page, not to the minutes.

Minutes reach us as PDF exports (running headers and footers, page numbers) and as web pages
saved as text (navigation, buttons, cookie banners, download boxes). None of it is content, and
left in place it ends up inside decisions ("Godkendt. Til toppen") or is taken for an item title
("Søg"). The rules here are general, not one municipality's strings:

* a line that is only an interface action: a verb of navigation or output on its own ("Udskriv",
  "Til toppen", "Hent som PDF", "Kopier link", "Fold alle ud", "Skip til hoved indholdet");
* a cookie banner or consent button (any short paragraph about cookies);
* a document-viewer frame ("Save this PDF as:", "Størrelse: px", "Download …", "Transkript");
* a site notice that the page failed to load part of itself.

Repeated running headers and footers are handled where pages are known (``store.parse``).
"""

from __future__ import annotations

import re
from functools import lru_cache

# An interface action alone on a line, optionally after a bullet and with a trailing colon.
_ACTION = re.compile(
    r"^(?:[•·▪◦●\-]\s*)?(?:"
    r"til\s+toppen|tilbage(?:\s+til\s+\w+)?|til\s+forsiden|gå\s+til\s+(?:indhold|toppen)"
    r"|skip\s+til\s+(?:hoved\s*)?indhold(?:et)?|spring\s+til\s+(?:hoved)?indhold(?:et)?"
    r"|udskriv(?:\s+(?:hele\s+)?(?:dagsorden(?:en)?|dagsordnen|referat(?:et)?|siden|punkt(?:et)?))?"
    r"|print|del(?:\s+(?:siden|på\s+\w+))?|kopier\s+link|kopiér\s+link|luk|menu|søg|søg\s+her"
    r"|hent\s+som\s+(?:pdf|fil|word)|download(?:\s+som\s+pdf)?|se\s+alle\s+bilag|vis\s+alle\s+bilag"
    r"|fold\s+(?:alle\s+)?(?:ud|sammen)|åbn\s+alle|luk\s+alle|læs\s+mere|log\s+ind"
    r"|accepter(?:\s+alle)?(?:\s+cookies)?|afvis(?:\s+alle)?(?:\s+cookies)?|nej\s+tak(?:\s+til\s+cookies)?"
    r"|transkript|starte\s+visningen\s+fra\s+side|størrelse\s*:\s*px|save\s+this\s+pdf\s+as"
    r"|word\s+png\s+txt\s+jpg"
    r")\s*:?\s*$",
    re.IGNORECASE,
)
_COOKIES = re.compile(r"\bcookie", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_VIEWER = re.compile(r'^download\s+"', re.IGNORECASE)
_SITE_NOTICE = re.compile(r"^kunne\s+ikke\s+(?:indlæse|hente|vise)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def chrome_reason(line: str) -> str | None:
    """Why ``line`` is web chrome or viewer furniture; None for a line of the minutes.

    Cached: the lines that get this far are mostly section labels and short headings, printed
    in every item of every file.

    >>> chrome_reason("Til toppen"), chrome_reason("• Udskriv"), chrome_reason("Godkendt.")
    ('navigation', 'navigation', None)
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 400:
        return None
    cookie = "ookie" in stripped or "OOKIE" in stripped
    if len(stripped) > 60 and not cookie and stripped[:1] not in "DdKk":
        return None  # a line of text: only banners and notices are long
    if (len(stripped) <= 60 and not stripped.endswith(".") and _may_be_action(stripped)
            and _ACTION.match(stripped) and not _DIGIT.search(stripped)):
        return "navigation"
    if cookie and _COOKIES.search(stripped) and not stripped[:1].isdigit():
        return "cookie banner"
    if stripped[:1] in "DdKk":
        if _VIEWER.match(stripped):
            return "document viewer"
        if _SITE_NOTICE.match(stripped):
            return "site notice"
    return None


# What an interface action can start with: a bullet or dash, or the first letter of one of the
# :data:`_ACTION` words (either case). Any other ASCII first character rules the line out; a
# non-ASCII one ("å", or a letter that only matches ignoring case) goes to the pattern.
_ACTION_FIRST = frozenset("-tgsupdklmhvfanw" + "tgsupdklmhvfanw".upper())


def _may_be_action(stripped: str) -> bool:
    first = stripped[0]
    return first in _ACTION_FIRST or not first.isascii()


def _may_be_chrome(line: str) -> bool:
    """False for a line :func:`chrome_reason` surely passes: a stripped line (first and last
    character no space) that names no cookie, does not start with "D" or "K", and is long, ends
    a sentence or starts like no interface action. Most lines of minutes, at no call."""
    first, last = line[0], line[-1]
    if first.isspace() or last.isspace() or "ookie" in line or "OOKIE" in line or first in "DdKk":
        return True
    return len(line) <= 60 and last != "." and _may_be_action(line)


def strip_chrome(lines: list[str], removed: list[tuple[str, str]] | None = None) -> list[str]:
    """``lines`` with chrome lines blanked (indices kept); what was removed goes to ``removed``."""
    out = list(lines)
    for i in [i for i, line in enumerate(lines) if line and _may_be_chrome(line)]:
        line = lines[i]
        reason = chrome_reason(line)
        if reason:
            if removed is not None:
                removed.append((reason, line.strip()))
            out[i] = ""
    return out
