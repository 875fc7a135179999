"""The JSON API of a Blamefree server as an adapter: what some commands use instead of a store.

``ApiClient(server, token=...)`` sends each call to ``<server>/api/v1`` with the token as
``Authorization: Bearer``, parses every answer into the shared schemas (``blamefree.schemas``)
and turns an error answer back into the error class the API named (``errors.error_class``), so
that a command prints and exits against a server as it does on a local store.
"""

from __future__ import annotations

from blamefree.remote.client import REMOTE_COMMANDS, ApiClient, UploadOutcome, shown_server

__all__ = ["REMOTE_COMMANDS", "ApiClient", "UploadOutcome", "shown_server"]
