"""The permission matrix's app, seed and requests (tests/web/test_permission_matrix.py).

One SQLite store seeded once per module: a post-mortem anyone may see (``OPEN``), a restricted
one (``SECRET``: owner Kim, the member Mia) and an id no post-mortem has (``MISSING``), each with
an action item, a timeline event and a comment; an account per role. A request that may have
changed the store puts the seeded file back before the next one (``Matrix.restore``).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine

from blamefree.domain.accounts import Principal, Role
from blamefree.domain.derive import event_ref
from blamefree.services import comments, postmortems, restriction, timeline
from blamefree.store import UnitOfWork, ensure_schema, make_engine
from blamefree.store.follow_through import FollowThroughRepository
from support.updates_doc import DOCUMENT
from support.web import BASE_URL, FIXED_NOW, WebClient, make_app

OPEN = "INC-2025-0031"
SECRET = "INC-2025-0099"
MISSING = "INC-2025-0404"
OWNER = "Kim"
MEMBER = "Mia"

ROLES: dict[str, tuple[str, Role] | None] = {
    "anonymous": None,
    "viewer": ("Val", Role.VIEWER),
    "author": ("Abe", Role.AUTHOR),
    "reviewer": ("Rex", Role.REVIEWER),
    "approver": ("Apo", Role.APPROVER),
    "admin": ("Tester", Role.ADMIN),
    "member": (MEMBER, Role.REVIEWER),  # named on SECRET, not an admin
}
"""The matrix's people: one account per role (none named on SECRET), the named member, nobody."""


@dataclasses.dataclass(frozen=True)
class Seeded:
    """The ids of each seeded post-mortem's parts (MISSING borrows OPEN's)."""

    action: dict[str, str]
    event: dict[str, str]
    comment: dict[str, int]


def routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route of the app's route table (HEAD left out: GET's)."""
    for context in iter_route_contexts(app.routes):
        path = context.path
        methods = context.methods or set()
        if path is None or not methods:
            continue  # a mount (/static) has no methods
        for method in sorted(methods - {"HEAD"}):
            yield method, path


def _seed(engine: Engine, tmp: Path) -> Seeded:
    secret = DOCUMENT.replace(OPEN, SECRET).replace("Ledger export", "Credentials leaked")
    (tmp / "open.md").write_text(DOCUMENT, encoding="utf-8")
    (tmp / "secret.md").write_text(secret, encoding="utf-8")
    kim = Principal(name=OWNER, role=Role.AUTHOR)
    actions: dict[str, str] = {}
    events: dict[str, str] = {}
    said: dict[str, int] = {}
    with UnitOfWork(engine) as uow:
        postmortems.import_files(
            uow, paths=[tmp / "open.md", tmp / "secret.md"], today=FIXED_NOW.date(), by=OWNER
        )
        for incident_id in (OPEN, SECRET):
            event = timeline.add_event(
                uow,
                incident_id=incident_id,
                at="2025-02-04T06:45:00Z",
                text="Paged the on-call engineer",
                by=OWNER,
            )
            events[incident_id] = event_ref(event)
            added = comments.add_comment(
                uow, incident_id=incident_id, body="Is the alert threshold right?", by=kim, section="executive_summary",
                now=FIXED_NOW,
            )  # fmt: skip
            said[incident_id] = added.comment.id
        for record in FollowThroughRepository(uow.session).list_actions():
            actions.setdefault(record.incident_id, record.uid)
        restriction.set_restriction(
            uow,
            incident_id=SECRET,
            principal=kim,
            now=FIXED_NOW,
            restricted=True,
            add_members=[MEMBER],
        )
    return Seeded(
        action={**actions, MISSING: "A-NOSUCH"},
        event={**events, MISSING: events[OPEN]},
        comment={**said, MISSING: said[OPEN]},
    )


class Matrix:
    """The app over the seeded store, a logged-in client per role, requests of each route."""

    def __init__(self, tmp: Path) -> None:
        self.path = tmp / "store.sqlite3"
        self.seed_copy = tmp / "seed.sqlite3"
        self.engine = make_engine(f"sqlite:///{self.path}")
        ensure_schema(self.engine)
        self.seeded = _seed(self.engine, tmp)
        self.app = make_app(self.engine)
        self.clients: dict[str, WebClient] = {}
        self.tokens: dict[str, str] = {}
        self.cookies: dict[str, dict[str, str]] = {}
        for role, account in ROLES.items():
            client = WebClient(
                self.app,
                base_url=BASE_URL,
                headers={"origin": BASE_URL},
                follow_redirects=False,
                user=account[0] if account else None,
                role=account[1] if account else Role.ADMIN,
            )
            client.__enter__()  # one event loop thread for all its requests (closed by close)
            self.clients[role] = client
            self.tokens[role] = client.csrf()
            self.cookies[role] = dict(client.cookies)
        self.engine.dispose()  # the sessions are in the file now: keep it as the seed
        shutil.copyfile(self.path, self.seed_copy)

    def restore(self) -> None:
        """Put the seeded store back (after a request that may have written)."""
        self.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.seed_copy, self.path)

    def url(self, path: str, incident_id: str) -> str:
        values = {
            "incident_id": incident_id,
            "action_id": self.seeded.action[incident_id],
            "ref": self.seeded.event[incident_id],
            "comment_id": str(self.seeded.comment[incident_id]),
            "version": "1",
            "category": "technical",
            "number": "1",
            "kind": "1w",
            "role": "prepared",
            "transition": "submit",
            "name": "Nobody Here",
            "token_id": "1",
            "fmt": "md",
        }
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)

    def normal(self, body: str, incident_id: str) -> str:
        """``body`` with the ids of ``incident_id``'s parts in it made alike (to compare the
        answer about a hidden post-mortem with the one about a missing one)."""
        for value, name in (
            (self.seeded.action[incident_id], "<action>"),
            (incident_id, "<id>"),
        ):
            body = body.replace(value, name)
        return body

    def send(self, role: str, method: str, path: str, incident_id: str) -> tuple[int, str]:
        """The status and body of ``method path`` by ``role`` on ``incident_id``'s ids."""
        client = self.clients[role]
        client.cookies.clear()  # as logged in before (a logout or a login changes them)
        for name, value in self.cookies[role].items():
            client.cookies.set(name, value)
        url = self.url(path, incident_id)
        extra: dict[str, Any] = {}
        if method != "GET":
            if path.startswith("/api/"):
                extra["json"] = {}
            elif not path.startswith("/hooks/"):
                extra["data"] = {"csrf_token": self.tokens[role]}
        response = client.request(method, url, **extra)
        # A refused write changed nothing, but a failed login is kept on purpose (its limit).
        if method != "GET" and (response.status_code < 400 or path == "/login"):
            self.restore()
        return response.status_code, response.text

    def close(self) -> None:
        for client in self.clients.values():
            client.__exit__(None, None, None)
        self.engine.dispose()
