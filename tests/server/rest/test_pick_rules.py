"""The pick's size and allocation rules, through the real server, against the README's words ("The pick") written
again here by hand: a share of the list with a floor and a ceiling, and proportional allocation on an uneven list."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.domain import audit
from server.domain.db import session_scope
from server.domain.models import AuditEvent
from tests.server.rest.test_selection import THEMES, team_token, upload
from tests.support import council_with_staff


def uneven(older: int = 30, others: int = 5) -> list[dict[str, str]]:
    """`older` rows of older people and `others` rows of each other theme."""
    rows = [{"reference": f"O-{i:03d}", "theme": "older_people"} for i in range(older)]
    for theme in THEMES[1:]:
        rows += [{"reference": f"{theme[:4].upper()}-{i:02d}", "theme": theme} for i in range(others)]
    return [{**row, "primary_need": "Personal care", "age_band": "65-74"} for row in rows]


def by_hand(
    rows: list[dict[str, str]], seed: int, places: int | dict[str, float], reserve: int, allocation: str
) -> tuple[list[str], list[str]]:
    """The README's steps, one by one, in integers where it speaks of fractions."""

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    # Step 1 and 2.
    refs: dict[str, list[str]] = {}
    for row in rows:
        refs.setdefault(row["theme"], []).append(row["reference"])
    for theme in refs:
        refs[theme].sort(key=lambda ref: sha(f"{seed}:{ref}"))
    order = sorted(refs, key=lambda theme: sha(f"{seed}:theme:{theme}"))
    # Step 3: "times the share, rounded down", written as a fraction of whole numbers (0.125 is 125 / 1000).
    if isinstance(places, dict):
        numerator = round(places["share"] * 1000)
        count = len(rows) * numerator // 1000
        count = max(int(places["min"]), min(int(places["max"]), count))
    else:
        count = places

    def allot(count: int) -> dict[str, int]:
        themes = [theme for theme in order if refs[theme]]
        total = sum(len(refs[theme]) for theme in themes)
        count = min(count, total)
        got = dict.fromkeys(themes, 0)
        if allocation == "round_robin":
            while sum(got.values()) < count:
                for theme in themes:
                    if sum(got.values()) < count and got[theme] < len(refs[theme]):
                        got[theme] += 1
            return got
        # quota = count * rows / total; rounded down is the integer division, the remainder its leftover.
        for theme in themes:
            got[theme] = count * len(refs[theme]) // total
        leftover = {theme: count * len(refs[theme]) % total for theme in themes}
        for _ in range(count - sum(got.values())):
            best = max(leftover.values())
            theme = next(t for t in themes if leftover[t] == best)
            got[theme] += 1
            leftover[theme] = -1
        if count >= len(themes):
            for theme in themes:
                if got[theme] == 0:
                    most = max(got.values())
                    donor = [t for t in themes if got[t] == most][-1]
                    got[donor] -= 1
                    got[theme] = 1
        return got

    def listed(got: dict[str, int]) -> list[str]:
        out: list[str] = []
        for round_number in range(max(got.values(), default=0)):
            for theme in order:
                if got.get(theme, 0) > round_number:
                    out.append(refs[theme][round_number])
        for theme, n in got.items():
            refs[theme] = refs[theme][n:]
        return out

    primaries = listed(allot(count))
    return primaries, listed(allot(reserve))


def pick(http: httpx.Client, council_id: int, team: dict[str, str], **body: Any) -> httpx.Response:
    return http.post(f"/api/councils/{council_id}/selection", json=body, headers=team)


def fresh(client: TestClient, name: str, rows: list[dict[str, str]]) -> int:
    council = council_with_staff(client, name)
    assert upload(client, council.council_id, council.staff, rows).status_code == 201
    return council.council_id


