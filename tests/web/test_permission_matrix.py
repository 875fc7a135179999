"""The permission matrix: every route of the app's route table x every role x a post-mortem
anyone may see and a restricted one, with the expected status of each (docs/accounts.md).

The expected status comes from ``RULES``, keyed by route; a route the app has and the table
has not fails the suite, naming it. On top of the status, every answer a person not named on
the restricted post-mortem gets is the answer for an id no post-mortem has, byte for byte once
the id is swapped (no existence leak). One app and store for the module (support/permission_matrix.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.permission_matrix import MISSING, OPEN, ROLES, SECRET, Matrix, routes

SEEING = frozenset({"admin", "member"})
"""Who sees SECRET: admins and the people named on it (the member); nobody else does."""
OWN_ACCOUNT = ("/logout", "/account")


@dataclass(frozen=True)
class Rule:
    """What a route answers the matrix's request (no body, or an empty one, and the CSRF
    token): ``ok`` for someone allowed past the login rules, ``roles`` where a role's answer
    differs, ``missing`` for an id no post-mortem has (and so for a hidden one), ``anonymous``
    when the route needs no login."""

    ok: int
    missing: int = 404
    roles: dict[str, int] = field(default_factory=dict)
    anonymous: int | None = None


R = Rule
OWNER_OR_ADMIN = {"admin": 200}
RULES: dict[str, Rule] = {
    # Open to anyone (and the webhook receivers, which check their own tokens).
    "GET /api/openapi.json": R(200, anonymous=200),
    "GET /healthz": R(200, anonymous=200),
    "GET /login": R(303, anonymous=200),
    "POST /login": R(401, anonymous=401),
    "GET /first-admin": R(401, anonymous=401),
    # Single sign-on is not set up in the matrix's app: both ends say so (SignOnNotConfigured).
    "GET /login/oidc": R(404, anonymous=404),
    "GET /login/oidc/callback": R(404, anonymous=404),
    "POST /first-admin": R(401, anonymous=401),
    "POST /hooks/alertmanager": R(422, anonymous=422),
    "POST /hooks/grafana": R(422, anonymous=422),
    "POST /hooks/pagerduty": R(401, anonymous=401),
    "POST /hooks/opsgenie": R(422, anonymous=422),
    # The API: lists and searches of the whole store.
    "GET /api/v1/postmortems": R(200),
    "POST /api/v1/postmortems": R(422),
    "POST /api/v1/postmortems/import": R(422),
    "POST /api/v1/lint": R(422),
    "GET /api/v1/actions": R(200),
    "GET /api/v1/prevention": R(200),
    "GET /api/v1/reviews": R(200),
    "GET /api/v1/people": R(200),
    "POST /api/v1/people": R(422),
    "DELETE /api/v1/people/{name}": R(404),
    "GET /api/v1/search": R(200),
    "GET /api/v1/audit": R(200),
    # The API of one post-mortem and what is under it.
    "GET /api/v1/postmortems/{incident_id}": R(200),
    "PUT /api/v1/postmortems/{incident_id}": R(422, missing=422),
    "DELETE /api/v1/postmortems/{incident_id}": R(204),
    "GET /api/v1/postmortems/{incident_id}/history": R(200),
    "GET /api/v1/postmortems/{incident_id}/diff": R(200),
    "GET /api/v1/postmortems/{incident_id}/revisions/{version}": R(200),
    "POST /api/v1/postmortems/{incident_id}/restore": R(422, missing=422),
    "GET /api/v1/postmortems/{incident_id}/export": R(200),
    "GET /api/v1/postmortems/{incident_id}/events": R(200),
    "POST /api/v1/postmortems/{incident_id}/events": R(422, missing=422),
    "PATCH /api/v1/postmortems/{incident_id}/events/{ref}": R(200),
    "DELETE /api/v1/postmortems/{incident_id}/events/{ref}": R(204),
    "PUT /api/v1/postmortems/{incident_id}/events/{ref}/key": R(200),
    "DELETE /api/v1/postmortems/{incident_id}/events/{ref}/key": R(200),
    "POST /api/v1/postmortems/{incident_id}/events/import": R(422, missing=422),
    "GET /api/v1/postmortems/{incident_id}/metrics": R(200),
    "GET /api/v1/postmortems/{incident_id}/lint": R(200),
    "GET /api/v1/actions/{action_id}": R(200),
    "PATCH /api/v1/actions/{action_id}": R(200),
    "POST /api/v1/postmortems/{incident_id}/actions": R(422, missing=422),
    "GET /api/v1/postmortems/{incident_id}/prevention": R(200),
    "PATCH /api/v1/postmortems/{incident_id}/prevention/{category}/{number}": R(422, missing=422),
    "POST /api/v1/postmortems/{incident_id}/reviews": R(422, missing=422),
    "PUT /api/v1/postmortems/{incident_id}/reviews/{kind}": R(422, missing=422),
    "GET /api/v1/postmortems/{incident_id}/criteria": R(200),
    "POST /api/v1/postmortems/{incident_id}/criteria": R(422, missing=422),
    "PUT /api/v1/postmortems/{incident_id}/criteria/{number}": R(422, missing=422),
    "POST /api/v1/postmortems/{incident_id}/criteria/apply": R(200),
    "GET /api/v1/postmortems/{incident_id}/sign-offs": R(200),
    "PUT /api/v1/postmortems/{incident_id}/sign-offs/{role}": R(200),
    "GET /api/v1/postmortems/{incident_id}/comments": R(200),
    "POST /api/v1/postmortems/{incident_id}/comments": R(422, missing=422),
    "POST /api/v1/postmortems/{incident_id}/comments/{comment_id}/resolve": R(200),
    "POST /api/v1/postmortems/{incident_id}/comments/{comment_id}/reopen": R(200),
    "GET /api/v1/postmortems/{incident_id}/workflow": R(200),
    # Naming reviewers: the owner, an approver or an admin; submitting: the owner or an
    # admin (the admin's is refused by the linter: the seed has findings at error level).
    "PUT /api/v1/postmortems/{incident_id}/workflow/members": R(
        403, roles={"approver": 200, "admin": 200}
    ),
    "POST /api/v1/postmortems/{incident_id}/workflow/{transition}": R(403, roles={"admin": 422}),
    "GET /api/v1/postmortems/{incident_id}/restriction": R(200),
    "PUT /api/v1/postmortems/{incident_id}/restriction": R(403, roles=OWNER_OR_ADMIN),
    # Pages of the whole store.
    "GET /": R(200),
    "GET /postmortems": R(200),
    "GET /search": R(200),
    "GET /actions": R(200),
    "GET /actions/prevention": R(200),
    "POST /actions/bulk": R(422),
    "POST /actions/prevention/status": R(422),
    "POST /actions/push": R(422),
    "POST /actions/pull": R(422),
    "GET /follow-up": R(200),
    "GET /calendar.ics": R(200),
    "GET /inbox": R(200),
    "POST /inbox/attach": R(422),
    "POST /inbox/draft": R(422),
    "POST /inbox/discard": R(422),
    "GET /audit": R(200),
    "GET /api/docs": R(200),
    "GET /api/docs/schemas": R(200),
    "GET /new": R(200),
    "POST /new": R(303),
    # One's own account (any role may change it).
    "POST /logout": R(303),
    "GET /account": R(200),
    "POST /account/password": R(401),
    "POST /account/logout-everywhere": R(303),
    "POST /account/tokens": R(422),
    "POST /account/tokens/{token_id}/revoke": R(404),
    # Pages of one post-mortem and what is under it.
    "GET /postmortems/{incident_id}": R(200),
    "GET /postmortems/{incident_id}/export.{fmt}": R(200),
    "GET /postmortems/{incident_id}/version": R(200),
    "GET /postmortems/{incident_id}/audit": R(200),
    "GET /postmortems/{incident_id}/history": R(200),
    "GET /postmortems/{incident_id}/diff": R(200),
    "GET /postmortems/{incident_id}/timeline": R(200),
    "GET /postmortems/{incident_id}/edit": R(200),
    "GET /postmortems/{incident_id}/edit/markdown": R(200),
    "GET /postmortems/{incident_id}/delete": R(200),
    "GET /follow-up/{incident_id}/{kind}": R(200),
    "POST /postmortems/{incident_id}/comments": R(422, missing=422),
    "POST /postmortems/{incident_id}/comments/{comment_id}/resolve": R(303),
    "POST /postmortems/{incident_id}/comments/{comment_id}/reopen": R(303),
    "POST /actions/{action_id}/status": R(422, missing=422),
    "POST /follow-up/{incident_id}/{kind}": R(303),
    "POST /follow-up/{incident_id}/{kind}/schedule": R(422, missing=422),
    "POST /postmortems/{incident_id}/lint-preview": R(422, missing=422),
    "POST /postmortems/{incident_id}/edit": R(422, missing=422),
    "POST /postmortems/{incident_id}/edit/markdown": R(422, missing=422),
    "POST /postmortems/{incident_id}/conflict": R(422, missing=422),
    "POST /postmortems/{incident_id}/delete": R(422),  # not confirmed
    "POST /postmortems/{incident_id}/restore": R(422, missing=422),
    "POST /postmortems/{incident_id}/timeline/events": R(422),
    # An empty edit changes nothing and reads nothing: "Nothing changed", for any id.
    "POST /postmortems/{incident_id}/timeline/events/{ref}": R(303, missing=303),
    "POST /postmortems/{incident_id}/timeline/events/{ref}/phase": R(303),
    "POST /postmortems/{incident_id}/timeline/events/{ref}/key": R(303),
    "POST /postmortems/{incident_id}/timeline/events/{ref}/remove": R(303),
    "POST /postmortems/{incident_id}/timeline/import": R(422),
    "POST /postmortems/{incident_id}/workflow/members": R(
        403, roles={"approver": 303, "admin": 303}
    ),
    "POST /postmortems/{incident_id}/workflow/{transition}": R(403, roles={"admin": 422}),
    "POST /postmortems/{incident_id}/restriction": R(403, roles={"admin": 303}),
}


def _about_one(path: str) -> bool:
    """Whether the route addresses one post-mortem or something under it."""
    return "{incident_id}" in path or "{action_id}" in path


def expected(method: str, path: str, role: str, target: str) -> int:
    """The status ``role`` gets from ``method path`` on ``target``'s ids (the rules of
    web/auth.py, then of visibility, then the route's own)."""
    rule = RULES[f"{method} {path}"]
    if role == "anonymous":
        if rule.anonymous is not None:
            return rule.anonymous
        return 401 if path.startswith("/api") or method != "GET" else 303
    if rule.anonymous is not None or path.startswith("/hooks/"):
        return rule.roles.get(role, rule.ok)
    if method != "GET" and role == "viewer" and not path.startswith(OWN_ACCOUNT):
        return 403
    if target == SECRET and _about_one(path) and role not in SEEING:
        return rule.missing
    return rule.roles.get(role, rule.ok)


