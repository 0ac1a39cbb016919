"""The long list and the pick, through the real server: personal data refused whole, a seeded stratified pick that
re-runs by hand, recorded in the audit chain, refused a second time; contact details for picked cases only."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.domain import audit
from server.domain.db import session_scope
from server.domain.models import AuditEvent, LongListRow
from tests.support import ADMIN, bearer, council_with_staff, new_case

THEMES = (
    "older_people",
    "transition_to_adult",
    "hospital_discharge",
    "autism_learning_disability",
    "mental_health_substance",
    "physical_disability_long_term",
    "unpaid_carer",
)


def team_token(http: httpx.Client) -> dict[str, str]:
    response = http.post("/api/tokens", json={"role": "team", "name": "Jo"}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return bearer(response.json()["token"])


def long_list(count: int = 50, prefix: str = "L") -> list[dict[str, str]]:
    """`count` anonymised rows, the themes in turn (50 rows: 8 of the first, 7 of each other)."""
    return [
        {
            "reference": f"{prefix}-{i:03d}",
            "theme": THEMES[i % len(THEMES)],
            "primary_need": "Personal care",
            "age_band": "65-74",
        }
        for i in range(count)
    ]


def upload(http: httpx.Client, council_id: int, headers: dict[str, str], rows: list[dict[str, str]]) -> httpx.Response:
    return http.post(f"/api/councils/{council_id}/long-list", json={"rows": rows}, headers=headers)


def pick(http: httpx.Client, council_id: int, team: dict[str, str], **body: Any) -> httpx.Response:
    return http.post(f"/api/councils/{council_id}/selection", json={"primary": 6, "reserve": 4, **body}, headers=team)


def test_a_long_list_with_personal_data_is_refused_whole_row_by_row_and_column_by_column(client: TestClient) -> None:
    north = council_with_staff(client, "North")
    rows = long_list()
    rows[2]["primary_need"] = "Call 07700 900123"
    rows[5]["reference"] = "943 476 5919"  # an NHS number with spaces
    rows[7]["age_band"] = "12/03/1950"
    rows[9]["primary_need"] = "lives at SW1A 1AA"
    rows[11]["reference"] = "sam@example.org"
    rows[13]["primary_need"] = "9434765919"
    rows[15]["theme"] = "nobody"
    response = upload(client, north.council_id, north.staff, rows)
    assert response.status_code == 422, response.text
    problems = {(p["row"], p["column"], p["problem"]) for p in response.json()["problems"]}
    assert problems == {
        (3, "primary_need", "looks_like_phone_number"),
        (6, "reference", "looks_like_nhs_number"),
        (8, "age_band", "looks_like_date_of_birth"),
        (10, "primary_need", "looks_like_postcode"),
        (12, "reference", "looks_like_email"),
        (14, "primary_need", "looks_like_nhs_number"),
        (16, "theme", "theme_unknown"),
    }
    # The values that looked like personal data are never repeated back.
    for secret in ("900123", "5919", "1950", "SW1A", "sam@"):
        assert secret not in response.text
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(LongListRow)) == 0
    assert client.get(f"/api/councils/{north.council_id}/long-list", headers=north.staff).status_code == 404


def test_a_long_list_must_have_10_to_500_rows_and_belongs_to_its_own_council(client: TestClient) -> None:
    north = council_with_staff(client, "North")
    south = council_with_staff(client, "South")
    assert upload(client, north.council_id, north.staff, long_list(9)).status_code == 422
    assert upload(client, north.council_id, north.staff, long_list(501)).status_code == 422
    assert upload(client, north.council_id, south.staff, long_list(10)).status_code == 404
    team = team_token(client)
    assert upload(client, north.council_id, team, long_list(10)).status_code == 403
    assert upload(client, north.council_id, north.staff, long_list(500)).status_code == 201
    assert upload(client, north.council_id, ADMIN, long_list(10)).status_code == 201


def test_a_new_upload_replaces_the_list_until_the_pick(client: TestClient) -> None:
    north = council_with_staff(client, "North")
    team = team_token(client)
    first = upload(client, north.council_id, north.staff, long_list(20, "A"))
    second = upload(client, north.council_id, north.staff, long_list(30, "B"))
    assert first.status_code == second.status_code == 201
    shown = client.get(f"/api/councils/{north.council_id}/long-list", headers=north.staff).json()
    assert shown["rows"] == 30 and shown["list_sha256"] == second.json()["list_sha256"]
    made = pick(client, north.council_id, team, seed=7).json()
    assert all(ref.startswith("B-") for ref in made["primary"] + made["reserve"])
    again = upload(client, north.council_id, north.staff, long_list(20, "C"))
    assert again.status_code == 409


def test_the_list_fingerprint_is_its_rows_sorted_by_reference(client: TestClient) -> None:
    north = council_with_staff(client, "North")
    rows = long_list(12)
    response = upload(client, north.council_id, north.staff, list(reversed(rows)))
    lines = "".join(
        f"{r['reference']}\t{r['theme']}\t{r['primary_need']}\t{r['age_band']}\n"
        for r in sorted(rows, key=lambda r: r["reference"])
    )
    assert response.json()["list_sha256"] == hashlib.sha256(lines.encode()).hexdigest()


def by_hand(rows: list[dict[str, str]], seed: int, primary: int, reserve: int) -> tuple[list[str], list[str]]:
    """The README's algorithm, written again from its words."""

    def key(value: str) -> str:
        return hashlib.sha256(f"{seed}:{value}".encode()).hexdigest()

    themes: dict[str, list[str]] = {}
    for row in rows:
        themes.setdefault(row["theme"], []).append(row["reference"])
    for refs in themes.values():
        refs.sort(key=key)
    order = sorted(themes, key=lambda theme: key(f"theme:{theme}"))

    def rounds(count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            for theme in order:
                if themes[theme] and len(out) < count:
                    out.append(themes[theme].pop(0))
        return out

    return rounds(primary), rounds(reserve)


def test_the_pick_is_the_same_for_the_same_seed_and_stratified(client: TestClient) -> None:
    team = team_token(client)
    rows = long_list()
    results = []
    for name in ("North", "South", "East"):
        council = council_with_staff(client, name)
        assert upload(client, council.council_id, council.staff, rows).status_code == 201
        seed = 1234 if name != "East" else 99
        response = pick(client, council.council_id, team, seed=seed)
        assert response.status_code == 201, response.text
        results.append(response.json())
    north, south, east = results
    assert (north["primary"], north["reserve"]) == (south["primary"], south["reserve"])
    assert north["list_sha256"] == south["list_sha256"] == east["list_sha256"]
    assert (north["primary"], north["reserve"]) != (east["primary"], east["reserve"])
    assert (north["primary"], north["reserve"]) == by_hand(rows, 1234, 6, 4)
    theme_of = {row["reference"]: row["theme"] for row in rows}
    for made in results:
        # 7 themes, 6 primaries: 6 different themes. Reserves: 4 different themes.
        assert len({theme_of[ref] for ref in made["primary"]}) == 6
        assert len({theme_of[ref] for ref in made["reserve"]}) == 4
        assert not set(made["primary"]) & set(made["reserve"])


def test_no_theme_gets_a_second_until_every_theme_has_one(client: TestClient) -> None:
    team = team_token(client)
    north = council_with_staff(client, "North")
    rows = long_list(30)
    upload(client, north.council_id, north.staff, rows)
    made = pick(client, north.council_id, team, primary=10, reserve=9, seed=5).json()
    theme_of = {row["reference"]: row["theme"] for row in rows}
    primaries = [theme_of[ref] for ref in made["primary"]]
    assert len(set(primaries[:7])) == 7 and len(set(primaries[7:])) == 3
    reserves = [theme_of[ref] for ref in made["reserve"]]
    assert len(set(reserves[:7])) == 7


def test_the_pick_is_audited_refused_twice_and_can_be_voided(client: TestClient) -> None:
    team = team_token(client)
    north = council_with_staff(client, "North")
    upload(client, north.council_id, north.staff, long_list())
    assert pick(client, north.council_id, north.staff).status_code == 403
    made = pick(client, north.council_id, team)
    assert made.status_code == 201
    body = made.json()
    assert isinstance(body["seed"], int)
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "selection.made")).one()
        assert event.detail["seed"] == body["seed"]
        assert event.detail["list_sha256"] == body["list_sha256"]
        assert audit.first_broken(session) is None
        # The rest of the list is gone; only its fingerprint stays.
        assert session.scalar(select(func.count()).select_from(LongListRow)) == 0
    assert pick(client, north.council_id, team).status_code == 409
    for who in (north.staff, team, ADMIN):
        shown = client.get(f"/api/councils/{north.council_id}/selection", headers=who)
        assert shown.status_code == 200 and shown.json()["id"] == body["id"]
    south = council_with_staff(client, "South")
    assert client.get(f"/api/councils/{north.council_id}/selection", headers=south.staff).status_code == 404

    url = f"/api/councils/{north.council_id}/selection/{body['id']}/void"
    assert client.post(url, json={"reason": "wrong list"}, headers=north.staff).status_code == 403
    assert client.post(url, json={"reason": ""}, headers=team).status_code == 422
    voided = client.post(url, json={"reason": "The council sent last year's list"}, headers=team)
    assert voided.status_code == 200 and voided.json()["voided_at"]
    assert client.get("/api/cases", headers=north.staff).json() == []
    # A new list, a new pick; the same references are picked again without a clash.
    assert upload(client, north.council_id, north.staff, long_list()).status_code == 201
    again = pick(client, north.council_id, team, seed=body["seed"])
    assert again.status_code == 201
    assert again.json()["primary"] == body["primary"]
    with session_scope() as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions.count("selection.made") == 2 and "selection.voided" in actions


