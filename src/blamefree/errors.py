"""One exception tree for Blamefree; each class's HTTP status and CLI exit code are in `CODES`.

    BlamefreeError                      500  exit 1
    ├── UsageError                      400  exit 2   bad options or arguments
    │   └── RemoteNotSupported                        a local-store command run with --server
    ├── Unauthenticated                 401  exit 9   no one is signed in, or the sign-in failed
    │   ├── LoginRequired                             a page or the API asked for without a login
    │   ├── LoginFailed                               a wrong user name or password
    │   ├── SetupLinkInvalid                          a first-admin link unknown, used or expired
    │   └── SignOnFailed                              a single sign-on that signed nobody in
    │       ├── SignOnStateMismatch     400           an answer to a sign-on not started here
    │       ├── SignOnDenied                          the provider said no (consent refused, ...)
    │       └── IdTokenInvalid                        an ID token that does not verify
    ├── Forbidden                       403  exit 10  signed in, but not allowed to do this
    │   ├── ReviewForbidden                           not this person's step of a review
    │   └── SignOnRefused                             signed on, but disabled or not let in
    ├── TooManyAttempts                 429  exit 11  too many failed logins: wait, then retry
    ├── InputError                      422  exit 3   input we cannot read
    │   ├── TemplateParseError                        a post-mortem file (file, line, field)
    │   ├── SourceFormatError                         an importer's payload (file, record, field)
    │   │   └── ZoneMissing                           a time with no zone, and no zone given
    │   ├── ValidationFailed                          a value that breaks a rule of the model
    │   │   └── WeakPassword                          a password the policy refuses
    │   ├── SearchQueryInvalid                        a search query (position in it)
    │   ├── SubmissionBlocked                         lint findings that block a submission
    │   └── BackupInvalid                             a backup file: not one, truncated, corrupt
    │       └── BackupIncompatible                    a backup this Blamefree cannot restore
    ├── NotFound                        404  exit 4
    │   ├── PostmortemNotFound
    │   ├── RevisionNotFound
    │   ├── EventNotFound
    │   ├── ActionItemNotFound
    │   ├── MeasureNotFound                           a prevention measure
    │   ├── CriterionNotFound                         a success criterion
    │   ├── ReviewNotFound
    │   ├── PersonNotFound
    │   ├── CommentNotFound                           a review comment
    │   ├── UserNotFound                              no account of that user name
    │   ├── SignOnNotConfigured                       no single sign-on is set up
    │   └── TokenNotFound                             no API token with that id
    ├── Conflict                        409  exit 5
    │   ├── StaleEdit                                 a save based on an outdated version
    │   ├── DuplicatePostmortem
    │   ├── MergeConflict                             a file and the store changed one field
    │   ├── WouldLoseWork                             a file without a base would drop work
    │   ├── TransitionNotAllowed                      a review step its state does not allow
    │   ├── SignOffManaged                            a save typing over the workflow's Sign-Off
    │   ├── PostmortemLocked            423           approved or published: reopen it first
    │   ├── DuplicateUser                             an account of that user name exists
    │   ├── LastAdmin                                 the change would leave no enabled admin
    │   └── StoreNotEmpty                             a restore into a store that holds data
    ├── ConfigError                     500  exit 6
    │   └── OwnersUnreachable                         owners no reminder can reach
    ├── StoreError                      503  exit 7
    │   ├── StoreBusy                                 every connection in use (pool timeout)
    │   ├── SchemaOutOfDate                           the store's schema is behind this code
    │   └── ServerUnavailable                         the server of --server: unreachable, or
    │                                                 its answer is not the API's
    └── ExternalServiceError            502  exit 8   Jira, GitHub, SMTP, webhooks, PagerDuty
        └── ProviderUnavailable                       the sign-on provider cannot be reached or used

Every error carries a message a user can act on, in words that fit any caller: it names no
command-line option or command (the CLI adds such hints when it prints, see
``blamefree.cli.hints``). The CLI and the web app map status and exit code from `CODES`, once;
docs/errors.md is generated from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blamefree.domain.losses import Loss
    from blamefree.domain.merge import FieldConflict
    from blamefree.lint.finding import Finding


class BlamefreeError(Exception):
    """Base of every error Blamefree raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def http_status(self) -> int:
        """The HTTP status the web app answers with (from `CODES`)."""
        return code_of(type(self)).http_status

    @property
    def exit_code(self) -> int:
        """The exit code the CLI ends with (from `CODES`)."""
        return code_of(type(self)).exit_code


class UsageError(BlamefreeError):
    """Options or arguments that do not make sense together."""


