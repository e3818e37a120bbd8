"""How a long ingest looks: a progress bar on a terminal, a few plain lines in a log, and a
summary table at the end.

``store.ingest.ingest_paths`` reports :class:`store.ingest.Progress` events and knows nothing of
terminals; this module draws them. The bar counts bytes, so one large PDF moves it as far as many
small text files, and it names the file being read, so a slow file is visible.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from store.ingest import IngestSummary
from store.ingest import Progress as Event

PLAIN_STEPS = 10  # without a terminal: a line at every tenth of the work...
PLAIN_MIN_FILES, PLAIN_MIN_BYTES = 50, 20 * 2**20  # ...of work long enough to be worth it


class IngestProgress:
    """A context manager whose :meth:`update` is the ``progress`` callback of ``ingest_paths``."""

    def __init__(self, stream: TextIO, force_terminal: bool | None = None) -> None:
        self.console = Console(file=stream, highlight=False, force_terminal=force_terminal)
        self.bar: Progress | None = None
        self.task = None
        self.next_step = 1

    def __enter__(self) -> IngestProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, event: Event) -> None:
        if self.console.is_terminal:
            self._draw(event)
        else:
            self._plain(event)

    def _draw(self, event: Event) -> None:
        if self.bar is None:
            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.fields[count]} files"), TimeRemainingColumn(),
                TextColumn("{task.fields[name]}"), console=self.console, transient=True,
            )
            self.task = self.bar.add_task("reading", total=max(event.bytes_total, 1),
                                          name="", count="")
            self.bar.start()
        name = event.path.name if event.path else "writing the store"
        description = "reading" if event.stage == "read" else "writing"
        self.bar.update(self.task, completed=event.bytes_done, description=description,
                        name=name, count=f"{event.done}/{event.total}")

    def _plain(self, event: Event) -> None:
        """A line at each tenth of the bytes and one when writing; nothing for short work."""
        if event.total < PLAIN_MIN_FILES and event.bytes_total < PLAIN_MIN_BYTES:
            return
        if event.stage == "write":
            self.console.print(f"read {event.total} files; writing the store", markup=False)
            return
        share = event.bytes_done / event.bytes_total if event.bytes_total else 0
        if share * PLAIN_STEPS >= self.next_step:
            self.next_step = int(share * PLAIN_STEPS) + 1
            self.console.print(f"reading: {event.done}/{event.total} files ({share:.0%})",
                               markup=False)


def _reason(path: str, reason: str) -> str:
    """The reason without the file name the loader put in front: the line names it already."""
    for prefix in (f"{path}: ", f"{Path(path).name}: "):
        if reason.startswith(prefix):
            return reason[len(prefix):]
    return reason


def print_summary(summary: IngestSummary, stream: TextIO) -> None:
    """The counts as a small table, then one line per skipped file with its reason."""
    report = summary.report
    table = Table(title=None, box=None, pad_edge=False)
    for column in ("", "added", "updated", "unchanged"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row("meetings", str(len(report.added)), str(len(report.updated)),
                  str(len(report.unchanged)))
    table.add_row("items", str(report.items_added), str(report.items_updated),
                  str(report.items_unchanged))
    console = Console(file=stream, highlight=False, width=max(60, Console(file=stream).width))
    console.print(table)
    console.print(f"files: {summary.files} read, {len(summary.skipped)} skipped", markup=False)
    for path, reason in summary.skipped:
        console.print(f"skipped {path}: {_reason(path, reason)}", markup=False, soft_wrap=True)
