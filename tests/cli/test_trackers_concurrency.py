"""Two `actions push --all` processes at once file each action item exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from blamefree.services.trackers import CREATED, FOUND, LINKED
from support.cli import Invoke
from support.fake_http import fake_server
from support.fake_trackers import FakeGitHub

DOCUMENT = """\
# Post-Mortem: Queue backlog

**Incident ID:** INC-8
**Date:** 2024-03-12
**Severity:** P2

---

## Action Items

### Immediate (This Week)
- [ ] Alert on queue depth
  - **Owner:** Priya
  - **Due Date:** 2024-03-19
  - **Priority:** High

- [ ] Cap consumer retries
  - **Owner:** Sam
  - **Due Date:** 2024-03-18
  - **Priority:** Medium

### Short-term (Next 30 Days)
- [ ] Load-test the consumer
  - **Owner:** Sam
  - **Priority:** Medium
"""


def test_overlapping_pushes_create_no_duplicates(
    cli: Invoke, tmp_path: Path, database_url: str
) -> None:
    source = tmp_path / "inc-8.md"
    source.write_text(DOCUMENT, encoding="utf-8")
    assert cli("import", str(source)).exit_code == 0
    fake = FakeGitHub()
    with fake_server(fake) as server:
        fake.base_url = server.url
        env = {
            **os.environ,
            "BLAMEFREE_DATABASE_URL": database_url,
            "BLAMEFREE_GITHUB_API_URL": server.url,
            "BLAMEFREE_GITHUB_TOKEN": "gh-token",
            "BLAMEFREE_GITHUB_REPO": "acme/ops",
            "BLAMEFREE_NOW": "2024-03-20T09:00:00Z",
        }
        command = [
            sys.executable,
            "-m",
            "blamefree",
            "actions",
            "push",
            "--all",
            "--to",
            "github",
            "--json",
        ]
        runs = [
            subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(3)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], [err for _out, err in outputs]
    created = [s.json()["title"] for s in server.seen if s.method == "POST"]
    assert sorted(created) == [
        "Alert on queue depth",
        "Cap consumer retries",
        "Load-test the consumer",
    ]
    outcomes = sorted(r["outcome"] for out, _err in outputs for r in json.loads(out))
    assert outcomes.count("created") == 3
    assert set(outcomes) <= {CREATED, LINKED, FOUND}