class RemoteNotSupported(UsageError):
    """A command that works on a local store only, run against a server."""


class Unauthenticated(BlamefreeError):
    """No one is signed in, or the credentials given do not sign anyone in."""


class LoginRequired(Unauthenticated):
    """A page or the API asked for by someone not logged in (pages redirect to the login)."""


class LoginFailed(Unauthenticated):
    """A user name and password that log nobody in (which of the two is never said)."""


class SetupLinkInvalid(Unauthenticated):
    """A first-admin link that is unknown, already used or expired."""


class SignOnFailed(Unauthenticated):
    """A single sign-on (OpenID Connect) that signed nobody in; nothing was stored."""


class SignOnStateMismatch(SignOnFailed):
    """A sign-on answer this browser did not start, or started too long ago (state, cookie)."""


class SignOnDenied(SignOnFailed):
    """The provider answered with an error (``error=access_denied``: consent refused, ...)."""


class IdTokenInvalid(SignOnFailed):
    """An ID token that does not verify: signature, issuer, audience, expiry or nonce."""


class Forbidden(BlamefreeError):
    """The one signed in may not do this."""


class ReviewForbidden(Forbidden):
    """A review step (submit, approve, ...) this person may not take on this post-mortem."""


class SignOnRefused(Forbidden):
    """A person the provider signed in who may not log in here (disabled, domain not let in)."""


