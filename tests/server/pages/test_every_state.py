"""Every staff and team page, for cases in every state the service can put them in: never a server error, and
always the plain-English word for the state.

The cases are driven the way the service drives them: created and invited through the API, texts answered by the
fake Twilio's status callbacks (signed, as Twilio signs them), conversations opened on the web chat, STOP and a
worrying message texted from the person's number, consent recorded by the domain (the only writer of records, as
the conversation records it), meetings booked, held and called off through the team's API, and the
re-confirmation job run with its clock moved on. Rasa is not running: nothing here needs the model.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from easyread.render import has
from server.domain import case_lists, cases, consent, conversations, handoffs, meetings, outbound
from server.domain.db import session_scope
from server.domain.models import Case, Handoff, Meeting, OutboundMessage
from server.settings import get_settings
from tests.fakes.twilio_api import FAKE_FROM_NUMBER, FakeTwilio
from tests.support import ADMIN, bearer, council_with_staff, page_user, sign_in, twilio_post

PUBLIC = "http://testserver"

# What staff read for each value: the words are the point of the test, so they are spelled out here.
STAGE_WORDS = {
    "created": "Not invited",
    "invited": "Invited",
    "engaged": "In conversation",
    "answered": "Answered",
    "scheduled": "Meeting booked",
    "completed": "Meeting done",
}
ANSWER_WORDS = {
    "no_answer": "No answer yet",
    "not_sure": "Not sure",
    "given": "Said yes",
    "declined": "Said no",
    "withdrawn": "Stopped taking part",
}
INVITE_WORDS = {
    "not_sent": "Not sent",
    "outbox": "In the outbox",
    "queued": "Sending",
    "accepted": "Sending",
    "scheduled": "Sending later",
    "sending": "Sending",
    "sent": "Sent",
    "delivered": "Delivered",
    "read": "Read",
    "partially_delivered": "Partly delivered",
    "failed": "Failed",
    "undelivered": "Not delivered",
    "canceled": "Cancelled",
    "blocked": "Blocked",
}
# Twilio's message statuses that only ever come in a status callback (https://www.twilio.com/docs/messaging/api/message-resource).
CALLBACK_ONLY = ("sent", "delivered", "failed", "undelivered", "accepted", "scheduled", "read", "partially_delivered")
REASON_WORDS = {
    "schedule": "Ready to book",
    "asked": "Asked for a person",
    "not_understood": "The helper did not understand them",
    "distress": "May be at risk",
    "withdrew": "Stopped taking part",
}
HANDOFF_WORDS = {
    "open": "New",
    "claimed": "Taken on",
    "scheduled": "Meeting booked",
    "completed": "Done",
    "cancelled": "Cancelled",
}
MEETING_WORDS = {"scheduled": "Booked", "completed": "Done", "cancelled": "Cancelled"}


@dataclass
class Expected:
    """Where a case should be, in the API's values."""

    status: str
    answer: str
    invitation: str
    check_at_start: bool = False
    language: str = "en"


@dataclass
class World:
    council_id: int
    staff: dict[str, str]
    team: dict[str, str]
    expected: dict[str, Expected] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


# -- driving cases


def _new(http: TestClient, world: World, reference: str, phone: str | None, **extra: str) -> dict[str, Any]:
    body: dict[str, Any] = {"reference": reference, "theme": cases.THEMES[len(world.ids) % len(cases.THEMES)]}
    body |= {"phone": phone} if phone else {}
    body |= extra
    response = http.post("/api/cases", json=body, headers=world.staff)
    assert response.status_code == 201, response.text
    case: dict[str, Any] = response.json()
    world.ids[reference] = case["id"]
    return case


def _invite(http: TestClient, world: World, reference: str) -> None:
    response = http.post(f"/api/cases/{world.ids[reference]}/invite", headers=world.staff)
    assert response.status_code < 300, response.text


