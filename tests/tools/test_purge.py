"""`make purge` as it is run: a subprocess on DATABASE_URL. After it, nothing personal of a purged case is left in
any table, anonymous counts are unchanged, the audit chain still verifies, and a recently closed council is untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import JSON, String, func, select

from easyread.render import same_for_everyone, text
from server.domain import consent, conversations, handoffs, outbound, retention
from server.domain.db import engine_for, session_scope
from server.domain.models import (
    AuditEvent,
    Base,
    Case,
    ConsentRecord,
    Conversation,
    Meeting,
    Message,
    OutboundMessage,
    Preferences,
    Representative,
)
from server.settings import ROOT, get_settings
from tests.support import ADMIN, council_with_staff, new_case

NOTICE = "Case tracking is a chat about your care. Do you want to take part?"


@dataclass(frozen=True)
class Run:
    code: int
    out: str


def run(module: str, database_url: str, *args: str, **env: str) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return Run(done.returncode, done.stdout + done.stderr)


def everything_stored(database_url: str) -> str:
    """Every value of every text and JSON column of every table, as one string to search."""
    values: list[str] = []
    with engine_for(database_url).connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | JSON)]
            for row in conn.execute(select(*columns)) if columns else []:
                values.extend(v if isinstance(v, str) else json.dumps(v) for v in row if v is not None)
    return "\n".join(values)


def person_with_everything(case_id: int, phone: str, helper: str, tag: str) -> None:
    """A case as the dialogue and the team leave it: conversations on every channel, a helper, preferences, a
    meeting, texts sent, a hand-off, an opt-out and consent records. Every free text carries `tag`."""
    with session_scope() as session:
        case = session.get(Case, case_id)
        assert case is not None
        notice = consent.notice_version(session, "en", "sms", NOTICE)
        own = conversations.get_or_create(session, f"sms:{phone}", "sms", "en", "start")
        conversations.attach(session, own, case)
        message_id = conversations.store_inbound(session, own.id, f"{tag}-1 yes my daughter helps", "SM" + tag)
        conversations.save_reply(session, message_id, [f"{tag}-2 You said: my daughter helps"])
        helper_chat = conversations.get_or_create(session, f"sms:{helper}", "sms", "en", "start")
        conversations.attach(session, helper_chat, case)
        conversations.store_inbound(session, helper_chat.id, f"{tag}-3 I am her daughter")
        web = conversations.get_or_create(session, f"web:browser-{case.id}", "web", "en", "start")
        conversations.attach(session, web, case)
        conversations.store_inbound(session, web.id, f"{tag}-4 not on Tuesdays please")
        consent.record(
            session,
            case,
            state="given",
            given_by="person",
            notice=notice,
            channel="sms",
            conversation_id=own.id,
            actor="person:sms",
        )
        consent.record(
            session,
            case,
            state="withdrawn",
            given_by="representative",
            representative_role="family_member",
            notice=notice,
            channel="sms",
            conversation_id=helper_chat.id,
            actor="representative:sms",
        )
        # Set up directly: these rows stand in for what the representative, preference and meeting flows write.
        session.add(
            Representative(case_id=case.id, role="family_member", name=f"{tag}-5 Alice", contact=helper, on_behalf=True)
        )
        session.add(
            Preferences(
                case_id=case.id,
                how=["phone"],
                support=["interpreter"],
                days=["monday"],
                times=["morning"],
                interpreter_language=f"{tag}-6 Polish",
                avoid_dates=f"{tag}-7 not the week of the 10th",
                contact_by="sms",
            )
        )
        session.add(
            Meeting(
                case_id=case.id,
                at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
                how="face_to_face",
                where=f"{tag}-8 Flat 2, 10 Example Road",
                who=f"{tag}-9 inspector and Alice",
                created_by="team",
            )
        )
        outbound.record(session, case, "invite", phone, f"{tag}-10 Hello from the council")
        outbound.record(session, None, "reply", phone, f"{tag}-11 Reply to an unknown number")
        handoffs.request(session, case.id, own.id, "asked", "person:sms")
        outbound.opt_out(session, phone, case.id)


def consent_states(database_url: str) -> Counter[str]:
    with session_scope() as session:
        rows = session.execute(select(ConsentRecord.state, func.count()).group_by(ConsentRecord.state))
        return Counter({state: count for state, count in rows})


@dataclass(frozen=True)
class World:
    old: dict[str, int]  # case ids of the council closed long ago
    recent: int  # the case of a council closed too recently
    still_open: int  # the case of a council whose assessment is still open
    now: str  # the --now to purge as of


def world(client: TestClient) -> World:
    old = council_with_staff(client, "Closed Long Ago Council")
    recent = council_with_staff(client, "Closed Recently Council")
    still_open = council_with_staff(client, "Open Council")
    a = new_case(client, old.staff, "OLD-1", phone="+447700900201")["id"]
    b = new_case(client, old.staff, "OLD-2", phone="+447700900203")["id"]
    c = new_case(client, recent.staff, "NEW-1", phone="+447700900204")["id"]
    d = new_case(client, still_open.staff, "OPEN-1", phone="+447700900206")["id"]
    person_with_everything(a, "+447700900201", "+447700900202", "FREE-A")
    person_with_everything(c, "+447700900204", "+447700900205", "FREE-C")
    person_with_everything(d, "+447700900206", "+447700900207", "FREE-D")
    with session_scope() as session:
        stored = session.get(Case, b)
        assert stored is not None
        consent.record(
            session,
            stored,
            state="declined",
            given_by="person",
            notice=consent.notice_version(session, "en", "web", NOTICE),
            channel="web",
            conversation_id=None,
            actor="person:web",
        )
    today = datetime.now(UTC)
    assert client.post(f"/api/councils/{old.council_id}/close", headers=ADMIN).status_code == 200
    with session_scope() as session:
        # Closed 50 days after the first one: at the purge date it closed 50 days ago, inside the 90 days.
        retention.close_assessment(session, recent.council_id, "test", now=today + timedelta(days=50))
    purge_on = (today + timedelta(days=100)).date().isoformat()
    return World(old={"a": a, "b": b}, recent=c, still_open=d, now=purge_on)


def test_purge_leaves_nothing_personal_and_keeps_the_counts(client: TestClient, settings_env: str) -> None:
    w = world(client)
    states_before = consent_states(settings_env)
    listed_before = {c["id"]: c for c in client.get("/api/cases", headers=ADMIN).json()}

    result = run("tools.purge", settings_env, "--now", w.now)
    assert result.code == 0, result.out
    assert result.out.startswith("Purged 2 cases"), result.out
    assert "phone numbers cleared: 2" in result.out
    assert "FREE" not in result.out and "7700900" not in result.out  # counts only, never what was removed

    stored = everything_stored(settings_env)
    for personal in ("7700900201", "7700900202", "7700900203", "FREE-A"):
        assert personal not in stored, personal
    # A council closed too recently, and one still open, are untouched.
    for kept in ("+447700900204", "+447700900205", "+447700900206", "+447700900207", "FREE-C-", "FREE-D-"):
        assert kept in stored, kept
    for n in range(1, 12):
        assert f"FREE-C-{n} " in stored and f"FREE-D-{n} " in stored

    # Anonymous counts: the same cases, themes, statuses and consent states as before.
    assert consent_states(settings_env) == states_before == Counter({"given": 3, "withdrawn": 3, "declined": 1})
    listed_after = {c["id"]: c for c in client.get("/api/cases", headers=ADMIN).json()}
    assert listed_after.keys() == listed_before.keys()
    for case_id, before in listed_before.items():
        after = listed_after[case_id]
        for key in ("theme", "priority", "status", "consent", "council_id", "reference"):
            assert after[key] == before[key], (case_id, key)

    with session_scope() as session:
        for case_id in w.old.values():
            case = session.get(Case, case_id)
            assert case is not None and case.phone is None and case.purged_at is not None
        untouched = session.get(Case, w.recent)
        assert untouched is not None and untouched.phone == "+447700900204" and untouched.purged_at is None
        # Only conversations keyed by a number went; the web chat stays, emptied.
        left = set(session.scalars(select(Conversation.id).where(Conversation.case_id == w.old["a"])))
        assert left == {f"web:browser-{w.old['a']}"}
        assert [m.text for m in session.scalars(select(Message).where(Message.conversation_id.in_(left)))] == [""]
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 6
        purged = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "case.purged")))
        assert sorted(e.case_id for e in purged if e.case_id is not None) == sorted(w.old.values())

    verified = run("tools.audit_verify", settings_env)
    assert verified.code == 0, verified.out
    assert "chain intact" in verified.out

    # The consent record download still works for a purged case, and still has its whole history.
    record = client.get(f"/api/cases/{w.old['a']}/consent-record", headers=ADMIN).json()
    assert [h["state"] for h in record["history"]] == ["given", "withdrawn"]

    again = run("tools.purge", settings_env, "--now", w.now)
    assert again.code == 0 and again.out.startswith("Nothing to purge"), again.out


def test_a_dry_run_changes_nothing(client: TestClient, settings_env: str) -> None:
    w = world(client)
    before = everything_stored(settings_env)
    result = run("tools.purge", settings_env, "--now", w.now, "--dry-run")
    assert result.code == 0, result.out
    assert result.out.startswith("Would purge 2 cases"), result.out
    assert everything_stored(settings_env) == before


def test_the_retention_period_is_a_setting(client: TestClient, settings_env: str) -> None:
    w = world(client)
    # With a year's retention, nothing closed 100 days ago is due yet.
    result = run("tools.purge", settings_env, "--now", w.now, RETENTION_DAYS="365")
    assert result.out.startswith("Nothing to purge"), result.out
    assert "7700900201" in everything_stored(settings_env)
    # With 30 days, the council closed 50 days before the purge date is due too.
    result = run("tools.purge", settings_env, "--now", w.now, RETENTION_DAYS="30")
    assert result.out.startswith("Purged 3 cases"), result.out
    stored = everything_stored(settings_env)
    assert "FREE-C" not in stored and "FREE-D-1 " in stored


def test_now_must_be_a_date(settings_env: str) -> None:
    result = run("tools.purge", settings_env, "--now", "next tuesday")
    assert result.code == 2
    assert "not an ISO date" in result.out


def files_holding(root: Path, phrase: str) -> list[str]:
    """Every file under `root` whose bytes hold the phrase (as typed, or in any letter case)."""
    wanted = (phrase.encode(), phrase.lower().encode(), phrase.upper().encode())
    return [str(p) for p in root.rglob("*") if p.is_file() and any(w in p.read_bytes() for w in wanted)]


def test_purge_leaves_nothing_behind_in_files_or_the_database(
    client: TestClient, settings_env: str, tmp_path: Path
) -> None:
    from server.channels.voice import prompts as voice

    phrase = "Zebra" + uuid.uuid4().hex[:10]
    council = council_with_staff(client, "Closed Council")
    case = new_case(client, council.staff, "C-1", phone="+447700900231")
    # The person types it in the web chat, opened with the code from their letter...
    sender = "browser-" + uuid.uuid4().hex[:8]
    opened = {"sender": sender, "message": "/greet", "metadata": {"invite_code": case["invite_code"]}}
    greeting = client.post("/chat/messages", json=opened).json()[0]
    assert "Closed Council" in greeting["text"]
    # ...presses Listen on the greeting (words made for them: kept with the message, spoken with nothing on disk)...
    listen = greeting["audio"].removeprefix(get_settings().public_base_url.rstrip("/"))
    assert client.get(listen).status_code == 200
    body = {"sender": sender, "message": f"not on {phrase} please", "metadata": {"invite_code": case["invite_code"]}}
    assert client.post("/chat/messages", json=body).status_code == 200
    # ...a helper who never had the right code types it too (a conversation never tied to a case)...
    helper = {"sender": "helper-" + uuid.uuid4().hex[:8], "message": f"I am helping {phrase}"}
    assert client.post("/chat/messages", json=helper).status_code == 200
    with session_scope() as session:
        session.add(Preferences(case_id=case["id"], how=["phone"], avoid_dates=f"not on {phrase} please"))
    # ...and the read-back of their answers is spoken on a call, which keeps its prompts as a .wav and its .txt.
    readback = text("prefs.readback", "en", summary=f"You cannot meet: not on {phrase} please.")
    fixed_words = text("bot.ask_code", "en")
    made = voice.audio_cache("en").render([readback, fixed_words])
    spoken = client.get(f"/audio/{made[readback]}.wav")
    assert spoken.status_code == 200 and spoken.headers["content-type"] == "audio/wav"
    assert spoken.headers["cache-control"] == "private, no-store"
    fixed_url = f"/audio/{made[fixed_words]}.wav"
    fixed = client.get(fixed_url)
    assert fixed.headers["cache-control"] == "public, max-age=31536000, immutable"
    audio_dir = get_settings().audio_cache_dir
    var = audio_dir.parent
    assert files_holding(var, phrase), "the read-back's words are kept beside its audio"
    assert phrase in everything_stored(settings_env)

    assert client.post(f"/api/councils/{council.council_id}/close", headers=ADMIN).status_code == 200
    purge_on = (datetime.now(UTC) + timedelta(days=100)).date().isoformat()
    result = run("tools.purge", settings_env, "--now", purge_on)
    assert result.code == 0, result.out
    assert "spoken prompts deleted: 1" in result.out and "unlinked conversations deleted: 1" in result.out
    assert phrase not in result.out

    assert phrase not in everything_stored(settings_env)
    assert files_holding(var, phrase) == []
    if settings_env.startswith("sqlite:///"):
        # Deleted rows must not linger in the database file's free pages or its write-ahead log either.
        database = Path(settings_env.removeprefix("sqlite:///"))
        engine_for(settings_env).dispose()
        assert files_holding(database.parent, phrase) == []
    # The fixed prompt is nobody's: it stays. The chat's Listen link has nothing left to read.
    assert client.get(fixed_url).status_code == 200
    assert client.get(listen).status_code == 404
    # Only prompts that are the same for everyone stay (that one, and any fixed chat message Listen played).
    kept = [p.read_text(encoding="utf-8") for p in audio_dir.glob("*.txt")]
    assert fixed_words in kept and all(same_for_everyone(words) for words in kept)
    assert len(list(audio_dir.glob("*.wav"))) == len(kept)


def test_audio_names_are_a_keyed_hash_of_the_words(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.channels.voice import prompts as voice

    words = f"You said: {uuid.uuid4().hex}"
    settings = get_settings()
    audio = voice.audio_cache("en").id_for(words)
    plain = hashlib.sha256(f"{settings.voice_name}\n{settings.voice_rate}\n{words}".encode()).hexdigest()[:32]
    assert audio != plain
    # The name depends on the secret key: without it, nobody can test a guess of the words against an address.
    monkeypatch.setenv("SECRET_KEY", "another-" + uuid.uuid4().hex)
    get_settings.cache_clear()
    assert voice.audio_cache("en").id_for(words) != audio
