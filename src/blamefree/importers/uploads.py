"""Uploads: a tool's file that arrives as bytes or a binary stream, imported like a path.

``Upload(name, data)`` carries what a web form (or any caller) received, under the name it
had. Importers read files, so an upload is spooled, in bounded chunks, to a private temporary
folder for as long as the import runs (``spooled``); errors and batches name the upload by its
own name, never by the temporary path.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from blamefree.errors import InputError, SourceFormatError

SPOOL_CHUNK = 1 << 20
"""Bytes copied from a stream at a time while it is spooled."""

_UNSAFE = re.compile(r"[\x00-\x1f/\\:]+")


@dataclass(frozen=True)
class Upload:
    """A file given as its bytes, a binary file-like object, or (once spooled) a local path."""

    name: str
    data: bytes | IO[bytes] | Path


ImportInput = Path | Upload
"""What an import reads: a file or folder on disk, or an upload."""


def _safe_name(name: str) -> str:
    """The upload's name as a single file name (its suffix kept: some sources go by it)."""
    base = _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return base if base not in ("", ".", "..") else "upload"


@contextmanager
def spooled(inputs: Sequence[ImportInput]) -> Iterator[list[ImportInput]]:
    """The inputs with every upload's bytes or stream written to a private temporary file
    (``Upload(name, path)``), removed when the block ends; paths pass through."""
    with tempfile.TemporaryDirectory(prefix="blamefree-upload-") as folder:
        out: list[ImportInput] = []
        for index, item in enumerate(inputs):
            if not isinstance(item, Upload) or isinstance(item.data, Path):
                out.append(item)
                continue
            target = Path(folder) / str(index) / _safe_name(item.name)
            target.parent.mkdir()
            with target.open("wb") as handle:
                if isinstance(item.data, bytes | bytearray | memoryview):
                    handle.write(item.data)
                else:
                    shutil.copyfileobj(item.data, handle, SPOOL_CHUNK)
            out.append(Upload(item.name, target))
        yield out


def local_paths(inputs: Sequence[ImportInput]) -> tuple[list[Path], dict[str, str]]:
    """The paths to read (uploads must be spooled) and, for each spooled path, its name."""
    paths: list[Path] = []
    names: dict[str, str] = {}
    for item in inputs:
        if isinstance(item, Upload):
            if not isinstance(item.data, Path):
                raise TypeError("spool uploads first: `with spooled(inputs) as inputs:`")
            paths.append(item.data)
            names[str(item.data)] = item.name
        else:
            paths.append(Path(item))
    return paths, names


def renamed(file: str | None, names: dict[str, str]) -> str | None:
    """A file name with a spooled path (or a path inside one, ``x.zip:member``) named as
    uploaded."""
    if file is None:
        return None
    for spooled_path, name in names.items():
        if file == spooled_path or file.startswith(spooled_path + ":"):
            return name + file[len(spooled_path) :]
    return file


def renamed_error(error: InputError, names: dict[str, str]) -> InputError:
    """The same error naming the upload instead of its temporary path."""
    file = renamed(error.file, names)
    if file == error.file:
        return error
    if isinstance(error, SourceFormatError):
        return SourceFormatError(
            error.reason, file=file, record=error.record, field=error.field, line=error.line
        )
    return type(error)(error.reason, file=file, line=error.line, field=error.field)
