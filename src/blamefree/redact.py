"""Remove credentials from text before it is printed or stored.

Error bodies from outside services (Jira, GitHub, Slack, SMTP servers, webhooks, PagerDuty) and
database driver messages are text we did not write: a server may reflect the request's headers,
a proxy may echo the URL. ``redact`` replaces, in that text:

- the configured secrets themselves, by exact value (and their URL-encoded and Base64 forms);
- ``Authorization``-like headers and ``Bearer`` / ``Basic`` / ``Token`` credentials;
- ``password=``, ``token=``, ``api_key=`` and similar parameters, in queries, forms and JSON;
- the password of ``scheme://user:password@host`` URLs;
- token shapes of well-known services (GitHub, Slack, Atlassian, AWS, JWTs) and Slack
  incoming-webhook paths.

Every pattern is bounded (no nested repetition), so the time is linear in the text's length,
and only the first ``MAX_INPUT`` characters are kept: callers cut what they show anyway.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus, urlsplit

from pydantic import SecretStr

if TYPE_CHECKING:
    from blamefree.config import Settings

MASK = "***"
MAX_INPUT = 4000
"""Characters of outside text considered at all; the rest is dropped, never shown."""
MIN_SECRET = 4
"""Shorter configured values are not matched by value (they would mask ordinary words)."""

_WORDS = (
    r"pass(?:word|wd|phrase)?|pwd|secret|client[_-]?secret|(?:access|auth|refresh|id|api|bearer)"
    r"[_-]?token|token|api[_-]?key|apikey|private[_-]?token|session(?:[_-]?id)?|"
    r"sig(?:nature)?|credentials?|auth"
)
# "Authorization: Basic abc", "X-Api-Key: abc", "Cookie: a=b" up to the end of the line/quote.
_HEADER = re.compile(
    r"(?i)\b((?:proxy-)?authorization|x-[a-z-]{0,40}(?:token|key|secret|auth)|"
    r"private-token|cookie|set-cookie)([\"']?\s*[:=]\s*[\"']?)[^\r\n\"',;}]{1,2000}"
)
_SCHEME = re.compile(r"(?i)\b(bearer|basic|digest)(\s+)([A-Za-z0-9._~+/=-]{8,2000})")
# key=value and "key": "value" pairs whose key names a credential.
_PAIR = re.compile(
    rf"(?i)([\"']?\b[a-z_.-]{{0,30}}(?:{_WORDS})[\"']?)(\s*[:=]\s*)(\"[^\"]{{0,2000}}\"|'[^']{{0,2000}}'|[^\s&\"',;}})]{{1,2000}})"
)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://[^\s:/@]{0,200}:)[^\s@/]{1,2000}@")
_TOKENS = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255}|"
    r"xox[abprse]-[A-Za-z0-9-]{10,255}|xapp-[A-Za-z0-9-]{10,255}|ATATT[A-Za-z0-9_=-]{20,400}|"
    r"AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{0,2000})"
)
_SLACK_HOOK = re.compile(
    r"(?i)(hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/)[\w/-]{1,400}"
)


def secret_forms(*values: str | None) -> list[str]:
    """Each value and the forms a server may echo it in: URL-encoded and Base64."""
    forms: list[str] = []
    for value in values:
        if not value or len(value) < MIN_SECRET:
            continue
        forms += [value, quote(value, safe=""), quote_plus(value)]
        forms.append(base64.b64encode(value.encode()).decode())
    return forms


def basic_auth_form(user: str | None, password: str | None) -> str | None:
    """The Base64 ``user:password`` an ``Authorization: Basic`` header carries."""
    if not user or not password:
        return None
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def settings_secrets(settings: Settings) -> list[str]:
    """Every credential the settings hold, in the forms a server may echo it in.

    That is each secret setting, the Basic-auth pairs built from them, the password of the
    database URL, and the webhook URLs (whose path is their secret) with their paths.
    """
    values: list[str | None] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            values.append(value.get_secret_value())
    token = settings.jira_token.get_secret_value() if settings.jira_token else None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    client = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    values += [
        basic_auth_form(settings.jira_email, token),
        basic_auth_form(settings.smtp_username, password),
        basic_auth_form(settings.oidc_client_id, client),
        url_password(settings.database_url),
    ]
    for url in (settings.slack_webhook_url, settings.webhook_url):
        if url:
            values += [url, _url_path(url)]
    return secret_forms(*values)


def url_password(url: str) -> str | None:
    """The password in a URL's userinfo, if any (unparseable URLs have none we can find)."""
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def _url_path(url: str) -> str | None:
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    return path if path.strip("/") else None


def redact(text: str, *, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with credentials replaced by ``***``; see the module docstring for what counts."""
    # Longest first, so a value that contains another is masked whole; before any cut, so a
    # secret straddling the cut is not left half shown.
    for value in sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True):
        text = text.replace(value, MASK)
    if len(text) > MAX_INPUT:
        # Drop the word the cut falls in: it may be the start of a token.
        head = text[:MAX_INPUT]
        space = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        text = head[: space + 1] + "…"
    text = _USERINFO.sub(lambda m: f"{m[1]}{MASK}@", text)
    text = _SLACK_HOOK.sub(lambda m: f"{m[1]}{MASK}", text)
    text = _HEADER.sub(lambda m: f"{m[1]}{m[2]}{MASK}", text)
    text = _SCHEME.sub(_mask_scheme, text)
    text = _PAIR.sub(_mask_pair, text)
    return _TOKENS.sub(MASK, text)


def _mask_scheme(match: re.Match[str]) -> str:
    credential = match[3]
    # "basic checks" is prose; a credential has a digit, Base64 padding or some length.
    looks_like = len(credential) >= 20 or any(ch.isdigit() or ch in "+/=" for ch in credential)
    return f"{match[1]}{match[2]}{MASK}" if looks_like else match[0]


def _mask_pair(match: re.Match[str]) -> str:
    value = match[3]
    if value == MASK or value.strip("\"'") == MASK:
        return match[0]
    quote_mark = value[0] if value[:1] in ("'", '"') else ""
    return f"{match[1]}{match[2]}{quote_mark}{MASK}{quote_mark}"


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters (call after ``redact``, never before)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
