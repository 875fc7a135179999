"""Two post-mortems with action items open, overdue and done, prevention measures, success
criteria and reviews, for the board and follow-up tests (services, pages and browser).

The app clock of these tests is ``NOW`` (Friday 2026-11-20): two items are overdue (due 11-09
and 11-19), one is due within a week, one was done, one has no owner.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from blamefree.services import actions, postmortems
from support.uow import in_uow

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
CHECKOUT = "INC-2026-0301"
SEARCH = "INC-2026-0307"

CHECKOUT_DOC = """\
# Post-Mortem: Checkout latency after a cache eviction storm

**Incident ID:** INC-2026-0301
**Date:** 2026-11-02
**Severity:** P1
**Duration:** 47 minutes

---

## Executive Summary

**What Happened:** Checkout pages took over eight seconds to load for 47 minutes.
**Impact:** About 3,100 customers saw slow or failed checkouts.
**Root Cause:** A deploy halved the cache memory limit, so hot keys were evicted.
**Resolution:** The memory limit was restored and the cache warmed.

---

## Action Items

### Immediate (This Week)
- [ ] Alert on cache hit ratio below 80%
  - **Owner:** Noor Haddad
  - **Due Date:** 2026-11-09
  - **Priority:** High

- [x] Restore the cache memory limit in the deploy template
  - **Owner:** Ines Carvalho
  - **Due Date:** 2026-11-03
  - **Priority:** High

### Short-term (Next 30 Days)
- [ ] Load test the checkout path every week
  - **Owner:** @dana
  - **Due Date:** 2026-11-25
  - **Priority:** Medium

### Long-term (Next 90 Days)
- [ ] Split the session cache from the catalogue cache
  - **Owner:** Platform team
  - **Priority:** Low

---

## Prevention Measures

### Technical
- [ ] Cap cache evictions per minute

### Process
- [x] Review cache sizing in capacity planning

### Monitoring
- [ ] Dashboard for the eviction rate

---

## Follow-Up

### Review Schedule
- **1 Week Follow-Up:** 2026-11-09
- **1 Month Follow-Up:** 2026-12-02
- **3 Month Follow-Up:** [Date]

### Success Criteria
- [ ] All action items completed
- [ ] Prevention measures implemented
- [ ] Monitoring improved
- [ ] Team trained on new procedures
"""

SEARCH_DOC = """\
# Post-Mortem: Search results stale for two hours

**Incident ID:** INC-2026-0307
**Date:** 2026-11-12
**Severity:** P3
**Duration:** 2 hours

---

## Executive Summary

**What Happened:** New products did not appear in search for two hours.
**Impact:** Shoppers could not find 140 new products.
**Root Cause:** The indexer stalled on a malformed record and nobody was paged.
**Resolution:** The record was skipped and the index rebuilt.

---

## Action Items

### Immediate (This Week)
- [ ] Page when the indexer lags by 15 minutes
  - **Owner:** Dana
  - **Due Date:** 2026-11-19
  - **Priority:** High

- [ ] Write the reindex runbook
  - **Due Date:** 2026-12-01
  - **Priority:** Medium

---

## Prevention Measures

### Technical
- [ ] Skip malformed records instead of stalling

---

## Follow-Up

### Review Schedule
- **1 Week Follow-Up:** 2026-11-19
- **1 Month Follow-Up:** [Date]
- **3 Month Follow-Up:** [Date]

### Success Criteria
- [ ] All action items completed
- [ ] Team trained on new procedures
"""


def store_board_docs(engine: Engine, folder: Path, *, by: str = "Kim") -> dict[str, str]:
    """Import both post-mortems; their action items' ids by text."""
    paths = []
    for name, text in (("checkout.md", CHECKOUT_DOC), ("search.md", SEARCH_DOC)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    report = in_uow(engine, postmortems.import_files, paths=paths, today=NOW.date(), by=by)
    assert [o.error for o in report.outcomes] == [None, None]
    views = in_uow(engine, actions.list_actions, today=NOW.date())
    return {v.record.text: v.uid for v in views}