def test_picked_references_become_cases_and_get_contact_details(client: TestClient) -> None:
    team = team_token(client)
    north = council_with_staff(client, "North")
    south = council_with_staff(client, "South")
    rows = long_list()
    upload(client, north.council_id, north.staff, rows)
    made = pick(client, north.council_id, team, seed=42).json()
    found = {case["reference"]: case for case in client.get("/api/cases", headers=north.staff).json()}
    assert set(found) == set(made["primary"]) | set(made["reserve"])
    theme_of = {row["reference"]: row["theme"] for row in rows}
    for ref, case in found.items():
        assert case["priority"] == ("primary" if ref in made["primary"] else "reserve")
        assert case["theme"] == theme_of[ref]
        assert case["has_phone"] is False and case["selection_id"] == made["id"]
    case_id = found[made["primary"][0]]["id"]
    body = {"phone": "07700 900321", "language": "pl"}
    assert client.patch(f"/api/cases/{case_id}", json=body, headers=south.staff).status_code == 404
    assert client.patch(f"/api/cases/{case_id}", json=body, headers=team).status_code == 403
    assert client.patch(f"/api/cases/{case_id}", json={"phone": "12"}, headers=north.staff).status_code == 422
    assert client.patch(f"/api/cases/{case_id}", json={"language": "xx"}, headers=north.staff).status_code == 422
    response = client.patch(f"/api/cases/{case_id}", json=body, headers=north.staff)
    assert response.status_code == 200, response.text
    assert response.json()["has_phone"] is True and response.json()["language"] == "pl"
    # A case loaded directly is not a picked one.
    direct = new_case(client, north.staff, "D-1")
    assert client.patch(f"/api/cases/{direct['id']}", json=body, headers=north.staff).status_code == 409
    # Once invited, the number is fixed.
    assert client.post(f"/api/cases/{case_id}/invite", headers=north.staff).status_code == 200
    assert client.patch(f"/api/cases/{case_id}", json=body, headers=north.staff).status_code == 409
    # A pick with someone contacted cannot be voided.
    url = f"/api/councils/{north.council_id}/selection/{made['id']}/void"
    assert client.post(url, json={"reason": "late change"}, headers=team).status_code == 409
