"""Consent: an explicit answer, read back, and recorded only once the person says it is right.

Stopping is recorded with the same care: a one-word STOP at once, a wish to stop in other words once confirmed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from actions.act import Act
from actions.registry import recorder
from dialogue.stages import NOTICE
from easyread.dates import spoken_date
from easyread.render import notice_text
from server.domain import (
    calls,
    consent,
    conversations,
    handoffs,
    meetings,
    reconfirm,
    representatives,
    reserves,
    timeliness,
)
from server.domain.models import Case, Conversation


def current_state(session: Session, case: Case) -> str:
    return consent.current_state(session, case.id) or "pending"


def record(turn: Act, state: str) -> None:
    """Record the answer against the exact wording this channel showed, and who gave it."""
    text = notice_text(turn.language, turn.channel, NOTICE)
    rep = representatives.for_conversation(turn.session, turn.conversation)
    by_rep = rep is not None and bool(rep.on_behalf)
    consent.record(
        turn.session,
        turn.case,
        state=state,
        given_by="representative" if by_rep else "person",
        representative_role=rep.role if by_rep and rep is not None else None,
        notice=consent.notice_version(turn.session, turn.language, turn.channel, text),
        channel=turn.channel,
        conversation_id=turn.conversation.id,
        actor=f"{'representative' if by_rep else 'person'}:{turn.channel}",
        # A stop on a call the person made is taken at once: staff see it was not verified, and can ring to check.
        caller_verified=turn.verified if turn.channel == "voice" else None,
    )
    if state in ("declined", "withdrawn"):
        # A primary case that says no makes room for a reserve of the same theme.
        reserves.after_refusal(turn.session, turn.case)
        if meetings.called_off_by_person(turn.session, turn.case.id, actor=turn.actor):
            hand_off(turn.session, turn.case, turn.conversation, "withdrew")


def hand_off(session: Session, case: Case, conversation: Conversation, reason: str, urgent: bool = False) -> None:
    actor = f"person:{conversation.channel}"
    handoffs.request(session, case.id, conversation.id, reason, actor=actor, urgent=urgent)


def stop_now(turn: Act) -> str:
    """A one-word STOP: a refusal before a yes, a withdrawal after it. Already stopped: not recorded again. The state
    it leaves (the dialogue says it)."""
    state = current_state(turn.session, turn.case)
    if state not in ("declined", "withdrawn"):
        state = "withdrawn" if state == "given" else "declined"
        record(turn, state)
    return state


@recorder("consent_answer")
def answer(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    if value == "unsure":
        conversations.mark_unsure(turn.session, turn.case)
        turn.say("unsure")
        return "unsure"
    turn.conversation.pending_answer = str(value)
    return None


@recorder("consent_confirmed")
def confirmed(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    pending = turn.conversation.pending_answer or "no"
    if value == "correct":
        if extra.get("to") != pending:
            # "No wait, I meant no": read back the answer they corrected to.
            turn.conversation.pending_answer = extra.get("to", "no")
            return "corrected"
        value = "yes"
    if value == "no":
        turn.say("try_again")
        return None
    before = current_state(turn.session, turn.case)
    # A "no" after a yes is a withdrawal; before any yes it is a refusal.
    state = "given" if pending == "yes" else ("withdrawn" if before == "given" else "declined")
    record(turn, state)
    if state == "given":
        turn.say("consent_given")
        by = timeliness.contact_by(turn.session, turn.case, datetime.now(UTC))
        turn.say("consent_receipt", by=spoken_date(by, turn.language))
        turn.say("prefs_intro")
        return state
    turn.say("consent_declined" if state == "declined" else "stop_withdrawn")
    return state


@recorder("stop_confirmed")
def stop_confirmed(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    """After "You want to stop taking part. Is that right?": yes withdraws; no goes back to where they were."""
    if value == "yes":
        record(turn, "withdrawn")
        turn.say("stop_withdrawn")
        return "withdrawn"
    turn.say("not_stopped")
    return None


@recorder("ring_back_answer")
def ring_back(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    """Yes: the call ends and we ring the number on file; the answer is taken on that call. No: back to the
    question, which can be answered on a call we make or by text."""
    if value == "yes":
        turn.ring_back()
        calls.ring_back_requested(turn.session, turn.case.id, turn.conversation.id)
        turn.say("ring_back_now", rings_back=True)
        return "ringing"
    turn.say("ring_back_declined")
    return None


@recorder("reconfirmed")
def reconfirmed(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    still = value == "yes"
    reconfirm.answered(turn.session, turn.case.id, confirmed=still, actor=turn.actor)
    if still:
        turn.say("reconfirm_yes")
        return None
    record(turn, "withdrawn")
    hand_off(turn.session, turn.case, turn.conversation, "withdrew")
    turn.say("reconfirm_no")
    return None


@recorder("changed_mind")
def changed_mind(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    """A yes after saying no or stop: read back before anything changes."""
    if value == "yes" and current_state(turn.session, turn.case) != "given":
        turn.conversation.pending_answer = "yes"
        return "changed_mind"
    if value == "yes":
        turn.say("already_given")
        return "already_given"
    return None
