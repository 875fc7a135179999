"""Success criteria and sign-off through the API."""

from __future__ import annotations

from support.web import WebClient

API = "/api/v1/postmortems"


def test_success_criteria_written_beside_derived_added_ticked_applied(
    client: WebClient, pay318: str
) -> None:
    criteria = client.get(f"{API}/{pay318}/criteria").json()
    assert [(c["number"], c["text"], c["written"], c["derived"]) for c in criteria] == [
        (1, "All action items completed", True, False),
        (2, "Prevention measures implemented", False, False),
        (3, "Monitoring improved", False, True),
        (4, "Team trained on new procedures", False, None),
    ]
    assert criteria[0]["disagrees"] is True  # ticked, but two action items are still open
    added = client.post(
        f"{API}/{pay318}/criteria", json={"text": "No settlement delay for 30 days"}
    )
    assert (added.status_code, added.json()[-1]["number"], added.json()[-1]["written"]) == (
        201,
        5,
        False,
    )
    ticked = client.put(f"{API}/{pay318}/criteria/4", json={"met": True})
    assert ticked.json()[3]["written"] is True
    applied = client.post(f"{API}/{pay318}/criteria/apply").json()
    assert [c["written"] for c in applied[:3]] == [False, False, True]
    missing = client.put(f"{API}/{pay318}/criteria/9", json={"met": True})
    assert (missing.status_code, missing.json()["error"]["type"]) == (404, "CriterionNotFound")
    bad = client.put(f"{API}/{pay318}/criteria/4", json={"met": "maybe"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "met")


def test_sign_off_in_a_role_by_name_or_as_the_actor(client: WebClient, pay318: str) -> None:
    signed = client.put(f"{API}/{pay318}/sign-offs/approved", json={"name": "Dana Okafor"})
    assert signed.status_code == 200, signed.text
    # The document was prepared and reviewed already; the approval joins them, dated today.
    assert [(s["role"], s["name"], s["date"]) for s in signed.json()] == [
        ("prepared", "Lena Vogel", "2026-11-20"),
        ("reviewed", "Jonas Albrecht", "2026-11-20"),
        ("approved", "Dana Okafor", "2026-11-20"),
    ]
    mine = client.put(f"{API}/{pay318}/sign-offs/prepared", json={}).json()
    assert [(s["role"], s["name"], s["recorded_by"]) for s in mine] == [
        ("prepared", "Tester", "Tester"),
        ("reviewed", "Jonas Albrecht", "Tester"),
        ("approved", "Dana Okafor", "Tester"),
    ]
    listed = client.get(f"{API}/{pay318}/sign-offs").json()
    assert listed == mine
    bad_role = client.put(f"{API}/{pay318}/sign-offs/blessed", json={})
    assert (bad_role.status_code, bad_role.json()["error"]["field"]) == (422, "path.role")
    nowhere = client.get(f"{API}/INC-404/sign-offs")
    assert (nowhere.status_code, nowhere.json()["error"]["type"]) == (404, "PostmortemNotFound")
