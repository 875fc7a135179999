"""The demo data (src/blamefree/data/demo) and the similar-incidents set (bench/data/similar).

The demo is the product's showcase, so it is held to what it claims: every document parses to
the header the manifest gives, the final ones lint without a finding (except the blaming
sentences planted on purpose), every tool payload imports with the number of events the
manifest says, the phase events agree with the phase times written, and applying the manifest
to a real SQLite store gives the follow-through state it promises for 2026-11-20.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from blamefree.domain.derive import phase_event
from blamefree.domain.enums import TEMPLATE_PHASES, Phase
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import TimelineEvent
from blamefree.importers import SOURCES, read_events
from blamefree.lint import lint_text
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render
from support.demo_manifest import DEMO_DIR, DemoCli, Loaded, load, manifest

ROOT = Path(__file__).parents[1]
SIMILAR = ROOT / "bench" / "data" / "similar"
MANIFEST = manifest()
PMS: list[dict[str, Any]] = MANIFEST["postmortems"]
TODAY = dt.date.fromisoformat(MANIFEST["today"])
NOW = f"{MANIFEST['today']}T09:00:00Z"
PM_IDS = [pm["incident_id"] for pm in PMS]
FINAL = [pm for pm in PMS if pm["state"] == "final"]
SOURCE_CASES = [(pm, source) for pm in PMS for source in pm["sources"]]
SOURCE_IDS = [f"{pm['incident_id']}-{source['source']}" for pm, source in SOURCE_CASES]
LABELS = json.loads((SIMILAR / "labels.json").read_text(encoding="utf-8"))
SIMILAR_FILES = sorted(p.name for p in SIMILAR.glob("*.md") if p.name != "README.md")


def _text(pm: dict[str, Any]) -> str:
    return (DEMO_DIR / pm["file"]).read_text(encoding="utf-8")


def _doc(pm: dict[str, Any]) -> Postmortem:
    return parse(_text(pm), source=pm["file"])


def _items(doc: Postmortem) -> list[str]:
    items = doc.action_items
    return [item.text for item in [*items.immediate, *items.short_term, *items.long_term]]


def _import_options(options: list[str]) -> dict[str, Any]:
    """The keyword arguments of read_events for a source's CLI options."""
    kwargs: dict[str, Any] = {}
    channels: list[str] = []
    for name, value in zip(options[::2], options[1::2], strict=True):
        if name == "--channel":
            channels.append(value)
        elif name in ("--since", "--until"):
            kwargs[name[2:]] = dt.datetime.fromisoformat(value)
        else:
            raise AssertionError(f"option {name} is not handled by this test")
    if channels:
        kwargs["channel"] = channels
    return kwargs


# --- the manifest and the files agree -------------------------------------------------------


def test_manifest_lists_every_postmortem_file_once() -> None:
    files = sorted(p.relative_to(DEMO_DIR).as_posix() for p in DEMO_DIR.glob("postmortems/*.md"))
    assert sorted(pm["file"] for pm in PMS) == files
    assert len(set(PM_IDS)) == len(PM_IDS) == 14
    assert [pm["file"] for pm in PMS] == [f"postmortems/{i}.md" for i in PM_IDS]


def test_demo_spans_six_months_with_every_severity_drafts_and_planted_blame() -> None:
    dates = [dt.date.fromisoformat(pm["date"]) for pm in PMS]
    assert dates == sorted(dates)
    assert dt.date(2026, 5, 20) <= dates[0] <= dt.date(2026, 6, 1)
    assert dt.date(2026, 11, 10) <= dates[-1] < TODAY
    assert Counter(pm["severity"] for pm in PMS) == {"P0": 2, "P1": 4, "P2": 5, "P3": 3}
    assert [pm["incident_id"] for pm in PMS if pm["state"] == "draft"] == [
        "INC-2026-0199",
        "INC-2026-0203",
        "INC-2026-0206",
    ]
    assert {pm["incident_id"]: pm["blaming_language"] for pm in PMS if pm["blaming_language"]} == {
        "INC-2026-0158": ["BF101", "BF102", "BF103", "BF107"],
        "INC-2026-0186": ["BF101", "BF104"],
    }


