"""services.trackers.push_selected / pull_selected: what the board asks of the trackers, for
the items ticked on the page (no network: the cases that never reach a tracker)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from blamefree.config import load_settings
from blamefree.domain.enums import TrackerSystem
from blamefree.domain.postmortem import TrackerLink
from blamefree.errors import ConfigError, ValidationFailed
from blamefree.services import actions, trackers
from support.board_docs import NOW, store_board_docs
from support.uow import in_uow


def test_missing_settings_name_what_each_tracker_needs() -> None:
    bare = load_settings()
    assert trackers.missing_settings(bare, TrackerSystem.GITHUB) == [
        "BLAMEFREE_GITHUB_TOKEN",
        "BLAMEFREE_GITHUB_REPO",
    ]
    jira = bare.model_copy(
        update={
            "jira_url": "https://jira.example",
            "jira_token": SecretStr("t"),
            "jira_project": "OPS",
        }
    )
    assert trackers.missing_settings(jira, TrackerSystem.JIRA) == []
    assert trackers.missing_settings(jira, TrackerSystem.GITHUB) == [
        "BLAMEFREE_GITHUB_TOKEN",
        "BLAMEFREE_GITHUB_REPO",
    ]


def test_items_a_pull_cannot_ask_about_are_named_each(engine: Engine, tmp_path: Path) -> None:
    ids = store_board_docs(engine, tmp_path)
    linked, plain = ids["Write the reindex runbook"], ids["Alert on cache hit ratio below 80%"]
    link = TrackerLink(system=TrackerSystem.JIRA, key="OPS-7", url=None)
    in_uow(engine, actions.link_tracker, action_id=linked, link=link, now=NOW, by="Kim")
    results = in_uow(
        engine, trackers.pull_selected, settings=load_settings(), uids=[plain, linked], now=NOW
    )
    assert [(r.uid, r.key, r.outcome, r.before, r.after) for r in results] == [
        (plain, "", trackers.NOT_LINKED, "open", "open"),
        (linked, "OPS-7", trackers.NOT_CONFIGURED, "open", "open"),
    ]
    assert results[1].error == (
        "Jira is not configured: set BLAMEFREE_JIRA_URL, BLAMEFREE_JIRA_TOKEN, BLAMEFREE_JIRA_PROJECT"
    )
    with pytest.raises(ValidationFailed) as nothing:
        in_uow(engine, trackers.pull_selected, settings=load_settings(), uids=[], now=NOW)
    assert nothing.value.field == "action_ids"


def test_a_push_to_a_tracker_not_configured_is_a_config_error(
    engine: Engine, tmp_path: Path
) -> None:
    ids = store_board_docs(engine, tmp_path)
    with pytest.raises(ConfigError) as raised:
        in_uow(
            engine,
            trackers.push_selected,
            settings=load_settings(),
            to=TrackerSystem.GITHUB,
            uids=[ids["Write the reindex runbook"]],
            now=NOW,
        )
    assert "BLAMEFREE_GITHUB_TOKEN, BLAMEFREE_GITHUB_REPO" in raised.value.message
