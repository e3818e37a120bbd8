"""Store behaviour, run against every engine: TinyDB in memory, TinyDB in a file, PostgreSQL.

Tests that take ``db_path`` are about the JSON file itself and run on TinyDB only."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from store import db as dbmod
from store.db import Store
from store.records import Item, StoreError
from tests.helpers import make_meeting


@pytest.fixture(params=["memory", "file", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path, new_store) -> Store:
    """Every engine: TinyDB in memory, TinyDB in a file, and a fresh PostgreSQL database."""
    if request.param == "memory":
        return Store(None)
    if request.param == "postgresql":
        return new_store("postgresql")
    # A parent folder that does not exist yet: the store creates it on the first write.
    return Store(tmp_path / "data" / "referat.json")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "referat.json"


# -- records -----------------------------------------------------------------------------------


def test_empty_store(store: Store) -> None:
    assert store.meetings() == []
    assert store.items() == []
    assert store.meeting("Direktionen|2023-02-20") is None
    assert store.items_for_meeting("Direktionen|2023-02-20") == []
    stats = store.stats()
    assert (stats.meetings, stats.items, stats.updated_at) == (0, 0, None)


def test_ingest_adds_meetings_and_items(store: Store) -> None:
    report = store.ingest([make_meeting(1), make_meeting(2, items=5)])
    assert report.added == ["Direktionen|2000-01-02", "Direktionen|2000-01-03"]
    assert report.updated == [] and report.unchanged == []
    assert report.items_added == 4 + 6
    assert len(store.items()) == 10
    record = store.meeting("Direktionen|2000-01-03")
    assert record is not None
    assert record.item_count == 6
    assert record.place == "Mødelokale 6"
    assert record.participants == ["Søren Ole Sørensen"]
    assert record.content_hash == make_meeting(2, items=5).content_hash
    assert record.ingested_at.endswith("+00:00")


def test_meetings_newest_first_items_in_agenda_order(store: Store) -> None:
    store.ingest([
        make_meeting(0, date="2016-02-29"),
        make_meeting(0, date="2023-02-20", items=4),
        make_meeting(0, body="Økonomiudvalget", date="2019-05-01"),
        make_meeting(0, date=None),
    ])
    assert [m.date for m in store.meetings()] == ["2023-02-20", "2019-05-01", "2016-02-29", None]
    items = store.items()
    assert [i.date for i in items[:5]] == ["2023-02-20"] * 5
    assert [i.item_number for i in items[:5]] == [1, 2, 3, 4, 5]
    assert items[-1].meeting_id == "Direktionen|undated"
    assert [i.item_number for i in store.items_for_meeting("Økonomiudvalget|2019-05-01")] == [
        1, 2, 3, 4]


def test_item_records_carry_the_meeting(store: Store) -> None:
    store.ingest([make_meeting(5)])
    first, *_, closed = store.items_for_meeting("Direktionen|2000-01-06")
    assert first.body == "Direktionen"
    assert first.date == "2000-01-06"
    assert first.start_time == "12:30"
    assert first.source == "minutes/Direktionen-2000-01-06.txt"
    assert first.case_number == "23-005000"
    assert first.decision == "Godkendt."
    assert first.attachments == ("Bilag 1",)
    assert closed.closed is True and closed.title == "Lukket: Personalesag"
    assert closed.decision == "" and closed.text == ""


def test_stored_documents_are_the_records_documents() -> None:
    """The store builds item documents directly; they must be what the records would store,
    key order included, and a closed item that carries content must still store none."""
    meeting = make_meeting(5)
    meeting.municipality, meeting.kind = "Kalundborg", "agenda"
    leaky = Item(number=9, title="Lukket: Køb af ejendom", closed=True, case_number="23-1",
                 journal_number="00.01.00", decision="Godkendt.", text="Prisen er 2 mio. kr.",
                 attachments=["Tilbud"])
    meeting.items.append(leaky)
    docs = meeting.record_docs()
    assert docs == [record.to_doc() for record in meeting.records()]
    assert [list(doc) for doc in docs] == [list(r.to_doc()) for r in meeting.records()]
    assert docs[-1]["decision"] == docs[-1]["text"] == "" and docs[-1]["attachments"] == []
    assert docs[-1]["case_number"] == "23-1" and docs[-1]["journal_number"] is None
    assert leaky.decision == "Godkendt."  # the meeting itself is left alone
    docs[0]["attachments"].append("x")
    assert meeting.items[0].attachments == ["Bilag 1"]  # a copy, not the item's own list


def test_same_content_is_unchanged_and_nothing_is_written(store: Store) -> None:
    store.ingest([make_meeting(1), make_meeting(2)])
    revision = store.revision()
    updated_at = store.stats().updated_at
    report = store.ingest([make_meeting(2), make_meeting(1)])
    assert report.unchanged == ["Direktionen|2000-01-03", "Direktionen|2000-01-02"]
    assert report.added == [] and report.updated == []
    assert report.items_unchanged == 8
    assert store.revision() == revision
    assert store.stats().updated_at == updated_at


def test_changed_content_replaces_the_meetings_items(store: Store) -> None:
    store.ingest([make_meeting(1, items=5), make_meeting(2)])
    before = store.revision()
    report = store.ingest([make_meeting(1, items=2, decision="Ikke godkendt.")])
    assert report.updated == ["Direktionen|2000-01-02"]
    assert report.items_updated == 3
    assert store.revision() > before
    items = store.items_for_meeting("Direktionen|2000-01-02")
    assert [i.item_number for i in items] == [1, 2, 3]
    assert [i.decision for i in items[:2]] == ["Ikke godkendt.", "Ikke godkendt."]
    assert len(store.items()) == 3 + 4  # the other meeting is untouched
    assert store.meeting("Direktionen|2000-01-02").item_count == 3
    assert len(store.meetings()) == 2


def test_source_change_alone_is_not_an_update(store: Store) -> None:
    store.ingest([make_meeting(1)])
    moved = make_meeting(1)
    moved.source = "elsewhere/same-minutes.pdf"
    report = store.ingest([moved])
    assert report.unchanged == ["Direktionen|2000-01-02"]


def test_later_duplicate_in_one_call_wins(store: Store) -> None:
    report = store.ingest([make_meeting(1), make_meeting(1, decision="Udsat.")])
    assert report.added == ["Direktionen|2000-01-02"]
    assert {i.decision for i in store.items() if not i.closed} == {"Udsat."}


def test_missing_content_hash_is_computed(store: Store) -> None:
    meeting = make_meeting(3)
    expected = meeting.content_hash
    meeting.content_hash = ""
    store.ingest([meeting])
    assert store.meeting(meeting.meeting_id).content_hash == expected
    assert store.ingest([make_meeting(3)]).unchanged == [meeting.meeting_id]


def test_returned_records_do_not_alias_the_stored_documents(store: Store) -> None:
    # Records from items()/meetings() are shared (read-only by contract), but even a careless
    # caller cannot change what the store holds or writes.
    store.ingest([make_meeting(1)])
    with pytest.raises(AttributeError):
        store.items()[0].attachments.append("changed")  # a tuple
    store.meetings()[0].participants.append("changed")
    got = store.items()
    got.clear()
    assert len(store.items()) == 4
    assert [i.attachments for i in store.items_for_meeting("Direktionen|2000-01-02")] == [
        ("Bilag 1",), ("Bilag 2",), ("Bilag 3",), ()]
    assert store.meeting("Direktionen|2000-01-02").participants == ["Søren Ole Sørensen"]
    store.ingest([make_meeting(2)])  # a write after the mutation stores the original values
    if store.path is not None:
        reopened = Store(store.path)
        assert reopened.items_for_meeting("Direktionen|2000-01-02")[0].attachments == ("Bilag 1",)


def test_items_list_is_cached_per_revision(store: Store) -> None:
    store.ingest([make_meeting(1)])
    first = store.items()
    again = store.items()
    assert first is not again
    assert all(a is b for a, b in zip(first, again, strict=True))
    store.ingest([make_meeting(2)])
    assert len(store.items()) == 8


def test_revision_follows_content_not_state(store: Store) -> None:
    seen = [store.revision()]
    store.ingest([make_meeting(1)])
    seen.append(store.revision())
    store.ingest([make_meeting(1)])  # unchanged: same revision
    seen.append(store.revision())
    store.state_put("follows", "U1", {"cases": ["23-001310"]})
    store.state_delete("follows", "U1")
    seen.append(store.revision())
    store.ingest([make_meeting(2)])
    seen.append(store.revision())
    assert seen[0] < seen[1] == seen[2] == seen[3] < seen[4]


def test_reader_sees_new_revision_only_for_content(db_path: Path) -> None:
    writer, reader = Store(db_path), Store(db_path)
    writer.ingest([make_meeting(1)])
    assert reader.refresh()
    first = reader.revision()
    writer.state_put("feedback", "k", {"value": "up"})
    assert reader.refresh()  # the file changed and was reloaded ...
    assert reader.revision() == first  # ... but the items did not
    assert reader.state_get("feedback", "k") == {"value": "up"}
    writer.ingest([make_meeting(2)])
    assert reader.refresh()
    assert reader.revision() > first
    assert len(reader.meetings()) == 2


def test_stats(store: Store) -> None:
    store.ingest([make_meeting(1), make_meeting(2, items=1)])
    stats = store.stats()
    assert (stats.meetings, stats.items) == (2, 6)
    assert stats.updated_at is not None and stats.updated_at.endswith("+00:00")
    if isinstance(store, Store) and store.path is None:
        assert stats.size_bytes == 0
    elif store.path is None:
        assert stats.size_bytes > 0  # the database's tables
    else:
        assert stats.size_bytes == store.path.stat().st_size > 0


# -- state tables ------------------------------------------------------------------------------


def test_state_put_get_all_delete(store: Store) -> None:
    assert store.state_get("feedback", "k") is None
    assert store.state_all("feedback") == {}
    store.state_put("feedback", "k1", {"vote": 1, "text": "Godt svar – tak"})
    store.state_put("feedback", "k2", {"vote": -1})
    store.state_put("feedback", "k1", {"vote": -1, "text": "ændret"})
    assert store.state_get("feedback", "k1") == {"vote": -1, "text": "ændret"}
    assert store.state_all("feedback") == {"k1": {"vote": -1, "text": "ændret"},
                                           "k2": {"vote": -1}}
    assert store.state_all("follows") == {}  # tables are separate
    assert store.state_delete("feedback", "k1") is True
    assert store.state_delete("feedback", "k1") is False
    assert store.state_all("feedback") == {"k2": {"vote": -1}}


def test_state_put_many(store: Store) -> None:
    store.state_put("feed", "a", {"n": 1})
    store.state_put_many("feed", {"a": {"n": 2}, "b": {"n": 3}, "c": {"n": 4}})
    assert store.state_all("feed") == {"a": {"n": 2}, "b": {"n": 3}, "c": {"n": 4}}
    store.state_delete("feed", "b")
    store.state_put_many("feed", {"d": {"n": 5}})
    assert store.state_all("feed") == {"a": {"n": 2}, "c": {"n": 4}, "d": {"n": 5}}


def test_state_values_are_detached_copies(store: Store) -> None:
    value = {"cases": ["23-001310"]}
    store.state_put("follows", "U1", value)
    value["cases"].append("mutated by caller")
    got = store.state_get("follows", "U1")
    got["cases"].append("mutated by reader")
    store.state_all("follows")["U1"]["cases"].clear()
    assert store.state_get("follows", "U1") == {"cases": ["23-001310"]}


def test_state_rejects_bad_input(store: Store) -> None:
    for name in ("items", "meetings", "_meta", ""):
        with pytest.raises(ValueError):
            store.state_put(name, "k", {})
    with pytest.raises(TypeError):
        store.state_put("feedback", "k", ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.state_put("feedback", "k", {"x": object()})
    assert store.state_all("feedback") == {}


def test_state_does_not_disturb_records(store: Store) -> None:
    store.ingest([make_meeting(1)])
    store.state_put("announcements", "2000-01-02", {"posted": True})
    assert len(store.items()) == 4
    assert store.stats().meetings == 1


def test_threads_ingest_concurrently(store: Store) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(10):
                store.ingest([make_meeting(worker * 100 + n, body=f"Udvalg {worker}", items=1)])
                store.items()
                store.state_put("feed", f"{worker}-{n}", {"n": n})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.meetings()) == 40
    assert len(store.items()) == 80
    assert len(store.state_all("feed")) == 40


# -- the JSON file -----------------------------------------------------------------------------


def test_file_persists_and_reloads(db_path: Path) -> None:
    first = Store(db_path)
    first.ingest([make_meeting(1), make_meeting(2)])
    first.state_put("follows", "U1", {"cases": ["23-001001"]})
    second = Store(db_path)
    assert second.meetings() == first.meetings()
    assert second.items() == first.items()
    assert second.state_all("follows") == {"U1": {"cases": ["23-001001"]}}
    assert second.stats().updated_at == first.stats().updated_at
    raw = json.loads(db_path.read_text(encoding="utf-8"))
    assert set(raw) == {"meetings", "items", "_meta"}  # state lives beside the minutes
    assert set(json.loads(dbmod.state_path(db_path).read_text(encoding="utf-8"))) >= {"follows"}
    assert "ældrepleje" in db_path.read_text(encoding="utf-8")  # UTF-8, not \u escapes


def test_state_writes_leave_the_store_file_alone(db_path: Path) -> None:
    store = Store(db_path)
    store.ingest([make_meeting(n) for n in range(50)])
    before = db_path.stat()
    store.state_put("feedback", "k", {"vote": 1})
    store.state_put("follows", "U1", {"cases": ["23-001001"]})
    store.state_delete("follows", "U1")
    after = db_path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert Store(db_path).state_all("feedback") == {"k": {"vote": 1}}


def test_state_tables_of_an_older_store_file_move_to_the_sidecar(db_path: Path) -> None:
    Store(db_path).ingest([make_meeting(1)])
    raw = json.loads(db_path.read_text(encoding="utf-8"))
    raw["follows"] = {"1": {"key": "U1", "value": {"cases": ["23-001001"]}}}
    raw["feedback"] = {"1": {"key": "k", "value": {"vote": -1}},
                       "2": {"key": "k2", "value": {"vote": 1}}}
    db_path.write_text(json.dumps(raw), encoding="utf-8")
    dbmod.state_path(db_path).unlink(missing_ok=True)
    store = Store(db_path)
    revision = store.revision()
    assert store.state_all("follows") == {"U1": {"cases": ["23-001001"]}}
    assert store.state_all("feedback") == {"k": {"vote": -1}, "k2": {"vote": 1}}
    assert set(json.loads(db_path.read_text(encoding="utf-8"))) == {"meetings", "items", "_meta"}
    assert len(store.items()) == 4 and store.revision() == revision
    again = Store(db_path)  # a second open finds nothing left to move
    assert again.state_all("feedback") == {"k": {"vote": -1}, "k2": {"vote": 1}}


def test_state_written_by_another_process_is_seen_without_refresh(db_path: Path) -> None:
    reader, writer = Store(db_path), Store(db_path)
    assert reader.state_get("follows", "U1") is None
    writer.state_put("follows", "U1", {"cases": ["1"]})
    assert reader.state_get("follows", "U1") == {"cases": ["1"]}


def test_state_claim_is_granted_once(store: Store) -> None:
    assert store.state_claim("claims", "m1", {"by": "a"}) is True
    assert store.state_claim("claims", "m1", {"by": "b"}) is False
    assert store.state_get("claims", "m1") == {"by": "a"}
    if store.path is not None:
        assert Store(store.path).state_claim("claims", "m1", {"by": "c"}) is False


def test_unchanged_ingest_leaves_the_file_byte_identical(db_path: Path) -> None:
    store = Store(db_path)
    store.ingest([make_meeting(n) for n in range(5)])
    before = db_path.read_bytes()
    stat = db_path.stat()
    report = Store(db_path).ingest([make_meeting(n) for n in range(5)])
    assert len(report.unchanged) == 5
    assert db_path.read_bytes() == before
    after = db_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


class _CountReplace:
    """Counts os.replace calls onto the store file (the real call still happens)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.calls = 0
        self._real = os.replace

    def __call__(self, src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == self.target:
            self.calls += 1
        self._real(src, dst)


def test_one_thousand_meetings_are_one_file_write(db_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    counter = _CountReplace(db_path)
    monkeypatch.setattr(os, "replace", counter)
    store = Store(db_path)
    report = store.ingest([make_meeting(n, items=1) for n in range(1000)])
    assert len(report.added) == 1000
    assert counter.calls == 1
    store.ingest([make_meeting(n, items=1, decision="Udsat.") for n in range(500)]
                 + [make_meeting(n, items=1) for n in range(1000, 1500)])
    assert counter.calls == 2
    store.state_put_many("feed", {str(n): {"n": n} for n in range(100)})
    assert counter.calls == 2  # state goes to the sidecar, not the store file
    store.ingest([make_meeting(n, items=1) for n in range(1000, 1500)])  # all unchanged
    assert counter.calls == 2
    assert len(Store(db_path).meetings()) == 1500


def test_missing_parent_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "referat.json"
    store = Store(path)
    assert not path.exists()  # nothing is created until there is something to write
    store.ingest([make_meeting(1)])
    assert path.is_file()
    assert Path(str(path) + ".lock").parent == path.parent


@pytest.mark.parametrize("content", [
    b"{not json",
    b"\xff\xfe garbage",
    b'{"meetings": {"1": {"meeting_id": "x"}}, "items": {}',  # truncated
])
def test_corrupt_file_is_refused_and_left_alone(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(StoreError, match="not a valid store file"):
        Store(db_path)
    assert db_path.read_bytes() == content


@pytest.mark.parametrize("content", [
    "[1, 2, 3]",
    '{"name": "some other program"}',
    '{"_default": {"1": {"title": "a TinyDB file from another program"}}}',
    '{"meetings": {"1": {"meeting_id": "x"}}}',  # looks close, but carries no Referat marker
])
def test_foreign_json_is_refused_and_left_alone(db_path: Path, content: str) -> None:
    db_path.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match="not a Referat store"):
        Store(db_path)
    assert db_path.read_text(encoding="utf-8") == content


def test_malformed_table_is_refused(db_path: Path) -> None:
    Store(db_path).ingest([make_meeting(1)])
    raw = json.loads(db_path.read_text(encoding="utf-8"))
    raw["items"] = ["not", "a", "table"]
    db_path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(StoreError, match="malformed"):
        Store(db_path)


def test_file_turned_corrupt_is_never_overwritten(db_path: Path) -> None:
    store = Store(db_path)
    store.ingest([make_meeting(1)])
    db_path.write_text("{broken", encoding="utf-8")
    with pytest.raises(StoreError):
        store.ingest([make_meeting(2)])
    with pytest.raises(StoreError):
        store.refresh()
    assert db_path.read_text(encoding="utf-8") == "{broken"


def test_empty_file_is_an_empty_store(db_path: Path) -> None:
    db_path.write_bytes(b"")
    store = Store(db_path)
    assert store.meetings() == []
    store.ingest([make_meeting(1)])
    assert len(Store(db_path).meetings()) == 1


def test_folder_as_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        Store(tmp_path)


def test_failed_write_rolls_back(db_path: Path) -> None:
    store = Store(db_path)
    store.ingest([make_meeting(1)])
    before = db_path.read_bytes()
    revision = store.revision()
    bad = make_meeting(2)
    bad.items[0].attachments = [object()]  # type: ignore[list-item]  # cannot be written as JSON
    with pytest.raises(TypeError):
        store.ingest([make_meeting(3), bad])
    assert db_path.read_bytes() == before
    assert store.revision() == revision
    assert [m.meeting_id for m in store.meetings()] == ["Direktionen|2000-01-02"]
    assert len(store.items()) == 4
    store.ingest([make_meeting(3)])  # the store still works afterwards
    assert len(Store(db_path).meetings()) == 2


def test_refresh_sees_another_instances_write(db_path: Path) -> None:
    writer = Store(db_path)
    reader = Store(db_path)
    assert reader.refresh() is False
    revision = reader.revision()
    writer.ingest([make_meeting(1)])
    assert reader.meetings() == []  # reads never touch the disk
    assert reader.refresh() is True
    assert reader.revision() > revision
    assert [m.meeting_id for m in reader.meetings()] == ["Direktionen|2000-01-02"]
    assert len(reader.items()) == 4
    assert reader.refresh() is False
    writer.state_put("feedback", "k", {"vote": 1})
    assert reader.refresh() is True
    assert reader.state_get("feedback", "k") == {"vote": 1}


def test_refresh_after_file_removed(db_path: Path) -> None:
    store = Store(db_path)
    store.ingest([make_meeting(1)])
    db_path.unlink()
    assert store.refresh() is True
    assert store.meetings() == []


def test_writer_catches_up_before_writing(db_path: Path) -> None:
    a = Store(db_path)
    b = Store(db_path)
    a.ingest([make_meeting(1)])
    a.state_put("follows", "U1", {"x": 1})
    b.ingest([make_meeting(2)])  # b never refreshed: it must still keep a's writes
    b.state_put("follows", "U2", {"x": 2})
    final = Store(db_path)
    assert {m.meeting_id for m in final.meetings()} == {
        "Direktionen|2000-01-02", "Direktionen|2000-01-03"}
    assert final.state_all("follows") == {"U1": {"x": 1}, "U2": {"x": 2}}
    # b learned a's meeting while catching up, so a re-ingest of it is unchanged
    assert b.ingest([make_meeting(1)]).unchanged == ["Direktionen|2000-01-02"]


def test_locked_store_times_out_with_a_clear_error(db_path: Path) -> None:
    store = Store(db_path, lock_timeout=0.2)
    with FileLock(str(db_path) + ".lock"), pytest.raises(StoreError, match="locked"):
        store.ingest([make_meeting(1)])
    assert not db_path.exists()
    store.ingest([make_meeting(1)])
    assert len(store.meetings()) == 1


def test_stray_temp_files_are_removed_by_the_next_write(db_path: Path) -> None:
    store = Store(db_path)
    store.ingest([make_meeting(1)])
    stray = db_path.parent / f".{db_path.name}.abc123.tmp"
    stray.write_bytes(b'{"half written')
    assert len(Store(db_path).meetings()) == 1  # loading ignores it
    store.ingest([make_meeting(2)])
    assert not stray.exists()
    leftovers = [p.name for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_written_file_is_tinydb_layout(db_path: Path) -> None:
    Store(db_path).ingest([make_meeting(1)])
    raw = json.loads(db_path.read_text(encoding="utf-8"))
    assert all(key.isdigit() for key in raw["items"])
    doc = next(iter(raw["items"].values()))
    assert doc == make_meeting(1).records()[0].to_doc()
    header = next(iter(raw["meetings"].values()))
    assert header["meeting_id"] == "Direktionen|2000-01-02"
    assert header["ingested_at"]
    assert raw[dbmod.META]["1"]["format"] == "referat"


def test_stored_header_matches_meeting_header(db_path: Path) -> None:
    meeting = make_meeting(7)
    Store(db_path).ingest([meeting])
    raw = json.loads(db_path.read_text(encoding="utf-8"))
    header = next(iter(raw["meetings"].values()))
    ingested_at = header.pop("ingested_at")
    assert header == meeting.header()
    assert ingested_at