def test_recurring_causes_and_services_give_trends_something_to_find() -> None:
    families = Counter(pm["cause_family"] for pm in PMS)
    assert families["config-push-global"] == 2
    assert families["certificate-expiry"] == 2
    assert families["capacity-exhaustion"] == 2
    assert families["dependency-outage"] == 3
    assert families["network-partition"] == 1
    assert families["wrong-target-command"] == 1
    services = Counter(s for pm in PMS for s in pm["services"])
    assert services["edge-proxy"] == 3
    assert services["payments-gateway"] == 2
    # The similar-incidents set uses the same family names where they overlap.
    assert set(families) & set(LABELS["families"]) == {
        "config-push-global",
        "certificate-expiry",
        "capacity-exhaustion",
        "dependency-outage",
        "network-partition",
        "wrong-target-command",
    }


@pytest.mark.parametrize("pm", PMS, ids=PM_IDS)
def test_document_header_matches_the_manifest(pm: dict[str, Any]) -> None:
    doc = _doc(pm)
    assert doc.incident_id == pm["incident_id"]
    assert doc.date == dt.date.fromisoformat(pm["date"])
    assert doc.severity is not None and doc.severity.value == pm["severity"]
    assert doc.title == f"Post-Mortem: {pm['title']}"
    assert doc.timezone in ("Europe/Lisbon", "America/Toronto", "UTC")
    assert doc.impact_start is not None
    assert doc.impact_start.date() in (doc.date, doc.date + dt.timedelta(days=1))


@pytest.mark.parametrize("pm", PMS, ids=PM_IDS)
def test_three_to_eight_action_items_with_owners_and_due_dates(pm: dict[str, Any]) -> None:
    doc = _doc(pm)
    items = [*doc.action_items.immediate, *doc.action_items.short_term, *doc.action_items.long_term]
    assert 3 <= len(items) <= 8
    if pm["state"] == "final":
        assert all(item.owner and item.due_date and item.priority for item in items)
    else:  # a draft: some items still lack an owner or a due date
        assert not all(item.owner and item.due_date for item in items)


def test_sources_exist_cover_every_format_and_their_commands_match() -> None:
    with_sources = [pm for pm in PMS if pm["sources"]]
    assert len(with_sources) == 13
    used = {source["source"] for pm in PMS for source in pm["sources"]}
    assert used == {
        "slack",
        "pagerduty",
        "alertmanager",
        "grafana",
        "opsgenie",
        "statuspage",
        "csv",
    }
    assert used <= set(SOURCES)
    for pm in PMS:
        assert pm["import_command"] == ["--now", pm["imported_at"], "import", pm["file"]]
        for source in pm["sources"]:
            assert source["at"] > pm["imported_at"], (pm["incident_id"], source["source"])
            for path in source["paths"]:
                assert (DEMO_DIR / path).exists(), path
            assert source["command"] == [
                "--now",
                source["at"],
                "timeline",
                "import",
                pm["incident_id"],
                source["source"],
                *source["paths"],
                *source["options"],
            ]