def _invite_sid(case_id: int) -> str:
    with session_scope() as session:
        sid = session.scalar(
            select(OutboundMessage.provider_sid)
            .where(OutboundMessage.case_id == case_id, OutboundMessage.kind == "invite")
            .order_by(OutboundMessage.id.desc())
        )
    assert sid, "the invitation went through (the fake) Twilio"
    return sid


def _status_callback(http: TestClient, sid: str, status: str) -> None:
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32}
    if status in ("failed", "undelivered"):
        params["ErrorCode"] = "30008"
    response = twilio_post(http, "/twilio/status", params, PUBLIC)
    assert response.status_code == 204, response.text


def _text_in(http: TestClient, phone: str, body: str) -> None:
    """A text from the person's phone, to our number, as Twilio delivers it."""
    params = {"From": phone, "To": FAKE_FROM_NUMBER, "Body": body, "MessageSid": "SM" + uuid.uuid4().hex}
    response = twilio_post(http, "/twilio/sms", params, PUBLIC)
    assert response.status_code == 200, response.text


def _open_chat(http: TestClient, invite_code: str) -> None:
    """The person opens their invitation link: the page says hello with the code."""
    body = {"sender": uuid.uuid4().hex, "message": "/greet", "metadata": {"invite_code": invite_code}}
    response = http.post("/chat/messages", json=body)
    assert response.status_code == 200, response.text


def _consent(case_id: int, state: str, given_by: str = "person") -> None:
    """Consent as the conversation records it, after the read-back was confirmed."""
    with session_scope() as session:
        case = session.get(Case, case_id)
        assert case is not None
        notice = consent.notice_version(session, "en", "web", "Are you happy to take part?")
        consent.record(
            session,
            case,
            state=state,
            given_by=given_by,
            representative_role="family_member" if given_by == "representative" else None,
            notice=notice,
            channel="web",
            conversation_id=None,
            actor=f"{given_by}:web",
        )


def _ready(case_id: int) -> int:
    """Their meeting preferences were read back and confirmed: the case joins the team's queue."""
    with session_scope() as session:
        return handoffs.ready_to_schedule(session, case_id, "person:web").id


def _handoff(http: TestClient, world: World, handoff_id: int, action: str, **body: str) -> None:
    response = http.post(f"/api/handoffs/{handoff_id}/{action}", json=body or None, headers=world.team)
    assert response.status_code == 200, response.text


def _book(http: TestClient, world: World, handoff_id: int, at: datetime) -> None:
    _handoff(http, world, handoff_id, "schedule", at=at.isoformat(), how="phone")


def _phone(n: int) -> str:
    return f"+4477009005{n:02d}"