def test_proportional_gives_a_large_theme_more_places_reproducibly_and_as_by_hand(client: TestClient) -> None:
    team = team_token(client)
    rows = uneven()
    theme_of = {row["reference"]: row["theme"] for row in rows}
    made = []
    for name in ("North", "South"):
        council_id = fresh(client, name, rows)
        response = pick(client, council_id, team, primary=6, reserve=4, seed=2027, allocation="proportional")
        assert response.status_code == 201, response.text
        made.append(response.json())
    north, south = made
    assert north["allocation"] == "proportional" and north["size"] is None and north["primary_count"] == 6
    # 30 of 60 rows are older people: 3 of 6 places, where round robin gives 1.
    assert Counter(theme_of[ref] for ref in north["primary"])["older_people"] == 3
    assert (north["primary"], north["reserve"]) == (south["primary"], south["reserve"])
    assert (north["primary"], north["reserve"]) == by_hand(rows, 2027, 6, 4, "proportional")
    round_robin = pick(client, fresh(client, "East", rows), team, primary=6, reserve=4, seed=2027).json()
    assert round_robin["allocation"] == "round_robin"
    assert Counter(theme_of[ref] for ref in round_robin["primary"])["older_people"] == 1
    assert (round_robin["primary"], round_robin["reserve"]) == by_hand(rows, 2027, 6, 4, "round_robin")


def test_a_share_of_the_list_with_a_floor_and_a_ceiling(client: TestClient) -> None:
    team = team_token(client)
    size = {"share": 0.125, "min": 6, "max": 12}
    for count, expected in ((60, 7), (40, 6), (150, 12)):
        rows = uneven(count - 30, 5)
        body = {"size": size, "reserve": 4, "seed": 11, "allocation": "proportional"}
        response = pick(client, fresh(client, f"C{count}", rows), team, **body)
        assert response.status_code == 201, response.text
        made = response.json()
        assert made["size"] == size and made["primary_count"] == expected == len(made["primary"])
        assert (made["primary"], made["reserve"]) == by_hand(rows, 11, size, 4, "proportional")


def test_every_theme_gets_a_place_when_there_are_as_many_places_as_themes(client: TestClient) -> None:
    team = team_token(client)
    rows = uneven(30, 2)  # 42 rows: older people's quota of 8 places is 5.7, each other theme's 0.38
    made = pick(client, fresh(client, "North", rows), team, primary=8, reserve=6, seed=3, allocation="proportional")
    assert made.status_code == 201, made.text
    theme_of = {row["reference"]: row["theme"] for row in rows}
    counts = Counter(theme_of[ref] for ref in made.json()["primary"])
    assert set(counts) == set(THEMES) and counts["older_people"] == 2
    assert (made.json()["primary"], made.json()["reserve"]) == by_hand(rows, 3, 8, 6, "proportional")


def test_the_rules_are_recorded_with_the_seed_and_bad_rules_are_refused(client: TestClient) -> None:
    team = team_token(client)
    council_id = fresh(client, "North", uneven())
    for body in (
        {"primary": 6, "size": {"share": 0.1, "min": 6, "max": 12}},
        {"size": {"share": 0, "min": 6, "max": 12}},
        {"size": {"share": 1.5, "min": 6, "max": 12}},
        {"size": {"share": 0.1, "min": 9, "max": 6}},
        {"size": {"share": 0.1, "min": 0, "max": 6}},
        {"allocation": "by_lottery"},
    ):
        assert pick(client, council_id, team, **body).status_code == 422, body
    body = {"size": {"share": 0.1, "min": 2, "max": 9}, "allocation": "proportional", "seed": 5}
    made = pick(client, council_id, team, **body).json()
    assert made["primary_count"] == 6  # 60 rows x 0.1
    shown = client.get(f"/api/councils/{council_id}/selection", headers=team).json()
    assert shown["allocation"] == "proportional" and shown["size"] == body["size"]
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "selection.made")).one()
        assert event.detail["allocation"] == "proportional" and event.detail["size"] == body["size"]
        assert event.detail["seed"] == 5
        assert audit.first_broken(session) is None
