"""Writing pages over SQLite and PostgreSQL: post-mortems stored through the services, then
edited through the pages the way a browser submits their forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import Severity
from blamefree.markdown.parse import parse
from blamefree.services import postmortems, writing
from blamefree.store.unit_of_work import UnitOfWork
from support.web import FIXED_NOW
from web.write.pages import BERLIN


@pytest.fixture
def new_draft(engine: Engine) -> Callable[..., str]:
    """Store a new post-mortem as /new does; returns its id."""

    def make(*, title: str = "Checkout API outage", timezone: str | None = None) -> str:
        with UnitOfWork(engine, clock=lambda: FIXED_NOW) as uow:
            made = writing.start(
                uow,
                title=title,
                severity=Severity.P1,
                day=FIXED_NOW.date(),
                timezone=timezone,
                by="Ana Lopez",
            )
            return made.stored.incident_id

    return make


@pytest.fixture
def berlin(engine: Engine) -> str:
    """A hand-written post-mortem (its author's wording: ``12.03.2024``, ``Sev 2``, ...)."""
    text = BERLIN.read_bytes().decode("utf-8")
    with UnitOfWork(engine, clock=lambda: FIXED_NOW) as uow:
        doc = parse(text, source=str(BERLIN))
        postmortems.create_postmortem(uow, postmortem_in=doc, text=text, by="Ana Lopez")
    assert doc.incident_id is not None
    return doc.incident_id
