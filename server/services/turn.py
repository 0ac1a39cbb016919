"""A message's unit of work, whatever the channel: one transaction that reads the conversation once and saves
everything the message does.

In it: a provider's retry is recognised, the message is stored, a new conversation is joined to its case, the
texting rules apply (HELP, START, nothing after a STOP), the message is read against its stage and the dialogue
answers it, and the reply in the channel's wire format (for a retry), the numbered choices it offers and an opt-out
are saved with it. `turn` is a message's unit of work; `late_turn` answers a stored message the model has now read.
The turn around them (the parse before, the reply after the commit, the holding reply) is server/services/inbound.py.

Channels only translate to and from this (their `Wire`); what happens is decided by the dialogue and the domain.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from actions import port
from dialogue import run as dialogue
from dialogue import safety
from dialogue.reading import Understanding, is_stop, keyword
from dialogue.stages import FIRST
from easyread.render import Rendered, render
from easyread.render import text as words
from server.domain import cases, conversations, db, invite_codes, outbound
from server.domain.conversations import LinkResult
from server.domain.models import Conversation
from server.domain.outbound import TextRule
from server.services.hearing import Heard
from server.settings import get_settings


@dataclass
class Inbound:
    channel: str
    conversation_id: str
    text: str
    attempt_key: str
    invite_code: str | None = None
    # The sender's number, when the channel knows it: a case's own number joins its conversation.
    phone: str | None = None
    # The provider's id for this message (Twilio's MessageSid), to recognise a retry.
    external_id: str | None = None
    # Whether we know who is on the line (a call we placed, or attested caller ID); see dialogue.turn.Turn.
    verified: bool = True


@dataclass
class Reply:
    messages: list[Rendered]
    # 200, or the 4xx a channel that has status codes should answer with (the words are still easy read).
    status: int = 200
    message_id: int | None = None
    case_id: int | None = None
    language: str = "en"
    # A provider's retry: what was answered the first time, in the channel's wire format.
    duplicate_of: list[str] | None = field(default=None)
    # The messages in the channel's wire format (a text's bodies), as saved for a retry.
    bodies: list[str] = field(default_factory=list)
    # The person asked us to ring them back on the number on file (an inbound call we could not be sure of).
    ring_back: bool = False
    # The conversation's stage after this message (None when it has no case yet).
    stage: str | None = None


@dataclass(frozen=True)
class ForRasa:
    """A stored message whose words need the language model before the dialogue can answer it."""

    message_id: int
    conversation_id: str
    channel: str
    language: str
    case_id: int | None
    text: str
    verified: bool = True


@dataclass(frozen=True)
class Answer:
    messages: list[Rendered]
    # The conversation's language after Rasa answered: the person may have just switched it.
    language: str
    ring_back: bool = False
    stage: str | None = None
    bodies: list[str] = field(default_factory=list)


Deliver = Callable[[ForRasa, Answer], Awaitable[None]]
# A turn's messages in the channel's wire format, and the numbered choices they offer ("1" -> "/affirm").
Encode = Callable[[list[Rendered], str], tuple[list[str], dict[str, str]]]
# A reply that is only one of the numbers offered, as the payload it stands for (else None).
Choose = Callable[[str, Mapping[str, str]], str | None]


@dataclass(frozen=True)
class Wire:
    """What a channel lends a turn: how its words map to and from the conversation, and how it sends an answer
    that comes after its request was answered (None: it cannot, so it waits for the model instead)."""

    name: str
    choose: Choose | None = None
    encode: Encode | None = None
    deliver: Deliver | None = None
    # Texting's rules apply: HELP, START, nothing after a STOP, and an opt-out word stops every text.
    texting: bool = False


# The answer each texting rule gives instead of the conversation ("" for nothing at all).
RULE_ANSWERS = {TextRule.HELP: "sms.help", TextRule.STARTED: "sms.started", TextRule.SILENT: ""}


def say(name: str, language: str, channel: str, **args: object) -> Rendered:
    message = render(f"utter_{name}", language, channel, args)
    assert message is not None, name
    return message


def _link(session: Session, conversation: Conversation, message: Inbound) -> tuple[Rendered, int] | None:
    """Tie a new conversation to its case; None when linked, else what to tell the person and the status."""
    language = conversation.language
    if message.phone:
        case = cases.by_phone(session, message.phone)
        if case is not None:
            conversations.attach(session, conversation, case)
            return None
    # A code on its own, or inside a sentence ("my mum got your letter, the code is K7PQ2MXA").
    candidates = [message.invite_code] if message.invite_code else invite_codes.find_codes(message.text)
    if not candidates:
        return say("ask_code", language, message.channel), 200
    result = conversations.link_by_codes(
        session, conversation, candidates, message.attempt_key, get_settings().code_attempts_per_hour
    )
    if result is LinkResult.LOCKED:
        return say("code_locked", language, message.channel), 429
    if result is LinkResult.WRONG:
        return say("code_wrong", language, message.channel), 200
    if result is not LinkResult.LINKED:  # codes slowed, or handed to a person (conversations.link_by_codes)
        status = 429 if result is LinkResult.WAIT else 200
        helpline = get_settings().helpline_number
        return say(result.value, language, message.channel, helpline=helpline), status
    return None


def _earlier(session: Session, external_id: str | None) -> Reply | None:
    """The one place a repeated message is recognised: a provider's retry (the same MessageSid, the same turn of
    a call) is answered with exactly what was answered the first time, and nothing happens twice."""
    earlier = conversations.by_external_id(session, external_id) if external_id else None
    if earlier is None:
        return None
    return Reply([], duplicate_of=earlier.reply or [])


def _encode(session: Session, wire: Wire, reply: Reply, conversation: Conversation, rule: TextRule) -> list[str] | None:
    """The reply in the channel's words, and the choices it offers a text's next number; returns what to keep
    with the message for a retry (None: nothing to keep, as for a web reply of fixed messages only)."""
    if wire.encode is None:
        return None
    reply.bodies, offered = wire.encode(reply.messages, reply.language)
    if rule is TextRule.CONVERSATION:
        conversations.offer_choices(session, conversation, offered)
    return reply.bodies if any(reply.bodies) else None


def unit[T](work: Callable[..., T]) -> T:
    """A turn as one unit of work. When the dialogue failed in it (an error of ours), all of it is undone and it is
    run again with `failed`: the message kept and answered with the easy-read sorry, nothing recorded.

    A database error met while the dialogue recorded something (two people's first consent on the same wording at
    once, a deadlock) is the database's, not the dialogue's: the whole turn is run again (db.run), and only if it
    fails every time is it answered with the sorry."""
    raced: list[DBAPIError] = []
    try:
        return db.run(partial(_database_errors_raised, work, raced))
    except dialogue.Failed:
        return db.run(partial(work, failed=True))
    except db.Busy:
        if not raced:
            raise
        return db.run(partial(work, failed=True))


def _database_errors_raised[T](work: Callable[[Session], T], raced: list[DBAPIError], session: Session) -> T:
    try:
        return work(session)
    except dialogue.Failed as failed:
        if isinstance(failed.__cause__, DBAPIError) and db.retryable(failed.__cause__):
            raced.append(failed.__cause__)
            raise failed.__cause__ from None
        raise


def turn(
    session: Session, message: Inbound, wire: Wire, heard: Heard, failed: bool = False
) -> tuple[Reply, ForRasa | None]:
    """One unit of work: everything a message does, or (ForRasa) the stored message the model must read first."""
    repeated = _earlier(session, message.external_id)
    if repeated is not None:
        return repeated, None
    conversation = conversations.get_or_create(
        session, message.conversation_id, message.channel, get_settings().default_language, FIRST.name
    )
    stop = is_stop(message.text)
    rule = TextRule.CONVERSATION
    if wire.texting and message.phone:
        rule = outbound.rule_for_text(session, message.phone, keyword(message.text), stop)
    text = message.text
    if rule is TextRule.CONVERSATION and wire.choose is not None:
        text = wire.choose(text, conversation.choices or {}) or text
    reply = Reply([], language=conversation.language)
    # The words need the model, which has not read them (not asked yet, or slow or down).
    waiting = False
    if rule is not TextRule.CONVERSATION:
        answer_with = RULE_ANSWERS[rule]
        reply.messages = [Rendered(words(answer_with, reply.language))] if answer_with else []
    elif conversation.case_id is None and (problem := _link(session, conversation, message)) is not None:
        reply.messages, reply.status = [problem[0]], problem[1]
        if safety.suggests_risk(text):
            # Harm or distress from someone we cannot place yet: the safe reply still comes first.
            reply.messages, reply.status = [say("safety", reply.language, message.channel)], 200
    else:
        the_port = port.of(session, conversation)
        if heard.coming is not None and not failed:
            # The model is still reading the words: the message is kept now, in time that costs the person nothing,
            # as answered with nothing to keep (how a web turn ends); settled below when it ends otherwise.
            reply.message_id = conversations.store_inbound(
                session, conversation.id, text, message.external_id, answered=True
            )
        nlu = None if failed else heard.understanding()  # (begun beside the parse: waits for it here)
        responses = (
            dialogue.sorry()
            if failed
            else dialogue.answer(the_port, text, nlu, message.verified)
            if nlu is not None
            else dialogue.answer_unless_model(the_port, text, message.verified)
        )
        if responses is None:
            waiting = True
            if heard.asked:
                # Rasa is slow or down: "we got your message" now, the answer when the model has read it.
                reply.messages = [say("holding", reply.language, message.channel)]
        else:
            _said(responses, conversation, reply)
    reply.case_id = conversation.case_id
    kept = _encode(session, wire, reply, conversation, rule) if not waiting or heard.asked else None
    if reply.message_id is None:
        # Written once, at the end, with whether it is answered and what it was answered with.
        reply.message_id = conversations.store_inbound(
            session, conversation.id, text, message.external_id, answered=not waiting, reply=kept
        )
    else:
        conversations.settle_inbound(session, reply.message_id, answered=not waiting, reply=kept)
    pending = None
    if waiting:
        pending = ForRasa(
            reply.message_id,
            conversation.id,
            message.channel,
            conversation.language,
            conversation.case_id,
            text,
            message.verified,
        )
    if wire.texting and message.phone:
        # START opts the number back in; an opt-out word, just answered with a withdrawal, stops every text.
        outbound.text_answered(session, message.phone, conversation.case_id, rule, stop)
    _fault_pause(get_settings().fault_pause_before_commit_seconds)
    return reply, pending


def _fault_pause(seconds: float) -> None:
    """A window the fault tests kill the server in (0, and so nothing, unless a test sets it)."""
    if seconds > 0:
        time.sleep(seconds)


def _said(responses: list[dict[str, object]], conversation: Conversation, reply: Reply) -> None:
    """What the dialogue said, rendered for the channel, and where the conversation is after it."""
    reply.ring_back = dialogue.rings_back(responses)
    reply.language, reply.stage = conversation.language, conversation.stage
    reply.messages = dialogue.rendered(responses, conversation.language, conversation.channel)


def late_turn(session: Session, pending: ForRasa, wire: Wire, nlu: Understanding, failed: bool = False) -> Answer:
    """The dialogue's turn for a message the model has now read, in one unit of work with the message marked
    answered and the choices its answer offers; nothing when another server or the retry loop answered it."""
    conversation = conversations.with_case(session, pending.conversation_id)
    if conversation is None or not conversations.claim(session, pending.message_id):
        return Answer([], pending.language)
    reply = Reply([], message_id=pending.message_id)
    the_port = port.of(session, conversation)
    responses = dialogue.sorry() if failed else dialogue.answer(the_port, pending.text, nlu, pending.verified)
    _said(responses, conversation, reply)
    kept = _encode(session, wire, reply, conversation, TextRule.CONVERSATION)
    if kept is not None:
        conversations.save_reply(session, pending.message_id, kept)
    return Answer(reply.messages, reply.language, reply.ring_back, reply.stage, reply.bodies)
