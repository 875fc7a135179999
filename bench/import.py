"""Benchmark of the importers against json.loads of the same files, measured in the same run.

Generates (into a temporary folder) a Slack export of 1,000,000 messages and 100,000 PagerDuty
log entries (times --scale), then, each in a fresh subprocess: reads and json.loads every file
(the baseline), and reads every file with `read_events` (events and default phases). Then the
path a user takes: `blamefree timeline import ID slack EXPORT` run as its own process into a
SQLite store and into PostgreSQL (a scratch database on BLAMEFREE_BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/postgres), each timed against json.loads of the same Slack
files measured just before it, with the command's peak RSS. Prints events/s, the ratios and the
peaks as TARGET lines, and CPU times as INFO lines (steadier than wall times on a busy machine).

    python bench/import.py             # full size (about 1.4 GB of JSON, several minutes)
    python bench/import.py --scale 0.1 # quick run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

MESSAGES = 1_000_000
LOG_ENTRIES = 100_000
CHANNELS = 20
USERS = 200
PER_DAY = 1000
PER_PAGE = 1000
START = 1_710_000_000


def _profile(uid: str, name: str) -> dict[str, object]:
    return {
        "avatar_hash": "g" + uid[-6:].lower(),
        "image_72": f"https://secure.gravatar.com/avatar/{uid.lower()}.jpg",
        "first_name": name.split()[0],
        "real_name": name,
        "display_name": name.split()[0].lower(),
        "team": "T0ACME",
        "name": name.lower().replace(" ", "."),
        "is_restricted": False,
        "is_ultra_restricted": False,
    }


def generate_slack(root: Path, messages: int, rng: random.Random) -> None:
    """A workspace export with realistic message records (profiles, blocks, threads, bots)."""
    users = [(f"U{n:08d}", f"Person{n} Surname{n % 37}") for n in range(USERS)]
    (root / "users.json").write_text(
        json.dumps(
            [
                {"id": uid, "name": name.lower(), "real_name": name, "profile": _profile(uid, name)}
                for uid, name in users
            ]
        )
    )
    channels = [(f"C{n:08d}", f"incident-{n}") for n in range(CHANNELS)]
    (root / "channels.json").write_text(
        json.dumps([{"id": cid, "name": name, "created": START} for cid, name in channels])
    )
    per_channel = messages // CHANNELS
    for _cid, name in channels:
        folder = root / name
        folder.mkdir()
        ts = START
        written = 0
        day = 0
        while written < per_channel:
            count = min(PER_DAY, per_channel - written)
            batch = []
            for i in range(count):
                ts += rng.randint(1, 80)
                uid, real = users[rng.randrange(USERS)]
                stamp = f"{ts}.{rng.randrange(1_000_000):06d}"
                if i % 50 == 7:
                    batch.append(
                        {
                            "type": "message",
                            "subtype": "bot_message",
                            "ts": stamp,
                            "bot_id": "B0ALERTS",
                            "username": "Alertmanager",
                            "text": "",
                            "attachments": [
                                {
                                    "fallback": f"[FIRING:1] HighErrorRate {name}",
                                    "title": f"[FIRING:1] HighErrorRate {name}",
                                    "text": "Error rate above 5% for 2m",
                                    "color": "a30200",
                                }
                            ],
                        }
                    )
                    continue
                mention = users[i % USERS][0]
                text = f"Checked <@{mention}> the dashboard, errors at {i % 97}% &amp; rising"
                record: dict[str, object] = {
                    "client_msg_id": f"{uid}-{stamp}",
                    "type": "message",
                    "text": text if i % 3 else "restarting the pods now",
                    "user": uid,
                    "ts": stamp,
                    "team": "T0ACME",
                    "user_team": "T0ACME",
                    "source_team": "T0ACME",
                    "user_profile": _profile(uid, real),
                    "blocks": [
                        {
                            "type": "rich_text",
                            "block_id": stamp[-5:],
                            "elements": [
                                {
                                    "type": "rich_text_section",
                                    "elements": [{"type": "text", "text": "restarting the pods"}],
                                }
                            ],
                        }
                    ],
                }
                if i % 10 == 3:
                    record["thread_ts"] = stamp
                    record["reactions"] = [{"name": "pushpin", "users": [uid], "count": 1}]
                batch.append(record)
            (folder / f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}.json").write_text(
                json.dumps(batch, indent=4)
            )
            written += count
            day += 1


def generate_pagerduty(root: Path, entries: int, rng: random.Random) -> None:
    """Log entry pages as the REST API returns them (newest first)."""
    types = [
        "notify_log_entry",
        "annotate_log_entry",
        "acknowledge_log_entry",
        "trigger_log_entry",
        "assign_log_entry",
        "resolve_log_entry",
    ]
    user = {
        "id": "PANA001",
        "type": "user_reference",
        "summary": "Ana Lopez",
        "self": "https://api.pagerduty.com/users/PANA001",
        "html_url": "https://acme.pagerduty.com/users/PANA001",
    }
    for page in range(0, entries, PER_PAGE):
        log = []
        for n in range(page, min(page + PER_PAGE, entries)):
            second = START + n * 3
            eid = f"R{n:013d}"
            log.append(
                {
                    "id": eid,
                    "type": types[rng.randrange(len(types))],
                    "summary": "Acknowledged by Ana Lopez",
                    "self": f"https://api.pagerduty.com/log_entries/{eid}",
                    "html_url": f"https://acme.pagerduty.com/incidents/Q1/log_entries/{eid}",
                    "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)),
                    "agent": user,
                    "channel": {"type": "note", "summary": "Rolled back the deploy"},
                    "service": {"id": "PSVC001", "type": "service_reference", "summary": "API"},
                    "incident": {
                        "id": "Q1",
                        "type": "incident_reference",
                        "summary": "[#1234] HighErrorRate",
                        "html_url": "https://acme.pagerduty.com/incidents/Q1",
                    },
                    "teams": [],
                    "contexts": [],
                    "event_details": {"description": "HighErrorRate"},
                }
            )
        log.reverse()
        body = {"log_entries": log, "limit": PER_PAGE, "offset": page, "more": True}
        (root / f"page-{page // PER_PAGE:05d}.json").write_text(json.dumps(body, indent=2))


# --- the two children -----------------------------------------------------------------------


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def child_json(roots: list[str]) -> None:
    """Baseline: read and json.loads every JSON file under the roots."""
    start, cpu = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
    records = 0
    for root in roots:
        for path in sorted(Path(root).rglob("*.json")):
            doc = json.loads(path.read_bytes())
            records += len(doc) if isinstance(doc, list) else len(doc.get("log_entries", [1]))
    elapsed, cpu = time.perf_counter() - start, _cpu(resource.RUSAGE_SELF) - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "records": records, "rss_mb": rss}))


def child_import(source: str, root: str) -> None:
    """Import every file of one source through read_events (with phase tagging)."""
    from blamefree.importers import read_events

    start = time.perf_counter()
    events = 0
    for _ in read_events(source, [Path(root)]):
        events += 1
    elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "events": events, "rss_mb": rss}))


def child_cli(url: str, root: str, messages: str) -> None:
    """`blamefree timeline import` of the Slack export into the store at `url`, as a user runs
    it: its own process, so its peak RSS is the command's (the setup command is far smaller)."""
    command = [sys.executable, "-m", "blamefree", "--db", url]
    # A fresh store, as a team sets one up: the schema first (a PostgreSQL store is never
    # migrated by an ordinary command), then the post-mortem the events go into.
    subprocess.run([*command, "db", "upgrade"], check=True, capture_output=True)
    subprocess.run(
        [*command, "new", "--title", "Bench", "--severity", "P2", "--id", "INC-BENCH", "--save"],
        check=True,
        capture_output=True,
    )
    start, cpu = time.perf_counter(), _cpu(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [*command, "timeline", "import", "INC-BENCH", "slack", root, "--json"],
        check=False,
        capture_output=True,
        text=True,
    )
    elapsed, cpu = time.perf_counter() - start, _cpu(resource.RUSAGE_CHILDREN) - cpu
    if done.returncode != 0:
        raise SystemExit(f"timeline import failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(done.stdout)
    if result["added"] != int(messages):
        raise SystemExit(f"expected {messages} events added, got {result}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "events": result["added"], "rss_mb": rss}))


def _run(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _postgres_database() -> tuple[str, str] | None:
    """(admin URL, scratch database URL) on the bench's PostgreSQL server, or None."""
    try:
        import psycopg
    except ImportError:
        return None
    admin = os.environ.get(
        "BLAMEFREE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    name = f"blamefree_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"INFO postgresql not available ({' '.join(str(error).split())}): skipped")
        return None
    return admin, admin.rsplit("/", 1)[0] + f"/{name}"


def _drop_database(admin: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _cli_targets(backend: str, run: dict[str, float], baseline: dict[str, float]) -> None:
    ratio = run["seconds"] / baseline["seconds"]
    peak = run["rss_mb"]
    print(
        f"INFO {backend}: timeline import of {run['events']:.0f} messages in "
        f"{run['seconds']:.2f} s = {run['events'] / run['seconds']:.0f} events/s "
        f"(peak RSS {peak:.0f} MB); json.loads of the same files {baseline['seconds']:.2f} s"
    )
    # On a busy machine wall times swing with the load; CPU times much less (the database
    # server's own CPU is not counted here, so this is not the target's ratio).
    print(
        f"INFO {backend}: CPU time {run['cpu']:.2f} s for the import process, "
        f"{baseline['cpu']:.2f} s for json.loads ({run['cpu'] / baseline['cpu']:.2f}x)"
    )
    print(
        f"TARGET import_cli_vs_json_loads {ratio:.2f} <= 3.0 {'PASS' if ratio <= 3.0 else 'FAIL'}"
        f" ({backend})"
    )
    print(
        f"TARGET import_cli_peak_rss_mb {peak:.0f} < 300 {'PASS' if peak < 300 else 'FAIL'}"
        f" ({backend})"
    )


def _compiled() -> None:
    """Blamefree's modules compiled, as pip leaves an installed package: an editable install
    compiles them on each start where PYTHONDONTWRITEBYTECODE is set, which would be timed."""
    import compileall

    import blamefree

    compileall.compile_dir(str(Path(blamefree.__file__).parent), quiet=1)


def main() -> int:
    """Generate, measure, print the TARGET lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument(
        "--only-cli", action="store_true", help="skip the reader measurements (CLI path only)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        help="keep the generated files in this folder and reuse them on the next run",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "json":
            child_json(args.child[1:])
        elif args.child[0] == "cli":
            child_cli(*args.child[1:])
        else:
            child_import(args.child[0], args.child[1])
        return 0
    _compiled()
    rng = random.Random(7)
    messages = max(CHANNELS, int(MESSAGES * args.scale)) // CHANNELS * CHANNELS
    entries = max(1, int(LOG_ENTRIES * args.scale))
    with tempfile.TemporaryDirectory(prefix="blamefree-bench-") as tmp:
        data = args.data / f"scale-{args.scale:g}" if args.data else Path(tmp)
        slack_root, pd_root = data / "slack", data / "pagerduty"
        start = time.perf_counter()
        if not (data / "complete").exists():
            for root in (slack_root, pd_root):
                root.mkdir(parents=True)
            generate_slack(slack_root, messages, rng)
            generate_pagerduty(pd_root, entries, rng)
            (data / "complete").touch()
        size = sum(p.stat().st_size for p in data.rglob("*.json")) / 1e6
        print(
            f"INFO generated {messages} messages + {entries} log entries ({size:.0f} MB) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        if not args.only_cli:
            _readers(slack_root, pd_root)
        # Each backend's import is compared with json.loads measured right before it, so a
        # change in the machine's load between the backends' runs does not skew the second.
        slack_json = _run("--child", "json", str(slack_root))
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        _cli_targets(
            "sqlite", _run("--child", "cli", sqlite_url, str(slack_root), str(messages)), slack_json
        )
        postgres = _postgres_database()
        if postgres is not None:
            admin, url = postgres
            try:
                slack_json = _run("--child", "json", str(slack_root))
                run = _run("--child", "cli", url, str(slack_root), str(messages))
            finally:
                _drop_database(admin, url)
            _cli_targets("postgresql", run, slack_json)
    return 0


def _readers(slack_root: Path, pd_root: Path) -> None:
    """The reader targets: `read_events` against json.loads of the same files."""
    baseline = _run("--child", "json", str(slack_root), str(pd_root))
    slack = _run("--child", "slack", str(slack_root))
    pagerduty = _run("--child", "pagerduty", str(pd_root))
    total = slack["seconds"] + pagerduty["seconds"]
    ratio = total / baseline["seconds"]
    peak = max(slack["rss_mb"], pagerduty["rss_mb"])
    print(
        f"INFO json.loads {baseline['seconds']:.2f} s for {baseline['records']:.0f} records "
        f"(peak RSS {baseline['rss_mb']:.0f} MB)"
    )
    print(
        f"INFO slack import {slack['events']:.0f} events in {slack['seconds']:.2f} s = "
        f"{slack['events'] / slack['seconds']:.0f} events/s (peak RSS {slack['rss_mb']:.0f} MB)"
    )
    print(
        f"INFO pagerduty import {pagerduty['events']:.0f} events in {pagerduty['seconds']:.2f} s"
        f" = {pagerduty['events'] / pagerduty['seconds']:.0f} events/s "
        f"(peak RSS {pagerduty['rss_mb']:.0f} MB)"
    )
    print(f"TARGET import_vs_json_loads {ratio:.2f} <= 3.0 {'PASS' if ratio <= 3.0 else 'FAIL'}")
    print(f"TARGET import_peak_rss_mb {peak:.0f} < 300 {'PASS' if peak < 300 else 'FAIL'}")


if __name__ == "__main__":
    sys.exit(main())