class TooManyAttempts(BlamefreeError):
    """Too many failed logins for an account or from an address; ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InputError(BlamefreeError):
    """Input that cannot be read; says where (file, line, field) when it knows."""

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


class ZoneMissing(SourceFormatError):
    """A time in an imported file written without a zone, with no zone given for such times."""


class ValidationFailed(InputError):
    """A value that the model does not accept."""


class SearchQueryInvalid(InputError):
    """A search query that cannot be read; ``position`` is the 1-based character it fails at."""

    def __init__(self, message: str, *, position: int) -> None:
        self.position = position
        super().__init__(f"character {position}: {message}", field="q")

    def _compose(self, message: str) -> str:
        return f"search query, {message}"


class SubmissionBlocked(InputError):
    """A submission for review refused because of lint findings at a blocking level."""

    def __init__(self, message: str, *, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__(message)


class BackupInvalid(InputError):
    """A backup file that is not one, is truncated, or whose contents do not match its
    manifest; names the file and, when it knows, the table, line and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        table: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.table = table
        super().__init__(message, file=file, line=line, field=column)

    def _compose(self, message: str) -> str:
        where = [self.file] if self.file else []
        if self.table:
            line = "" if self.line is None else f" line {self.line}"
            where.append(f"table {self.table}{line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"column {self.field!r}")
        return f"{', '.join(where)}: {message}" if where else message


class BackupIncompatible(BackupInvalid):
    """A sound backup this Blamefree cannot restore: another format version or schema revision,
    or a value the target database cannot hold."""


class WeakPassword(ValidationFailed):
    """A password the policy refuses (too short, too long, the user name, blank)."""


class NotFound(BlamefreeError):
    """Something asked for by id that is not in the store."""


class PostmortemNotFound(NotFound):
    """No post-mortem with that incident id."""


class RevisionNotFound(NotFound):
    """No revision with that number."""


class EventNotFound(NotFound):
    """No timeline event with that reference."""


class ActionItemNotFound(NotFound):
    """No action item with that id."""


class MeasureNotFound(NotFound):
    """No prevention measure with that category and number."""


class CriterionNotFound(NotFound):
    """No success criterion with that number."""


class ReviewNotFound(NotFound):
    """No follow-up review of that kind."""


class PersonNotFound(NotFound):
    """No one of that name in the people directory."""


class CommentNotFound(NotFound):
    """No review comment with that number (on that post-mortem)."""


class UserNotFound(NotFound):
    """No account of that user name."""


class SignOnNotConfigured(NotFound):
    """Single sign-on asked for where no provider is set up."""


class TokenNotFound(NotFound):
    """No API token with that id."""


class Conflict(BlamefreeError):
    """A write that would overwrite or duplicate something."""


class StaleEdit(Conflict):
    """A save based on a version that someone else has replaced since."""


class DuplicatePostmortem(Conflict):
    """A post-mortem with that incident id exists already."""

    def __init__(self, message: str, *, incident_id: str | None = None) -> None:
        super().__init__(message)
        self.incident_id = incident_id


class MergeConflict(Conflict):
    """A file's changes and changes stored since its base version touch the same fields."""

    def __init__(
        self,
        message: str,
        *,
        conflicts: Sequence[FieldConflict],
        incident_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.conflicts = tuple(conflicts)
        self.incident_id = incident_id


class WouldLoseWork(Conflict):
    """Saving a file that names no base version would remove what the store has."""

    def __init__(
        self, message: str, *, losses: Sequence[Loss], incident_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.losses = tuple(losses)
        self.incident_id = incident_id


class TransitionNotAllowed(Conflict):
    """A review step the post-mortem's state does not allow (approve a draft, ...)."""


class SignOffManaged(Conflict):
    """A save that changes the Sign-Off section while the review workflow fills it."""


class PostmortemLocked(Conflict):
    """An edit of an approved or published post-mortem, which takes none until reopened."""


class DuplicateUser(Conflict):
    """An account of that user name (in any letter case) exists already."""


class LastAdmin(Conflict):
    """Disabling or demoting the account would leave the store without an enabled admin."""


class StoreNotEmpty(Conflict):
    """A restore into a store that already holds data (a restore only fills an empty store)."""


class ConfigError(BlamefreeError):
    """Settings that cannot work."""


class OwnersUnreachable(ConfigError):
    """Owners with something due whom no reminder can reach (no address, no fallback)."""


class StoreError(BlamefreeError):
    """The database could not be reached or used."""


class StoreBusy(StoreError):
    """Every connection to the store stayed in use for longer than the pool waits."""


class SchemaOutOfDate(StoreError):
    """The store's schema is older than this version of Blamefree (``blamefree db upgrade``)."""


class ServerUnavailable(StoreError):
    """The Blamefree server worked against could not be reached (refused, timed out, TLS), or
    answered with something that is not its API's JSON."""


class ExternalServiceError(BlamefreeError):
    """An outside service (Jira, GitHub, SMTP, a webhook, PagerDuty) failed or refused."""


class ProviderUnavailable(ExternalServiceError):
    """The single sign-on provider could not be reached, or answered what cannot be used."""


# --- the one table of statuses and exit codes --------------------------------------------------


@dataclass(frozen=True)
class ErrorCode:
    """What an error class means to a web client (HTTP status) and to a script (exit code)."""

    http_status: int
    exit_code: int
    meaning: str


CODES: dict[type[BlamefreeError], ErrorCode] = {
    BlamefreeError: ErrorCode(500, 1, "an error without a more specific class"),
    UsageError: ErrorCode(400, 2, "options or arguments that do not make sense together"),
    RemoteNotSupported: ErrorCode(400, 2, "a command that needs a local store, run with a server"),
    Unauthenticated: ErrorCode(401, 9, "no one is signed in, or the sign-in failed"),
    LoginRequired: ErrorCode(401, 9, "log in first (pages send you to the login page)"),
    LoginFailed: ErrorCode(401, 9, "a user name and password that log nobody in"),
    SetupLinkInvalid: ErrorCode(401, 9, "a first-admin link that is unknown, used or expired"),
    SignOnFailed: ErrorCode(401, 9, "a single sign-on that signed nobody in; nothing stored"),
    SignOnStateMismatch: ErrorCode(
        400, 9, "a sign-on answer this browser did not start (or too long ago): start again"
    ),
    SignOnDenied: ErrorCode(401, 9, "the sign-on provider said no (e.g. consent refused)"),
    IdTokenInvalid: ErrorCode(401, 9, "an ID token whose signature or claims do not verify"),
    Forbidden: ErrorCode(403, 10, "signed in, but not allowed to do this"),
    ReviewForbidden: ErrorCode(403, 10, "a review step this person may not take on it"),
    SignOnRefused: ErrorCode(403, 10, "signed on, but the account is disabled or not let in"),
    TooManyAttempts: ErrorCode(429, 11, "too many failed logins; wait the time it names"),
    InputError: ErrorCode(422, 3, "input that cannot be read"),
    TemplateParseError: ErrorCode(422, 3, "a post-mortem file that does not follow the template"),
    SourceFormatError: ErrorCode(422, 3, "an importer's payload of the wrong shape"),
    ZoneMissing: ErrorCode(422, 3, "a time with no zone in a file, and no zone given for it"),
    ValidationFailed: ErrorCode(422, 3, "a value the model does not accept; names the field"),
    SearchQueryInvalid: ErrorCode(422, 3, "a search query that cannot be read; names the place"),
    SubmissionBlocked: ErrorCode(422, 3, "lint findings at a blocking level; lists them"),
    WeakPassword: ErrorCode(422, 3, "a password the policy refuses; says why"),
    BackupInvalid: ErrorCode(422, 3, "a backup file that is not one, truncated or corrupt"),
    BackupIncompatible: ErrorCode(
        422, 3, "a backup of another format or schema revision, or a value the store cannot hold"
    ),
    NotFound: ErrorCode(404, 4, "something asked for that is not in the store"),
    PostmortemNotFound: ErrorCode(404, 4, "no post-mortem with that incident id"),
    RevisionNotFound: ErrorCode(404, 4, "no version with that number"),
    EventNotFound: ErrorCode(404, 4, "no timeline event with that reference"),
    ActionItemNotFound: ErrorCode(404, 4, "no action item with that id"),
    MeasureNotFound: ErrorCode(404, 4, "no prevention measure with that number"),
    CriterionNotFound: ErrorCode(404, 4, "no success criterion with that number"),
    ReviewNotFound: ErrorCode(404, 4, "no follow-up review of that kind"),
    PersonNotFound: ErrorCode(404, 4, "no one of that name in the people directory"),
    CommentNotFound: ErrorCode(404, 4, "no review comment with that number"),
    UserNotFound: ErrorCode(404, 4, "no account of that user name"),
    SignOnNotConfigured: ErrorCode(404, 4, "single sign-on asked for where none is set up"),
    TokenNotFound: ErrorCode(404, 4, "no API token with that id"),
    Conflict: ErrorCode(409, 5, "a write that would overwrite or duplicate something"),
    StaleEdit: ErrorCode(409, 5, "a save based on a version someone else has replaced since"),
    DuplicatePostmortem: ErrorCode(409, 5, "a post-mortem with that incident id exists already"),
    MergeConflict: ErrorCode(409, 5, "a file and the store changed the same fields"),
    WouldLoseWork: ErrorCode(409, 5, "a file without a base version would drop stored work"),
    TransitionNotAllowed: ErrorCode(409, 5, "a review step the post-mortem's state does not allow"),
    SignOffManaged: ErrorCode(409, 5, "a save that changes the Sign-Off the workflow fills"),
    PostmortemLocked: ErrorCode(423, 5, "an edit of an approved or published post-mortem"),
    DuplicateUser: ErrorCode(409, 5, "an account of that user name exists already"),
    LastAdmin: ErrorCode(409, 5, "the change would leave no enabled admin"),
    StoreNotEmpty: ErrorCode(409, 5, "a restore into a store that already holds data"),
    ConfigError: ErrorCode(500, 6, "settings that cannot work"),
    OwnersUnreachable: ErrorCode(500, 6, "owners no reminder can reach: no address, no fallback"),
    StoreError: ErrorCode(503, 7, "the database could not be reached or used"),
    StoreBusy: ErrorCode(503, 7, "the store is busy: no connection came free in time"),
    SchemaOutOfDate: ErrorCode(503, 7, "the store's schema is older than this Blamefree"),
    ServerUnavailable: ErrorCode(503, 7, "the server is unreachable or does not answer as the API"),
    ExternalServiceError: ErrorCode(502, 8, "an outside service failed or refused"),
    ProviderUnavailable: ErrorCode(502, 8, "the sign-on provider cannot be reached or used"),
}
"""Every class of the tree, in the order of the tree drawn above (a test checks it is complete)."""


def code_of(cls: type[BlamefreeError]) -> ErrorCode:
    """The status and exit code of an error class: its own row, else its nearest ancestor's."""
    for klass in cls.__mro__:
        code = CODES.get(klass)
        if code is not None:
            return code
    raise TypeError(f"{cls.__name__} is not a BlamefreeError")


def error_class(name: str, status: int) -> type[BlamefreeError]:
    """The class an API error answer names (its ``type``), else the most general class of its
    HTTP status, else ``BlamefreeError``: how a client maps an answer back onto `CODES`."""
    for cls in CODES:
        if cls.__name__ == name:
            return cls
    for cls, code in CODES.items():
        if code.http_status == status:
            return cls
    return BlamefreeError


def errors_reference() -> str:
    """docs/errors.md: every error class with its HTTP status, exit code and meaning."""
    lines = [
        "# Errors",
        "",
        "Every error Blamefree raises on purpose is one of these classes (`blamefree.errors`).",
        "The CLI prints its message and exits with its code; the web app answers with its HTTP",
        "status. Generated from `blamefree.errors.CODES` by `python -m blamefree.cli.reference`;",
        "a test keeps it current.",
        "",
        "| class | parent | HTTP | exit | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for cls, code in CODES.items():
        parent = cls.__mro__[1].__name__ if cls is not BlamefreeError else ""
        lines.append(
            f"| `{cls.__name__}` | {f'`{parent}`' if parent else ''} | {code.http_status} "
            f"| {code.exit_code} | {code.meaning} |"
        )
    return "\n".join(lines) + "\n"