def test_action_and_prevention_changes_name_what_the_documents_hold() -> None:
    docs = {pm["incident_id"]: _doc(pm) for pm in PMS}
    imported = {pm["incident_id"]: pm["imported_at"] for pm in PMS}
    for change in MANIFEST["action_changes"]:
        assert change["item"] in _items(docs[change["incident_id"]]), change["item"]
        assert change["at"] > imported[change["incident_id"]]
        assert change["command"][:2] == ["--now", change["at"]]
        assert "{action}" in change["command"]
        assert change["command"][-2:] == ["--by", change["by"]]
    assert [c["at"] for c in MANIFEST["action_changes"]] == sorted(
        c["at"] for c in MANIFEST["action_changes"]
    )
    statuses = Counter(c["status"] for c in MANIFEST["action_changes"] if "status" in c)
    assert statuses == {"done": 19, "in_progress": 14, "wont_do": 3}
    for change in MANIFEST["prevention_changes"]:
        measures = getattr(docs[change["incident_id"]].prevention_measures, change["category"])
        assert measures[change["number"] - 1].text == change["text"]
        assert change["at"] > imported[change["incident_id"]]


def test_reviews_users_and_people() -> None:
    imported = {pm["incident_id"]: pm["imported_at"] for pm in PMS}
    for review in MANIFEST["reviews"]:
        assert review["kind"] in ("1w", "1m", "3m")
        assert review["held_at"] > imported[review["incident_id"]]
        assert dt.date.fromisoformat(review["held_at"][:10]) < TODAY
    assert [u["role"] for u in MANIFEST["users"]] == [
        "viewer",
        "author",
        "reviewer",
        "approver",
        "admin",
    ]
    emails = [u["email"] for u in MANIFEST["users"]] + [p["email"] for p in MANIFEST["people"]]
    assert all(e.endswith("@example.com") and e.isascii() for e in emails)
    people = {p["name"] for p in MANIFEST["people"]}
    assert {u["name"] for u in MANIFEST["users"]} <= people
    assert len(people) == len(MANIFEST["people"])
    # Everyone who owns an action item or holds a review can be reminded.
    owners = {
        item.owner
        for pm in PMS
        for horizon in ("immediate", "short_term", "long_term")
        for item in getattr(_doc(pm).action_items, horizon)
        if item.owner
    }
    owners |= {c["owner"] for c in MANIFEST["action_changes"] if "owner" in c}
    owners |= {r["by"] for r in MANIFEST["reviews"]}
    assert owners <= people, owners - people


# --- lint ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pm", PMS, ids=PM_IDS)
def test_final_documents_lint_clean_except_planted_blame(pm: dict[str, Any]) -> None:
    findings = lint_text(_text(pm), source=pm["file"])
    rules = Counter(f.rule for f in findings)
    if pm["state"] == "draft":
        assert rules["BF201"] >= 10  # placeholders left: it is a draft
        assert not [r for r in rules if r.startswith(("BF1", "BF3"))]
    else:
        assert sorted(rules) == pm["blaming_language"]
        assert all(rules[r] == 1 for r in pm["blaming_language"])


@pytest.mark.parametrize("pm", FINAL, ids=[pm["incident_id"] for pm in FINAL])
def test_final_documents_render_back_as_written(pm: dict[str, Any]) -> None:
    # What the demo shows is what the author wrote: nothing dropped, no placeholder added.
    assert render(_doc(pm)) == _text(pm)


# --- importers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("pm", "source"), SOURCE_CASES, ids=SOURCE_IDS)
def test_each_source_reads_with_the_number_of_events_in_the_manifest(
    pm: dict[str, Any], source: dict[str, Any]
) -> None:
    paths = [DEMO_DIR / p for p in source["paths"]]
    events = list(read_events(source["source"], paths, **_import_options(source["options"])))
    assert len(events) == source["events"]
    assert len({e.source.id for e in events}) == len(events)
    day = dt.date.fromisoformat(pm["date"])
    assert {e.time.date() for e in events} <= {day, day + dt.timedelta(days=1)}


def test_the_slack_export_zipped_reads_like_the_folder(tmp_path: Path) -> None:
    folder = DEMO_DIR / "sources" / "slack-export"
    archive = tmp_path / "slack-export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in sorted(folder.rglob("*.json")):
            zipped.write(file, file.relative_to(folder).as_posix())
    for pm, source in SOURCE_CASES:
        if source["source"] != "slack":
            continue
        options = _import_options(source["options"])
        from_folder = list(read_events("slack", [folder], **options))
        from_zip = list(read_events("slack", [archive], **options))
        assert [e.source.id for e in from_zip] == [e.source.id for e in from_folder]
        assert len(from_zip) == source["events"], pm["incident_id"]


