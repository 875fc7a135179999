"""Alertmanager (webhook version 4) and Grafana Alerting webhook payloads.

Every alert gives an `alert_fired` event at `startsAt`; a resolved alert also gives an
`alert_resolved` event at `endsAt`. Go's zero time (`0001-01-01T00:00:00Z`) means "not ended" and
never becomes an event. Times keep their offset's instant, truncated (not rounded) to microseconds.
Ids are ``<fingerprint>@<startsAt in UTC>:firing|resolved``, so the same alert seen in several
notifications is one event; without a fingerprint, a hash of the sorted labels stands in.
"""

from __future__ import annotations

from typing import Any

from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import SourceFormatError
from blamefree.importers._common import (
    GO_ZERO_TIME,
    ImportOptions,
    JsonPayloadImporter,
    iso_z,
    optional_str,
    parse_iso_time,
    require,
    stable_id,
)


def _labels(alert: dict[str, Any], key: str, *, file: str, record: str | int) -> dict[str, str]:
    value = alert.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourceFormatError("expected an object", file=file, record=record, field=key)
    return {str(k): str(v) for k, v in value.items()}


def _fingerprint(alert: dict[str, Any], labels: dict[str, str]) -> str:
    given = optional_str(alert, "fingerprint")
    return given or stable_id(*sorted(f"{k}={v}" for k, v in labels.items()))


def _describe(labels: dict[str, str], annotations: dict[str, str], fallback: str) -> str:
    name = labels.get("alertname") or fallback
    detail = annotations.get("summary") or annotations.get("description") or ""
    return f"{name}: {detail}" if detail else name


def alert_events(
    alert: Any, *, tool: str, file: str, record: str | int, link_keys: tuple[str, ...]
) -> list[TimelineEvent]:
    """The fired (and, when resolved, resolved) events of one alert of a payload."""
    if not isinstance(alert, dict):
        raise SourceFormatError("expected an alert object", file=file, record=record)
    labels = _labels(alert, "labels", file=file, record=record)
    annotations = _labels(alert, "annotations", file=file, record=record)
    status = require(alert, "status", str, file=file, record=record)
    if status not in {"firing", "resolved"}:
        raise SourceFormatError(
            f"expected 'firing' or 'resolved', got {status!r}",
            file=file,
            record=record,
            field="status",
        )
    starts_text = require(alert, "startsAt", str, file=file, record=record)
    starts = parse_iso_time(starts_text, file=file, record=record, field_name="startsAt")
    if starts == GO_ZERO_TIME:
        raise SourceFormatError(
            "the zero time cannot be when an alert started",
            file=file,
            record=record,
            field="startsAt",
        )
    fingerprint = _fingerprint(alert, labels)
    base = f"{fingerprint}@{iso_z(starts)}"
    title = _describe(labels, annotations, optional_str(alert, "title") or "alert")
    link = next((v for v in (optional_str(alert, k) for k in link_keys) if v), None)
    actor = "Grafana" if tool == "grafana" else "Alertmanager"
    events = [
        TimelineEvent(
            time=starts,
            time_text=starts_text,
            kind=EventKind.ALERT_FIRED,
            actor=actor,
            text=f"Firing: {title}",
            source=EventSource(tool=tool, id=f"{base}:firing"),
            link=link,
        )
    ]
    if status == "resolved":
        ends_text = require(alert, "endsAt", str, file=file, record=record)
        ends = parse_iso_time(ends_text, file=file, record=record, field_name="endsAt")
        if ends != GO_ZERO_TIME:
            events.append(
                TimelineEvent(
                    time=ends,
                    time_text=ends_text,
                    kind=EventKind.ALERT_RESOLVED,
                    actor=actor,
                    text=f"Resolved: {title}",
                    source=EventSource(tool=tool, id=f"{base}:resolved"),
                    link=link,
                )
            )
    elif isinstance(alert.get("endsAt"), str):
        # A firing alert's endsAt is zero or a predicted end; either way it is not an event.
        parse_iso_time(alert["endsAt"], file=file, record=record, field_name="endsAt")
    return events


def _alerts(doc: Any, *, file: str, what: str) -> list[Any]:
    if not isinstance(doc, dict):
        raise SourceFormatError(f"expected a {what} webhook payload object", file=file)
    if "alerts" not in doc:
        raise SourceFormatError(
            f"not a {what} webhook payload; is this a file of another tool?",
            file=file,
            field="alerts",
        )
    alerts = doc["alerts"]
    if not isinstance(alerts, list):
        raise SourceFormatError("expected an array", file=file, field="alerts")
    return alerts


def _record(alert: Any, index: int) -> str | int:
    if isinstance(alert, dict):
        fp = alert.get("fingerprint")
        if isinstance(fp, str) and fp:
            return f"{index} ({fp})"
    return index


class AlertmanagerImporter(JsonPayloadImporter):
    """Alertmanager webhook payloads (version "4"), one per file or one per line."""

    name = "alertmanager"

    def parse(self, doc: Any, *, file: str, options: ImportOptions) -> list[TimelineEvent]:
        """Events of one webhook payload."""
        if isinstance(doc, list):
            return [e for item in doc for e in self.parse(item, file=file, options=options)]
        alerts = _alerts(doc, file=file, what="Alertmanager")
        version = doc.get("version")
        if version is not None and str(version) != "4":
            hint = " (Grafana sends version 1: use the grafana source)" if "orgId" in doc else ""
            raise SourceFormatError(
                f"unsupported webhook version {version!r}{hint}", file=file, field="version"
            )
        events: list[TimelineEvent] = []
        for index, alert in enumerate(alerts):
            events.extend(
                alert_events(
                    alert,
                    tool="alertmanager",
                    file=file,
                    record=_record(alert, index),
                    link_keys=("generatorURL",),
                )
            )
        return events


class GrafanaImporter(JsonPayloadImporter):
    """Grafana Alerting (unified alerting) webhook contact point payloads."""

    name = "grafana"

    def parse(self, doc: Any, *, file: str, options: ImportOptions) -> list[TimelineEvent]:
        """Events of one webhook payload."""
        if isinstance(doc, list):
            return [e for item in doc for e in self.parse(item, file=file, options=options)]
        if isinstance(doc, dict) and "evalMatches" in doc and "alerts" not in doc:
            raise SourceFormatError(
                "a legacy Grafana alert notification carries no times; "
                "send unified alerting webhooks instead",
                file=file,
                field="alerts",
            )
        alerts = _alerts(doc, file=file, what="Grafana")
        events: list[TimelineEvent] = []
        for index, alert in enumerate(alerts):
            events.extend(
                alert_events(
                    alert,
                    tool="grafana",
                    file=file,
                    record=_record(alert, index),
                    link_keys=("panelURL", "dashboardURL", "generatorURL"),
                )
            )
        return events
