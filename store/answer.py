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
        "results": results,
    }
