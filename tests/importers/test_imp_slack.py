from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from blamefree.domain.timeline import EventKind
from blamefree.errors import SourceFormatError, UsageError
from blamefree.importers import read_batches, read_events, sort_events
from blamefree.importers.slack import SlackImporter, message_row, slack_ts_time
from blamefree.importers.slack_text import (
    SlackMarkup,
    attachments_text,
    blocks_text,
    plain_text,
)

from .conftest import DATA

EXPORT = DATA / "slack_export"
USERS = {"U01ANA": "Ana Lopez", "U02BEN": "Ben Okafor"}


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_export_counts_threads_bots_and_channel_events() -> None:
    events = sort_events(read_events("slack", [EXPORT]))
    assert len(events) == 17
    kinds = Counter(e.kind for e in events)
    assert kinds == {EventKind.MESSAGE: 12, EventKind.CHANNEL_EVENT: 5}
    bots = [e for e in events if e.actor in {"Alertmanager", "PagerDuty"}]
    assert [(e.actor, e.text) for e in bots] == [
        ("Alertmanager", "[FIRING:1] HighErrorRate checkout (critical)"),
        ("PagerDuty", "Resolved: #1234 Checkout errors"),
    ]
    replies = {"1710252250.000001", "1710252300.654321", "1710252410.100000", "1710252800.000010"}
    assert sum(1 for e in events if e.time_text in replies) == 4
    assert all(e.phase is None for e in events)
    assert [e.source.id for e in events if e.key] == [
        "C01INC:1710252222.123456",
        "C01INC:1710252400.000000",
    ]


def test_exact_times_ids_and_text() -> None:
    by_id = {e.source.id: e for e in read_events("slack", [EXPORT])}
    parent = by_id["C01INC:1710252222.123456"]
    assert parent.time == _utc(2024, 3, 12, 14, 3, 42, 123456)
    assert parent.time_text == "1710252222.123456"
    assert parent.source.tool == "slack"
    assert parent.actor == "Ana Lopez"
    assert parent.text == "Looking at the checkout dashboard — errors at 12% > 5% SLO @here"
    assert by_id["C01INC:1710252250.000001"].time == _utc(2024, 3, 12, 14, 4, 10, 1)
    assert by_id["C01INC:1710252250.000001"].text == (
        "@Ana Lopez deploy 2024.03.12-3 went out at 13:55, rolling back"
    )
    assert by_id["C01INC:1710252120.000100"].text == "@Ana Lopez has joined the channel"
    assert by_id["C01INC:1710252121.000200"].text == (
        "@Ana Lopez set the channel purpose: Checkout errors & latency"
    )
    assert by_id["C01INC:1710252400.000000"].actor == "cho.p"
    assert by_id["C01INC:1710252400.000000"].text == "Rollback done, see #general"
    assert by_id["C01INC:1710252700.999999"].actor == "Dana External"
    assert by_id["C01INC:1710252700.999999"].text == "Thanks all & nice work"
    assert by_id["C02GEN:1710252010.010000"].text == "Opened #incident-checkout for it, join there"
    assert by_id["C01INC:1710288300.000500"].text == (
        "Postmortem doc: https://docs.example.com/pm/123"
    )
    assert "C01INC:1710252501.000000" not in by_id  # hidden message_changed record


