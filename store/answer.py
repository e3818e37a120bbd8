"""Turn a :class:`SearchResult` into the one answer every surface shows.

The CLI, the console chat and Slack (as its fallback text) all call :func:`answer_text`, so they
can never disagree. The order is fixed: the decision first, then where it was made (meeting,
item, case number), then up to three other matches. Labels follow the question's language; the
minutes are quoted as written. Closed items never show content, only that they are closed.
"""

from __future__ import annotations

import re
from typing import Any

from store.parse_dates import DA_MONTHS, EN_MONTHS
from store.records import ItemRecord
from store.search import Hit, SearchResult
from store.text import normalise

_LABELS: dict[str, dict[str, str]] = {
    "da": {
        "decision": "Beslutning",
        "recommendation": "Indstilling",
        "resume": "Resumé",
        "meeting": "Møde",
        "item": "Punkt",
        "case": "Sag",
        "closed_note": "lukket punkt: indholdet er ikke offentligt",
        "no_decision": "Der står ingen beslutning i referatet.",
        "no_match": "Jeg fandt ikke noget svar i referaterne.",
        "other_matches": "Andre mulige svar",
        "did_you_mean": "Mente du sag {0}? Der er ingen sag med præcis det nummer.",
        "timeline": "Sag {0} er behandlet på {1} møder (nyeste først):",
        "meeting_items": "Punkter på mødet",
        "undated": "uden dato",
        "listing": "{0} møder, nyeste først:",
        "more_items": "… og {0} punkter mere",
        "more_meetings": "… og {0} møder mere. Spørg om et emne, en dato eller et udvalg for "
        "at se færre.",
        "items_count": "{0} punkter",
        "place": "Sted",
        "time": "Tidspunkt",
        "participants": "Deltagere",
        "absent": "Fraværende",
        "source": "Kilde",
        "no_place": "Referatet nævner ikke, hvor mødet blev holdt.",
        "no_time": "Referatet nævner ikke, hvornår mødet begyndte.",
        "no_participants": "Referatet nævner ikke, hvem der deltog.",
        "no_absent": "Referatet nævner ingen fraværende.",
        "case_label": "Sagsnummer",
        "no_field": "Punktet har ingen {0}.",
        "help": "Spørg om hvad der blev besluttet, på dansk eller engelsk, fx:\n"
        "- hvad blev besluttet om plasterordningen?\n"
        "- et sagsnummer: 18-034639K (også delvist: 34639)\n"
        "- en periode eller et udvalg alene: i 2016, februar 2023, Direktionen, seneste møde, "
        "forrige møde\n"
        "- et emne i en periode eller kommune: budget 2024 i Køge\n"
        "- om selve mødet: hvor blev mødet holdt? hvem var fraværende? hvem deltog?\n"
        "- i samme tråd: og den forrige? hvad med 2016? hvad var indstillingen?",
    },
    "en": {
        "decision": "Decision",
        "recommendation": "Recommendation",
        "resume": "Summary",
        "meeting": "Meeting",
        "item": "Item",
        "case": "Case",
        "closed_note": "closed item: its content is not public",
        "no_decision": "The minutes record no decision.",
        "no_match": "I found no answer in the minutes.",
        "other_matches": "Other possible matches",
        "did_you_mean": "Did you mean case {0}? No case has exactly that number.",
        "timeline": "Case {0} was discussed at {1} meetings (newest first):",
        "meeting_items": "Items on the agenda",
        "undated": "undated",
        "listing": "{0} meetings, newest first:",
        "more_items": "… and {0} more items",
        "more_meetings": "… and {0} more meetings. Ask about a topic, a date or a committee to "
        "see fewer.",
        "items_count": "{0} items",
        "place": "Place",
        "time": "Time",
        "participants": "Participants",
        "absent": "Absent",
        "source": "Source",
        "no_place": "The minutes do not say where the meeting was held.",
        "no_time": "The minutes do not say when the meeting began.",
        "no_participants": "The minutes do not say who took part.",
        "no_absent": "The minutes record nobody absent.",
        "case_label": "Case number",
        "no_field": "The item has no {0}.",
        "help": "Ask what was decided, in Danish or English, for example:\n"
        "- what was decided on the plaster scheme?\n"
        "- a case number: 18-034639K (or part of it: 34639)\n"
        "- a period or a committee alone: in 2016, February 2023, Direktionen, latest meeting, "
        "previous meeting\n"
        "- a topic in a period or municipality: budget 2024 in Køge\n"
        "- the meeting itself: where was the meeting held? who was absent? who attended?\n"
        "- in the same thread: and the previous one? what about 2016? what was the "
        "recommendation?",
    },
}




def _words(text: str) -> list[str]:
    return text.split()


