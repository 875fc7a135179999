"""``PostmortemRepository.stamp``: which version is stored, read without the document."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from blamefree.domain.postmortem import Postmortem
from blamefree.errors import PostmortemNotFound
from blamefree.store import UnitOfWork


def test_the_stamp_names_the_stored_version_and_moves_with_each_save(
    engine: Engine, doc: Postmortem
) -> None:
    with UnitOfWork(engine) as uow:
        created = uow.postmortems.create(doc, markdown="# v1\n", message="created")
    incident_id = created.incident_id
    with UnitOfWork(engine) as uow:
        first = uow.postmortems.stamp(incident_id)
        again = uow.postmortems.stamp(incident_id)
    assert (first.incident_id, first.version) == (incident_id, 1)
    assert (first.created_at, first.updated_at) == (created.created_at, created.updated_at)
    assert again == first
    with UnitOfWork(engine) as uow:
        saved = uow.postmortems.save(
            doc.model_copy(update={"title": "Two"}), expected_version=1, markdown="# v2\n"
        )
    with UnitOfWork(engine) as uow:
        second = uow.postmortems.stamp(incident_id)
    assert (second.version, second.updated_at) == (2, saved.updated_at)
    assert second.row_id == first.row_id
    assert second != first


def test_an_unknown_id_has_no_stamp(engine: Engine) -> None:
    with pytest.raises(PostmortemNotFound) as caught, UnitOfWork(engine) as uow:
        uow.postmortems.stamp("INC-NOPE")
    assert "INC-NOPE" in caught.value.message
