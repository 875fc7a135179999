"""``ApiClient``: the calls of the commands that work against a server, over ``/api/v1``.

Each method is one use case of a command (``list``, ``show``, ``export``, ``import``, ``timeline
import``, ``actions list``, ``actions set``, ``lint``) and answers the read model the command
prints in local mode too. What can go wrong becomes the error class local mode raises:

- an error answer (``{"error": {"type", "status", "message", ...}}``) becomes the class it
  names, or the most general class of its status (``errors.error_class``), with the same
  message, so the exit code and the text are those of local mode;
- 401 and 403 say, beyond the server's words, what to do about the token;
- no connection, no answer in time, a TLS failure, a redirect or an answer that is not the
  API's JSON is ``ServerUnavailable`` naming the server (its password, if the address has one,
  masked). The token is never part of a message: every text from the server is redacted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import ssl
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlsplit

import httpx
from pydantic import TypeAdapter, ValidationError

from blamefree.domain.enums import ActionStatus, ActionType, Priority, Severity
from blamefree.domain.losses import Loss
from blamefree.domain.merge import ConflictKind, FieldConflict
from blamefree.errors import (
    BlamefreeError,
    ConfigError,
    DuplicatePostmortem,
    Forbidden,
    InputError,
    LoginRequired,
    MergeConflict,
    SearchQueryInvalid,
    ServerUnavailable,
    StoreError,
    SubmissionBlocked,
    TooManyAttempts,
    Unauthenticated,
    UsageError,
    WouldLoseWork,
    error_class,
)
from blamefree.redact import redact, secret_forms, url_password
from blamefree.schemas import (
    ActionItemRead,
    ActionItemUpdate,
    EventImportRead,
    ImportOutcomeRead,
    PostmortemPageRead,
    PostmortemRead,
    PostmortemSummaryRead,
)
from blamefree.schemas.errors import ErrorDetail, ErrorRead

REMOTE_COMMANDS = (
    "list",
    "show",
    "export",
    "import",
    "timeline import",
    "actions list",
    "actions set",
    "lint",
)
"""The commands that work against a server; every other one is ``RemoteNotSupported``."""

API_PREFIX = "/api/v1"
TIMEOUT = httpx.Timeout(120.0, connect=10.0)
"""10 s to connect; 120 s for each read and write (an upload of a large export takes a while)."""
PAGE_SIZE = 200
"""Post-mortems asked for per request when listing (the API's largest page)."""
TOKEN_HELP = (
    "make one with `blamefree token create --user NAME --name WHAT-USES-IT --scope write` on "
    "the server, or on your account page (/account), and put it in BLAMEFREE_TOKEN"
)

OCTETS = "application/octet-stream"

M = TypeVar("M")


def shown_server(url: str, *, token: str | None = None) -> str:
    """The server's address as messages show it: a password in it (or the token) masked."""
    return redact(url, secrets=secret_forms(url_password(url), token))


@dataclass
class UploadOutcome:
    """What importing one file on the server did (the shape of a local import's outcome)."""

    path: Path
    incident_id: str | None = None
    action: str = "failed"  # created | updated | merged | unchanged | failed
    version: int | None = None
    error: BlamefreeError | None = None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default verification (certifi's CAs), built once per process: loading the CAs
    is most of the time a client takes to start."""
    return httpx.create_ssl_context()


class _Bearer(httpx.Auth):
    """``Authorization: Bearer <token>`` on every request (and never Basic auth from a URL)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["authorization"] = f"Bearer {self._token}"
        yield request


class ApiClient:
    """The JSON API of the Blamefree server at ``server``, called with an API token."""

    def __init__(
        self,
        server: str,
        *,
        token: str | None,
        timeout: httpx.Timeout = TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.server = server.strip().rstrip("/")
        self.shown = shown_server(self.server, token=token)
        try:
            parts = urlsplit(self.server)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"--server / BLAMEFREE_SERVER: {self.shown} is not the address of a server; "
                "give it as http://HOST:PORT or https://HOST"
            )
        self._token = token
        self._secrets = secret_forms(token, url_password(self.server))
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.Client | None = None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- the commands' calls ----------------------------------------------------------------

    def list_postmortems(
        self, *, severity: Sequence[Severity] | None = None
    ) -> list[PostmortemSummaryRead]:
        """Every post-mortem, newest incident first (``list``), a page at a time."""
        rows: list[PostmortemSummaryRead] = []
        offset: int | None = 0
        while offset is not None:
            params: dict[str, Any] = {"limit": PAGE_SIZE, "offset": offset, "sort": "-date"}
            if severity:
                params["severity"] = [s.value for s in severity]
            page = self._json("GET", "/postmortems", PostmortemPageRead, params=params)
            rows.extend(page.items)
            offset = page.next_offset
        return rows

    def show_postmortem(self, *, incident_id: str) -> PostmortemRead:
        """One post-mortem with its version and success criteria (``show``)."""
        return self._json("GET", f"/postmortems/{_segment(incident_id)}", PostmortemRead)

    def stored_text(self, *, incident_id: str) -> str:
        """The post-mortem's current Markdown as its author wrote it (what ``lint ID`` reads)."""
        response = self._send(
            "GET",
            f"/postmortems/{_segment(incident_id)}/export",
            params={"format": "md", "base": "false"},
        )
        try:
            return response.content.decode("utf-8")
        except UnicodeDecodeError:
            raise self._not_the_api(response) from None

    def export(self, *, incident_id: str, format: str, table: str | None, with_base: bool) -> bytes:
        """The bytes ``export`` writes: Markdown, HTML, PDF, JSON or CSV."""
        params: dict[str, str] = {"format": format}
        if table is not None:
            params["of"] = table
        if not with_base:
            params["base"] = "false"
        return self._send(
            "GET", f"/postmortems/{_segment(incident_id)}/export", params=params
        ).content

    def import_files(
        self,
        *,
        paths: Sequence[Path],
        update: bool = False,
        force: bool = False,
        on_file: Callable[[UploadOutcome], None] | None = None,
    ) -> list[UploadOutcome]:
        """Upload Markdown post-mortems one by one, each all or nothing (``import``).

        As in local mode a file's own error is kept with it and the next file is sent; an error
        that every file would meet (the server, the token, a permission) stops at once."""
        outcomes: list[UploadOutcome] = []
        for path in paths:
            outcome = UploadOutcome(path=path)
            try:
                data = _file_bytes(path)
                answer = self._json(
                    "POST",
                    "/postmortems/import",
                    ImportOutcomeRead,
                    params={"update": _flag(update), "force": _flag(force)},
                    files={"file": (str(path), data, "text/markdown")},
                )
                outcome.incident_id = answer.incident_id
                outcome.action = answer.action
                outcome.version = answer.version
            except (Unauthenticated, Forbidden, StoreError):
                raise
            except BlamefreeError as error:
                outcome.error = error
                outcome.incident_id = getattr(error, "incident_id", None)
            outcomes.append(outcome)
            if on_file is not None:
                on_file(outcome)
        return outcomes

    def import_events(
        self,
        *,
        incident_id: str,
        source: str,
        paths: Sequence[Path],
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        channel: Sequence[str] | None = None,
        phase_map: str | None = None,
        key_reaction: str = "pushpin",
        default_tz: str | None = None,
    ) -> EventImportRead:
        """Upload a tool's files as one import of timeline events (``timeline import``)."""
        params: dict[str, Any] = {"source": source, "reaction": key_reaction}
        if since is not None:
            params["since"] = since.isoformat()
        if until is not None:
            params["until"] = until.isoformat()
        if channel:
            params["channel"] = list(channel)
        if phase_map is not None:
            params["phase_map"] = phase_map
        if default_tz is not None:
            params["tz"] = default_tz
        with contextlib.ExitStack() as stack:
            files = [
                ("file", (str(path), stack.enter_context(_opened(path)), OCTETS)) for path in paths
            ]
            return self._json(
                "POST",
                f"/postmortems/{_segment(incident_id)}/events/import",
                EventImportRead,
                params=params,
                files=files,
            )

    def list_actions(
        self,
        *,
        owner: str | None = None,
        statuses: Sequence[ActionStatus] | None = None,
        severities: Sequence[Severity] | None = None,
        overdue: bool = False,
        due_within: int | None = None,
        incident_id: str | None = None,
    ) -> list[ActionItemRead]:
        """Action items across post-mortems, filtered as ``actions list`` filters them."""
        params: dict[str, Any] = {"overdue": _flag(overdue)}
        if owner is not None:
            params["owner"] = owner
        if statuses:
            params["status"] = [s.value for s in statuses]
        if severities:
            params["severity"] = [s.value for s in severities]
        if due_within is not None:
            params["due_within"] = due_within
        if incident_id is not None:
            params["incident_id"] = incident_id
        return self._json("GET", "/actions", TypeAdapter(list[ActionItemRead]), params=params)

    def set_action(
        self,
        *,
        action_id: str,
        status: ActionStatus | None = None,
        due: dt.date | None = None,
        priority: Priority | None = None,
        type: ActionType | None = None,
        text: str | None = None,
    ) -> ActionItemRead:
        """Change an action item's status, due date, priority, type or text (``actions set``);
        what is not given stays as it is."""
        given = {
            "status": status,
            "due_date": due,
            "priority": priority,
            "type": type,
            "text": text,
        }
        changes = ActionItemUpdate.model_validate(
            {name: value for name, value in given.items() if value is not None}
        )
        return self._json(
            "PATCH",
            f"/actions/{_segment(action_id)}",
            ActionItemRead,
            json=changes.model_dump(mode="json", exclude_unset=True),
        )

    # --- HTTP --------------------------------------------------------------------------------

    def _http(self) -> httpx.Client:
        if self._token is None or not self._token.strip():
            raise LoginRequired(
                f"working against {self.shown} needs an API token in BLAMEFREE_TOKEN, and it is "
                f"not set; {TOKEN_HELP}"
            )
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.server + API_PREFIX,
                auth=_Bearer(self._token.strip()),
                headers={"accept": "application/json"},
                timeout=self._timeout,
                verify=_tls_context(),
                transport=self._transport,
                follow_redirects=False,
            )
        return self._client

    def _json(self, method: str, path: str, shape: type[M] | TypeAdapter[M], **request: Any) -> M:
        response = self._send(method, path, **request)
        adapter = shape if isinstance(shape, TypeAdapter) else TypeAdapter(shape)
        try:
            return adapter.validate_json(response.content)
        except ValidationError:
            raise self._not_the_api(response) from None

    def _send(self, method: str, path: str, **request: Any) -> httpx.Response:
        try:
            response = self._http().request(method, path, **request)
        except httpx.TimeoutException as exc:
            raise ServerUnavailable(
                f"{self.shown} did not answer in time ({self._reason(exc)}); is the server "
                "running, and is that its address?"
            ) from exc
        except httpx.ConnectError as exc:
            if _tls_failed(exc):
                raise ServerUnavailable(
                    f"the TLS connection to {self.shown} failed ({self._reason(exc)}); check "
                    "the address (http or https) and the server's certificate"
                ) from exc
            raise ServerUnavailable(
                f"cannot connect to {self.shown} ({self._reason(exc)}); is `blamefree serve` "
                "running there, and is that its address?"
            ) from exc
        except httpx.HTTPError as exc:
            raise ServerUnavailable(
                f"the connection to {self.shown} failed ({self._reason(exc)})"
            ) from exc
        if response.is_redirect:
            where = redact(response.headers.get("location", "elsewhere"), secrets=self._secrets)
            raise ServerUnavailable(
                f"{self.shown} answered {response.status_code} with a redirect to {where}, not "
                "the API; give the server's own address (with https:// if it uses TLS)"
            )
        if response.is_error:
            raise self._error(response)
        return response

    def _reason(self, exc: Exception) -> str:
        return redact(str(exc) or type(exc).__name__, secrets=self._secrets)

    def _not_the_api(self, response: httpx.Response) -> ServerUnavailable:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        return ServerUnavailable(
            f"{self.shown} answered HTTP {response.status_code} with something that is not "
            f"Blamefree's API ({kind}); is that the address of a Blamefree server?"
        )

    def _error(self, response: httpx.Response) -> BlamefreeError:
        try:
            detail = ErrorRead.model_validate_json(response.content).error
        except ValidationError:
            return self._not_the_api(response)
        message = redact(detail.message, secrets=self._secrets)
        cls = error_class(detail.type, detail.status)
        if issubclass(cls, Unauthenticated) and not issubclass(cls, TooManyAttempts):
            return cls(
                f"{self.shown} did not accept the API token in BLAMEFREE_TOKEN ({message}): it "
                f"may be mistyped, revoked or expired, or its account disabled; {TOKEN_HELP}"
            )
        if issubclass(cls, Forbidden):
            return cls(
                f"{self.shown} refused this: {message} (a token acts with its owner's role, "
                "narrowed by its scope: a read token only reads; a change needs a write token of "
                "an author or above)"
            )
        return _rebuilt(cls, detail, message, response.headers.get("retry-after"))


def _rebuilt(
    cls: type[BlamefreeError], detail: ErrorDetail, message: str, retry_after: str | None
) -> BlamefreeError:
    """The error the answer describes, built as local mode builds it (its parts included)."""
    where: dict[str, Any] = {"file": detail.file, "line": detail.line, "field": detail.field}
    if issubclass(cls, DuplicatePostmortem):
        return cls(message, incident_id=detail.incident_id)
    if issubclass(cls, MergeConflict):
        conflicts = [
            FieldConflict(
                path=c.path,
                base=c.base,
                stored=c.stored,
                file=c.file,
                kind=cast(ConflictKind, c.kind),
            )
            for c in detail.conflicts or []
        ]
        return cls(message, conflicts=conflicts, incident_id=detail.incident_id)
    if issubclass(cls, WouldLoseWork):
        losses = [Loss(x.path, x.what, x.stored, x.file) for x in detail.losses or []]
        return cls(message, losses=losses, incident_id=detail.incident_id)
    if issubclass(cls, TooManyAttempts):
        seconds = int(retry_after) if retry_after and retry_after.isdigit() else 60
        return cls(message, retry_after=seconds)
    if issubclass(cls, (SearchQueryInvalid, SubmissionBlocked)):
        return InputError(message, **where)  # their own parts are not in the answer
    if issubclass(cls, InputError):
        return cls(message, **where)
    return cls(message)


def _segment(value: str) -> str:
    """One path segment of a URL, whatever the value holds (a ``/`` stays inside it)."""
    return quote(value.strip(), safe="")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _tls_failed(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "SSL" in str(exc) or "TLS" in str(exc)


def _file_bytes(path: Path) -> bytes:
    """A file's bytes to upload; an unreadable file is the InputError local mode raises."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("no such file", file=str(path)) from exc
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), file=str(path)) from exc


@contextlib.contextmanager
def _opened(path: Path) -> Generator[Any, None, None]:
    """A file opened to stream it in an upload; a folder cannot be sent as one."""
    if path.is_dir():
        raise UsageError(
            f"{path} is a folder; against a server, give the files to upload (a Slack export "
            "as its zip file)"
        )
    try:
        handle = path.open("rb")
    except FileNotFoundError as exc:
        raise InputError("no such file", file=str(path)) from exc
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), file=str(path)) from exc
    with handle:
        yield handle
