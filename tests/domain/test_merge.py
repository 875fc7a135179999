"""Three-way merge of post-mortems: each kind of change, each kind of conflict, and its laws."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blamefree.domain.enums import ActionStatus, Horizon, Phase, Severity
from blamefree.domain.merge import FieldConflict, merge_documents
from blamefree.domain.postmortem import (
    ActionItem,
    Postmortem,
)
from blamefree.domain.timeline import TimelineEvent
from blamefree.schemas.convert import conflict_read, to_data
from support.merge_docs import base_doc, changed, event, items, with_ids
from support.strategies import postmortems

# --- fields -------------------------------------------------------------------------------------


def test_a_field_only_one_side_changed_is_taken_from_that_side() -> None:
    base = base_doc()
    stored = changed(base, title="Search index lagging behind writes")
    file = changed(base, **{"root_cause_analysis.primary_cause": "A consumer stuck on a lock"})
    result = merge_documents(base, stored, file)
    assert result.clean
    assert result.doc.title == "Search index lagging behind writes"
    assert result.doc.root_cause_analysis.primary_cause == "A consumer stuck on a lock"


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    base = base_doc()
    both = changed(base, severity=Severity.P1)
    assert merge_documents(base, both, both).doc.severity is Severity.P1
    assert merge_documents(base, both, both).clean


def test_different_changes_to_one_field_conflict_with_all_three_values() -> None:
    base = base_doc()
    stored = changed(base, **{"timeline.detection.detected_by": "On-call engineer"})
    file = changed(base, **{"timeline.detection.detected_by": "Customer report"})
    result = merge_documents(base, stored, file)
    assert result.conflicts == (
        FieldConflict(
            path="timeline.detection.detected_by",
            base="Lag monitor",
            stored="On-call engineer",
            file="Customer report",
        ),
    )
    assert result.doc.timeline.detection.detected_by == "On-call engineer"
    preferring_file = merge_documents(base, stored, file, prefer="file")
    assert preferring_file.doc.timeline.detection.detected_by == "Customer report"
    assert preferring_file.conflicts == result.conflicts


def test_a_value_and_its_written_form_are_one_field() -> None:
    base = base_doc()
    stored = changed(base, **{"action_items.immediate.1.due_date": dt.date(2025, 6, 12)})
    file = changed(
        base,
        **{
            "action_items.immediate.1.due_date": None,
            "action_items.immediate.1.due_date_text": "after the offsite",
        },
    )
    result = merge_documents(base, stored, file)
    assert [to_data(conflict_read(c)) for c in result.conflicts] == [
        {
            "path": 'action_items.immediate["Document reindex"].due_date',
            "kind": "changed",
            "base": "2025-06-09",
            "stored": "2025-06-12",
            "file": "after the offsite",
        }
    ]


def test_status_from_the_store_and_wording_from_the_file_both_land() -> None:
    base = base_doc()
    stored = changed(
        base,
        **{"action_items.immediate.0.status": "done", "action_items.immediate.0.done": True},
    )
    file = changed(base, **{"action_items.immediate.0.text": "Page on lag above 3 min"})
    result = merge_documents(base, stored, file)
    assert result.clean
    first = result.doc.action_items.immediate[0]
    assert (first.text, first.status, first.done) == (
        "Page on lag above 3 min",
        ActionStatus.DONE,
        True,
    )


# --- action items ---------------------------------------------------------------------------------


def test_items_the_store_gave_ids_take_the_files_changes() -> None:
    base = base_doc()
    stored = with_ids(base, "A-0000R1", "A-0000R2", "A-0000R3")
    stored = changed(stored, **{"action_items.immediate.1.owner": "Ola and Rui"})
    file = changed(base, **{"action_items.short_term.0.owner": "Tam"})
    result = merge_documents(base, stored, file)
    assert result.clean
    assert [i.id for i in result.doc.action_items.all()] == ["A-0000R1", "A-0000R2", "A-0000R3"]
    assert [i.owner for i in result.doc.action_items.all()] == ["Rui", "Ola and Rui", "Tam"]


def test_an_item_moved_in_the_store_keeps_the_files_edit() -> None:
    base = with_ids(base_doc(), "A-0000M1", "A-0000M2", "A-0000M3")
    moved = base.action_items.model_copy(deep=True)
    moved.long_term.append(moved.immediate.pop(1))
    stored = base.model_copy(update={"action_items": moved})
    file = changed(base, **{"action_items.immediate.1.owner": "Kai"})
    result = merge_documents(base, stored, file)
    assert result.clean
    assert items(result.doc) == [
        ("immediate", "Page on lag above 5 min", "Rui", "open"),
        ("short_term", "Run two consumers", None, "open"),
        ("long_term", "Document reindex", "Kai", "open"),
    ]


def test_moving_one_item_to_two_horizons_conflicts() -> None:
    base = with_ids(base_doc(), "A-0000H1", "A-0000H2", "A-0000H3")

    def moved_to(horizon: str) -> Postmortem:
        lists = base.action_items.model_copy(deep=True)
        item = lists.immediate.pop(0)
        getattr(lists, horizon).insert(0, item)
        return base.model_copy(update={"action_items": lists})

    result = merge_documents(base, moved_to("short_term"), moved_to("long_term"))
    assert [(c.path, c.base, c.stored, c.file) for c in result.conflicts] == [
        ("action_items.short_term[A-0000H1].horizon", "immediate", "short_term", "long_term")
    ]


def test_removing_an_item_nobody_else_touched_removes_it() -> None:
    base = base_doc()
    stored = with_ids(base, "A-0000D1", "A-0000D2", "A-0000D3")  # ids alone are no change
    lists = base.action_items.model_copy(deep=True)
    del lists.immediate[1]
    file = base.model_copy(update={"action_items": lists})
    result = merge_documents(base, stored, file)
    assert result.clean
    assert [i.id for i in result.doc.action_items.all()] == ["A-0000D1", "A-0000D3"]


def test_removing_an_item_the_store_changed_conflicts() -> None:
    base = base_doc()
    stored = changed(base, **{"action_items.short_term.0.status": "in_progress"})
    lists = base.action_items.model_copy(deep=True)
    lists.short_term.clear()
    file = base.model_copy(update={"action_items": lists})
    result = merge_documents(base, stored, file)
    (conflict,) = result.conflicts
    assert (conflict.path, conflict.kind, conflict.file) == (
        'action_items.short_term["Run two consumers"]',
        "removed_in_file",
        None,
    )
    assert conflict.stored["status"] == "in_progress"
    assert [i.text for i in result.doc.action_items.short_term] == ["Run two consumers"]


def test_changing_an_item_the_store_removed_conflicts() -> None:
    base = base_doc()
    lists = base.action_items.model_copy(deep=True)
    del lists.immediate[0]
    stored = base.model_copy(update={"action_items": lists})
    file = changed(base, **{"action_items.immediate.0.owner": "Sol"})
    (conflict,) = merge_documents(base, stored, file).conflicts
    assert (conflict.path, conflict.kind, conflict.stored, conflict.file["owner"]) == (
        'action_items.immediate["Page on lag above 5 min"]',
        "removed_in_stored",
        None,
        "Sol",
    )


def test_items_added_on_both_sides_are_all_kept_in_order() -> None:
    base = base_doc()
    stored_lists = base.action_items.model_copy(deep=True)
    stored_lists.immediate.append(ActionItem(text="Raise consumer timeout", id="A-0000N1"))
    file_lists = base.action_items.model_copy(deep=True)
    file_lists.immediate.append(ActionItem(text="Add a lag dashboard"))
    result = merge_documents(
        base,
        base.model_copy(update={"action_items": stored_lists}),
        base.model_copy(update={"action_items": file_lists}),
    )
    assert result.clean
    assert [i.text for i in result.doc.action_items.immediate] == [
        "Page on lag above 5 min",
        "Document reindex",
        "Raise consumer timeout",
        "Add a lag dashboard",
    ]


def test_the_same_item_added_twice_with_different_owners_conflicts() -> None:
    base = base_doc()

    def adding(owner: str) -> Postmortem:
        lists = base.action_items.model_copy(deep=True)
        lists.long_term.append(ActionItem(text="Shard the index", owner=owner))
        return base.model_copy(update={"action_items": lists})

    result = merge_documents(base, adding("Ola"), adding("Rui"))
    assert [(c.path, c.base, c.stored, c.file) for c in result.conflicts] == [
        ('action_items.long_term["Shard the index"].owner', None, "Ola", "Rui")
    ]
    assert [i.text for i in result.doc.action_items.long_term] == ["Shard the index"]


# --- timeline events -------------------------------------------------------------------------------


def test_events_the_store_added_survive_a_file_that_edits_elsewhere() -> None:
    base = base_doc()
    stored = base.model_copy(
        update={
            "timeline": base.timeline.model_copy(
                update={
                    "events": [*base.timeline.events, event(30, "consumer restarted", ident="E7")]
                }
            )
        }
    )
    file = changed(base, **{"timeline.detection.detected_by": "Lag monitor (Grafana)"})
    result = merge_documents(base, stored, file)
    assert result.clean
    assert [e.text for e in result.doc.timeline.events] == [
        "lag above 5 min",
        "reindex started",
        "consumer restarted",
    ]
    assert result.doc.timeline.detection.detected_by == "Lag monitor (Grafana)"


def test_events_added_on_both_sides_stay_in_time_order() -> None:
    base = base_doc()

    def adding(*new: TimelineEvent) -> Postmortem:
        events = [*base.timeline.events, *new]
        return base.model_copy(
            update={"timeline": base.timeline.model_copy(update={"events": events})}
        )

    stored = adding(event(20, "consumer restarted", ident="E3"))
    file = adding(event(5, "first page sent", ident="E2"), event(45, "lag cleared", ident="E4"))
    result = merge_documents(base, stored, file)
    assert [e.time.minute for e in result.doc.timeline.events] == [1, 5, 9, 20, 45]


def test_an_event_is_its_source_record_and_its_fields_merge() -> None:
    base = base_doc()
    stored = changed(
        base, **{"timeline.events.0.phase": Phase.DETECTION, "timeline.events.0.key": True}
    )
    file = changed(base, **{"timeline.events.0.text": "lag above five minutes"})
    result = merge_documents(base, stored, file)
    assert result.clean
    first = result.doc.timeline.events[0]
    assert (first.text, first.phase, first.key) == ("lag above five minutes", Phase.DETECTION, True)
    clash = changed(base, **{"timeline.events.0.text": "lag over 5 min"})
    (conflict,) = merge_documents(base, file, clash).conflicts
    assert conflict.path == "timeline.events[opsgenie:E1].text"


def test_an_event_without_a_source_id_is_its_time_and_text() -> None:
    base = base_doc()
    file = changed(base, **{"timeline.events.1.text": "full reindex started"})
    result = merge_documents(base, base, file)
    assert [e.text for e in result.doc.timeline.events] == [
        "lag above 5 min",
        "full reindex started",
    ]
    stored = changed(base, **{"timeline.events.1.key": True})
    (conflict,) = merge_documents(base, stored, file).conflicts
    assert (conflict.path, conflict.kind) == (
        'timeline.events[2025-06-03T08:09:00Z "reindex started"]',
        "removed_in_file",
    )


def test_an_event_the_file_removed_is_removed() -> None:
    base = base_doc()
    file = base.model_copy(
        update={"timeline": base.timeline.model_copy(update={"events": base.timeline.events[1:]})}
    )
    stored = changed(base, title="Index lag")
    result = merge_documents(base, stored, file)
    assert (result.clean, [e.text for e in result.doc.timeline.events]) == (
        True,
        ["reindex started"],
    )


# --- lists of text and checklists ---------------------------------------------------------------------


def test_text_entries_added_and_removed_on_both_sides() -> None:
    base = base_doc()
    stored = changed(
        base,
        **{
            "root_cause_analysis.contributing_factors": [
                "No lag alert below 10 min",
                "Single consumer",
                "Lock held across batches",
            ]
        },
    )
    file = changed(
        base,
        **{
            "root_cause_analysis.contributing_factors": [
                "Single consumer",
                "Retries without backoff",
            ]
        },
    )
    result = merge_documents(base, stored, file)
    assert result.clean
    assert result.doc.root_cause_analysis.contributing_factors == [
        "Single consumer",
        "Lock held across batches",
        "Retries without backoff",
    ]


def test_the_files_reordering_is_kept_when_the_store_did_not_reorder() -> None:
    base = base_doc()
    stored = changed(base, **{"appendix.references": ["Consumer runbook", "Lag dashboard"]})
    file = changed(
        base,
        **{
            "root_cause_analysis.contributing_factors": [
                "Single consumer",
                "No lag alert below 10 min",
            ],
            "appendix.references": ["Index design doc", "Consumer runbook"],
        },
    )
    result = merge_documents(base, stored, file)
    assert result.doc.root_cause_analysis.contributing_factors == [
        "Single consumer",
        "No lag alert below 10 min",
    ]
    assert result.doc.appendix.references == [
        "Index design doc",
        "Consumer runbook",
        "Lag dashboard",
    ]


def test_checklists_are_matched_by_text() -> None:
    base = base_doc()
    stored = changed(
        base,
        **{
            "prevention_measures.technical.0.status": "done",
            "prevention_measures.technical.0.done": True,
            "follow_up.success_criteria.0.status": "done",
            "follow_up.success_criteria.0.done": True,
        },
    )
    file = changed(
        base,
        **{
            "prevention_measures.technical": [
                {"text": "Alert on consumer restarts"},
                {"text": "Consumer health check"},
            ],
            "follow_up.success_criteria": [
                {"text": "No lag pages for 30 days"},
                {"text": "Reindex under 1 h"},
            ],
        },
    )
    result = merge_documents(base, stored, file)
    assert result.clean
    technical = result.doc.prevention_measures.technical
    assert [(m.text, m.done) for m in technical] == [
        ("Alert on consumer restarts", False),
        ("Consumer health check", True),
    ]
    criteria = result.doc.follow_up.success_criteria
    assert [(c.text, c.done) for c in criteria] == [
        ("No lag pages for 30 days", True),
        ("Reindex under 1 h", False),
    ]


def test_a_conflict_path_names_the_horizon_an_item_is_under() -> None:
    base = with_ids(base_doc(), "A-0000P1", "A-0000P2", "A-0000P3")
    stored = changed(base, **{"action_items.short_term.0.owner": "Ola"})
    file = changed(base, **{"action_items.short_term.0.owner": "Kai"})
    (conflict,) = merge_documents(base, stored, file).conflicts
    assert conflict.path == "action_items.short_term[A-0000P3].owner"
    assert Horizon.SHORT_TERM.value in conflict.path


# --- laws -----------------------------------------------------------------------------------------

LAWS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@LAWS
@given(postmortems, postmortems)
def test_a_change_onto_an_unchanged_base_is_that_change(base: Postmortem, file: Postmortem) -> None:
    result = merge_documents(base, base, file)
    assert (result.doc, result.clean) == (file, True)
    kept = merge_documents(base, file, base)
    assert (kept.doc, kept.clean) == (file, True)


@LAWS
@given(postmortems)
def test_merging_a_document_with_itself_is_the_identity(doc: Postmortem) -> None:
    result = merge_documents(doc, doc, doc)
    assert (result.doc, result.clean) == (doc, True)


@LAWS
@given(postmortems, postmortems)
def test_the_same_change_on_both_sides_merges_to_it(base: Postmortem, both: Postmortem) -> None:
    result = merge_documents(base, both, both)
    assert (result.doc, result.clean) == (both, True)


SECTIONS = [
    "executive_summary",
    "impact_assessment",
    "root_cause_analysis",
    "what_went_well",
    "action_items",
    "prevention_measures",
    "metrics",
    "appendix",
    "sign_off",
]


@LAWS
@given(
    postmortems,
    postmortems,
    st.lists(st.sampled_from(SECTIONS), min_size=2, max_size=2, unique=True),
)
def test_changes_to_different_sections_both_land(
    base: Postmortem, other: Postmortem, sections: list[str]
) -> None:
    ours, theirs = sections
    stored = base.model_copy(update={ours: getattr(other, ours)})
    file = base.model_copy(update={theirs: getattr(other, theirs)})
    result = merge_documents(base, stored, file)
    assert result.clean
    assert result.doc == base.model_copy(
        update={ours: getattr(other, ours), theirs: getattr(other, theirs)}
    )


def test_a_conflict_takes_the_side_chosen_for_its_path() -> None:
    base = base_doc()
    stored = changed(base, title="Stored title", **{"sign_off.approved_by": "Lee Park"})
    file = changed(base, title="File title", **{"sign_off.approved_by": "Sam Ortiz"})
    picked = merge_documents(base, stored, file, prefer="file", choose={"title": "stored"})
    assert sorted(c.path for c in picked.conflicts) == ["sign_off.approved_by", "title"]
    assert picked.doc.title == "Stored title"  # chosen
    assert picked.doc.sign_off.approved_by == "Sam Ortiz"  # not chosen: the preferred side
