"""Parse time is linear in the input: ten times the input costs at most twelve times the time.

Measured in CPU time (not wall time, which other processes disturb), each size the best of
several runs, on ordinary minutes and on inputs that used to be quadratic: long runs of dots or
of ". " (table-of-contents leaders), one 1 MB line, hundreds of KB of repeated headings, many
paragraphs glued across page breaks, and pages of running headers.
"""

from __future__ import annotations

import contextlib
import gc
import time

import pytest

from store.parse import parse_text
from store.records import ParseError

BASE = 30_000  # characters; the large input is ten times this


def _dots(n: int) -> str:
    return "Referat\n\n" + "." * n


def _dot_space(n: int) -> str:
    return "Referat\n\nIndholdsfortegnelse\nTitel " + ". " * (n // 2) + "3\n"


def _one_line(n: int) -> str:
    unit = "Beslutning ord Sagsnr.: 12/3456 Sagsfremstilling ord "
    return "Referat 1. maj 2020\n\n" + unit * (n // len(unit))


def _repeated_headings(n: int) -> str:
    unit = "Sak 1: Godkendelse\nBeslutning\nGodkendt.\n\n"
    return unit * (n // len(unit))


def _numbered_lines(n: int) -> str:
    return "".join(f"{i % 50 + 1}. Godkendelse af dagsorden\n" for i in range(n // 30))


def _glued_paragraphs(n: int) -> str:
    return "Referat 1. maj 2020\n\n1. Titel\n\nBeslutning\n" + "ord ord\n\n" * (n // 9)


def _paged_minutes(n: int) -> str:
    page = ("Referat Byrådet 1. maj 2020\nSide {i} af 99\n{k}. Titel {i}\n\n"
            "Beslutning\nGodkendt.\n\f")
    return "".join(page.format(i=i, k=i + 1) for i in range(n // 70))


CASES = [_dots, _dot_space, _one_line, _repeated_headings, _numbered_lines, _glued_paragraphs,
         _paged_minutes]


def _cpu(text: str, repeat: int = 5) -> float:
    """Best CPU time of ``repeat`` parses, garbage collection paused (its pauses are not the
    parser's work, and they fall unevenly on small and large inputs)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time()
            with contextlib.suppress(ParseError):
                parse_text(text, "linear")
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("make", CASES, ids=[c.__name__.strip("_") for c in CASES])
def test_ten_times_the_input_costs_at_most_twelve_times_the_time(make):
    small, large = make(BASE), make(BASE * 10)
    _cpu(small, repeat=1)  # warm the regex caches
    # A busy machine (two cores shared with other test runs) slows single measurements: a
    # bound broken by load once holds on a second try, a quadratic cost never does.
    tries = []
    for _ in range(3):
        # Under 10 ms, scheduling and caches make ratios noise; a quadratic parse of the large
        # input would still take seconds (8,000 dots once took 2.5 s), far above 12 × 10 ms.
        t_small = max(_cpu(small), 0.01)
        t_large = _cpu(large, repeat=3)
        tries.append((t_small, t_large))
        if t_large <= 12 * t_small:
            return
    pytest.fail(f"{make.__name__}: (small, large) CPU seconds {tries}")
