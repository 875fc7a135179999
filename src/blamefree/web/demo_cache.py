"""The loaded demo store, kept once in the user's cache folder and copied for each ``--demo``.

Loading the demo through the services takes seconds of CPU (every change is a revision); the
result depends only on this Blamefree's code and the demo data, so it is kept under a
fingerprint of both (``demo-<fingerprint>.sqlite3``) and the next ``serve --demo`` starts from
a fresh copy of it. Any change to the code, the data or the schema makes a new fingerprint;
older copies are removed. The cache is only a shortcut: when it cannot be read or written, the
demo is loaded as usual.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from importlib import resources
from pathlib import Path

import platformdirs

from blamefree import __version__
from blamefree.store.migrate import head_revision
from blamefree.web.demo import demo_dir

PREFIX = "demo-"


def default_cache_dir() -> Path:
    """Where the loaded demo is kept: the user's cache folder (``~/.cache/blamefree``)."""
    return Path(platformdirs.user_cache_dir("blamefree", appauthor=False))


def fingerprint() -> str:
    """What the demo store depends on: the version, the schema, the code and the demo data."""
    digest = hashlib.sha256(f"{__version__}\0{head_revision()}\0".encode())
    package = Path(str(resources.files("blamefree")))
    files = [*sorted(package.rglob("*.py")), *sorted(demo_dir().rglob("*"))]
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def cached_file(cache_dir: Path) -> Path:
    return cache_dir / f"{PREFIX}{fingerprint()}.sqlite3"


def restore(store: Path, *, cache_dir: Path) -> bool:
    """Copy the cached demo to ``store``; False (nothing copied) when there is none to copy."""
    cached = cached_file(cache_dir)
    try:
        shutil.copyfile(cached, store)
    except OSError:
        store.unlink(missing_ok=True)
        return False
    return True


def keep(store: Path, *, cache_dir: Path) -> bool:
    """Keep a copy of the freshly loaded ``store`` for next time; False when it cannot be kept.

    Written under a temporary name and renamed, so two servers loading at once never leave a
    half-written copy; older fingerprints are removed.
    """
    cached = cached_file(cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".demo-", suffix=".tmp", dir=cache_dir)
        os.close(handle)
    except OSError:
        return False
    temporary = Path(name)
    try:
        # The backup API copies a consistent database, whatever its write-ahead log holds.
        source, target = sqlite3.connect(store), sqlite3.connect(temporary)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        os.replace(temporary, cached)
    except (OSError, sqlite3.Error):
        temporary.unlink(missing_ok=True)
        return False
    for older in cache_dir.glob(f"{PREFIX}*.sqlite3"):
        if older != cached:
            older.unlink(missing_ok=True)
    return True
