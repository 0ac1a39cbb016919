"""`make screenshots`: PNGs of the main pages in docs/screenshots/, for the README.

Starts the real stack (trained model, Rasa, the server) on a throwaway SQLite database, fills it with made-up
cases through the API and the pages themselves, and photographs each page in Debian's Chromium. Each page is also
checked with axe-core on the way: a violation stops the run.
"""

from __future__ import annotations

import secrets
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from server.domain.db import upgrade
from tools import browser, stack
from tools.model import ROOT, ensure_model

OUT = ROOT / "docs" / "screenshots"
PASSWORD = secrets.token_urlsafe(18)
CASES = (
    "reference,theme,phone,priority\n"
    "NC-101,older_people,+447700900801,primary\n"
    "NC-102,older_people,+447700900802,reserve\n"
    "NC-103,unpaid_carer,+447700900803,primary\n"
    "NC-104,hospital_discharge,+447700900804,primary\n"
    "NC-105,unpaid_carer,+447700900805,reserve\n"
)
BAD = (
    "reference,theme,phone,priority\n"
    "NC-201,older_people,+447700900811,primary\n"
    ",older_people,+447700900812,primary\n"
    "NC-203,pensioners,+447700900813,primary\n"
    "NC-204,unpaid_carer,0123,soon\n"
)


def shoot(page: Page, name: str, full_page: bool = True) -> None:
    violations = browser.axe_violations(page)
    if violations:
        raise SystemExit(f"axe-core found violations on {name}:\n{browser.describe(violations)}")
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"  {path.relative_to(ROOT)}", flush=True)


def say(http: httpx.Client, code: str, sender: str, message: str) -> None:
    body = {"sender": sender, "message": message, "metadata": {"invite_code": code}}
    http.post("/chat/messages", json=body).raise_for_status()


def chat_reply(page: Page) -> None:
    page.wait_for_function("() => !document.getElementById('send').disabled && document.querySelector('.msg-bot')")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    admin = secrets.token_urlsafe(24)
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    url = f"sqlite:///{work / 'screenshots.db'}"
    upgrade(url)
    print("Starting Rasa and the server...", flush=True)
    running = stack.start(ensure_model(quiet=True), {"DATABASE_URL": url, "ADMIN_TOKEN": admin}, work / "logs")
    headers = {"Authorization": f"Bearer {admin}"}
    try:
        with httpx.Client(base_url=running.server_url, timeout=30) as http, sync_playwright() as playwright:
            fieldwork = (date.today() + timedelta(days=30)).isoformat()
            council = http.post(
                "/api/councils", json={"name": "North Council", "fieldwork_date": fieldwork}, headers=headers
            ).json()["id"]
            for email, role, council_id in (
                ("sam@north.example.org", "council_staff", council),
                ("jo@team.example.org", "team", None),
            ):
                body = {"email": email, "password": PASSWORD, "role": role, "council_id": council_id}
                http.post("/api/users", json=body, headers=headers).raise_for_status()
            chromium = browser.launch(playwright)
            page = chromium.new_page(viewport={"width": 1024, "height": 768})
            base = running.server_url

            def sign_in(email: str) -> None:
                page.context.clear_cookies()
                page.goto(f"{base}/sign-in")
                page.get_by_label("Email address").fill(email)
                page.get_by_label("Password", exact=True).fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()

            page.goto(f"{base}/sign-in")
            shoot(page, "sign-in", full_page=False)
            sign_in("sam@north.example.org")
            for name, text in (("bad", BAD), ("cases", CASES)):
                (work / f"{name}.csv").write_text(text, encoding="utf-8")
            page.goto(f"{base}/staff/upload")
            page.get_by_label("Choose a CSV file").set_input_files(str(work / "bad.csv"))
            page.get_by_role("button", name="Load the file").click()
            page.evaluate("() => window.scrollTo(0, 0)")
            shoot(page, "staff-upload-problems")
            page.get_by_label("Choose a CSV file").set_input_files(str(work / "cases.csv"))
            page.get_by_role("button", name="Load the file").click()

            cases = {case["reference"]: case for case in http.get("/api/cases", headers=headers).json()}
            # NC-101 says yes and how to meet (on the web chat); NC-103 says no, so a reserve is proposed.
            yes, no = cases["NC-101"]["invite_code"], cases["NC-103"]["invite_code"]
            sender = uuid.uuid4().hex
            for message in ["/greet", "/identify_self", *["/continue"] * 7, "/affirm", "/affirm"]:
                say(http, yes, sender, message)
            for message in ("how:home", "support:bsl", "day:tuesday", "time:morning", "skip", "contact:text"):
                say(http, yes, sender, message)
            say(http, yes, sender, "/affirm")
            other = uuid.uuid4().hex
            for message in ["/greet", "/identify_self", *["/continue"] * 7, "/deny", "/affirm"]:
                say(http, no, other, message)
            http.post(f"/api/cases/{cases['NC-104']['id']}/invite", headers=headers)

            page.goto(f"{base}/staff/cases")
            shoot(page, "staff-cases")
            page.locator(".app-progress").screenshot(path=str(OUT / "progress-panel.png"))
            print(f"  {(OUT / 'progress-panel.png').relative_to(ROOT)}", flush=True)
            page.goto(f"{base}/staff/cases/{cases['NC-103']['id']}")
            shoot(page, "staff-case-reserve")

            sign_in("jo@team.example.org")
            shoot(page, "team-queue")
            page.get_by_role("link", name="NC-101").click()
            page.get_by_role("button", name="Take this on").click()
            shoot(page, "team-case")
            page.get_by_role("button", name="Book a meeting").click()
            day = date.today() + timedelta(days=10)
            for label, value in (("Day", day.day), ("Month", day.month), ("Year", day.year), ("Hour", 10)):
                page.get_by_label(label).fill(str(value))
            page.get_by_label("Minute").fill("30")
            page.get_by_label("Who is coming").fill("Jo and a British Sign Language interpreter")
            shoot(page, "team-booking-form")

            chat = chromium.new_page(viewport={"width": 1024, "height": 900})
            case = cases["NC-102"]
            chat.goto(f"{base}/start/{case['invite_code']}")
            chat_reply(chat)
            for title in ("It is for me", "Next", "Next"):
                count = chat.locator(".msg-bot").count()
                chat.locator("#choices").get_by_role("button", name=title, exact=True).click()
                chat.wait_for_function(
                    "(n) => document.querySelectorAll('.msg-bot').length > n"
                    " && !document.getElementById('send').disabled",
                    arg=count,
                )
            shoot(chat, "chat", full_page=False)
            phone = chromium.new_page(viewport={"width": 320, "height": 640})
            phone.goto(f"{base}/start/{cases['NC-104']['invite_code']}")
            chat_reply(phone)
            shoot(phone, "chat-320px", full_page=False)
            chromium.close()
    finally:
        running.stop()


if __name__ == "__main__":
    main()
