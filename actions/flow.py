"""Where the conversation goes next. The position lives in the database, so a lost Rasa tracker loses nothing."""

from __future__ import annotations

from actions.base import PROMPTERS, Turn
from easyread.render import EXPLAIN_STEPS, notice_text
from server.domain import consent, conversations, handoffs, meetings, representatives, reserves
from server.domain.conversations import Position

# What each waiting stage asks; said again after a question, a misunderstanding or "say that again".
PROMPTS = {
    "who": "ask_who",
    "rep_role": "ask_role",
    "rep_name": "ask_rep_name",
    "rep_contact": "ask_rep_contact",
    "rep_join": "ask_join",
    "rep_behalf": "ask_behalf",
    "ask_consent": "ask_consent",
    "pref_how": "ask_how",
    "pref_support": "ask_support",
    "pref_language": "ask_language",
    "pref_days": "ask_days",
    "pref_times": "ask_times",
    "pref_avoid": "ask_avoid",
    "pref_contact": "ask_contact_by",
}


def go(turn: Turn, position: Position) -> None:
    conversations.move(turn.session, turn.conversation, position)


def ask(turn: Turn, stage: str) -> None:
    turn.say(PROMPTS[stage])
    go(turn, Position(stage))


def start(turn: Turn) -> None:
    """Hello, who we are, why we got in touch, and (early and kindly) who is replying."""
    turn.say("greet", council=turn.council_name)
    turn.say("why_contact", council=turn.council_name)
    ask(turn, "who")


def explain_from_start(turn: Turn) -> None:
    turn.say(f"explain_{EXPLAIN_STEPS[0]}")
    go(turn, Position("explain", 0))


def ask_consent(turn: Turn) -> None:
    ask(turn, "ask_consent")


def prompt(turn: Turn, after_question: bool = False) -> None:
    """Say again what the person is being asked now, without moving on."""
    here = conversations.position(turn.conversation)
    if here.stage == "start":
        start(turn)
    elif here.stage in PROMPTS:
        turn.say(PROMPTS[here.stage])
    elif here.stage == "explain":
        turn.say("carry_on" if after_question else f"explain_{EXPLAIN_STEPS[here.explain_step]}")
    elif here.stage == "confirm":
        turn.say("readback_yes" if here.pending_answer == "yes" else "readback_no")
    elif here.stage in PROMPTERS:
        PROMPTERS[here.stage](turn)
    elif here.stage == "stopped":
        turn.say("after_stop")
    elif here.stage == "done" and not after_question:
        turn.say("already_given" if current_state(turn) == "given" else "after_stop")


def current_state(turn: Turn) -> str:
    record = consent.current(turn.session, turn.case.id)
    return record.state if record else "pending"


def next_step(turn: Turn) -> None:
    """Move on one step of the explanation; after the last step comes the question."""
    here = conversations.position(turn.conversation)
    if here.stage != "explain":
        prompt(turn)
        return
    step = here.explain_step + 1
    if step >= len(EXPLAIN_STEPS):
        ask_consent(turn)
        return
    turn.say(f"explain_{EXPLAIN_STEPS[step]}")
    go(turn, Position("explain", step))


def record(turn: Turn, state: str) -> None:
    """Record the answer against the exact wording this channel showed, and who gave it."""
    text = notice_text(turn.language, turn.channel)
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
    )
    if state in ("declined", "withdrawn"):
        # A primary case that says no makes room for a reserve of the same theme.
        reserves.after_refusal(turn.session, turn.case)
        if meetings.called_off_by_person(turn.session, turn.case.id, actor=f"person:{turn.channel}"):
            hand_off(turn, "withdrew")


def hand_off(turn: Turn, reason: str, urgent: bool = False) -> None:
    handoffs.request(
        turn.session, turn.case.id, turn.conversation.id, reason, actor=f"person:{turn.channel}", urgent=urgent
    )


def not_understood(turn: Turn) -> None:
    """Say so and ask again; the second time in a row, hand over to a person instead of guessing."""
    turn.understood = False
    if conversations.note_understood(turn.session, turn.conversation, understood=False) >= 2:
        hand_off(turn, "not_understood")
        conversations.note_understood(turn.session, turn.conversation, understood=True)
        turn.say("not_understood_twice")
        return
    turn.say("not_understood")
    prompt(turn)
