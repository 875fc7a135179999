"""Webhook deliveries as events, each with the post-mortem it names and the thread it is in.

One delivery (the raw request body) of Alertmanager, Grafana, PagerDuty or Opsgenie becomes a
list of `Delivered`: the timeline event the source's importer makes of it, the post-mortem id it
names (``label`` is the setting ``webhook_postmortem_label``, ``postmortem`` by default), and
its thread, the alert or incident it belongs to, so later events of it can follow:

- Alertmanager, Grafana: the alert label ``<label>`` (``postmortem="INC-2026-0210"``); the
  thread is the alert's fingerprint.
- PagerDuty (V3): a custom field named ``<label>``, or ``<label>:INC-...`` in the incident's
  title, a note or a status update; the thread is the PagerDuty incident. An
  ``incident.custom_field_values.updated`` event only routes (it is no timeline event);
  ``pagey.ping`` and events of other resources (services) carry nothing for a timeline.
- Opsgenie: a tag ``<label>:INC-...`` or an alert detail ``<label>``; the thread is the alert.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from blamefree.domain.timeline import TimelineEvent
from blamefree.errors import SourceFormatError
from blamefree.importers._common import ImportOptions, as_dict, optional_str
from blamefree.importers.alerting import AlertmanagerImporter, GrafanaImporter, alert_events
from blamefree.importers.bounded import check_storable, load_json
from blamefree.importers.opsgenie import opsgenie_event
from blamefree.importers.pagerduty import webhook_event

HOOK_SOURCES = ("alertmanager", "grafana", "pagerduty", "opsgenie")
BODY = "request body"
"""What errors name as the file: the delivery's body."""

_ROUTING_ONLY = frozenset({"incident.custom_field_values.updated"})


@dataclass(frozen=True)
class Delivered:
    """One thing a delivery says: an event (None when it only routes), the post-mortem it
    names (None when it names none) and the alert or incident it belongs to."""

    event: TimelineEvent | None
    named: str | None
    thread: str | None


def named_in_text(text: str | None, label: str) -> str | None:
    """The id after ``<label>:`` or ``<label>=`` in free text (a tag, a note, a title)."""
    if not text:
        return None
    found = re.search(
        rf"(?<![\w-]){re.escape(label)}\s*[:=]\s*([A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?)",
        text,
        flags=re.IGNORECASE,
    )
    return found.group(1) if found else None