def _drive(http: TestClient, world: World, fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch) -> None:
    e = world.expected

    _new(http, world, "created", _phone(0))
    e["created"] = Expected("created", "no_answer", "not_sent")

    # Without a Twilio account the invitation waits in the local outbox.
    _new(http, world, "outbox", _phone(1))
    monkeypatch.delenv("TWILIO_ACCOUNT_SID")
    get_settings.cache_clear()
    _invite(http, world, "outbox")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", fake.account_sid)
    get_settings.cache_clear()
    e["outbox"] = Expected("invited", "no_answer", "outbox")

    _new(http, world, "queued", _phone(2))
    _invite(http, world, "queued")
    e["queued"] = Expected("invited", "no_answer", "queued")

    for n, status in enumerate(CALLBACK_ONLY, start=3):
        _new(http, world, status, _phone(n))
        _invite(http, world, status)
        _status_callback(http, _invite_sid(world.ids[status]), status)
        e[status] = Expected("invited", "no_answer", status)

    # Cancelled by Twilio before it went (a scheduled text): the case was never told.
    _new(http, world, "canceled", _phone(20))
    _invite(http, world, "canceled")
    _status_callback(http, _invite_sid(world.ids["canceled"]), "canceled")
    e["canceled"] = Expected("invited", "no_answer", "canceled")

    # A reserve for the same theme as the next case, so its "no" proposes this one in its place.
    blocked_theme = cases.THEMES[len(world.ids) % len(cases.THEMES)]
    _new(http, world, "blocked", _phone(21))
    _new(http, world, "reserve", _phone(22), theme=blocked_theme, priority="reserve")
    e["reserve"] = Expected("created", "no_answer", "not_sent")
    # STOP texted before any invitation: a "no", and the number is not texted again until START.
    _text_in(http, _phone(21), "STOP")
    _invite(http, world, "blocked")
    e["blocked"] = Expected("answered", "declined", "blocked")

    codes: dict[str, str] = {}
    for n, reference in enumerate(
        ("engaged", "unsure", "given", "representative", "declined", "withdrawn", "asked", "not_understood"), 30
    ):
        codes[reference] = _new(http, world, reference, _phone(n))["invite_code"]
        _invite(http, world, reference)
        _status_callback(http, _invite_sid(world.ids[reference]), "delivered")
        _open_chat(http, codes[reference])
    e["engaged"] = Expected("engaged", "no_answer", "delivered")

    with session_scope() as session:
        case = session.get(Case, world.ids["unsure"])
        assert case is not None
        conversations.mark_unsure(session, case)
    e["unsure"] = Expected("engaged", "not_sure", "delivered")

    _consent(world.ids["given"], "given")
    e["given"] = Expected("answered", "given", "delivered")
    _consent(world.ids["representative"], "given", given_by="representative")
    e["representative"] = Expected("answered", "given", "delivered")
    _consent(world.ids["declined"], "declined")
    e["declined"] = Expected("answered", "declined", "delivered")
    _consent(world.ids["withdrawn"], "given")
    _text_in(http, _phone(35), "stop")
    e["withdrawn"] = Expected("answered", "withdrawn", "delivered")

    with session_scope() as session:
        asked = handoffs.request(session, world.ids["asked"], None, "asked", "person:web").id
        handoffs.request(session, world.ids["not_understood"], None, "not_understood", "person:web")
        # Not sure, and wants to talk it through with a person.
        handoffs.request(session, world.ids["unsure"], None, "asked", "person:web")
    _handoff(http, world, asked, "claim")
    e["asked"] = Expected("engaged", "no_answer", "delivered")
    e["not_understood"] = Expected("engaged", "no_answer", "delivered")

    # A worrying text from the person's own phone: an urgent hand-off, at once, without the model.
    _new(http, world, "distress", _phone(40))
    _text_in(http, _phone(40), "Hello")
    _text_in(http, _phone(40), "my carer hits me")
    e["distress"] = Expected("engaged", "no_answer", "not_sent")

    far = datetime(2099, 7, 7, 13, 30, tzinfo=UTC)
    for n, reference in enumerate(("booked", "held", "called_off", "stopped_after_booking", "polish"), 50):
        extra = {"language": "pl"} if reference == "polish" else {}
        _new(http, world, reference, _phone(n), **extra)
        _consent(world.ids[reference], "given")
        _book(http, world, _ready(world.ids[reference]), far)
    e["booked"] = Expected("scheduled", "given", "not_sent")
    e["polish"] = Expected("scheduled", "given", "not_sent", language="pl")
    held = _handoff_of(world.ids["held"])
    _handoff(http, world, held, "complete")
    e["held"] = Expected("completed", "given", "not_sent")
    _handoff(http, world, _handoff_of(world.ids["called_off"]), "cancel")
    e["called_off"] = Expected("answered", "given", "not_sent")
    # STOP after booking: withdrawn, the meeting is called off and the team is told.
    _text_in(http, _phone(53), "STOP")
    e["stopped_after_booking"] = Expected("answered", "withdrawn", "not_sent")

    # Asked again before the meeting and no answer: the team checks consent at the start.
    _new(http, world, "check", _phone(60))
    _consent(world.ids["check"], "given")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=36)
    _book(http, world, _ready(world.ids["check"]), soon)
    for now in (datetime.now(UTC), soon - timedelta(hours=11)):
        response = http.post("/api/jobs/run", json={"now": now.isoformat()}, headers=ADMIN)
        assert response.status_code == 200, response.text
    e["check"] = Expected("scheduled", "given", "not_sent", check_at_start=True)