# --- the store after applying the manifest ------------------------------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoCli, Loaded]:
    """A SQLite store with the whole manifest applied through the CLI."""
    database = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    cli = DemoCli(DEMO_DIR, database_url=f"sqlite:///{database}")
    return cli, load(cli, MANIFEST)


def _json(cli: DemoCli, *args: str) -> Any:
    ran = cli(["--now", NOW, *args, "--json"])
    assert ran.exit_code == 0, ran.stderr
    return json.loads(ran.stdout)


def test_every_import_adds_exactly_its_events(demo_store: tuple[DemoCli, Loaded]) -> None:
    _, loaded = demo_store
    for pm, source in SOURCE_CASES:
        result = loaded.imports[(pm["incident_id"], source["source"])]
        assert (result["added"], result["skipped"]) == (source["events"], 0), result


@pytest.mark.parametrize("pm", PMS, ids=PM_IDS)
def test_phase_events_agree_with_the_phase_times_written(
    demo_store: tuple[DemoCli, Loaded], pm: dict[str, Any]
) -> None:
    cli, _ = demo_store
    stored = _json(cli, "show", pm["incident_id"])["document"]
    events = [TimelineEvent.model_validate(e) for e in stored["timeline"]["events"]]
    assert len(events) == sum(source["events"] for source in pm["sources"])
    written = _doc(pm)
    compared = 0
    for phase, block in zip(TEMPLATE_PHASES, written.timeline.blocks(), strict=True):
        event = phase_event(events, phase)
        if event is None:
            continue
        shown = dt.datetime.fromisoformat(stored["timeline"][phase.value]["time"])
        if block.time is None:  # left blank in a draft: the event log fills it
            assert shown == event.time
        else:
            assert shown == block.time
            assert abs((event.time - block.time).total_seconds()) <= 60, (phase, event)
        compared += 1
    starts = [e.time for e in events if e.phase is Phase.IMPACT_START]
    if starts:
        assert written.impact_start is not None
        assert abs((min(starts) - written.impact_start).total_seconds()) <= 60
    assert compared >= (2 if pm["sources"] else 0)


def test_drafts_get_their_blank_phase_blocks_from_the_event_log(
    demo_store: tuple[DemoCli, Loaded],
) -> None:
    cli, _ = demo_store
    shown = _json(cli, "show", "INC-2026-0199")["document"]["timeline"]
    assert shown["detection"]["time"] == "2026-11-03T08:31:20Z"
    assert shown["response"]["time"] == "2026-11-03T08:36:40Z"
    assert shown["response"]["acknowledged_by"] == "Olusegun Adeyemi"
    assert shown["investigation"]["time"] == "2026-11-03T08:50:00Z"  # as written
    metrics = _json(cli, "metrics", "INC-2026-0206")
    assert metrics["detection_time"] == {"seconds": 390, "source": "timeline", "text": "6m 30s"}
    assert metrics["resolution_time"]["seconds"] == 50 * 60


@pytest.mark.parametrize("pm", FINAL, ids=[pm["incident_id"] for pm in FINAL])
def test_final_metrics_come_from_the_timeline_and_match_what_is_stated(
    demo_store: tuple[DemoCli, Loaded], pm: dict[str, Any]
) -> None:
    cli, _ = demo_store
    metrics = _json(cli, "metrics", pm["incident_id"])
    assert {name: m["source"] for name, m in metrics.items()} == dict.fromkeys(metrics, "timeline")
    assert not [name for name, m in metrics.items() if "stated" in m]


