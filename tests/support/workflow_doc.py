"""A post-mortem (P2) the linter finds no error in, ready for review."""

from __future__ import annotations

from support.updates_doc import DOCUMENT

ID = "INC-2025-0031"

REVIEWABLE = DOCUMENT.replace(
    "## Action Items",
    "## What Went Well\n\n- The on-call engineer found the full disk quickly\n\n"
    "## What Went Wrong\n\n- No alert on the job's duration\n\n## Action Items",
)

TWO_APPROVALS = "P2=2/1, *=1/0"
"""Approval rules under which this post-mortem needs two approvals, one of them an approver's."""
