"""The assessment team in a real browser: a person says yes and how they would like to meet on the web chat, and
the team finds them in the queue, takes the case on and books the meeting; the person is texted."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
import pytest

from tests.e2e.browser.conftest import Checked, sign_in
from tests.e2e.people import WebPerson, case_of
from tests.fakes.twilio_api import FakeTwilio
from tests.support import council_with_staff, new_case, page_user

pytestmark = pytest.mark.e2e


def ready_to_book(http: httpx.Client, phone: str) -> tuple[dict[str, str], dict[str, object]]:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, f"T-{uuid.uuid4().hex[:6]}", phone=phone)
    person = WebPerson(http, str(case["invite_code"]))
    person.say("/greet")
    person.say("/identify_self")
    person.to_question()
    person.say("/affirm")
    person.say("/affirm")
    for answer in ("how:video", "support:bsl", "day:tuesday", "time:afternoon", "skip", "contact:text", "/affirm"):
        person.say(answer)
    return council.staff, case


def test_the_team_books_a_meeting_from_the_queue(checked: Checked, http: httpx.Client, fake_twilio: FakeTwilio) -> None:
    staff, case = ready_to_book(http, "+447700900701")
    reference = str(case["reference"])
    email = page_user(http, "team")
    sign_in(checked, email)
    page = checked.page
    assert page.get_by_role("heading", level=1).inner_text() == "Work to do"
    row = page.locator("tbody tr", has=page.get_by_role("link", name=reference, exact=True))
    assert "Ready to book" in row.inner_text() and "Nobody yet" in row.inner_text()
    checked.click(page.get_by_role("link", name=reference, exact=True), "hand-off")
    for detail in ("Video call", "British Sign Language interpreter", "Tuesday", "Afternoon", "+447700900701"):
        assert page.get_by_text(detail).first.is_visible(), detail

    checked.click(page.get_by_role("button", name="Take this on"), "hand-off taken on")
    assert page.get_by_text(f"{email} has taken this on.").is_visible()
    checked.click(page.get_by_role("button", name="Book a meeting"), "booking form")
    assert page.get_by_label("Video call").is_checked(), "their one choice is picked already"

    checked.click(page.get_by_role("button", name="Book the meeting"), "booking form with errors")
    assert page.get_by_role("link", name="Enter a real date").is_visible()
    day = date.today() + timedelta(days=10)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Hour").fill("10")
    page.get_by_label("Minute").fill("30")
    page.get_by_label("Who is coming").fill("Jo and Sam from the team")
    checked.click(page.get_by_role("button", name="Book the meeting"), "meeting booked")

    assert page.get_by_text("The meeting is booked. We have told the person.").is_visible()
    assert page.get_by_text("at 10:30am").first.is_visible()
    assert any("10:30am" in sms for sms in fake_twilio.sms_to("+447700900701"))
    assert case_of(http, staff, int(str(case["id"])))["status"] == "scheduled"
    checked.goto("/team/handoffs", "queue after booking")
    assert "Meeting booked" in page.locator("tbody tr", has=page.get_by_role("link", name=reference)).inner_text()