def _handoff_of(case_id: int) -> int:
    with session_scope() as session:
        found = session.scalar(select(Handoff.id).where(Handoff.case_id == case_id).order_by(Handoff.id.desc()))
    assert found is not None
    return found


@pytest.fixture
def world(rasa_down: None, twilio_env: FakeTwilio, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> World:
    council = council_with_staff(client, "North Council")
    team = client.post("/api/tokens", json={"role": "team", "name": "Jo"}, headers=ADMIN)
    assert team.status_code == 201, team.text
    found = World(council.council_id, council.staff, bearer(team.json()["token"]))
    _drive(client, found, twilio_env, monkeypatch)
    return found


@pytest.fixture
def team_client(client: TestClient) -> Iterator[TestClient]:
    """A second browser, signed in as someone on the team (the first is council staff)."""
    other = TestClient(client.app)
    sign_in(other, page_user(other, "team"))
    yield other


# -- reading pages


def _row(page: str, reference: str) -> str:
    """The table row of one case (or hand-off) on a list page."""
    rows: list[str] = [
        row
        for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S)
        if f">{reference}</a>" in row
    ]
    assert len(rows) == 1, f"{reference} is listed once"
    return rows[0]


def _shown(page: str) -> set[str]:
    return set(re.findall(r'<a class="govuk-link" href="/(?:staff/cases|team/handoffs)/\d+">([^<]+)</a>', page))


def _answer(case: dict[str, Any]) -> str:
    return case_lists.answer_of(case)


# -- the tests


def test_the_service_reaches_every_state(world: World, client: TestClient) -> None:
    """The drive above really puts cases in every state (so the page tests below cover them all)."""
    listed = {case["reference"]: case for case in client.get("/api/cases", headers=world.staff).json()}
    for reference, expected in world.expected.items():
        case = listed[reference]
        got = Expected(
            case["status"],
            _answer(case),
            case["invitation"]["status"],
            case["check_consent_at_start"],
            case["language"],
        )
        assert got == expected, reference
    assert {e.status for e in world.expected.values()} == set(cases.STATUSES)
    assert {e.answer for e in world.expected.values()} == set(case_lists.ANSWERS)
    reached = {e.invitation for e in world.expected.values()}
    assert reached >= {"not_sent", "outbox", "queued", "sent", "delivered", "failed", "undelivered", "blocked"}
    with session_scope() as session:
        reasons = set(session.scalars(select(Handoff.reason)))
        statuses = set(session.scalars(select(Handoff.status)))
    assert reasons == set(REASON_WORDS)
    assert statuses == set(HANDOFF_WORDS)


def test_every_value_the_domain_sets_has_a_word_for_staff() -> None:
    """A status added to the domain without a word for the pages fails here, before any page can."""
    for status in cases.STATUSES:
        assert has(f"pages.status_{status}", "en"), status
    for answer in case_lists.ANSWERS:
        assert has(f"pages.answer_{answer}", "en"), answer
    for status in (*cases.INVITE_STATUSES, *outbound.TWILIO_STATUSES):
        assert has(f"pages.invite_{status}", "en"), status
    for status in (*outbound.TWILIO_STATUSES, "outbox", "not_sent", "blocked", "contact_representative"):
        assert has(f"pages.told_{status}", "en"), status
    for reason in handoffs.ALL_REASONS:
        assert has(f"pages.reason_{reason}", "en"), reason
    for status in handoffs.STATUSES:
        assert has(f"pages.handoff_{status}", "en"), status
    for status in meetings.STATUSES:
        assert has(f"pages.meeting_{status}", "en"), status
    for language in cases.LANGUAGES:
        assert has(f"pages.language_{language}", "en"), language


