"""Reading a Slack workspace export laid out as a folder or a zip, member by member."""

from __future__ import annotations

import lzma
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from blamefree.errors import SourceFormatError
from blamefree.importers.bounded import WHOLE_FILE_BYTES, is_blank, load_json, stream_items

DAY_FILE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\.json$")
META_FILES = ("users.json", "channels.json", "groups.json", "mpims.json", "dms.json")

READ_ERRORS = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,  # a compression method zipfile does not support
    RuntimeError,  # an encrypted member
)
"""What reading a damaged or unusual zip member can raise."""

STREAM_THRESHOLD = WHOLE_FILE_BYTES
"""Files larger than this are parsed incrementally (ijson) instead of loaded whole."""


class ExportTree:
    """The files of one export, addressed by '/'-separated names relative to its root."""

    def __init__(self, label: str) -> None:
        self.label = label

    def display(self, name: str) -> str:
        """A file name as shown in messages."""
        return f"{self.label}/{name}" if self.label else name

    def exists(self, name: str) -> bool:
        raise NotImplementedError

    def size(self, name: str) -> int:
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        raise NotImplementedError

    def folders(self) -> list[str]:
        """Top-level folders (channel folders)."""
        raise NotImplementedError

    def files(self, folder: str) -> list[str]:
        """Names of the files directly inside a folder, sorted."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the underlying file, if any."""

    def read(self, name: str) -> bytes:
        """The whole member."""
        try:
            with self.open(name) as handle:
                return handle.read()
        except READ_ERRORS as exc:
            raise SourceFormatError(f"cannot read: {exc}", file=self.display(name)) from None


class FolderTree(ExportTree):
    """An unpacked export folder."""

    def __init__(self, root: Path) -> None:
        super().__init__(str(root))
        self.root = root

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def size(self, name: str) -> int:
        return (self.root / name).stat().st_size

    def open(self, name: str) -> IO[bytes]:
        return (self.root / name).open("rb")

    def folders(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def files(self, folder: str) -> list[str]:
        return sorted(p.name for p in (self.root / folder).iterdir() if p.is_file())


class ZipTree(ExportTree):
    """A zipped export, possibly with everything under one top folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        try:
            self.zip = zipfile.ZipFile(path)
            names = [i.filename for i in self.zip.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise SourceFormatError(f"not a readable zip file: {exc}", file=str(path)) from None
        self.prefix = ""
        metas = [n for n in names if posixpath.basename(n) in META_FILES]
        if metas:
            self.prefix = min((posixpath.dirname(n) for n in metas), key=len)
            self.prefix = self.prefix + "/" if self.prefix else ""
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in self.zip.infolist():
            if not info.is_dir() and info.filename.startswith(self.prefix):
                self.members[info.filename[len(self.prefix) :]] = info

    def display(self, name: str) -> str:
        return f"{self.label}:{self.prefix}{name}"

    def exists(self, name: str) -> bool:
        return name in self.members

    def size(self, name: str) -> int:
        return self.members[name].file_size

    def open(self, name: str) -> IO[bytes]:
        return self.zip.open(self.members[name])

    def folders(self) -> list[str]:
        return sorted({n.split("/", 1)[0] for n in self.members if "/" in n})

    def files(self, folder: str) -> list[str]:
        start = folder + "/"
        return sorted(
            n[len(start) :]
            for n in self.members
            if n.startswith(start) and "/" not in n[len(start) :]
        )

    def close(self) -> None:
        self.zip.close()


def open_tree(path: Path) -> ExportTree:
    """The export at `path`: a folder, a zip, or a single channel folder inside an export."""
    if path.is_dir():
        has_meta = any((path / m).is_file() for m in META_FILES)
        if not has_meta and any(DAY_FILE.match(p.name) for p in path.iterdir()):
            return ChannelFolderTree(path)
        return FolderTree(path)
    if path.is_file():
        return ZipTree(path)
    raise SourceFormatError("no such file or folder", file=str(path))


class ChannelFolderTree(FolderTree):
    """One channel folder given on its own; users.json is looked for in its parent."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder.parent)
        self.only = folder.name

    def folders(self) -> list[str]:
        return [self.only]


def iter_array(tree: ExportTree, name: str, *, threshold: int = STREAM_THRESHOLD) -> Iterator[Any]:
    """Items of a top-level JSON array member, loading small members and streaming big ones."""
    file = tree.display(name)
    if tree.size(name) <= threshold:
        data = tree.read(name)
        if is_blank(data):
            raise SourceFormatError("the file is empty: nothing to import", file=file)
        doc = load_json(data, file=file)
        if not isinstance(doc, list):
            raise SourceFormatError(
                "expected a JSON array at the top (a Slack export file)", file=file
            )
        yield from doc
        return
    yield from _stream_array(tree, name, file)


def _stream_array(tree: ExportTree, name: str, file: str) -> Iterator[Any]:
    try:
        with tree.open(name) as handle:
            head = handle.read(64).lstrip()
            if not head.startswith(b"["):
                raise SourceFormatError(
                    "expected a JSON array at the top (a Slack export file)", file=file
                )
        with tree.open(name) as handle:
            yield from stream_items(handle, "item", file=file)
    except READ_ERRORS as exc:
        raise SourceFormatError(f"cannot read: {exc}", file=file) from None
