"""A post-mortem for the timeline editor's tests and the tool files they upload."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import IncidentMetrics, Metrics, Postmortem

IMPORTERS = Path(__file__).parents[1] / "data" / "importers"
INCIDENT = "INC-2024-0312"
ZONE = "Europe/Berlin"


def checkout_postmortem() -> Postmortem:
    """Checkout errors on 12 March 2024, written in Berlin time, detection stated as 15 minutes
    and no phase times written (the event log gives them)."""
    return Postmortem(
        incident_id=INCIDENT,
        title="Checkout errors after the payments deploy",
        date=dt.date(2024, 3, 12),
        severity=Severity.P1,
        timezone=ZONE,
        metrics=Metrics(
            incident_metrics=IncidentMetrics(detection_time=900, detection_time_text="15 minutes")
        ),
    )


def slack_export_zip() -> bytes:
    """The Slack export fixture folder as the .zip a browser uploads."""
    folder = IMPORTERS / "slack_export"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()