def _refused_at_the_door(method: str, path: str, role: str) -> bool:
    """Refused by web/auth.py before the route reads anything (nobody logged in; a viewer's
    write): the answer cannot depend on the id, so it is not asked again for a missing one."""
    rule = RULES[f"{method} {path}"]
    if rule.anonymous is not None:
        return False
    return role == "anonymous" or (role == "viewer" and method != "GET")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    built = Matrix(Path(tmp_path_factory.mktemp("matrix")))
    try:
        yield built
    finally:
        built.close()


def test_every_route_has_a_rule(matrix: Matrix) -> None:
    table = {f"{method} {path}" for method, path in routes(matrix.app)}
    missing = sorted(table - set(RULES))
    assert not missing, f"routes without a rule in RULES (test_permission_matrix.py): {missing}"
    stale = sorted(set(RULES) - table)
    assert not stale, f"rules for routes the app no longer has: {stale}"


def test_the_matrix(matrix: Matrix) -> None:
    """Every route x role x (unrestricted, restricted): the expected status; and for whoever
    may not see the restricted one, the very answer a missing id gets."""
    wrong: list[str] = []
    leaks: list[str] = []
    table = [(m, p) for m, p in routes(matrix.app) if f"{m} {p}" in RULES]
    for method, path in table:
        targets = (OPEN, SECRET) if _about_one(path) else (OPEN,)
        for role in ROLES:
            for target in targets:
                status, body = matrix.send(role, method, path, target)
                want = expected(method, path, role, target)
                if status != want:
                    wrong.append(f"{method} {path} as {role} on {target}: {status}, not {want}")
                if (
                    target == SECRET
                    and role not in SEEING
                    and not _refused_at_the_door(method, path, role)
                ):
                    gone, gone_body = matrix.send(role, method, path, MISSING)
                    if (status, matrix.normal(body, SECRET)) != (
                        gone,
                        matrix.normal(gone_body, MISSING),
                    ):
                        leaks.append(
                            f"{method} {path} as {role}: {status} {body[:200]!r} for the "
                            f"restricted one, {gone} {gone_body[:200]!r} for a missing one"
                        )
    assert wrong == []
    assert leaks == []


SEARCHES = {"/search": "?q=overnight", "/api/v1/search": "?q=overnight", "/audit": "?incident="}


def test_no_page_or_list_of_the_whole_store_shows_a_hidden_one(matrix: Matrix) -> None:
    """Lists, search, dashboard, boards, calendar, audit, inbox: for someone not named on the
    restricted post-mortem neither its id nor its title appears anywhere; an admin's show it."""
    shown: dict[str, set[str]] = {}
    for method, path in routes(matrix.app):
        if method != "GET" or "{" in path or path.startswith("/static"):
            continue
        url = path + SEARCHES.get(path, "")
        for role in ("viewer", "author", "reviewer", "approver", "admin", "member"):
            status, body = matrix.send(role, method, url, OPEN)
            if SECRET in body or "Credentials leaked" in body:
                shown.setdefault(url, set()).add(f"{role} ({status})")
    everywhere = {"admin (200)", "member (200)"}
    assert {url: roles for url, roles in shown.items() if roles - everywhere} == {}
    for url in ("/", "/postmortems", "/search?q=overnight", "/api/v1/postmortems", "/actions"):
        assert shown[url] == everywhere, url
