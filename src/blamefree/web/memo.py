"""A per-process memo of rendered reads (JSON bytes, page HTML), keyed by immutable data.

Every key holds the post-mortem's ``VersionStamp`` (id, version, created and updated times),
or for the list page the ``ListingStamp`` (how many match; id, version and creation time of
each row shown): every change of a document is a new version (``services.saving``,
``store.event_import``), so an entry once written is right for as long as its key is asked
for, and an edit made by any worker is seen at once because the next read's stamp is a new
key. Whatever a read shows that is not part of the version (today's date, the reviews held,
the query, who asks) is part of the key too.
Nothing here is shared between workers or needed for correctness: a miss renders again.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

DEFAULT_ENTRIES = 256
"""Entries each app keeps (a post-mortem's page is some 100 KB)."""


class ReadMemo:
    """The last ``entries`` rendered reads of one app, least recently used dropped first."""

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = entries
        self._lock = threading.Lock()  # the threadpool serves sync routes concurrently
        # Stands in a kept page for a value of each request (its CSRF token), filled in as it
        # is sent; random, so that no text of a document can be taken for it.
        self.slot = f"\x00slot-{secrets.token_hex(16)}\x00"

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: bytes) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def read(
        self, key: Hashable, render: Callable[[], bytes], unchanged: Callable[[], bool]
    ) -> bytes:
        """The memo's bytes for ``key``, else ``render()``'s, kept when ``unchanged()`` then
        says the store still holds what the key names.

        So a read torn by a save committed half way (PostgreSQL reads each statement anew)
        is answered once and never kept: a save changes the version stamp, and the stamp read
        before the render and again after it would differ."""
        found = self.get(key)
        if found is not None:
            return found
        body = render()
        if unchanged():
            self.put(key, body)
        return body
