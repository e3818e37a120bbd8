"""Dates and times as Danish minutes print them, turned into ISO strings.

Minutes write the same meeting date in many ways, depending on the system that exported them:

    REFERAT Direktionen d. 20-02-2023       dd-mm-yyyy (Danish order: day first)
    Den 09.01.2020 kl. 13:00                dd.mm.yyyy, time with "kl."
    Onsdag den 15-maj-2002                  month name between dashes
    mandag den 24. april 2017               "24." with an ordinal dot, lower-case month
    04-06-2020 09:00:00                     time with seconds
    April 3, 2019                           English month names from web exports

Numeric dates are always read day first; only ``yyyy-mm-dd`` is read year first.
"""

from __future__ import annotations

import datetime as dt
import re

# Month names and abbreviations, Danish and English: the one table parser and query share.
MONTHS: dict[str, int] = {
    "januar": 1, "january": 1, "jan": 1,
    "februar": 2, "february": 2, "feb": 2,
    "marts": 3, "march": 3, "mar": 3, "mart": 3,
    "april": 4, "apr": 4,
    "maj": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
DA_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
             "september", "oktober", "november", "december")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

# Each pattern first looks ahead for the character every match starts with (a digit, a
# month's first letter, the "k" of "kl."): a search then passes over other characters at once
# instead of trying the lookbehind and the alternatives at each of them.
_MONTH_FIRST = "".join(sorted({name[0] for name in MONTHS}))
_ISO = re.compile(r"(?=\d)(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMERIC = re.compile(
    r"(?=\d)(?<![\d.\-/])(\d{1,2})[-./](\d{1,2})[-./](\d{4}|\d{2})(?![\d\-/]|\.\d)")
_NAMED = re.compile(
    rf"(?=\d)(?<!\d)(\d{{1,2}})\.?\s*[-.]?\s*({_MONTH_ALT})\.?\s*[-.]?\s*(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_ENGLISH = re.compile(
    rf"(?=[{_MONTH_FIRST}])\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# What _ISO, _NAMED and _ENGLISH cannot match without (a year; for _ENGLISH a day, spaces and
# a year): searched for first, since the month alternatives, tried ignoring case at every word,
# made find_date cost 30 µs on a sentence with no date at all.
_YEAR = re.compile(r"\d{4}")
_ENGLISH_TAIL = re.compile(r"\d(?:st|nd|rd|th)?,?\s+\d{4}", re.IGNORECASE)
_TIME_KL = re.compile(r"(?=k)\bkl\.?\s*(\d{1,2})(?:[:.](\d{2}))?(?!\d)", re.IGNORECASE)
_TIME_COLON = re.compile(r"(?=\d)(?<![\d:])(\d{1,2}):(\d{2})(?::\d{2})?(?![\d:])")


def _iso(year: int, month: int, day: int) -> str | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first valid date written in ``text``, as ``yyyy-mm-dd``; None when there is none.

    >>> find_date("Mødedato Mandag d. 20. februar 2023 kl. 12:30")
    '2023-02-20'
    >>> find_date("Onsdag den 15-maj-2002")
    '2002-05-15'
    """
    found: list[tuple[int, str]] = []
    for m in _NUMERIC.finditer(text):
        iso = _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
            break
    if _YEAR.search(text):  # the other forms all print a four-digit year
        found.extend(_dates_with_year(text))
    if not found:
        return None
    return min(found)[1]


def _month(name: str) -> int:
    """The month a matched name stands for; 0 (no date) for a spelling that only matched by
    Unicode case folding ("ſeptember", "aprıl"), which no minutes print."""
    return MONTHS.get(name.lower(), 0)


def _dates_with_year(text: str) -> list[tuple[int, str]]:
    """(position, date) of the first valid ISO, named-month and English date in ``text``."""
    found: list[tuple[int, str]] = []
    for m in _ISO.finditer(text):
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            found.append((m.start(), iso))
            break
    for m in _NAMED.finditer(text):
        iso = _iso(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
            break
    for m in _ENGLISH.finditer(text) if _ENGLISH_TAIL.search(text) else ():
        iso = _iso(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
        if iso:
            found.append((m.start(), iso))
            break
    return found


def find_time(text: str) -> str | None:
    """The clock time written in ``text`` as ``HH:MM`` ("kl. 12.30", "09:00:00"); else None."""
    for pattern in (_TIME_KL, _TIME_COLON):
        for m in pattern.finditer(text):
            hour, minute = int(m.group(1)), int(m.group(2) or 0)
            if hour < 24 and minute < 60:
                return f"{hour:02d}:{minute:02d}"
    return None
