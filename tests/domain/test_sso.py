"""Single sign-on's pure rules: issuer URLs, the user name a first sign-on gets, and the
e-mail domains let in."""

from __future__ import annotations

import pytest

from blamefree.domain.accounts import user_name_problem
from blamefree.domain.sso import (
    ProviderIdentity,
    base_user_name,
    domain_problem,
    free_user_name,
    parse_domains,
    provider_url_problem,
)


def person(**said: object) -> ProviderIdentity:
    return ProviderIdentity(issuer="https://id.example.com", subject="s-1", **said)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://keycloak.example.com/realms/acme", None),
        ("https://accounts.google.com", None),
        ("http://127.0.0.1:8080/realms/dev", None),
        ("http://localhost:9000", None),
        ("http://[::1]:9000", None),
        ("http://id.example.com", "must be https (plain http only to a provider on this machine"),
        ("ftp://id.example.com", "must be an https:// URL"),
        ("https://", "must be an https:// URL"),
        ("https://id.example.com/?tenant=1", "must not have a query or a fragment"),
        ("https://me:pw@id.example.com", "must not hold a user name or password"),
    ],
)
def test_which_issuer_urls_are_accepted(url: str, problem: str | None) -> None:
    found = provider_url_problem(url)
    assert (found is None) == (problem is None)
    if problem is not None:
        assert found is not None and found.startswith(problem)


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ({"preferred_username": "dana", "email": "dk@example.com"}, "dana"),
        ({"email": "dana.k@example.com", "name": "Dana K"}, "dana.k"),
        ({"name": "Dana Kovač"}, "Dana-Kovac"),
        ({"preferred_username": "  ..weird name!  ", "email": "x@example.com"}, "weird-name"),
        ({"preferred_username": "Ωμέγα", "email": "omega@example.com"}, "omega"),
        ({}, "user"),
        ({"preferred_username": "a" * 100}, "a" * 60),
    ],
)
def test_the_user_name_a_first_sign_on_asks_for(said: dict[str, str], name: str) -> None:
    made = base_user_name(person(**said))
    assert made == name
    assert user_name_problem(made) is None


def test_a_taken_name_gets_the_first_free_suffix_in_any_letter_case() -> None:
    taken = {"dana", "dana-2"}
    assert free_user_name("Dana", lambda n: n.lower() in taken) == "Dana-3"
    assert free_user_name("ren", lambda n: n.lower() in taken) == "ren"
    with pytest.raises(ValueError, match="every user name from x-2 to x-999 is taken"):
        free_user_name("x", lambda n: True)


def test_the_allowed_domains() -> None:
    allowed = parse_domains(" Example.com, acme.test ,")
    assert allowed == ("example.com", "acme.test")
    assert domain_problem(person(email="x@elsewhere.org", email_verified=True), ()) is None
    assert domain_problem(person(email="Dana@EXAMPLE.com", email_verified=True), allowed) is None
    assert domain_problem(person(email="d@sub.example.com", email_verified=True), allowed) == (
        "only people with an e-mail address at example.com, acme.test may sign on, not at "
        "sub.example.com"
    )
    assert domain_problem(person(email="d@example.com"), allowed) == (
        "only people with a verified e-mail address at example.com, acme.test may sign on; the "
        "provider does not say d@example.com is verified"
    )
    assert domain_problem(person(), allowed) == (
        "only people with an e-mail address at example.com, acme.test may sign on; the provider "
        "gave none"
    )