def test_follow_through_on_the_demo_day(demo_store: tuple[DemoCli, Loaded]) -> None:
    cli, _ = demo_store
    items = _json(cli, "actions", "list")
    expected = MANIFEST["on_today"]["action_items"]
    counts = Counter(item["status"] for item in items)
    assert {**counts, "total": len(items)} == {k: v for k, v in expected.items() if k != "overdue"}
    overdue = _json(cli, "actions", "list", "--overdue")
    assert len(overdue) == expected["overdue"]
    assert {item["incident_id"] for item in overdue} >= {"INC-2026-0147", "INC-2026-0163"}
    reviews = _json(cli, "reviews", "list", "--all")
    upcoming = _json(cli, "reviews", "list", "--upcoming", "30d")
    assert {
        "total": len(reviews),
        "held": sum(r["done_at"] is not None for r in reviews),
        "overdue": sum(r["overdue"] for r in reviews),
        "upcoming_30_days": len(upcoming),
    } == MANIFEST["on_today"]["reviews"]
    moved = next(i for i in items if i["text"].startswith("Order a third cross-connect"))
    assert (moved["due_date"], moved["status"]) == ("2026-12-15", "in_progress")
    assert "after_horizon" in moved["flags"]
    closed = [i for i in items if i["incident_id"] == "INC-2026-0141"]
    assert {i["status"] for i in closed} == {"done", "wont_do"}


def test_stored_documents_lint_like_their_files(demo_store: tuple[DemoCli, Loaded]) -> None:
    cli, _ = demo_store
    moved_due = {c["incident_id"] for c in MANIFEST["action_changes"] if "due" in c}
    for pm in PMS:
        if pm["state"] == "draft":
            continue
        ran = cli(["lint", pm["incident_id"], "--format", "json"])
        rules = sorted({f["rule"] for f in json.loads(ran.stdout)})
        expected = pm["blaming_language"] + (["BF305"] if pm["incident_id"] in moved_due else [])
        assert rules == sorted(expected), pm["incident_id"]


# --- the similar-incidents set --------------------------------------------------------------


def test_similar_labels_cover_every_file_once_in_families_of_five() -> None:
    assert sorted(LABELS["files"]) == SIMILAR_FILES
    sizes = Counter(LABELS["files"].values())
    assert sizes == LABELS["family_sizes"]
    assert len(sizes) >= 7
    assert min(sizes.values()) >= 5
    assert set(sizes) == set(LABELS["families"])
    assert set(LABELS["confusable"]) <= set(LABELS["files"])


@pytest.mark.parametrize("name", SIMILAR_FILES)
def test_similar_files_parse_with_cause_and_impact_filled(name: str) -> None:
    doc = parse((SIMILAR / name).read_text(encoding="utf-8"), source=name)
    assert doc.severity is not None and doc.date is not None and doc.incident_id
    summary = doc.executive_summary
    assert None not in (summary.what_happened, summary.impact, summary.root_cause)
    rca = doc.root_cause_analysis
    assert rca.primary_cause and len(rca.primary_cause.split()) >= 30
    assert len(rca.contributing_factors) >= 3
    assert rca.why_it_happened and rca.why_we_didnt_catch_it
    assert doc.what_went_wrong.items and doc.what_went_wrong.lessons
    assert doc.impact_assessment.features_affected


def test_similar_family_members_are_written_by_different_authors() -> None:
    by_family: dict[str, list[Postmortem]] = {}
    for name, family in LABELS["files"].items():
        doc = parse((SIMILAR / name).read_text(encoding="utf-8"), source=name)
        by_family.setdefault(family, []).append(doc)
    authors = [d.sign_off.prepared_by for docs in by_family.values() for d in docs]
    assert len(set(authors)) == len(authors) == len(SIMILAR_FILES)
    for docs in by_family.values():
        assert len({d.incident_id for d in docs}) == len(docs)
        assert len({d.date.year for d in docs if d.date}) >= 3