def test_the_staff_list_and_each_case_page_name_every_state(world: World, client: TestClient) -> None:
    sign_in(client, page_user(client, "council_staff", world.council_id))
    listing = client.get("/staff/cases")
    assert listing.status_code == 200, listing.text[-500:]
    for reference, expected in world.expected.items():
        row = _row(listing.text, reference)
        for word in (STAGE_WORDS[expected.status], ANSWER_WORDS[expected.answer], INVITE_WORDS[expected.invitation]):
            assert word in row, (reference, word)
        page = client.get(f"/staff/cases/{world.ids[reference]}")
        assert page.status_code == 200, reference
        for word in (STAGE_WORDS[expected.status], ANSWER_WORDS[expected.answer], INVITE_WORDS[expected.invitation]):
            assert word in page.text, (reference, word)
        assert ("Check their answer at the start of the meeting" in page.text) == expected.check_at_start, reference
    assert "Someone answered for them" in client.get(f"/staff/cases/{world.ids['representative']}").text
    assert "We suggest reserve. It has the same theme." in client.get(f"/staff/cases/{world.ids['blocked']}").text
    assert "This person does not want to take part." in client.get(f"/staff/cases/{world.ids['blocked']}").text


def test_every_filter_and_the_csv_file_work_for_every_state(world: World, client: TestClient) -> None:
    sign_in(client, page_user(client, "council_staff", world.council_id))
    listed = {case["reference"]: case for case in client.get("/api/cases", headers=world.staff).json()}
    page = client.get("/staff/cases").text
    for status, word in STAGE_WORDS.items():
        assert f'<option value="{status}">{word}</option>' in page, "every stage can be chosen"
    for name, values in (("status", cases.STATUSES), ("answer", case_lists.ANSWERS)):
        for value in values:
            wanted = {ref for ref, e in world.expected.items() if getattr(e, name) == value}
            response = client.get(f"/staff/cases?{name}={value}")
            assert response.status_code == 200, (name, value)
            assert _shown(response.text) == wanted, (name, value)
            download = client.get(f"/staff/cases.csv?{name}={value}")
            assert download.status_code == 200
            found = {row["reference"] for row in csv.DictReader(io.StringIO(download.text))}
            assert found == wanted, (name, value)
    for theme in cases.THEMES:
        wanted = {ref for ref, case in listed.items() if case["theme"] == theme}
        assert _shown(client.get(f"/staff/cases?theme={theme}").text) == wanted
    for priority in cases.PRIORITIES:
        wanted = {ref for ref, case in listed.items() if case["priority"] == priority}
        assert _shown(client.get(f"/staff/cases?priority={priority}&status=&answer=").text) == wanted

    saved = {row["reference"]: row for row in csv.DictReader(io.StringIO(client.get("/staff/cases.csv").text))}
    assert set(saved) == set(world.expected)
    for reference, expected in world.expected.items():
        row = saved[reference]
        assert (row["status"], row["answer"], row["invitation"]) == (
            expected.status,
            expected.answer,
            expected.invitation,
        ), reference


