"""Ask latency at scale, lexical and with the semantic step, and the semantic backfill rate.

    python -m bench.ask [--meetings 12000] [--embed 400] [--store FILE]

Generates a corpus with :mod:`bench.corpus` (12,000 meetings is about 100,000 items) plus the
two samples, ingests it, then measures in this process:

* lexical ask latency (``REFERAT_SEMANTIC=off``) over 200 mixed questions plus the English and
  no-answer questions of the visible sets, p50/p95/max;
* the semantic backfill rate: ``--embed`` items embedded on one thread (items/s per core), and
  from it the time until a 10,000-item store is fully embedded;
* ask latency with the semantic step on the same questions, every item having a vector. Only the
  ``--embed`` items get real vectors (embedding 100,000 items takes hours on one core); the others
  get random unit vectors, which cost the same to search. Also the cost of the semantic step
  alone (question embedding plus similarity to every item), forced on every question.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.scale import QUESTIONS, SAMPLES, _mixed_questions

ROOT = Path(__file__).resolve().parents[1]
DEVQ = ROOT / "tests" / "fixtures" / "devq" / "questions.jsonl"


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
            "max": times[-1]}


def _questions(records: list) -> list[str]:
    evalqs = [json.loads(x) for x in QUESTIONS.read_text("utf-8").splitlines() if x.strip()] \
        if QUESTIONS.exists() else []
    out = _mixed_questions(records, evalqs, random.Random(7))
    devqs = [json.loads(x) for x in DEVQ.read_text("utf-8").splitlines() if x.strip()]
    out += [q["question"] for q in devqs if q["kind"] in ("english_crosslingual", "no_answer")]
    return out


def _time_asks(searcher, questions: list[str]) -> dict[str, float]:
    for q in questions[:5]:
        searcher.search(q)  # warm caches and the model
    times = []
    for q in questions:
        t = time.perf_counter()
        searcher.search(q)
        times.append((time.perf_counter() - t) * 1000)
    return _percentiles(times)


def _ingest(db: Path, meetings: int, tmp: Path) -> float:
    from bench.corpus import write_corpus
    from store.db import Store
    from store.ingest import ingest_paths

    corpus = tmp / "generated"
    write_corpus(corpus, meetings)
    start = time.perf_counter()
    ingest_paths(Store(db), [corpus, SAMPLES])
    return time.perf_counter() - start


def _fill_vectors(store, n_real: int) -> float:
    """Embed ``n_real`` items for real (returns items/s), random unit vectors for the rest."""
    import numpy as np

    from store import semantic

    records = store.items()
    rng = random.Random(11)
    sample = rng.sample(records, min(n_real, len(records)))
    vectors = semantic.vectors_for(store)
    start = time.perf_counter()
    done = semantic.backfill(sample, vectors)
    rate = done / (time.perf_counter() - start) if done else 0.0
    keys = list(dict.fromkeys(semantic.content_key(r) for r in records))
    missing = [k for k in keys if k not in vectors]
    noise = np.random.default_rng(3).standard_normal((len(missing), semantic.DIM))
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    vectors.add(missing, noise.astype(np.float32))
    vectors.save()
    return rate


def run(meetings: int, n_embed: int, store_path: str | None) -> list[tuple[str, str]]:
    from store import semantic
    from store.db import Store
    from store.search import Searcher

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="referat-bench-ask-") as tmp:
        db = Path(store_path) if store_path else Path(tmp) / "store.json"
        if not db.exists():
            seconds = _ingest(db, meetings, Path(tmp))
            rows.append(("ingest", f"{seconds:.0f} s"))
        os.environ["REFERAT_SEMANTIC"] = "off"
        store = Store(db)
        n_items = store.stats().items
        rows.append(("items", f"{n_items:,}"))
        searcher = Searcher(store)
        start = time.perf_counter()
        searcher.index()
        rows.append(("build index", f"{time.perf_counter() - start:.1f} s"))
        questions = _questions(store.items())
        lex = _time_asks(searcher, questions)
        rows.append((f"lexical ask p50 / p95 / max ({len(questions)} questions)",
                     f"{lex['p50']:.1f} / {lex['p95']:.1f} / {lex['max']:.1f} ms"))

        os.environ["REFERAT_SEMANTIC"] = "on"
        os.environ.setdefault("REFERAT_SEMANTIC_THREADS", "1")
        if semantic.model() is None:
            rows.append(("semantic", "model unavailable: not measured"))
            return rows
        rate = _fill_vectors(store, n_embed)
        rows.append(("semantic backfill (1 thread)", f"{rate:.1f} items/s per core"))
        if rate:
            rows.append(("time to embed a 10,000-item store (1 core)",
                         f"{10_000 / rate / 60:.0f} min"))
        searcher = Searcher(Store(db))
        idx = searcher.index()
        start = time.perf_counter()
        vectors = searcher.vectors()
        assert vectors is not None
        idx.semantic_rows(vectors)
        rows.append(("load item vectors", f"{time.perf_counter() - start:.1f} s"))
        sem = _time_asks(searcher, questions)
        rows.append(("ask with semantic step p50 / p95 / max",
                     f"{sem['p50']:.1f} / {sem['p95']:.1f} / {sem['max']:.1f} ms"))
        from store.query import parse_query

        times = []
        for q in questions:
            query = parse_query(q)
            t = time.perf_counter()
            searcher._similarities(idx, query)
            times.append((time.perf_counter() - t) * 1000)
        step = _percentiles(times)
        rows.append(("semantic step alone, forced (embed + similarity) p50 / p95",
                     f"{step['p50']:.1f} / {step['p95']:.1f} ms"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ask",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=12000)
    parser.add_argument("--embed", type=int, default=400, help="items embedded for real")
    parser.add_argument("--store", help="an existing store file to measure instead")
    args = parser.parse_args(argv)
    rows = run(args.meetings, args.embed, args.store)
    width = max(len(m) for m, _ in rows)
    for metric, value in rows:
        print(f"{metric.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