def test_zip_export_with_top_folder_gives_the_same_events(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(EXPORT.rglob("*.json")):
            zf.write(path, "Acme Slack export Mar 12 2024/" + str(path.relative_to(EXPORT)))
    from_zip = sort_events(read_events("slack", [archive]))
    from_folder = sort_events(read_events("slack", [EXPORT]))
    assert from_zip == from_folder


def test_channel_filter_by_name_or_id() -> None:
    only = list(read_events("slack", [EXPORT], channel="#general"))
    assert sorted(e.source.id for e in only) == [
        "C02GEN:1710252000.000000",
        "C02GEN:1710252010.010000",
    ]
    assert len(list(read_events("slack", [EXPORT], channel=["C01INC"]))) == 15
    with pytest.raises(UsageError, match="no channel 'nope' in the export"):
        list(read_events("slack", [EXPORT], channel="nope"))


def test_since_until_filters_exactly() -> None:
    events = list(
        read_events(
            "slack",
            [EXPORT],
            since=_utc(2024, 3, 12, 14, 3, 42, 123456),
            until=_utc(2024, 3, 12, 14, 6, 40),
        )
    )
    assert sorted(e.time_text for e in events) == [
        "1710252222.123456",
        "1710252250.000001",
        "1710252300.654321",
        "1710252400.000000",
    ]


def test_key_reaction_is_configurable() -> None:
    events = list(read_events("slack", [EXPORT], key_reaction=":memo:"))
    assert sorted(e.source.id for e in events if e.key) == [
        "C01INC:1710252400.000000",  # pinned stays key
        "C01INC:1710288300.000500",
    ]


def test_reread_gives_identical_ids() -> None:
    first = [e.source.id for e in read_events("slack", [EXPORT])]
    second = [e.source.id for e in read_events("slack", [EXPORT])]
    assert first == second
    assert len(set(first)) == 17


def test_ts_parsing_is_exact() -> None:
    assert slack_ts_time("1710252222.123456", file="f", record=0) == _utc(
        2024, 3, 12, 14, 3, 42, 123456
    )
    assert slack_ts_time("1710252222.9999999", file="f", record=0).microsecond == 999999
    assert slack_ts_time("1710252222", file="f", record=0) == _utc(2024, 3, 12, 14, 3, 42)
    with pytest.raises(SourceFormatError) as err:
        slack_ts_time("17102.52.22", file="f.json", record=3)
    assert (err.value.file, err.value.record, err.value.field) == ("f.json", "3", "ts")


def test_markup() -> None:
    assert plain_text("a &amp;&lt;b&gt; <@U01ANA> <@U9|zed>", USERS) == "a &<b> @Ana Lopez @zed"
    assert plain_text("<#C1|ops> <#C2>", USERS, {"C2": "general"}) == "#ops #general"
    assert plain_text("<https://x.example/a?b=1&amp;c=2|docs> <https://y.example>", {}) == (
        "docs https://y.example"
    )
    assert plain_text("<!here> <!channel> <!subteam^S1|@sre> <!date^1|Mar 12>", {}) == (
        "@here @channel @sre Mar 12"
    )
    assert plain_text("<mailto:a@b.example|a@b.example>", {}) == "a@b.example"


def test_attachments_and_blocks_text() -> None:
    assert attachments_text([{"title": "T", "text": "<@U02BEN> x", "pretext": "P"}], USERS) == (
        "P T @Ben Okafor x"
    )
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Incident"}},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "ping "},
                        {"type": "user", "user_id": "U01ANA"},
                        {"type": "link", "url": "https://z.example"},
                    ],
                }
            ],
        },
    ]
    assert blocks_text(blocks, USERS) == "Incident\nping @Ana Lopezhttps://z.example"


