"""Scale benchmark: generated corpora (:mod:`bench.corpus`) with the real samples mixed in.

Each phase runs in a fresh child process so that its time and peak memory are its own:

* ``ingest``: :func:`store.ingest.ingest_paths` of the whole corpus into a new store file;
* ``ask``: ``Store(path)`` and the search index built from it (timed apart), then 200 mixed
  questions (latency p50/p95), the questions about the samples in ``examples/questions.jsonl``
  and 100 case numbers of generated items (share answered right).

    python -m bench.scale ingest DB DIR [DIR ...]   # prints one JSON line
    python -m bench.scale ask DB QUESTIONS.jsonl    # prints one JSON line
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "examples" / "questions.jsonl"
SAMPLES = ROOT / "examples" / "minutes"
N_MIXED = 200
N_GENERATED_CASES = 100


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (VmHWM, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ingest(db: str, dirs: list[str]) -> dict:
    from store.db import Store
    from store.ingest import ingest_paths

    start = time.perf_counter()
    store = Store(db)
    summary = ingest_paths(store, dirs)
    seconds = time.perf_counter() - start
    items = store.stats().items
    return {"seconds": seconds, "items": items, "files": summary.files,
            "rss_mb": peak_rss_mb(), "size_bytes": Path(db).stat().st_size}


def _mixed_questions(records: list, evalqs: list[dict], rng: random.Random) -> list[str]:
    """Questions of every kind: case numbers (whole, partial, typo), titles, English, filters."""
    with_case = [r for r in records if r.case_number]
    titled = [r for r in records if r.title]
    out = [q["question"] for q in evalqs]
    while len(out) < N_MIXED:
        kind = len(out) % 6
        if kind == 0 and with_case:
            out.append(rng.choice(with_case).case_number)
        elif kind == 1 and with_case:
            out.append(rng.choice(with_case).case_number.split("-")[-1])
        elif kind == 2 and titled:
            out.append("hvad blev der besluttet om " + rng.choice(titled).title.lower())
        elif kind == 3 and titled:
            words = [w for w in rng.choice(titled).title.split() if len(w) > 6] or ["budget"]
            w = rng.choice(words)
            i = rng.randrange(1, len(w) - 1)
            out.append(w[:i] + w[i + 1] + w[i] + w[i + 2:])
        elif kind == 4:
            out.append(rng.choice(["what was decided about the budget follow-up in 2016?",
                                   "recruitment in elderly care", "latest meeting",
                                   "climate plan 2024", "what about the swimming pool?"]))
        else:
            out.append(rng.choice(["seneste møde i Direktionen", "skolestruktur 2019",
                                   "vindmøller på Røsnæs", "lokalplan februar 2012",
                                   "økonomiudvalget digitalisering"]))
    return out[:N_MIXED]


def _ask(db: str, questions_path: str) -> dict:
    start = time.perf_counter()
    from store.db import Store
    from store.search import Searcher

    store = Store(db)
    load_store = time.perf_counter() - start
    searcher = Searcher(store)
    start = time.perf_counter()
    searcher.index()
    build_index = time.perf_counter() - start

    allqs = [json.loads(x) for x in Path(questions_path).read_text("utf-8").splitlines()
             if x.strip()]
    evalqs = [q for q in allqs if q["kind"] != "generated_case"]
    generated = [q for q in allqs if q["kind"] == "generated_case"]
    right = sum(_answered_right(searcher, q) for q in evalqs)
    generated_right = sum(_answered_right(searcher, q) for q in generated)
    questions = _mixed_questions(store.items(), evalqs, random.Random(7))
    times = []
    for question in questions:
        t = time.perf_counter()
        searcher.search(question)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"load_store": load_store, "build_index": build_index,
            "p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
            "max_ms": times[-1], "eval_right": right, "eval_total": len(evalqs),
            "generated_right": generated_right, "generated_total": len(generated),
            "rss_mb": peak_rss_mb()}


def _answered_right(searcher, q: dict) -> bool:
    """The expected item first, or no result for a question that has no answer."""
    hits = searcher.search(q["question"]).hits
    if q["kind"] == "no_answer" or not q.get("expected_case_number"):
        return not hits
    want = "".join(q["expected_case_number"].split()).upper()
    return bool(hits) and "".join((hits[0].record.case_number or "").split()).upper() == want


def _questions_file(folder: Path, corpus) -> Path:
    """The sample questions plus case numbers of generated items, whose answer is known."""
    items = list(corpus.open_items())
    picked = random.Random(11).sample(items, min(N_GENERATED_CASES, len(items)))
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    lines += [json.dumps({"question": item.case_number, "kind": "generated_case",
                          "expected_case_number": item.case_number}) for item in picked]
    path = folder / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.scale", *args], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench child {args[0]} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _median_run(runs: list[dict]) -> dict:
    """Each measure's median over repeated runs: one slow or lucky run moves nothing."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def run_scale(meetings: int, repeat: int = 3) -> list[tuple[str, str]]:
    """Generate a corpus of ``meetings`` meetings plus the samples; return (metric, value) rows."""
    with tempfile.TemporaryDirectory(prefix="referat-bench-") as tmp:
        from bench.corpus import write_corpus

        corpus = Path(tmp) / "generated"
        questions = _questions_file(Path(tmp), write_corpus(corpus, meetings))
        ingests, asks = [], []
        for i in range(repeat):
            db = str(Path(tmp) / f"store-{i}.json")
            # The samples come last so a generated meeting of the same body and date does not
            # replace them.
            ingests.append(_child("ingest", db, str(corpus), str(SAMPLES)))
            asks.append(_child("ask", db, str(questions)))
    ing, ask = _median_run(ingests), _median_run(asks)
    label = f"{meetings:,} meetings"
    return [
        (f"{label}: items", f"{ing['items']:,}"),
        (f"{label}: ingest",
         f"{ing['seconds']:.1f} s ({ing['items'] / ing['seconds']:,.0f} items/s)"),
        (f"{label}: store file", f"{ing['size_bytes'] / 2**20:.1f} MiB"),
        (f"{label}: peak RSS ingest", f"{ing['rss_mb']:.0f} MiB"),
        (f"{label}: load store", f"{ask['load_store']:.2f} s"),
        (f"{label}: build index", f"{ask['build_index']:.2f} s"),
        (f"{label}: peak RSS ask", f"{ask['rss_mb']:.0f} MiB"),
        (f"{label}: ask p50 / p95 / max",
         f"{ask['p50_ms']:.1f} / {ask['p95_ms']:.1f} / {ask['max_ms']:.1f} ms"),
        (f"{label}: eval answered right",
         f"{ask['eval_right']}/{ask['eval_total']} ({ask['eval_right'] / ask['eval_total']:.0%})"),
        (f"{label}: generated case numbers first",
         f"{ask['generated_right']:.0f}/{ask['generated_total']:.0f}"),
    ]


def samples_eval() -> tuple[str, str]:
    """The evaluation share over the two samples alone (the bar the scale runs must equal)."""
    with tempfile.TemporaryDirectory(prefix="referat-bench-") as tmp:
        db = str(Path(tmp) / "store.json")
        _child("ingest", db, str(SAMPLES))
        ask = _child("ask", db, str(QUESTIONS))
    share = ask["eval_right"] / ask["eval_total"]
    return ("samples alone: eval answered right",
            f"{ask['eval_right']}/{ask['eval_total']} ({share:.0%})")


def main(argv: list[str]) -> int:
    if argv and argv[0] == "ingest":
        print(json.dumps(_ingest(argv[1], argv[2:])))
        return 0
    if argv and argv[0] == "ask":
        print(json.dumps(_ask(argv[1], argv[2])))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
