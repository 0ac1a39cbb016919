"""A dedicated team with many councils, in a real browser at 1280 x 800: the queue comes first (its first hand-off
on screen without scrolling), then one progress table with a row per council, councils at risk or with the soonest
fieldwork first, each linking to that council's work; the same table as a CSV file; axe-core finds nothing.

Its own server and database (without Rasa: every answer here is a button), so the table holds exactly these
councils."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from server.domain.db import upgrade
from tests.e2e.browser.conftest import checked_page, sign_in
from tests.e2e.people import WebPerson
from tests.support import ADMIN, ADMIN_TOKEN, bearer, page_user
from tools import stack

pytestmark = pytest.mark.e2e
COUNCILS = 25


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("team")
    url = f"sqlite:///{workdir / 'team.db'}"
    upgrade(url)
    port, nothing_there = stack.free_port(), stack.free_port()
    env = {"DATABASE_URL": url, "ADMIN_TOKEN": ADMIN_TOKEN, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    env |= {"RASA_URL": f"http://127.0.0.1:{nothing_there}", "JOBS_INTERVAL_SECONDS": "0"}
    log = workdir / "server.log"
    server = stack.start_server(port, env, log)
    try:
        stack.wait_until_up(f"http://127.0.0.1:{port}/healthz", server, 60, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=15)


def ready(http: httpx.Client, staff: dict[str, str], reference: str, phone: str, support: str) -> None:
    """A person who said yes and how to meet by pressing buttons: a hand-off in the team's queue."""
    body = {"reference": reference, "theme": "older_people", "phone": phone}
    case = http.post("/api/cases", json=body, headers=staff).json()
    person = WebPerson(http, str(case["invite_code"]))
    person.say("/greet")
    person.say("/identify_self")
    person.to_question()
    person.say("/affirm")
    person.say("/affirm")
    for answer in ("how:phone", support, "day:monday", "time:morning", "skip", "contact:text", "/affirm"):
        person.say(answer)


def many_councils(http: httpx.Client) -> list[dict[str, Any]]:
    """25 councils: fieldwork from 9 days to about 4 months away (every 6th without a date), each with cases."""
    made = []
    for i in range(COUNCILS):
        fieldwork = None if i % 6 == 5 else (date.today() + timedelta(days=9 + 5 * ((i * 7) % COUNCILS))).isoformat()
        council = http.post(
            "/api/councils", json={"name": f"Council {i + 1:02d}", "fieldwork_date": fieldwork}, headers=ADMIN
        )
        council_id = council.json()["id"]
        token = http.post(
            "/api/tokens", json={"role": "council_staff", "council_id": council_id, "name": "s"}, headers=ADMIN
        ).json()["token"]
        staff = bearer(token)
        for n in range(2):
            body = {"reference": f"C{i:02d}-{n}", "theme": "older_people", "phone": f"+447700900{300 + i * 2 + n:03d}"}
            assert http.post("/api/cases", json=body, headers=staff).status_code == 201
        made.append({"id": council_id, "staff": staff})
    # 3 people waiting for the team, one of them asked for someone who has had care too.
    for k, support in enumerate(("support:lived_experience", "support:easy_read", "none")):
        ready(http, made[k]["staff"], f"Q-{k}", f"+447700900{(400 + k):03d}", support)
    return made


def test_25_councils_queue_first_one_table_and_its_csv(browser: Browser, team_server: str, tmp_path: Path) -> None:
    with httpx.Client(base_url=team_server, timeout=30) as http, checked_page(browser, team_server) as checked:
        many_councils(http)
        email = page_user(http, "team")
        page = checked.page
        page.set_viewport_size({"width": 1280, "height": 800})
        sign_in(checked, email)
        checked.goto("/team/handoffs", "the team's page with 25 councils")

        # The queue first: its first hand-off is on screen without scrolling.
        first = page.locator("#queue tbody tr").first
        box = first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800, box
        assert page.evaluate("() => window.scrollY") == 0
        assert "Wants someone who has had care" in page.locator("#queue tbody").inner_text()
        # What it looks like (TEAM_SCREENSHOT names a file to keep it).
        shot = Path(os.environ.get("TEAM_SCREENSHOT", str(tmp_path / "team.png")))
        page.screenshot(path=str(shot))
        page.screenshot(path=str(shot.with_name(shot.stem + "-full.png")), full_page=True)

        # Then one table, a row per council, at risk or soonest fieldwork first.
        rows = page.locator("#councils tbody tr")
        assert rows.count() == COUNCILS
        names = [rows.nth(i).locator("th").inner_text() for i in range(COUNCILS)]
        team = bearer(http.post("/api/tokens", json={"role": "team", "name": "Jo"}, headers=ADMIN).json()["token"])
        by_name = {}
        for i in range(COUNCILS):
            council_id = int(str(rows.nth(i).locator("a").get_attribute("href")).rsplit("=", 1)[1])
            found = http.get(f"/api/councils/{council_id}/progress", headers=team).json()
            by_name[found["council_name"]] = found
        expected = sorted(
            by_name.values(),
            key=lambda p: (not p["at_risk"], p["fieldwork_date"] is None, p["fieldwork_date"] or "", p["council_name"]),
        )
        assert names == [p["council_name"] for p in expected]
        assert by_name[names[0]]["at_risk"], "a council at risk comes first"
        assert by_name[names[-1]]["fieldwork_date"] is None

        # The same table as CSV: the same councils, in the same order, with the same counts.
        response = page.request.get(team_server + "/team/councils.csv")
        assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
        table = list(csv.DictReader(io.StringIO(response.text())))
        assert [row["council"] for row in table] == names
        for row in table:
            shown = by_name[row["council"]]
            assert int(row["people_needed"]) == shown["needed"] in (2, 3)
            assert int(row["at_risk"]) == len(shown["at_risk"])
            assert row["fieldwork_date"] == (shown["fieldwork_date"] or "")
        assert sum(int(row["expert_by_experience_asked"]) for row in table) == 1

        # Each row links to that council's work.
        council_link = rows.first.get_by_role("link")
        checked.click(council_link, "one council's work")
        assert page.get_by_role("heading", level=1).inner_text() == f"Work to do: {names[0]}"