def test_the_team_queue_and_every_hand_off_page_name_every_state(
    world: World, client: TestClient, team_client: TestClient
) -> None:
    with session_scope() as session:
        every = [(h.id, h.case_id, h.reason, h.status) for h in session.scalars(select(Handoff).order_by(Handoff.id))]
    reference_of = {case_id: ref for ref, case_id in world.ids.items()}
    queue = team_client.get("/team/handoffs")
    assert queue.status_code == 200, queue.text[-500:]
    for handoff_id, case_id, reason, status in every:
        reference = reference_of[case_id]
        if status in ("completed", "cancelled"):
            assert f'href="/team/handoffs/{handoff_id}"' not in queue.text, "finished work leaves the queue"
        else:
            row = _row(queue.text, reference)
            assert REASON_WORDS[reason] in row and HANDOFF_WORDS[status] in row, reference
        page = team_client.get(f"/team/handoffs/{handoff_id}")
        assert page.status_code == 200, reference
        expected = world.expected[reference]
        assert REASON_WORDS[reason] in page.text, reference
        assert ANSWER_WORDS[expected.answer] in page.text, reference
        assert {"en": "English", "pl": "Polish"}[expected.language] in page.text, reference
        assert ("Check their answer at the start of the meeting" in page.text) == expected.check_at_start
        meeting = client.get(f"/api/handoffs/{handoff_id}", headers=world.team).json()["meeting"]
        if meeting is not None:
            assert MEETING_WORDS[meeting["status"]] in page.text, reference
        schedule = team_client.get(f"/team/handoffs/{handoff_id}/schedule")
        assert schedule.status_code == 200, reference
    assert "Urgent" in _row(queue.text, "distress")
    assert "Jo has taken this on." in team_client.get(f"/team/handoffs/{_handoff_of(world.ids['asked'])}").text


# -- reading changes nothing


def _everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a fixed order: what a GET must leave exactly as it was."""
    from server.domain.models import Base

    with session_scope() as session:
        return {
            table.name: [tuple(row) for row in session.execute(table.select().order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


def _get_paths(world: World, client: TestClient) -> list[str]:
    """Every GET route of the app, each path parameter filled with real values from the world (every case, every
    hand-off), so each page and API answer is read in every state."""
    from server.channels.voice import prompts

    with session_scope() as session:
        handoff_ids = list(session.scalars(select(Handoff.id)))
        meeting_ids = list(session.scalars(select(Meeting.id)))
        code = session.scalars(select(Case.invite_code).where(Case.invite_code.is_not(None))).first()
    prompt = prompts.audio_cache("en").remember("Hello.")
    # A chat message's reply, for its Listen link.
    asked = client.post("/chat/messages", json={"sender": "every-state-listen", "message": "hello"})
    listen = asked.json()[0]["audio"]
    assert prompt is not None and code is not None and meeting_ids
    values: dict[str, list[str]] = {
        "case_id": [str(i) for i in world.ids.values()],
        "council_id": [str(world.council_id)],
        "handoff_id": [str(i) for i in handoff_ids],
        "invite_code": [code],
        "token": [meetings.link_token(i) for i in meeting_ids],
        "name": [f"{prompt}.wav"],
        "link": [listen.rsplit("/", 1)[1]],
    }
    paths: list[str] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif "GET" in (getattr(route, "methods", None) or ()):
                found = [p for p in values if "{" + p + "}" in route.path]
                assert len(found) == len(re.findall(r"\{", route.path)), f"no values for {route.path}"
                filled = [route.path]
                for parameter in found:
                    filled = [f.replace("{" + parameter + "}", v) for f in filled for v in values[parameter]]
                paths.extend(filled)

    walk(client.app.router.routes)  # type: ignore[attr-defined]
    return paths


def test_no_get_changes_anything(world: World, client: TestClient, team_client: TestClient) -> None:
    """Reading is only reading: every GET route, for every case and hand-off, as admin, council staff and the team
    (by token and signed in to the pages) and as nobody, leaves every row of every table as it was."""
    paths = _get_paths(world, client)
    assert len(paths) > 100
    sign_in(client, page_user(client, "council_staff", world.council_id))
    anonymous = TestClient(client.app)
    before = _everything()
    statuses: set[int] = set()
    for path in paths:
        for http, headers in (
            (anonymous, {}),
            (anonymous, ADMIN),
            (anonymous, world.staff),
            (anonymous, world.team),
            (client, {}),
            (team_client, {}),
        ):
            response = http.get(path, headers=headers, follow_redirects=False)
            assert response.status_code < 500, (path, response.status_code)
            statuses.add(response.status_code)
    after = _everything()
    for table, rows in before.items():
        assert after[table] == rows, f"a GET changed {table}"
    # Both answers were really read, not only refused.
    assert 200 in statuses and statuses & {401, 403}
