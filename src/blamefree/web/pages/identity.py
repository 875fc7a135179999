"""Paths a form may send a browser back to: only on this site, never an open redirect.

(The "Writing as" name this module once kept is gone: who writes is the logged-in account,
web.auth.)
"""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(path: str) -> bool:
    """Only a path on this site (no scheme, no host, no //): never an open redirect."""
    parts = urlsplit(path)
    return (
        path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and not parts.scheme
        and not parts.netloc
    )
