"""Input and output schemas shared by `--json` output and the web API: XCreate / XUpdate / XRead.

Inputs (``...Create``, ``...Update``) refuse unknown keys; `parse_input` turns a pydantic error
into ``ValidationFailed`` naming the field. Reads (``...Read``) are built from domain and store
objects by `blamefree.schemas.convert` and printed with `to_data`. `SCHEMAS` names every schema
`blamefree schema` publishes; docs/schemas.md is generated from it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter

from blamefree.domain.postmortem import Postmortem
from blamefree.schemas.accounts import TokenCreatedRead, TokenRead, UserRead
from blamefree.schemas.actions import (
    ActionHistoryRead,
    ActionItemCreate,
    ActionItemDetailRead,
    ActionItemRead,
    ActionItemUpdate,
    PreventionMeasureRead,
    PreventionMeasureUpdate,
    PullResultRead,
    PushResultRead,
)
from blamefree.schemas.backup import BackupRead, BackupRestoreRead, BackupTableRead
from blamefree.schemas.base import InputModel, ReadModel, parse_input, validation_failed
from blamefree.schemas.comments import (
    CommentAddedRead,
    CommentCreate,
    CommentRead,
    CommentThreadRead,
    CommentThreadsRead,
)
from blamefree.schemas.errors import ErrorRead
from blamefree.schemas.events import EventCreate, EventImportRead, EventRead, EventUpdate
from blamefree.schemas.follow_up import (
    DeliveryRead,
    DigestRead,
    PersonCreate,
    PersonRead,
    RemindReportRead,
    ReviewCreate,
    ReviewRead,
    ReviewScheduleUpdate,
    SignOffCreate,
    SignOffRead,
)
from blamefree.schemas.lint import FindingRead
from blamefree.schemas.policy import (
    ComplianceRead,
    PolicyItemRead,
    PolicyReportRead,
    PolicyRuleRead,
)
from blamefree.schemas.postmortems import (
    CriterionCreate,
    CriterionRead,
    CriterionUpdate,
    DiffRead,
    FieldConflictRead,
    ImportOutcomeRead,
    LossRead,
    MetricRead,
    MetricsRead,
    PostmortemCreate,
    PostmortemPageRead,
    PostmortemRead,
    PostmortemSummaryRead,
    PostmortemUpdate,
    RestoreCreate,
    RestoreRead,
    RevisionRead,
    StoreStatusRead,
)
from blamefree.schemas.restriction import RestrictionRead, RestrictionUpdate
from blamefree.schemas.search import ReindexRead, SearchHitRead, SearchPageRead, SnippetRead
from blamefree.schemas.workflow import (
    AuditEntryRead,
    MembersUpdate,
    TransitionCreate,
    WorkflowRead,
)

SCHEMAS: dict[str, type[BaseModel]] = {
    "Postmortem": Postmortem,
    "PostmortemCreate": PostmortemCreate,
    "PostmortemUpdate": PostmortemUpdate,
    "PostmortemRead": PostmortemRead,
    "PostmortemSummaryRead": PostmortemSummaryRead,
    "PostmortemPageRead": PostmortemPageRead,
    "RevisionRead": RevisionRead,
    "DiffRead": DiffRead,
    "MetricRead": MetricRead,
    "CriterionCreate": CriterionCreate,
    "CriterionUpdate": CriterionUpdate,
    "CriterionRead": CriterionRead,
    "ImportOutcomeRead": ImportOutcomeRead,
    "FieldConflictRead": FieldConflictRead,
    "LossRead": LossRead,
    "RestoreCreate": RestoreCreate,
    "RestoreRead": RestoreRead,
    "EventCreate": EventCreate,
    "EventUpdate": EventUpdate,
    "EventRead": EventRead,
    "EventImportRead": EventImportRead,
    "ActionItemCreate": ActionItemCreate,
    "ActionItemUpdate": ActionItemUpdate,
    "ActionItemRead": ActionItemRead,
    "ActionItemDetailRead": ActionItemDetailRead,
    "ActionHistoryRead": ActionHistoryRead,
    "PreventionMeasureUpdate": PreventionMeasureUpdate,
    "PreventionMeasureRead": PreventionMeasureRead,
    "PushResultRead": PushResultRead,
    "PullResultRead": PullResultRead,
    "ReviewCreate": ReviewCreate,
    "ReviewScheduleUpdate": ReviewScheduleUpdate,
    "ReviewRead": ReviewRead,
    "SignOffCreate": SignOffCreate,
    "SignOffRead": SignOffRead,
    "PersonCreate": PersonCreate,
    "PersonRead": PersonRead,
    "RemindReportRead": RemindReportRead,
    "DigestRead": DigestRead,
    "DeliveryRead": DeliveryRead,
    "CommentCreate": CommentCreate,
    "CommentRead": CommentRead,
    "CommentThreadRead": CommentThreadRead,
    "CommentThreadsRead": CommentThreadsRead,
    "CommentAddedRead": CommentAddedRead,
    "FindingRead": FindingRead,
    "TransitionCreate": TransitionCreate,
    "MembersUpdate": MembersUpdate,
    "WorkflowRead": WorkflowRead,
    "RestrictionUpdate": RestrictionUpdate,
    "RestrictionRead": RestrictionRead,
    "AuditEntryRead": AuditEntryRead,
    "PolicyReportRead": PolicyReportRead,
    "PolicyItemRead": PolicyItemRead,
    "PolicyRuleRead": PolicyRuleRead,
    "ComplianceRead": ComplianceRead,
    "ErrorRead": ErrorRead,
    "StoreStatusRead": StoreStatusRead,
    "SearchPageRead": SearchPageRead,
    "SearchHitRead": SearchHitRead,
    "SnippetRead": SnippetRead,
    "ReindexRead": ReindexRead,
    "BackupRead": BackupRead,
    "BackupRestoreRead": BackupRestoreRead,
    "UserRead": UserRead,
    "TokenRead": TokenRead,
    "TokenCreatedRead": TokenCreatedRead,
}
"""Every published schema by name: the document model, then each resource's Create/Update/Read."""


