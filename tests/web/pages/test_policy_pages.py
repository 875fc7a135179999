"""The post-mortem policy on the pages, in-process on SQLite and PostgreSQL: the dashboard's
due and overdue post-mortems and the share done within policy, a post-mortem's due date, the
listing's overdue filter."""

from __future__ import annotations

import re

from support.html_scan import scan
from support.web import WebClient


def test_the_dashboard_shows_overdue_post_mortems_and_the_share(
    client: WebClient, demo: list[str]
) -> None:
    # The demo's finished post-mortems are signed off in their Markdown (an approver and a
    # date): done. Its P1 draft is past its deadline to be submitted.
    text = scan(client.get("/").text).plain
    assert "Post-mortems due under the policy 1" in text
    assert (
        "Policy: P0: submitted within 5, approved within 10 business days; "
        "P1: submitted within 5, approved within 10 business days; follow-up reviews for every "
        "post-mortem. 1 overdue , 0 due."
    ) in text
    assert (
        "Post-Mortem: Delivery notifications delayed during the Textwave SMS outage "
        "submission overdue since 2026-11-10 · P1 · Olusegun Adeyemi · INC-2026-0199"
    ) in text
    assert "All 1 overdue post-mortems" in text
    assert "Done within policy, last 90 days" in text
    assert "Incidents dated 2026-08-22 to 2026-11-20." in text
    assert "P0 2 2 100% 2 of 2" in text
    assert "P1 1 0 0% 0 of 1" in text
    assert (
        "Month by month Incidents of Required Within policy 2026-06 1 100% 1 of 1 "
        "2026-07 1 100% 1 of 1 2026-08 2 100% 2 of 2 2026-09 1 100% 1 of 1 "
        "2026-10 0 none asked for 2026-11 1 0% 0 of 1"
    ) in text


def test_a_post_mortem_page_shows_its_policy_due_date(client: WebClient, demo: list[str]) -> None:
    text = scan(client.get("/postmortems/INC-2026-0147").text).plain
    assert (
        "Policy done within policy (submit by 2026-06-16, approve by 2026-06-23, counted from "
        "the impact end 2026-06-09)"
    ) in text
    draft = scan(client.get("/postmortems/INC-2026-0199").text).plain
    assert "Policy submission overdue since 2026-11-10" in draft
    p2 = scan(client.get("/postmortems/INC-2026-0141").text).plain
    assert "Policy not required by the policy" in p2


def test_the_listing_filters_the_overdue_post_mortems(client: WebClient, demo: list[str]) -> None:
    page = client.get("/postmortems?policy=overdue")
    assert page.status_code == 200
    ids = re.findall(r'<a href="/postmortems/(INC-[0-9-]+)">', page.text.split("<tbody>", 1)[-1])
    assert sorted(set(ids)) == ["INC-2026-0199"]
    assert '<option value="overdue" selected>' in page.text
    bad = client.get("/postmortems?policy=soon")
    assert bad.status_code == 422
    assert "policy is overdue or empty, not 'soon'" in scan(bad.text).plain


def test_a_post_mortem_outside_the_workflow_says_so_with_its_written_sign_off(
    client: WebClient, demo: list[str]
) -> None:
    text = scan(client.get("/postmortems/INC-2026-0174").text).plain
    assert "Review not in the workflow" in text
    assert (
        "Not in the review workflow yet: the Sign-Off below is as written in the document "
        "(approved by Chiara Bianchi, 2026-09-01)."
    ) in text
    draft = scan(client.get("/postmortems/INC-2026-0199").text).plain
    assert "the Sign-Off below is as written in the document. Naming reviewers" in draft
