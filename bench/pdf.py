"""How fast published PDF minutes are read: pages per second through read_document + parse.

The corpus is built on the fly: the two sample minutes and a set of synthetic minutes from
:mod:`bench.corpus`, each laid out as a paged PDF with running headers and footers
(tests/docmaker.py). Timing covers what an ingest does per file: extraction, clean-up and
parsing, not writing the store. The median of several passes is reported.

    python -m bench.pdf
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "minutes"

GENERATED = 20
REPEATS = 3


def _corpus(folder: Path) -> list[tuple[Path, str, int]]:
    """(pdf, text it was made from, pages) for the samples and the generated minutes."""
    sys.path.insert(0, str(ROOT))
    from bench.corpus import write_corpus
    from tests import docmaker

    texts = sorted(SAMPLES.glob("*.txt"))
    out = folder / "generated"
    write_corpus(out, GENERATED, seed=3)
    texts += sorted(out.glob("*.txt"))
    corpus = []
    for text_path in texts:
        text = text_path.read_text(encoding="utf-8")
        pdf = folder / (text_path.stem + ".pdf")
        pages = docmaker.make_pdf(text, pdf)
        corpus.append((pdf, text, pages))
    return corpus


def rows() -> list[tuple[str, str]]:
    """Benchmark rows: (metric, value)."""
    from store.extract import load_meeting, read_document
    from store.parse import parse_text
    from tests import docmaker

    if not docmaker.have_unicode_font():
        return [("PDF pages/s", "skipped: no DejaVu font to build the PDF corpus")]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = _corpus(Path(tmp))
        pages = sum(n for _, _, n in corpus)
        # Fidelity on the same corpus: the PDF must parse to the records of its text.
        differ = [
            pdf.stem for pdf, text, _ in corpus
            if load_meeting(pdf).compute_hash() != parse_text(text).compute_hash()
        ]
        same = len(corpus) - len(differ)
        timings = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            for pdf, _, _ in corpus:
                parse_text(read_document(pdf), source=str(pdf))
            timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    return [
        ("PDF corpus", f"{len(corpus)} files, {pages} pages"),
        ("PDF pages/s (extract + clean + parse)", f"{pages / median:.1f}"),
        ("PDF ms per file (median)", f"{1000 * median / len(corpus):.1f}"),
        ("PDF files parsing to the text's records", f"{same}/{len(corpus)}"),
        *[("  differs from its text", stem) for stem in differ],
    ]


if __name__ == "__main__":
    for name, value in rows():
        print(f"{name:45} {value}")
