"""`blamefree remind` killed with SIGKILL while sending: the next run sends that message.

The webhook receiver kills the `remind` process the moment its first message arrives, so the
run has claimed the message and never records it. The next run must not call it "sent by
another run": it takes the dead run's claim over and sends it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support.cli import Invoke
from support.fake_http import Answer, Seen, fake_server

OWNERS = Path(__file__).parent.parent / "data" / "hostile" / "outbound" / "owners.md"
NOW = "2024-04-05T09:00:00Z"


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process probes are POSIX")
def test_a_run_killed_mid_send_is_retried_not_reported_as_sent(
    cli: Invoke, database_url: str
) -> None:
    assert cli("import", str(OWNERS)).exit_code == 0
    victim: list[subprocess.Popen[str]] = []

    def kill_the_sender(request: Seen) -> Answer:
        if victim and victim[0].poll() is None:
            os.kill(victim[0].pid, signal.SIGKILL)  # reaped by communicate() below
        return Answer(200, "ok")

    with fake_server(kill_the_sender) as hook:
        env = {
            **os.environ,
            "BLAMEFREE_DATABASE_URL": database_url,
            "BLAMEFREE_WEBHOOK_URL": f"{hook.url}/hook",
            "BLAMEFREE_NOW": NOW,
        }
        victim.append(
            subprocess.Popen(
                [sys.executable, "-m", "blamefree", "remind", "--json"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
        victim[0].communicate(timeout=120)
        assert victim[0].returncode == -signal.SIGKILL
        assert len(hook.seen) == 1
        first_owner = hook.seen[0].json()["owner"]

        again = cli(
            "remind",
            "--json",
            env={"BLAMEFREE_WEBHOOK_URL": f"{hook.url}/hook", "BLAMEFREE_NOW": NOW},
        )
    assert again.exit_code == 0, again.stderr
    statuses = {d["recipient"]: d["status"] for d in json.loads(again.stdout)["deliveries"]}
    assert statuses == {
        "(no owner)": "sent",  # the follow-up reviews: the document has no Prepared By
        "<!channel> on-call": "sent",
        "<!subteam^S0TEAM|@ops> Lee": "sent",
        "Ana & <https://evil.example/login|Bo>": "sent",
        "Kim <@U0BADBEEF>": "sent",
    }
    owners = [s.json()["owner"] for s in hook.seen]
    assert owners.count(first_owner) == 2  # the killed attempt, and the retry
    assert len(owners) == 6