def _clean_id(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def read_delivery(source: str, body: bytes, *, label: str) -> list[Delivered]:
    """The events of one webhook body of ``source`` (one of `HOOK_SOURCES`), in order.

    A body that is not JSON, or not of the source's shape, is a SourceFormatError naming the
    field at fault; nothing is kept of it."""
    reader = _READERS.get(source)
    if reader is None:
        raise SourceFormatError(f"no webhook receiver for {source!r}", field="source")
    doc = load_json(body, file=BODY)
    delivered = reader(doc, label)
    for index, item in enumerate(delivered):
        if item.event is not None:
            check_storable(item.event, file=BODY, record=item.event.source.id)
        for what, text in (("the post-mortem it names", item.named), ("its thread", item.thread)):
            if text is not None and not _storable(text):
                raise SourceFormatError(
                    f"{what} holds a NUL character or an unpaired surrogate, which cannot be "
                    "stored",
                    file=BODY,
                    record=index,
                )
    return delivered


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- Alertmanager and Grafana ----------------------------------------------------------------


def _alerts(doc: Any, label: str, tool: str, link_keys: tuple[str, ...]) -> list[Delivered]:
    delivered: list[Delivered] = []
    for index, alert in enumerate(doc.get("alerts") or []):
        labels = as_dict(alert.get("labels"))
        named = _clean_id(labels.get(label))
        for event in alert_events(alert, tool=tool, file=BODY, record=index, link_keys=link_keys):
            thread = (event.source.id or "").rpartition("@")[0] or None
            delivered.append(Delivered(event=event, named=named, thread=thread))
    return delivered


def _alertmanager(doc: Any, label: str) -> list[Delivered]:
    if isinstance(doc, list):
        raise SourceFormatError("expected one webhook payload object", file=BODY)
    AlertmanagerImporter().parse(doc, file=BODY, options=ImportOptions())  # shape and version
    return _alerts(doc, label, "alertmanager", ("generatorURL",))


def _grafana(doc: Any, label: str) -> list[Delivered]:
    if isinstance(doc, list):
        raise SourceFormatError("expected one webhook payload object", file=BODY)
    GrafanaImporter().parse(doc, file=BODY, options=ImportOptions())  # shape, legacy refused
    return _alerts(doc, label, "grafana", ("panelURL", "dashboardURL", "generatorURL"))


# --- PagerDuty --------------------------------------------------------------------------------


def _pagerduty_incident(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("type") == "incident":
        return data
    return as_dict(data.get("incident"))


def _pagerduty_named(data: dict[str, Any], label: str) -> str | None:
    fields = data.get("custom_fields")
    for field in fields if isinstance(fields, list) else []:
        field = as_dict(field)
        name = field.get("name")
        if isinstance(name, str) and name.strip().lower() == label.lower():
            named = _clean_id(field.get("value"))
            if named:
                return named
    incident = _pagerduty_incident(data)
    texts = [
        optional_str(data, "content"),
        optional_str(data, "message"),
        optional_str(incident, "title"),
        optional_str(incident, "summary"),
    ]
    return next((n for n in (named_in_text(t, label) for t in texts) if n), None)


def _pagerduty(doc: Any, label: str) -> list[Delivered]:
    if not isinstance(doc, dict):
        raise SourceFormatError("expected a V3 webhook payload object", file=BODY)
    if "messages" in doc:
        raise SourceFormatError(
            "a V2 webhook body, which PagerDuty no longer supports; subscribe with V3 webhooks",
            file=BODY,
            field="messages",
        )
    if not isinstance(doc.get("event"), dict):
        raise SourceFormatError(
            "not a PagerDuty V3 webhook payload (no 'event' object)", file=BODY, field="event"
        )
    event = doc["event"]
    event_type = event.get("event_type")
    if not isinstance(event_type, str) or not event_type:
        raise SourceFormatError("missing", file=BODY, field="event.event_type")
    if event_type.startswith("pagey.") or event.get("resource_type", "incident") != "incident":
        return []  # a test ping, or a change to a service: nothing for a timeline
    data = as_dict(event.get("data"))
    incident = _pagerduty_incident(data)
    thread = optional_str(incident, "id")
    named = _pagerduty_named(data, label)
    if event_type in _ROUTING_ONLY:
        return [Delivered(event=None, named=named, thread=thread)]
    try:
        timeline_event = webhook_event(event, file=BODY, record=0)
    except SourceFormatError as error:
        raise SourceFormatError(
            error.reason, file=BODY, field=f"event.{error.field}" if error.field else "event"
        ) from None
    return [Delivered(event=timeline_event, named=named, thread=thread)]


# --- Opsgenie ---------------------------------------------------------------------------------


def _opsgenie_named(alert: dict[str, Any], label: str) -> str | None:
    tags = alert.get("tags")
    for tag in tags if isinstance(tags, list) else []:
        named = named_in_text(tag if isinstance(tag, str) else None, label)
        if named:
            return named
    details = as_dict(alert.get("details"))
    for key, value in details.items():
        if str(key).strip().lower() == label.lower():
            return _clean_id(value)
    return None


def _opsgenie(doc: Any, label: str) -> list[Delivered]:
    if not isinstance(doc, dict):
        raise SourceFormatError("expected an Opsgenie webhook payload object", file=BODY)
    event = opsgenie_event(doc, file=BODY, record=0)
    alert = as_dict(doc.get("alert"))
    return [
        Delivered(event=event, named=_opsgenie_named(alert, label), thread=alert.get("alertId"))
    ]


_READERS: dict[str, Callable[[Any, str], list[Delivered]]] = {
    "alertmanager": _alertmanager,
    "grafana": _grafana,
    "pagerduty": _pagerduty,
    "opsgenie": _opsgenie,
}


def events_of(delivered: Iterable[Delivered]) -> list[TimelineEvent]:
    """The timeline events of what a delivery said."""
    return [item.event for item in delivered if item.event is not None]
