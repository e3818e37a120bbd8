"""``python -m bench.parse``: parse throughput, without the store, and ingest throughput with it.

Parse figures, each the best of a few runs in CPU time: items per second over a generated corpus
(:mod:`bench.corpus`, 300 meetings), and the time to parse one 1 MB and one 10 MB document (the
generated minutes joined into one long meeting, so every line is real minutes text).

Ingest figures, each the median of three runs in wall time (what a user waits for): a whole
:func:`store.ingest.ingest_paths` of 2,000 generated meetings into a new store file, read in this
process and read in worker processes (one per processor), so the gain of the workers shows.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus
from store.parse import label_of, parse_text

INGEST_MEETINGS = 2_000


def _corpus(meetings: int) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="referat-parse-") as tmp:
        write_corpus(Path(tmp), meetings)
        return [(str(p), p.read_text(encoding="utf-8"))
                for p in sorted(Path(tmp).rglob("*.txt"))]


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        label_of.cache_clear()  # each run starts cold: the same text parsed again is no measure
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def _big_document(texts: list[str], size: int) -> str:
    """One long meeting: the corpus' text repeated up to ``size`` characters."""
    parts: list[str] = []
    total = 0
    while total < size:
        for text in texts:
            parts.append(text)
            total += len(text)
            if total >= size:
                break
    return "\n\f".join(parts)


def _ingest_rows(meetings: int, repeat: int = 3) -> list[tuple[str, str]]:
    """Wall time of a whole ingest, in-process and in worker processes (median of runs)."""
    from store.db import Store
    from store.ingest import ingest_paths, worker_count

    out = []
    with tempfile.TemporaryDirectory(prefix="referat-ingest-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, meetings)
        for label, workers in (("in-process", 0), (f"{worker_count()} worker processes", None)):
            times, items = [], 0
            for run in range(repeat):
                store = Store(Path(tmp) / f"store-{workers}-{run}.json")
                label_of.cache_clear()
                start = time.perf_counter()
                summary = ingest_paths(store, [corpus], workers=workers)
                times.append(time.perf_counter() - start)
                items = summary.report.items_added
            seconds = statistics.median(times)
            out.append((f"ingest: {meetings:,} meetings, {label}",
                        f"{seconds:.1f} s ({items / seconds:,.0f} items/s)"))
    return out


def rows(meetings: int = 300) -> list[tuple[str, str]]:
    corpus = _corpus(meetings)
    items = sum(len(parse_text(text, name).items) for name, text in corpus)
    seconds = _best(lambda: [parse_text(text, name) for name, text in corpus])
    out = [(f"parse: {meetings} generated meetings",
            f"{items / seconds:,.0f} items/s ({seconds / items * 1e6:.0f} µs CPU per item)")]
    texts = [text for _, text in corpus]
    for mb in (1, 10):
        doc = _big_document(texts, mb * 1_000_000)
        t = _best(lambda doc=doc: parse_text(doc, "big.txt"), repeat=1 if mb > 1 else 3)
        out.append((f"parse: one {mb} MB document", f"{t:.2f} s CPU ({t / mb:.2f} s per MB)"))
    return out + _ingest_rows(INGEST_MEETINGS)


if __name__ == "__main__":
    for metric, value in rows():
        print(f"{metric:44s} {value}")
