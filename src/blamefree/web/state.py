"""What every request of one app shares: settings, the store's engine, signer and clock."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import Engine

from blamefree.config import Settings
from blamefree.web.memo import ReadMemo

if TYPE_CHECKING:
    from fastapi import Request
    from fastapi.templating import Jinja2Templates

    from blamefree.sso.oidc import OidcProvider

Clock = Callable[[], dt.datetime]


def real_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class WebState:
    """Built once by ``create_app``; holds nothing a second worker would need to share.

    Sessions and CSRF tokens live in the store or in signed cookies, and ``memo`` keys every
    entry by the stored version it shows, so any number of worker processes can serve one
    store (docs/deploy.md).
    """

    settings: Settings
    engine: Engine
    templates: Jinja2Templates
    clock: Clock = real_clock
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    demo: bool = False
    memo: ReadMemo = field(default_factory=ReadMemo)
    """Rendered reads keyed by version (``web.memo``): never stale, never shared."""
    sign_on: OidcProvider | None = None
    """The single sign-on provider, when the settings name one (``sso.oidc``)."""

    def signer(self, purpose: str) -> URLSafeSerializer:
        """Signs small values for cookies (``purpose`` keeps one kind from passing as another)."""
        return URLSafeSerializer(self.secret, salt=f"blamefree-{purpose}")

    def timed_signer(self, purpose: str) -> URLSafeTimedSerializer:
        """Like ``signer``, for values that must also be recent (``loads(..., max_age=)``)."""
        return URLSafeTimedSerializer(self.secret, salt=f"blamefree-{purpose}")

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.now().date()


def state_of(request: Request) -> WebState:
    """The app's shared state (set by ``create_app``)."""
    state = request.app.state.blamefree
    assert isinstance(state, WebState)
    return state
