"""The loaded demo kept in the cache folder: a consistent copy in, a fresh copy out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from blamefree.web import demo_cache


def _store(path: Path, rows: list[str]) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (name TEXT)")
        connection.executemany("INSERT INTO t VALUES (?)", [(row,) for row in rows])
    connection.close()
    return path


def _rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        found = [row for (row,) in connection.execute("SELECT name FROM t ORDER BY name")]
    connection.close()
    return found


def test_a_kept_store_comes_back_as_a_fresh_copy(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    loaded = _store(tmp_path / "loaded.sqlite3", ["INC-1", "INC-2"])
    assert demo_cache.restore(tmp_path / "none.sqlite3", cache_dir=cache) is False
    assert not (tmp_path / "none.sqlite3").exists()
    assert demo_cache.keep(loaded, cache_dir=cache) is True
    first, second = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"
    assert demo_cache.restore(first, cache_dir=cache) is True
    with sqlite3.connect(first) as connection:
        connection.execute("INSERT INTO t VALUES ('changed in one demo')")
    connection.close()
    assert demo_cache.restore(second, cache_dir=cache) is True
    assert _rows(second) == ["INC-1", "INC-2"]  # one demo's changes never reach the next
    assert [p.name for p in cache.iterdir()] == [demo_cache.cached_file(cache).name]


def test_older_fingerprints_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "demo-0123456789abcdef0123.sqlite3").write_bytes(b"an older version's demo")
    (cache / "notes.txt").write_text("not ours to remove")
    assert demo_cache.keep(_store(tmp_path / "s.sqlite3", ["x"]), cache_dir=cache) is True
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [demo_cache.cached_file(cache).name, "notes.txt"]
    )


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert demo_cache.keep(_store(tmp_path / "s.sqlite3", ["x"]), cache_dir=blocked) is False


def test_the_fingerprint_names_the_code_and_data_of_this_install() -> None:
    first = demo_cache.fingerprint()
    assert first == demo_cache.fingerprint()
    assert len(first) == 20 and int(first, 16) >= 0