def schema_mode(model: type[BaseModel]) -> Literal["validation", "serialization"]:
    """Inputs are described as they are read, everything else as it is written."""
    return "validation" if issubclass(model, InputModel) else "serialization"


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one published schema (KeyError for an unknown name)."""
    model = SCHEMAS[name]
    return model.model_json_schema(by_alias=True, mode=schema_mode(model))


def all_json_schemas() -> dict[str, Any]:
    """One JSON document holding every published schema, by name."""
    return {name: json_schema(name) for name in SCHEMAS}


def metrics_json_schema() -> dict[str, Any]:
    """The JSON Schema of `metrics --json` (an object of MetricRead by metric name)."""
    return TypeAdapter(MetricsRead).json_schema(mode="serialization")


__all__ = [
    "SCHEMAS",
    "ActionHistoryRead",
    "ActionItemCreate",
    "ActionItemDetailRead",
    "ActionItemRead",
    "ActionItemUpdate",
    "AuditEntryRead",
    "BackupRead",
    "BackupRestoreRead",
    "BackupTableRead",
    "CommentAddedRead",
    "CommentCreate",
    "CommentRead",
    "CommentThreadRead",
    "CommentThreadsRead",
    "ComplianceRead",
    "CriterionCreate",
    "CriterionRead",
    "CriterionUpdate",
    "DeliveryRead",
    "DiffRead",
    "DigestRead",
    "ErrorRead",
    "EventCreate",
    "EventImportRead",
    "EventRead",
    "EventUpdate",
    "FieldConflictRead",
    "FindingRead",
    "ImportOutcomeRead",
    "InputModel",
    "LossRead",
    "MembersUpdate",
    "MetricRead",
    "MetricsRead",
    "PersonCreate",
    "PersonRead",
    "PolicyItemRead",
    "PolicyReportRead",
    "PolicyRuleRead",
    "PostmortemCreate",
    "PostmortemPageRead",
    "PostmortemRead",
    "PostmortemSummaryRead",
    "PostmortemUpdate",
    "PreventionMeasureRead",
    "PreventionMeasureUpdate",
    "PullResultRead",
    "PushResultRead",
    "ReadModel",
    "ReindexRead",
    "RemindReportRead",
    "RestoreCreate",
    "RestoreRead",
    "RestrictionRead",
    "RestrictionUpdate",
    "ReviewCreate",
    "ReviewRead",
    "ReviewScheduleUpdate",
    "RevisionRead",
    "SearchHitRead",
    "SearchPageRead",
    "SignOffCreate",
    "SignOffRead",
    "SnippetRead",
    "StoreStatusRead",
    "TokenCreatedRead",
    "TokenRead",
    "TransitionCreate",
    "UserRead",
    "WorkflowRead",
    "all_json_schemas",
    "json_schema",
    "metrics_json_schema",
    "parse_input",
    "schema_mode",
    "validation_failed",
]
