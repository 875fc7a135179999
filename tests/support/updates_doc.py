"""A post-mortem for the safe-update tests, written as Markdown, and small text edits of it."""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime(2025, 2, 10, 9, 0, tzinfo=dt.UTC)

DOCUMENT = """\
# Post-Mortem: Ledger export stalled overnight

**Incident ID:** INC-2025-0031
**Date:** 2025-02-04
**Severity:** P2

---

## Executive Summary

**What Happened:** The nightly ledger export stopped half way and nobody noticed until morning.

**Impact:** Finance started the day without the previous day's figures.

## Timeline

### Detection
- **Time:** 2025-02-04 06:40 UTC
- **Detected By:** Finance analyst
- **Detection Method:** Missing report

## Impact Assessment

### Business Impact
- **Support Tickets:** 4

## Root Cause Analysis

### Primary Cause
The export job ran out of disk space for its temporary files.

### Contributing Factors
1. No alert on the export job's duration
2. Temporary files were never cleaned up

## Action Items

### Immediate (This Week)
- [ ] Alert when the export runs longer than two hours
  - **Owner:** Noor
  - **Due Date:** 2025-02-11
  - **Priority:** High

- [ ] Clean temporary files after each run
  - **Owner:** Ines
  - **Priority:** Medium

### Short-term (Next 30 Days)
- [ ] Move temporary files to their own volume
  - **Owner:** Platform team
  - **Priority:** Low
"""


def edited(text: str, old: str, new: str) -> str:
    """The text with one exact snippet replaced; fails loudly if the snippet is not there."""
    assert old in text, old
    return text.replace(old, new, 1)
