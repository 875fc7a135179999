"""Schemas: published, kept in docs, used by --json, and inputs that fail as ValidationFailed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree import schemas
from blamefree.domain.enums import Phase, Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import EventKind, TimelineEvent
from blamefree.errors import PostmortemNotFound, ValidationFailed
from blamefree.schemas.reference import PRINTED_BY, schemas_reference, type_text
from blamefree.services import postmortems, timeline
from support.cli import Invoke
from support.uow import in_uow

DOCS = Path(__file__).parents[2] / "docs"
T0 = dt.datetime(2024, 3, 12, 14, 32, tzinfo=dt.UTC)


def test_docs_list_every_schema_and_are_current() -> None:
    text = (DOCS / "schemas.md").read_text()
    assert text == schemas_reference(), "run: python -m blamefree.cli.reference"
    for name in schemas.SCHEMAS:
        assert f"\n## {name}\n" in text
    assert set(PRINTED_BY) <= set(schemas.SCHEMAS)


def test_type_text_reads_the_json_schema_shapes() -> None:
    assert [
        type_text({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}),
        type_text({"type": "array", "items": {"$ref": "#/$defs/EventRead"}}),
        type_text({"enum": ["a", "b"]}),
        type_text({}),
    ] == ["string (date) or null", "list of EventRead", "`a` \\| `b`", "any"]


def test_inputs_and_outputs_are_described_in_their_mode() -> None:
    assert schemas.schema_mode(schemas.EventCreate) == "validation"
    assert schemas.schema_mode(schemas.EventRead) == "serialization"
    event = schemas.json_schema("EventRead")
    assert event["required"] == list(schemas.EventRead.model_fields)
    assert event["properties"]["time"]["type"] == "string"
    create = schemas.json_schema("EventCreate")
    assert (create["required"], create["additionalProperties"]) == (["time", "text"], False)


def test_schema_command_prints_one_or_all(cli: Invoke) -> None:
    default = json.loads(cli("schema").stdout)
    assert default["title"] == "Postmortem"
    one = cli("schema", "ActionItemRead")
    assert (one.exit_code, json.loads(one.stdout)) == (0, schemas.json_schema("ActionItemRead"))
    every = json.loads(cli("schema", "--all").stdout)
    assert list(every) == list(schemas.SCHEMAS)
    assert every["PersonCreate"]["properties"]["name"]["maxLength"] == 200
    unknown = cli("schema", "Nope")
    assert unknown.exit_code == 2
    assert "no schema 'Nope'; the schemas are: Postmortem, PostmortemCreate" in unknown.stderr


def test_parse_input_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        schemas.parse_input(schemas.EventUpdate, {"phase": "lunch", "key": "maybe"})
    assert caught.value.field == "phase"
    assert str(caught.value).startswith("field 'phase': Input should be ")
    assert str(caught.value).endswith("(and 1 more problem)")
    with pytest.raises(ValidationFailed) as unknown:
        schemas.parse_input(schemas.PersonCreate, {"name": "Dana", "pager": "555"})
    assert (unknown.value.field, unknown.value.reason) == (
        "pager",
        "Extra inputs are not permitted",
    )
    with pytest.raises(ValidationFailed) as naive:
        schemas.parse_input(schemas.EventCreate, {"time": "2024-03-12T14:32:00", "text": "x"})
    assert naive.value.field == "time"
    assert "timestamps must carry a time zone" in naive.value.reason


def _one_event(engine: Engine) -> TimelineEvent:
    in_uow(
        engine,
        postmortems.create_postmortem,
        postmortem_in=Postmortem(incident_id="INC-1", severity=Severity.P2),
    )
    return in_uow(
        engine,
        timeline.append_event,
        incident_id="INC-1",
        event=TimelineEvent(time=T0, text="Alert fired", kind=EventKind.ALERT_FIRED),
    )


def test_edit_event_takes_an_event_update(engine: Engine) -> None:
    added = _one_event(engine)
    ref = schemas.convert.event_read(added).ref
    edited = in_uow(
        engine,
        timeline.edit_event,
        incident_id="INC-1",
        ref=ref,
        changes=schemas.EventUpdate(phase=Phase.DETECTION, key=True),
    )
    assert (edited.phase, edited.key, edited.text, edited.time) == (
        Phase.DETECTION,
        True,
        "Alert fired",
        T0,
    )
    cleared = in_uow(
        engine,
        timeline.edit_event,
        incident_id="INC-1",
        ref=ref,
        changes=schemas.EventUpdate(phase=None),
    )
    assert (cleared.phase, cleared.key) == (None, True)  # phase cleared, key kept
    read = schemas.convert.to_data(schemas.convert.event_read(cleared))
    assert read == {
        "ref": ref,
        "time": "2024-03-12T14:32:00.000000Z",
        "time_text": None,
        "phase": None,
        "kind": "alert_fired",
        "actor": None,
        "text": "Alert fired",
        "source": "manual",
        "source_id": added.source.id,
        "key": True,
        "link": None,
        "recorded_by": None,  # read from the event alone, not from the store
    }


def test_edit_event_refuses_a_bad_value_as_validation_failed(engine: Engine) -> None:
    added = _one_event(engine)
    ref = schemas.convert.event_read(added).ref
    bad = schemas.EventUpdate.model_construct(text=None, _fields_set={"text"})
    with pytest.raises(ValidationFailed) as caught:
        in_uow(engine, timeline.edit_event, incident_id="INC-1", ref=ref, changes=bad)
    assert (caught.value.field, caught.value.exit_code) == ("text", 3)
    assert in_uow(engine, timeline.list_events, incident_id="INC-1") == [added]  # nothing saved


def _new(cli: Invoke) -> None:
    made = cli("new", "-t", "Checkout", "-s", "P2", "--id", "INC-7", "--date", "2024-03-12")
    assert made.exit_code == 0
    saved = cli(
        "new", "-t", "Checkout", "-s", "P2", "--id", "INC-7", "--date", "2024-03-12", "--save"
    )
    assert saved.exit_code == 0, saved.stderr


def test_json_output_reads_back_into_its_schema(cli: Invoke) -> None:
    _new(cli)
    assert cli("timeline", "add", "INC-7", "--at", "14:32 UTC", "--text", "Paged").exit_code == 0
    added = cli("actions", "add", "INC-7", "Alert on pool saturation", "--owner", "Dana", "--json")
    item = schemas.ActionItemRead.model_validate(json.loads(added.stdout))
    assert (item.incident_id, item.owner, item.due_date) == ("INC-7", "Dana", dt.date(2024, 4, 11))
    shown = json.loads(cli("actions", "show", item.id, "--json").stdout)
    detail = schemas.ActionItemDetailRead.model_validate(shown)
    assert schemas.convert.to_data(detail) == shown
    pm = json.loads(cli("show", "INC-7", "--json").stdout)
    read = schemas.PostmortemRead.model_validate(pm)
    assert (read.title, read.severity, read.version) == ("Checkout", Severity.P2, 3)
    assert schemas.convert.to_data(read) == pm
    events = json.loads(cli("timeline", "list", "INC-7", "--json").stdout)
    assert [schemas.EventRead.model_validate(e).text for e in events] == ["Paged"]
    rows = json.loads(cli("list", "--json").stdout)
    assert [schemas.PostmortemSummaryRead.model_validate(r).version for r in rows] == [3]


def test_an_error_reads_as_one_shape_with_its_status() -> None:
    bad = ValidationFailed("the owner must not be empty", field="owner")
    assert schemas.convert.to_data(schemas.convert.error_read(bad)) == {
        "error": {
            "type": "ValidationFailed",
            "status": 422,
            "message": "the owner must not be empty",
            "field": "owner",
            "file": None,
            "line": None,
            "incident_id": None,
            "conflicts": None,
            "losses": None,
            "findings": None,
        }
    }
    missing = schemas.convert.error_read(PostmortemNotFound("no post-mortem 'INC-9'")).error
    assert (missing.type, missing.status, missing.message, missing.field) == (
        "PostmortemNotFound",
        404,
        "no post-mortem 'INC-9'",
        None,
    )