def _copy_export(tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(EXPORT, target)
    return target


def test_bad_day_file_names_file_record_and_field(tmp_path: Path) -> None:
    export = _copy_export(tmp_path)
    day = export / "general" / "2024-03-12.json"
    messages = json.loads(day.read_text())
    del messages[1]["ts"]
    day.write_text(json.dumps(messages))
    with pytest.raises(SourceFormatError) as err:
        list(read_events("slack", [export]))
    assert err.value.file == f"{export}/general/2024-03-12.json"
    assert (err.value.record, err.value.field) == (1, "ts")


def test_a_bad_file_yields_nothing_of_itself(tmp_path: Path) -> None:
    export = _copy_export(tmp_path)
    (export / "incident-checkout" / "2024-03-13.json").write_text('[{"ts": "1710288300.1"}, 5]')
    seen: list[str] = []
    with pytest.raises(SourceFormatError) as err:
        for batch in read_batches("slack", [export]):
            seen.append(batch.file)
    assert err.value.record == 1
    assert seen == [
        f"{export}/general/2024-03-12.json",
        f"{export}/incident-checkout/2024-03-12.json",
    ]


def test_not_an_array(tmp_path: Path) -> None:
    export = _copy_export(tmp_path)
    (export / "users.json").write_text('{"ok": true}')
    with pytest.raises(SourceFormatError, match="expected a JSON array"):
        list(read_events("slack", [export]))


def test_streamed_big_files_give_the_same_events_and_check_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    normal = sort_events(read_events("slack", [EXPORT]))
    monkeypatch.setattr(SlackImporter, "stream_threshold", 0)
    assert sort_events(read_events("slack", [EXPORT])) == normal
    export = _copy_export(tmp_path)
    day = export / "incident-checkout" / "2024-03-12.json"
    messages = json.loads(day.read_text())
    messages[-1]["ts"] = 12
    day.write_text(json.dumps(messages))
    files: list[str] = []
    with pytest.raises(SourceFormatError) as err:
        for batch in read_batches("slack", [export]):
            files.append(batch.file)
    assert err.value.field == "ts"
    assert files == [f"{export}/general/2024-03-12.json"]


def test_progress_reports_bytes() -> None:
    reported: list[int] = []
    list(read_events("slack", [EXPORT], progress=reported.append))
    sizes = sum(p.stat().st_size for p in EXPORT.glob("*/*.json"))
    assert sum(reported) == sizes


def test_single_channel_folder(tmp_path: Path) -> None:
    events = list(read_events("slack", [EXPORT / "general"]))
    assert sorted(e.actor or "" for e in events) == ["Ana Lopez", "Ben Okafor"]


def test_trusted_construction_equals_the_validated_model() -> None:
    from blamefree.domain.timeline import EventRow, EventSource, TimelineEvent
    from blamefree.importers._common import trusted_event

    when = _utc(2024, 3, 12, 14, 3, 42, 123456)
    fast = trusted_event(
        time=when,
        time_text="1710252222.123456",
        kind=EventKind.MESSAGE,
        actor="Ana Lopez",
        text="hi",
        tool="slack",
        source_id="C1:1710252222.123456",
        key=True,
    )
    checked = TimelineEvent(
        time=when,
        time_text="1710252222.123456",
        kind=EventKind.MESSAGE,
        actor="Ana Lopez",
        text="hi",
        source=EventSource(tool="slack", id="C1:1710252222.123456"),
        key=True,
        phase=None,
        link=None,
    )
    assert fast == checked
    assert fast.model_dump(mode="json") == checked.model_dump(mode="json")
    assert TimelineEvent.model_validate(fast.model_dump()) == checked
    assert fast.dedupe_key() == ("slack", "C1:1710252222.123456")
    row = EventRow.of(checked)
    assert tuple(row) == (
        when,
        "1710252222.123456",
        None,
        EventKind.MESSAGE,
        "Ana Lopez",
        "hi",
        "slack",
        "C1:1710252222.123456",
        True,
        None,
    )
    assert row.event() == checked
    assert row.event().model_dump(mode="json") == checked.model_dump(mode="json")


def test_odd_user_field_is_an_actor_lookup_miss(tmp_path: Path) -> None:
    export = _copy_export(tmp_path)
    (export / "general" / "2024-03-12.json").write_text(
        json.dumps([{"type": "message", "ts": "1710252000.5", "user": ["U01ANA"], "text": "x"}])
    )
    events = list(read_events("slack", [export], channel="general"))
    assert [(e.actor, e.time) for e in events] == [(None, _utc(2024, 3, 12, 14, 0, 0, 500000))]


@pytest.mark.parametrize("subtype", [["bot_message"], {"x": 1}, 7])
def test_a_subtype_that_is_not_text_names_its_record_and_field(
    tmp_path: Path, subtype: object
) -> None:
    export = _copy_export(tmp_path)
    day = export / "general" / "2024-03-12.json"
    messages = json.loads(day.read_text())
    messages[1]["subtype"] = subtype
    day.write_text(json.dumps(messages))
    with pytest.raises(SourceFormatError) as err:
        list(read_events("slack", [export]))
    assert (err.value.file, err.value.record, err.value.field) == (str(day), 1, "subtype")
    assert err.value.reason == "expected a string"


def test_a_message_time_is_its_ts_read_exactly_in_every_form() -> None:
    markup = SlackMarkup({}, {})
    forms = ["1710252000.000001", "1710252000.5", "1710252000", "1.123456", "1710252000.123456789"]
    for ts in forms:
        row = message_row({"ts": ts, "text": "x"}, 0, "f", "C1", markup, "pushpin")
        assert row is not None
        assert row.time == slack_ts_time(ts, file="f", record=0)
    assert row.time == _utc(2024, 3, 12, 14, 0, 0, 123456)
    for bad in ("1710252000.12345x", "1710252000.-12345", "17102520001234.123456", ".123456"):
        with pytest.raises(SourceFormatError) as err:
            message_row({"ts": bad, "text": "x"}, 3, "f", "C1", markup, "pushpin")
        assert (err.value.record, err.value.field) == ("3", "ts")