# Words a decision is made of when it says only *that* something was decided, not *what*
# ("Godkendt.", "Taget til efterretning.", "Indstillingen tiltrådt."). Such a decision is shown
# with the recommendation it refers to.
_BARE_WORDS = frozenset(normalise(w) for w in _words("""
    godkendt godkendes godkender godkendte anbefales anbefalet anbefaler anbefaling
    taget tages til efterretning orientering orienteringen drøftet drøftes drøftede
    udsat udsættes ikke tiltrådt tiltrædes tiltræder vedtaget vedtages afvist afvises
    indstillingen indstilling indstillet som sagen blev med de faldne bemærkninger og
    forslaget oversendes ingen bemærkninger ok ja nej punktet behandlet sagens
    """))


def labels(lang: str) -> dict[str, str]:
    """The answer's labels in the question's language ("da" unless "en")."""
    return dict(_LABELS["en" if lang == "en" else "da"])


def is_bare_decision(decision: str) -> bool:
    """True when a decision only says that the recommendation was followed.

    >>> is_bare_decision("Godkendt."), is_bare_decision("Taget til efterretning.")
    (True, True)
    >>> is_bare_decision("Mødet aflyses.")
    False
    """
    words = normalise(decision).split()
    return bool(words) and len(words) <= 8 and all(w in _BARE_WORDS for w in words)


def human_date(iso: str | None, lang: str) -> str:
    """``2023-02-20`` as "20. februar 2023" (da) or "20 February 2023" (en)."""
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return iso or labels(lang)["undated"]
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    if not 1 <= month <= 12:
        return iso
    if lang == "en":
        return f"{day} {EN_MONTHS[month - 1]} {year}"
    return f"{day}. {DA_MONTHS[month - 1]} {year}"


def _quote(text: str, limit: int) -> str:
    text = re.sub(r"\n\s*\n+", "\n", text.strip())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


def _meeting_line(r: ItemRecord, lab: dict[str, str], lang: str) -> str:
    return f"{lab['meeting']}: {r.body}, {human_date(r.date, lang)}"


def _item_line(r: ItemRecord, lab: dict[str, str]) -> str:
    number = f" {r.item_number}" if r.item_number is not None else ""
    return f"{lab['item']}{number}: {r.title}"


def _short_line(r: ItemRecord, lab: dict[str, str], lang: str) -> str:
    number = f", {lab['item'].lower()} {r.item_number}" if r.item_number is not None else ""
    case = f", {lab['case'].lower()} {r.case_number}" if r.case_number else ""
    closed = f" ({lab['closed_note'].split(':')[0]})" if r.closed else ""
    return f"- {r.title}{closed} ({r.body}, {human_date(r.date, lang)}{number}{case})"


def _main_block(r: ItemRecord, lang: str) -> list[str]:
    lab = labels(lang)
    lines: list[str] = []
    if r.closed:
        lines.append(_item_line(r, lab))
        lines.append(_meeting_line(r, lab, lang))
        if r.case_number:
            lines.append(f"{lab['case']}: {r.case_number}")
        note = lab["closed_note"]
        lines.append(note[0].upper() + note[1:] + ".")
        return lines
    decision = (r.decision or "").strip()
    if decision and decision != "-":
        lines.append(f"{lab['decision']}: {_quote(decision, 700)}")
        if is_bare_decision(decision) and r.recommendation:
            lines.append(f"{lab['recommendation']}: {_quote(r.recommendation, 500)}")
    else:
        lines.append(lab["no_decision"])
        if r.recommendation:
            lines.append(f"{lab['recommendation']}: {_quote(r.recommendation, 400)}")
        elif r.resume:
            lines.append(f"{lab['resume']}: {_quote(r.resume, 300)}")
    lines.append(_item_line(r, lab))
    lines.append(_meeting_line(r, lab, lang))
    if r.case_number:
        lines.append(f"{lab['case']}: {r.case_number}")
    return lines


def _is_timeline(hits: list[Hit]) -> bool:
    return (len(hits) > 1 and all(h.match in ("case", "case_fuzzy") for h in hits)
            and len({h.record.meeting_id for h in hits}) > 1)


def _is_meeting_listing(hits: list[Hit]) -> bool:
    return (len(hits) > 1 and all(h.match == "keyword" and h.score == 0.0 for h in hits)
            and len({h.record.meeting_id for h in hits}) == 1)


