"""No input makes the parser slow or crash: each check runs in a child process with a generous
timeout, so a pathological input fails the test by not finishing (no timing assertion here)."""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from support.hostile import FIELDS, RUN_CHARACTERS, TAILS, run_child

# Generous: the families below take a few seconds in all on a loaded 2-core machine; before
# the parser was linear, one 20,000-character run of '*' in one field took minutes.
TIMEOUT = 600


def _child(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_child(code, *args, timeout=TIMEOUT)


def test_long_runs_of_every_character_in_every_kind_of_field() -> None:
    run = _child("from support.hostile import main; main()", "20000")
    assert run.returncode == 0, run.stderr
    total = len(FIELDS) * len(RUN_CHARACTERS) * len(TAILS)
    assert run.stdout.splitlines() == [f"parsed {total}"]


SEARCH = textwrap.dedent(
    """
    import os
    import time

    from hypothesis import HealthCheck, given, settings, target
    from hypothesis import strategies as st

    from blamefree.errors import TemplateParseError
    from blamefree.markdown.parse import parse
    from support.hostile import FIELDS

    pieces = st.sampled_from(list("*_`~[]()<>!#|\\\\-+=:;,./ \\t0123456789aZ") + ["<!--", "**", "\\n"])
    runs = st.tuples(pieces, st.integers(1, 4000)).map(lambda pair: pair[0] * pair[1])
    fills = st.lists(runs, min_size=1, max_size=4).map("".join)

    @settings(
        max_examples=int(os.environ.get("SEARCH_EXAMPLES", "120")),
        deadline=None,
        database=None,
        derandomize=os.environ.get("CI", "").lower() == "true",
        suppress_health_check=list(HealthCheck),
    )
    @given(st.sampled_from(sorted(FIELDS)), fills)
    def search(kind, fill):
        text = FIELDS[kind].replace("{x}", fill)
        started = time.process_time()
        try:
            parse(text)
        except TemplateParseError:
            pass
        # Steers the search towards slow inputs; the parent's timeout is the only check.
        target((time.process_time() - started) * 1000 / max(len(text), 1), label="ms per char")

    search()
    print("searched")
    """
)


@pytest.mark.filterwarnings("ignore")
def test_a_search_for_slow_inputs_finds_none() -> None:
    run = _child(SEARCH)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "searched"
