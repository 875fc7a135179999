"""One exception tree for Blamefree; each class knows its HTTP status and CLI exit code.

    BlamefreeError                      500  exit 1
    ├── UsageError                      400  exit 2   bad options or arguments
    ├── InputError                      422  exit 3   input we cannot read
    │   ├── TemplateParseError                        a post-mortem file (file, line, field)
    │   ├── SourceFormatError                         an importer's payload (file, record, field)
    │   └── ValidationFailed                          a value that breaks a rule of the model
    ├── NotFound                        404  exit 4
    │   ├── PostmortemNotFound
    │   ├── RevisionNotFound
    │   ├── EventNotFound
    │   └── ActionItemNotFound
    ├── Conflict                        409  exit 5
    │   ├── StaleEdit                                 a save based on an outdated version
    │   ├── DuplicatePostmortem
    │   ├── MergeConflict                             a file and the store changed one field
    │   └── WouldLoseWork                             a file without a base would drop work
    ├── ConfigError                     500  exit 6
    ├── StoreError                      503  exit 7
    │   └── SchemaOutOfDate                           the store's schema is behind this code
    └── ExternalServiceError            502  exit 8   Jira, GitHub, SMTP, webhooks, PagerDuty

Every error carries a message a user can act on. The CLI and the web app map them here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blamefree.domain.losses import Loss
    from blamefree.domain.merge import FieldConflict


class BlamefreeError(Exception):
    """Base of every error Blamefree raises on purpose."""

    http_status = 500
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(BlamefreeError):
    """Options or arguments that do not make sense together."""

    http_status = 400
    exit_code = 2


class InputError(BlamefreeError):
    """Input that cannot be read; says where (file, line, field) when it knows."""

    http_status = 422
    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self._compose(message))

    def _compose(self, message: str) -> str:
        where = []
        if self.file:
            where.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {message}" if where else message


class TemplateParseError(InputError):
    """A post-mortem file that does not follow the template, or a malformed field in it."""


class SourceFormatError(InputError):
    """An importer payload of the wrong shape; `line` holds the record number when known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        record: str | int | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.record = record
        super().__init__(message, file=file, line=line, field=field)

    def _compose(self, message: str) -> str:
        where = []
        if self.file:
            where.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.record is not None:
            where.append(f"record {self.record}")
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {message}" if where else message


class ValidationFailed(InputError):
    """A value that the model does not accept."""


class NotFound(BlamefreeError):
    """Something asked for by id that is not in the store."""

    http_status = 404
    exit_code = 4


class PostmortemNotFound(NotFound):
    """No post-mortem with that incident id."""


class RevisionNotFound(NotFound):
    """No revision with that number."""


class EventNotFound(NotFound):
    """No timeline event with that reference."""


class ActionItemNotFound(NotFound):
    """No action item with that id."""


class Conflict(BlamefreeError):
    """A write that would overwrite or duplicate something."""

    http_status = 409
    exit_code = 5


class StaleEdit(Conflict):
    """A save based on a version that someone else has replaced since."""


class DuplicatePostmortem(Conflict):
    """A post-mortem with that incident id exists already."""


class MergeConflict(Conflict):
    """A file's changes and changes stored since its base version touch the same fields."""

    def __init__(self, message: str, *, conflicts: Sequence[FieldConflict]) -> None:
        super().__init__(message)
        self.conflicts = tuple(conflicts)


class WouldLoseWork(Conflict):
    """Saving a file that names no base version would remove what the store has."""

    def __init__(self, message: str, *, losses: Sequence[Loss]) -> None:
        super().__init__(message)
        self.losses = tuple(losses)


class ConfigError(BlamefreeError):
    """Settings that cannot work."""

    http_status = 500
    exit_code = 6


class StoreError(BlamefreeError):
    """The database could not be reached or used."""

    http_status = 503
    exit_code = 7


class SchemaOutOfDate(StoreError):
    """The store's schema is older than this version of Blamefree (``blamefree db upgrade``)."""


class ExternalServiceError(BlamefreeError):
    """An outside service (Jira, GitHub, SMTP, a webhook, PagerDuty) failed or refused."""

    http_status = 502
    exit_code = 8