def answer_text(result: SearchResult) -> str:
    """The answer as plain text (see the module doc for its order)."""
    lang = result.lang
    lab = labels(lang)
    hits = result.hits
    special = _SPECIAL.get(result.kind)
    if special is not None:
        return special(result, lab)
    if result.focus and hits:
        return _focus_text(hits[0].record, result.focus, lab, lang)
    if not hits:
        return "\n".join(x for x in (lab["no_match"], result.hint) if x)
    lines: list[str] = []
    first = hits[0].record
    if result.did_you_mean:
        lines.append(lab["did_you_mean"].format(first.case_number or first.title))
    if _is_meeting_listing(hits):
        lines.append(_meeting_line(first, lab, lang))
        lines.append(f"{lab['meeting_items']}:")
        for h in hits:
            r = h.record
            number = f"{r.item_number}. " if r.item_number is not None else "- "
            tail = f" — {lab['closed_note']}" if r.closed else (
                f" — {lab['decision']}: {_quote(r.decision, 120)}" if r.decision else "")
            lines.append(f"{number}{r.title}{tail}")
        return "\n".join(lines)
    lines.extend(_main_block(first, lang))
    if _is_timeline(hits):
        lines.append("")
        lines.append(lab["timeline"].format(first.case_number, len({h.record.meeting_id
                                                                     for h in hits})))
        for h in hits:
            r = h.record
            what = lab["closed_note"] if r.closed else (
                f"{lab['decision']}: {_quote(r.decision, 160)}" if r.decision
                else lab["no_decision"])
            lines.append(f"- {human_date(r.date, lang)}, {r.body}: {r.title} — {what}")
        return "\n".join(lines)
    others = [h.record for h in hits[1:4]]
    if others:
        lines.append("")
        lines.append(f"{lab['other_matches']}:")
        lines.extend(_short_line(r, lab, lang) for r in others)
    return "\n".join(lines)


def _listing_text(result: SearchResult, lab: dict[str, str]) -> str:
    """Meetings newest first, a few items each, and how many more there are."""
    lang = result.lang
    by_meeting: dict[str, list[ItemRecord]] = {}
    for r in result.listed:
        by_meeting.setdefault(r.meeting_id, []).append(r)
    lines = [lab["listing"].format(len(result.meetings) + result.more)]
    for m in result.meetings:
        items = by_meeting.get(m.meeting_id, [])
        where = f" ({m.municipality})" if m.municipality else ""
        lines.append(f"{m.body}, {human_date(m.date, lang)}{where}: "
                     f"{lab['items_count'].format(len(items))}")
        for r in items[:LISTED_ITEMS]:
            number = f"{r.item_number}. " if r.item_number is not None else ""
            lines.append(f"  - {number}{r.title}")
        if len(items) > LISTED_ITEMS:
            lines.append("  " + lab["more_items"].format(len(items) - LISTED_ITEMS))
    if result.more:
        lines.append(lab["more_meetings"].format(result.more))
    return "\n".join(lines)


def _meeting_text(result: SearchResult, lab: dict[str, str]) -> str:
    """A meeting fact first (place, time, participants, absent), the rest after, source named."""
    m = result.meetings[0]
    lang = result.lang
    where = f" ({m.municipality})" if m.municipality else ""
    facts = {
        "place": m.place,
        "time": m.start_time and (f"kl. {m.start_time}" if lang == "da" else m.start_time),
        "participants": ", ".join(m.participants),
        "absent": ", ".join(getattr(m, "absent", None) or []),
    }
    order = [result.fact] + [f for f in facts if f != result.fact]
    lines = [f"{lab['meeting']}: {m.body}, {human_date(m.date, lang)}{where}"]
    for fact in order:
        if facts.get(fact):
            lines.append(f"{lab[fact]}: {facts[fact]}")
        elif fact == result.fact:
            lines.append(lab[f"no_{fact}"])
    if m.source:
        lines.append(f"{lab['source']}: {m.source}")
    return "\n".join(lines)


def _help_text(result: SearchResult, lab: dict[str, str]) -> str:
    return lab["help"]


def _focus_text(r: ItemRecord, focus: str, lab: dict[str, str], lang: str) -> str:
    """One field of an item, asked for in a follow-up ("hvad var indstillingen?")."""
    label = {"case": "case_label"}.get(focus, focus)
    value = r.case_number if focus == "case" else ("" if r.closed else getattr(r, focus, ""))
    head = (f"{lab[label]}: {_quote(value, 900)}" if value
            else lab["no_field"].format(lab[label].lower()))
    return "\n".join([head, _item_line(r, lab), _meeting_line(r, lab, lang)])


LISTED_ITEMS = 3
_SPECIAL = {"listing": _listing_text, "meeting": _meeting_text, "help": _help_text}


def result_json(result: SearchResult) -> dict[str, Any]:
    """The answer and its results as plain data (``referat ask --json``, tests, tools)."""
    results = []
    for h in result.hits:
        r = h.record
        results.append({
            "case_number": r.case_number,
            "title": r.title,
            "item_number": r.item_number,
            "closed": r.closed,
            "decision": "" if r.closed else r.decision,
            "recommendation": "" if r.closed else r.recommendation,
            "meeting": {"body": r.body, "date": r.date},
            "score": h.score,
            "match": h.match,
        })
    return {
        "question": result.question,
        "lang": result.lang,
        "answer": answer_text(result),
        "did_you_mean": result.did_you_mean,
        "hint": result.hint,
        "kind": result.kind,
        "meetings": [{"body": m.body, "date": m.date, "municipality": m.municipality,
                      "place": m.place, "source": m.source} for m in result.meetings],
        "results": results,
    }
