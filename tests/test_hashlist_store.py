"""Hash lists in the store (SQLite and PostgreSQL): versions, all or nothing, loading."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reports.errors import StoreError
from reports.hashlists import (
    EntryRecord,
    get_list,
    import_list,
    list_entries,
    list_lists,
    load_entries,
    remove_list,
    set_trusted,
)
from reports.models import HashListEntry
from reports.store import Store


def md5(n: int) -> str:
    return f"{n:032x}"


def records(*numbers: int, category: str = "sexual") -> list[EntryRecord]:
    return [EntryRecord("md5", md5(n), category, "src", f"id-{n}") for n in numbers]


def test_new_list_is_version_one_untrusted(store: Store) -> None:
    result = import_list(store, "iwf", records(1, 2, 3), description="test list")
    assert (result.created, result.version, result.total, result.trusted) == (True, 1, 3, False)
    info = get_list(store, "iwf")
    assert (info.version, info.entry_count, info.algos, info.active) == (1, 3, {"md5": 3}, True)
    assert info.description == "test list"


def test_reimport_bumps_version_only_when_something_changed(store: Store) -> None:
    import_list(store, "l", records(1, 2, 3))
    same = import_list(store, "l", records(3, 2, 1))
    assert (same.changed, same.version) == (False, 1)
    changed = import_list(store, "l", records(2, 3, 4))
    assert (changed.version, changed.added, changed.removed) == (2, 1, 1)
    entries = {e.hash: e for e in list_entries(store, "l")}
    assert set(entries) == {md5(2), md5(3), md5(4)}
    assert entries[md5(2)].added_in_version == 1
    assert entries[md5(4)].added_in_version == 2
    recategorised = import_list(store, "l", records(2, 3, 4, category="drugs"))
    assert (recategorised.version, recategorised.updated) == (3, 3)


def test_import_is_all_or_nothing(store: Store) -> None:
    import_list(store, "l", records(1, 2))
    # A row the database refuses (no hash) in the middle of a replacement: the old
    # content and version stay as they were.
    broken = [*records(5, 6), EntryRecord("md5", None, "sexual")]  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017 - the database driver's own error
        import_list(store, "l", broken)
    assert {e.hash for e in list_entries(store, "l")} == {md5(1), md5(2)}
    assert get_list(store, "l").version == 1


def test_trusted_flag_kept_unless_given(store: Store) -> None:
    import_list(store, "l", records(1), trusted=True)
    assert import_list(store, "l", records(1, 2)).trusted is True
    assert import_list(store, "l", records(1, 2), trusted=False).trusted is False
    set_trusted(store, "l", True)
    assert get_list(store, "l").trusted is True


def test_load_entries_for_matching(store: Store) -> None:
    import_list(store, "a", records(1, 2), trusted=True)
    import_list(store, "b", records(2, 3))
    loaded = load_entries(store)
    assert sorted((e.list_name, e.hash) for e in loaded) == [
        ("a", md5(1)),
        ("a", md5(2)),
        ("b", md5(2)),
        ("b", md5(3)),
    ]
    only_a = load_entries(store, ["a"])
    assert {e.list_name for e in only_a} == {"a"}
    first = only_a[0]
    assert (first.list_version, first.trusted, first.external_id) == (1, True, "id-1")
    with pytest.raises(StoreError, match="no hash list named 'c'"):
        load_entries(store, ["c"])


def test_remove_deactivates_and_purge_deletes(store: Store) -> None:
    import_list(store, "a", records(1, 2))
    import_list(store, "b", records(3))
    assert remove_list(store, "a") == 2
    assert {e.list_name for e in load_entries(store)} == {"b"}
    with pytest.raises(StoreError, match="was removed"):
        load_entries(store, ["a"])
    assert [i.active for i in list_lists(store)] == [False, True]
    back = import_list(store, "a", records(1, 2))
    assert (back.version, back.changed) == (2, True)
    remove_list(store, "a", purge=True)
    assert [i.name for i in list_lists(store)] == ["b"]
    with store.session() as s:
        assert len(list(s.scalars(select(HashListEntry)))) == 1
    with pytest.raises(StoreError, match="no hash list named 'a'"):
        remove_list(store, "a")


def test_bad_names_and_empty_lists_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="printable"):
        import_list(store, " ", records(1))
    with pytest.raises(StoreError, match="nothing to import"):
        import_list(store, "l", [])


def test_a_large_list_imports_in_chunks(store: Store) -> None:
    result = import_list(store, "big", records(*range(12_000)))
    assert result.total == 12_000
    assert len(load_entries(store)) == 12_000
