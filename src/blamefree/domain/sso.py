"""Single sign-on rules that need no provider and no store (pure): which issuer URLs are
acceptable, who a verified ID token names, the user name a first sign-on gets, and which
e-mail domains may sign on (docs/accounts.md, "Single sign-on")."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import unicodedata
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from blamefree.domain.accounts import USER_NAME_MAX, user_name_problem

LOOPBACK_HOSTS = frozenset({"localhost"})
_NOT_NAME = re.compile(r"[^A-Za-z0-9._@-]+")
SUFFIX_ROOM = 4
"""Characters kept free at the end of a derived name for a ``-2`` ... ``-999`` suffix."""


@dataclasses.dataclass(frozen=True, slots=True)
class ProviderIdentity:
    """Who a verified ID token names: the provider (``issuer``) and its id for the person
    (``subject``, stable and never reused), with what it says about them."""

    issuer: str
    subject: str
    preferred_username: str | None = None
    name: str | None = None
    email: str | None = None
    email_verified: bool | None = None


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def provider_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be an issuer or a provider endpoint, or None when it can: https, or
    plain http only to a loopback address (a provider on the same machine, as in tests)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"{url!r} is not a URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "must be an https:// URL (e.g. https://login.example.com/realms/acme)"
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return "must be https (plain http only to a provider on this machine: localhost, 127.0.0.1)"
    if parts.query or parts.fragment:
        return "must not have a query or a fragment"
    if parts.username or parts.password:
        return "must not hold a user name or password"
    return None


def parse_domains(text: str) -> tuple[str, ...]:
    """``example.com, Example.org`` as ``("example.com", "example.org")``."""
    return tuple(part.strip().lower() for part in text.split(",") if part.strip())


def domain_problem(identity: ProviderIdentity, allowed: Iterable[str]) -> str | None:
    """Why this person may not sign on under the allowed e-mail domains, or None.

    With no domain listed anyone the provider signs in may. Otherwise the provider must give
    an e-mail address, say it is verified (``email_verified: true``), and its domain must be
    one of the list exactly (a subdomain is another domain).
    """
    domains = tuple(allowed)
    if not domains:
        return None
    shown = ", ".join(domains)
    if not identity.email or "@" not in identity.email:
        return f"only people with an e-mail address at {shown} may sign on; the provider gave none"
    if identity.email_verified is not True:
        return (
            f"only people with a verified e-mail address at {shown} may sign on; the provider "
            f"does not say {identity.email} is verified"
        )
    domain = identity.email.rsplit("@", 1)[1].lower()
    if domain not in domains:
        return f"only people with an e-mail address at {shown} may sign on, not at {domain}"
    return None


def _clean(candidate: str | None) -> str:
    # Accents go (Kovač -> Kovac); letters with no ASCII form go with them.
    ascii_only = unicodedata.normalize("NFKD", candidate or "").encode("ascii", "ignore").decode()
    text = _NOT_NAME.sub("-", ascii_only.strip())
    text = text.lstrip("._@-")[: USER_NAME_MAX - SUFFIX_ROOM].rstrip("._@-")
    return text if text and user_name_problem(text) is None else ""


def base_user_name(identity: ProviderIdentity) -> str:
    """The user name a first sign-on asks for: the provider's ``preferred_username``, else
    the part of the e-mail address before the @, else the name, else ``user``."""
    local_part = identity.email.split("@", 1)[0] if identity.email else None
    for candidate in (identity.preferred_username, local_part, identity.name):
        cleaned = _clean(candidate)
        if cleaned:
            return cleaned
    return "user"


def free_user_name(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3``, ... the first that no account has (in any case).

    An existing account of that name is never taken over: a person from the provider who
    clashes with a local account gets a name of their own.
    """
    if not taken(base):
        return base
    for number in range(2, 1000):
        candidate = f"{base}-{number}"
        if not taken(candidate):
            return candidate
    raise ValueError(f"every user name from {base}-2 to {base}-999 is taken")
