"""``python -m bench [--meetings 1000 10000] [--engines 10000] [--repeat N]``: one table of scale
measurements, then the engines beside SQLite FTS5 against their targets (:mod:`bench.engines`),
each figure the median of N runs.

Rows from ``bench.pdf`` (document extraction) are included when that module is present.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bench.scale import run_scale, samples_eval


def _print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(m) for m, _ in rows)
    print(f"{'metric'.ljust(width)}  value")
    print(f"{'-' * width}  {'-' * 30}")
    for metric, value in rows:
        print(f"{metric.ljust(width)}  {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, nargs="+", default=[1000, 10000],
                        help="corpus sizes in meetings (default: 1000 10000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per size; each figure is the median (default: 3)")
    parser.add_argument("--engines", type=int, default=10_000, metavar="MEETINGS",
                        help="generated meetings for the engine table (default: 10000, which "
                             "is about 90,000 items; 0 leaves the table out)")
    args = parser.parse_args(argv)
    rows = [samples_eval()]
    for meetings in args.meetings:
        rows.extend(run_scale(meetings, max(1, args.repeat)))
    for name in ("bench.pdf", "bench.parse"):
        try:
            extra = importlib.import_module(name)
        except ImportError:
            extra = None
        if extra is not None and hasattr(extra, "rows"):
            rows.extend(extra.rows())
    _print_table(rows)
    if args.engines:
        from bench.engines import run as run_engines

        print()
        print(run_engines(args.engines, max(1, args.repeat), None, None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
