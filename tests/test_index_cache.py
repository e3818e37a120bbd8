"""The saved search index: loaded on a restart, never used when the minutes or the code changed."""

from __future__ import annotations

import json
import pickle
import threading
from pathlib import Path

import pytest

from store import index_cache
from store.db import Store
from store.ingest import ingest_paths
from store.search import Searcher
from tests.helpers import SAMPLES, BuiltIndex, CountingBuild, make_meeting


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "referat.json"
    Store(path).ingest([make_meeting(1), make_meeting(2)])
    return path


def load(path: Path, build: CountingBuild) -> dict:
    index = index_cache.load_or_build(Store(path), build)
    index_cache.wait_saved()
    return index


def test_a_restart_loads_the_saved_index(store_path: Path) -> None:
    build = CountingBuild()
    first = load(store_path, build)
    assert index_cache.cache_path(Store(store_path)).exists()
    second = load(store_path, build)
    assert build.calls == 1
    assert second.titles == first.titles
    # The records are not in the file: they are the (new) store's own.
    assert second.records == first.records and second.records is not first.records


def test_changed_minutes_make_the_saved_index_stale(store_path: Path) -> None:
    build = CountingBuild()
    load(store_path, build)
    Store(store_path).ingest([make_meeting(3)])  # another process adds a meeting
    index = load(store_path, build)
    assert build.calls == 2 and len(index.titles) == 12
    Store(store_path).state_put("feedback", "k", {"vote": 1})  # state is not content
    load(store_path, build)
    assert build.calls == 2


@pytest.mark.parametrize("content", [b"", b"not a pickle", None])
def test_a_corrupt_or_foreign_file_is_rebuilt(store_path: Path, content: bytes | None) -> None:
    build = CountingBuild()
    path = index_cache.cache_path(Store(store_path))
    if content is None:  # written by other code: same stamp, another fingerprint
        stamp = Store(store_path).content_stamp()
        with open(path, "wb") as handle:
            pickle.dump((index_cache.FORMAT_VERSION, stamp, "other code"), handle)
            pickle.dump(BuiltIndex(["stale"], []), handle)
    else:
        path.write_bytes(content)
    index = load(store_path, build)
    assert build.calls == 1 and "stale" not in index.titles
    load(store_path, build)
    assert build.calls == 1  # and the good file replaced it


def test_stores_without_a_file_build_every_time() -> None:
    build = CountingBuild()
    store = Store(None)
    store.ingest([make_meeting(1)])
    index_cache.load_or_build(store, build)
    index_cache.load_or_build(store, build)
    assert build.calls == 2


def test_the_searcher_answers_the_same_from_the_saved_index(tmp_path: Path) -> None:
    path = tmp_path / "referat.json"
    ingest_paths(Store(path), [SAMPLES])
    fresh = Searcher(Store(path)).search("plasterordning")
    index_cache.wait_saved()
    assert index_cache.cache_path(Store(path)).exists()
    saved = Searcher(Store(path)).search("plasterordning")
    assert [h.record for h in saved.hits] == [h.record for h in fresh.hits]
    assert saved.hits[0].record.case_number == "18-034639K"


class GatedBuild(CountingBuild):
    """A build that, once ``gate`` is armed, waits for the test to let it finish."""

    def __init__(self) -> None:
        super().__init__()
        self.gate: threading.Event | None = None

    def __call__(self, store: Store) -> BuiltIndex:
        if self.gate is not None:
            assert self.gate.wait(10)
        return super().__call__(store)


def test_a_slow_index_is_rebuilt_in_the_background(tmp_path: Path) -> None:
    store = Store(None)
    store.ingest([make_meeting(1)])
    build = GatedBuild()
    keeper = index_cache.IndexKeeper(store, build, background_after=0.0)
    first = keeper.current()
    assert len(first.titles) == 4
    build.gate = threading.Event()
    store.ingest([make_meeting(2)])
    # Questions meanwhile are answered at once, from the previous index.
    assert keeper.current() is first and keeper.current() is first
    build.gate.set()
    keeper.wait_built(10)
    assert len(keeper.current().titles) == 8
    assert build.calls == 2  # one rebuild, however many questions came meanwhile


def test_a_small_index_is_rebuilt_at_once(tmp_path: Path) -> None:
    store = Store(None)
    keeper = index_cache.IndexKeeper(store, CountingBuild())
    assert keeper.current().titles == []
    store.ingest([make_meeting(1)])
    assert len(keeper.current().titles) == 4


def test_a_store_changed_behind_its_stamp_is_not_given_the_old_index(store_path: Path) -> None:
    build = CountingBuild()
    load(store_path, build)
    raw = json.loads(store_path.read_text(encoding="utf-8"))
    raw["items"].pop(next(iter(raw["items"])))  # an edit by hand: same stamp, one item fewer
    store_path.write_text(json.dumps(raw), encoding="utf-8")
    index = load(store_path, build)
    assert build.calls == 2 and len(index.titles) == 7


def test_a_large_index_is_updated_in_the_background_without_a_build(tmp_path: Path) -> None:
    from store.index import Index

    store = Store(tmp_path / "referat.json")
    ingest_paths(store, [SAMPLES])
    store.ingest([make_meeting(n) for n in range(2, 40)])  # large enough to update, not rebuild
    builds = CountingBuild()

    def build(store: Store) -> Index:
        builds(store)
        return Index.build(store)

    gate = threading.Event()

    def update(index: Index, store: Store) -> Index | None:
        assert gate.wait(10)
        return index.update(store)

    keeper = index_cache.IndexKeeper(store, build, update=update, background_after=0.0)
    first = keeper.current()
    Store(store.path).ingest([make_meeting(1)])  # another process
    assert keeper.current() is first  # answered at once from the previous index
    assert keeper.current() is first
    gate.set()
    keeper.wait_built(10)
    updated = keeper.current()
    assert updated is not first and "Direktionen|2000-01-02" in updated.meeting_docs
    assert builds.calls == 1  # the change was an update, not a second build
    index_cache.wait_saved()
    assert index_cache.saved_for(Store(store.path))
