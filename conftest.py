"""Rules for the whole test run (tests/ and the doctests in store/, bot/ and bench/)."""

from __future__ import annotations

import pytest

# Stand-ins whose fixtures several test modules use (the feed server and its store).
pytest_plugins = ["tests.feed_server"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A skipped test counts as failed: every test must run from a fresh clone, so a skip means
    something the suite needs is missing (a file, a font, a package), and CI must say so."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, which this suite does not allow: {reason}"


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A module skipped as a whole (``pytest.importorskip`` at import) fails the same way."""
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, which this suite does not allow: {reason}"
