"""The phone channel (Twilio Voice): one webhook request per turn of a call, answered with TwiML.

A call translates; it does not decide. What the person says (Twilio's SpeechResult) or the choice their key
stands for goes through `server.services.inbound.handle` like a chat or a text, and the bot's messages come back as
audio (`<Play>`, rendered by easyread.audio; `<Say>` when that fails) inside a `<Gather>` that listens for the
next answer. The choices are keys 1, 2, 3...; 9 says it again and 0 asks for a person (easyread.spoken).

What a call needs to remember between turns rides in the `<Gather>` action URL's query string, which Twilio
signs with the rest of the request, so it cannot be changed on the way: the turn number, the choices offered,
the message to say again after a silence, and how many silences in a row. The rest is the conversation itself.

Rules of the phone:
- Silence is never an answer and never reaches the dialogue: the first time the question is said again, the
  second time the person is offered a text instead and the call ends politely.
- At a consent read-back (of the answer to the consent question, or of a wish to stop) a spoken answer counts
  only when it is a plain yes or no that Twilio heard surely (its `Confidence` at least SPEECH_CONFIDENCE), as a
  key press does. Anything less is asked for once more, by key or by saying it again; the second time a person
  is asked for (the team rings back); the third time the call ends with that promise. No sentence is said 3
  times running. A spoken "stop" works at any point.
- A caller whose number is not a case's is told how to join by text, and the call ends.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from dialogue import answers, questions
from dialogue.reading import asks_for_person, is_stop
from dialogue.stages import ENDED, KEYS_ONLY
from easyread import spoken
from easyread.render import PAYLOADS, Rendered, text
from server.channels.voice import twiml
from server.channels.voice.prompts import audio_cache, prune_if_due
from server.channels.voice.twiml import Answer
from server.clients.rasa import RasaClient
from server.domain import cases, invite_codes
from server.services import calls as calls_service
from server.services import conversations, handoffs, inbound, texts
from server.settings import get_settings

CHANNEL = "voice"
TEXT_STEP = "text"
# Seconds Twilio waits for a first key or word after the prompt: more than its 5, for people who need time.
GATHER_TIMEOUT = 8
MAX_TURNS = 10_000
# How sure Twilio must be of a spoken yes or no at a consent read-back for it to count like a key press (its
# `Confidence`, 0 to 1). Clear short words, with "yes" and "no" among the hints, come back at 0.85 and above;
# a mumble, a noisy line or an accent the recogniser struggles with falls well below. 0.8 keeps those out: they
# are asked again (a turn lost), which is far cheaper than a consent recorded that was never given.
SPEECH_CONFIDENCE = 0.8
# What a spoken read-back answer becomes when it is clear: the same payload as its key.
SPOKEN_ANSWER = {"yes": "/affirm", "no": "/deny"}


# A call cannot be answered later: a turn waits for the model. Its TwiML is kept for a retry once it is made
# (the audio is rendered after the turn's unit of work).
WIRE = inbound.Wire(CHANNEL)


@dataclass(frozen=True)
class CallState:
    """What the previous turn of this call left for the next one, from the action URL's query string."""

    turn: int = 0
    choices: tuple[str, ...] = ()
    page: int = 0
    prompt: str = ""
    silences: int = 0
    step: str = ""
    # Spoken answers at a read-back that were not clear enough, in a row.
    unclear: int = 0

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> CallState:
        def number(name: str) -> int:
            raw = query.get(name, "")
            # ASCII digits only: "¹".isdigit() is true, and int() of it fails.
            return min(int(raw), MAX_TURNS) if raw.isascii() and raw.isdigit() else 0

        choices = tuple(k for k in query.get("k", "").split(",") if k in PAYLOADS)
        return cls(
            turn=number("t"),
            choices=choices,
            page=number("pg"),
            prompt=query.get("p", "")[:64],
            silences=number("s"),
            step=query.get("step", "")[:10],
            unclear=number("u"),
        )

    def query(self) -> str:
        params = {"t": str(self.turn)}
        if self.choices:
            params["k"] = ",".join(self.choices)
        if self.page:
            params["pg"] = str(self.page)
        if self.prompt:
            params["p"] = self.prompt
        if self.silences:
            params["s"] = str(self.silences)
        if self.step:
            params["step"] = self.step
        if self.unclear:
            params["u"] = str(self.unclear)
        return urlencode(params)

    def url(self) -> str:
        return f"{get_settings().public_base_url.rstrip('/')}/twilio/voice?{self.query()}"


@dataclass(frozen=True)
class Call:
    sid: str
    phone: str
    state: CallState
    # Whether we know it is the case's person: a call we placed, or caller ID that Twilio fully attested.
    verified: bool = False

    @property
    def conversation_id(self) -> str:
        return f"voice:{self.phone}"


# Twilio's StirVerstat for a caller ID the originating network fully attested (SHAKEN/STIR level A).
FULL_ATTESTATION = "TN-Validation-Passed-A"


def known_caller(params: Mapping[str, str]) -> bool:
    """A call we placed rings the number on file; an inbound call's number can be spoofed unless fully attested."""
    return params.get("Direction", "inbound").startswith("outbound") or params.get("StirVerstat") == FULL_ATTESTATION


def caller(params: Mapping[str, str]) -> str:
    """The person's number: who called us, or, on a call we started, who we called (Twilio swaps To and From)."""
    outgoing = params.get("Direction", "inbound").startswith("outbound")
    return cases.sender_phone(params.get("To" if outgoing else "From", ""))


def _listen(answer: Answer, state: CallState, choices: list[spoken.Choice], speech: bool = True) -> None:
    answer.gather = {
        "input": "dtmf speech" if speech else "dtmf",
        "action": state.url(),
        "method": "POST",
        "num_digits": 1,
        "timeout": GATHER_TIMEOUT,
    }
    if speech:
        answer.gather |= {
            "language": spoken.speech_language(answer.language),
            "hints": spoken.hints(choices, answer.language),
            "speech_timeout": "auto",
            "action_on_empty_result": True,
        }


def _choices(state: CallState, language: str) -> list[spoken.Choice]:
    found = (spoken.choice(key, language) for key in state.choices)
    return [c for c in found if c is not None]


def _ask_keys(
    call: Call, language: str, stage: str | None, intro: list[str], silences: int = 0, unclear: int = 0
) -> Answer:
    """Say `intro`, then the keys offered last turn again, without asking the dialogue anything."""
    choices = _choices(call.state, language)
    answer = Answer(language)
    answer.listen = [
        *intro,
        spoken.key_prompt(choices, call.state.page, language, confirm=stage in KEYS_ONLY),
    ]
    state = replace(call.state, turn=call.state.turn + 1, silences=silences, step="", unclear=unclear)
    _listen(answer, state, choices)
    return answer


def clear_answer(words: str, confidence: str, language: str) -> str | None:
    """The key payload a spoken read-back answer stands for, when it is a plain yes or no heard surely; else None.
    A question, "not now" or a correction is never clear: only a key or the typed words can say those here."""
    try:
        sure = float(confidence) >= SPEECH_CONFIDENCE
    except ValueError:
        sure = False
    if not sure or questions.asks(words) or answers.hesitates(words) or answers.corrected(words) is not None:
        return None
    return SPOKEN_ANSWER.get(answers.said(words, language) or "")


async def _spoken_readback(rasa: RasaClient, call: Call, where: conversations.Where, words: str, sure: str) -> str:
    """A spoken answer at a consent read-back: a clear yes or no counts as its key; an unclear one is asked once
    more, then a person is asked for, then the call ends with the promise that the team rings back."""
    language, stage = where.language, where.stage
    payload = clear_answer(words, sure, language)
    if payload is not None:
        return await _turn(rasa, call, stage, payload)
    if call.state.unclear == 0:
        intro = [text("voice.speech_unclear", language)]
        return await _ask_keys(call, language, stage, intro, unclear=1).twiml()
    if call.state.unclear == 1:
        return await _turn(rasa, call, stage, "/request_human", intro=[text("voice.speech_person", language)])
    answer = Answer(language)
    answer.before = [text("voice.speech_ring_back", language), text("voice.goodbye", language)]
    answer.hangup = True
    return await answer.twiml()


async def _turn(
    rasa: RasaClient, call: Call, before: str | None, words: str, intro: tuple[str, ...] | list[str] = ()
) -> str:
    """Send what the person said or chose through the one inbound path, and answer with the bot's messages."""
    reply = await inbound.handle(
        rasa,
        inbound.Inbound(
            channel=CHANNEL,
            conversation_id=call.conversation_id,
            text=words,
            attempt_key=invite_codes.attempt_key(CHANNEL, call.phone),
            phone=call.phone,
            external_id=f"{call.sid}:{call.state.turn}",
            verified=call.verified,
        ),
        WIRE,
    )
    if reply.duplicate_of is not None:
        # Twilio asked for this turn again: the same answer, and nothing happens twice.
        return reply.duplicate_of[0] if reply.duplicate_of else twiml.hang_up()
    after = reply.stage
    language = reply.language
    answer = Answer(language)
    said = [m.text for m in reply.messages if m.text.strip()]
    ended = reply.status == 200 and (is_stop(words) or (after in ENDED and after != before) or reply.ring_back)
    if reply.case_id is None or ended:
        # Nothing more to ask on this call: a stranger is told how to join by text; an ending is said goodbye to.
        answer.before = [*said, text("voice.goodbye", language)]
        answer.hangup = True
    else:
        state = _next_state(call.state, reply.messages if reply.status == 200 else [], language)
        if intro:
            # Asking a person after unclear speech: a further unclear answer ends the call with that promise.
            state = replace(state, unclear=call.state.unclear + 1)
        choices = _choices(state, language)
        answer.listen = [*intro, *said, spoken.key_prompt(choices, 0, language, confirm=after in KEYS_ONLY)]
        _listen(answer, state, choices)
    said_xml = await answer.twiml()
    if reply.message_id is not None:
        conversations.answered_with(reply.message_id, [said_xml])
    if reply.ring_back and reply.case_id is not None:
        # The number on file, never the number that rang: that call is the one we can be sure of.
        await calls_service.ring_back(reply.case_id, f"{get_settings().public_base_url.rstrip('/')}/twilio/voice")
    return said_xml


def _next_state(state: CallState, messages: list[Rendered], language: str) -> CallState:
    """The next turn offers the last message's choices and says it again after a silence. After a failed turn
    (no messages: the dialogue could not be reached) the choices from before stay, so the person can try again."""
    following = CallState(turn=state.turn + 1, choices=state.choices, prompt=state.prompt)
    if not messages:
        return following
    last = messages[-1]
    audio = audio_cache(language).remember(last.text) if last.text.strip() else None
    choices = tuple(c.key for c in spoken.choices_of(last, language))
    return replace(following, choices=choices, prompt=audio or "")


def _silence(call: Call, where: conversations.Where) -> Answer:
    """No words and no keys: ask once more; the second time, offer a text and end. Nothing is recorded."""
    language, case_id = where.language, where.case_id
    if call.state.silences == 0:
        again = audio_cache().text_of(call.state.prompt) if call.state.prompt else None
        intro = [text("voice.silence_once", language), *([again] if again else [])]
        return _ask_keys(call, language, where.stage, intro, silences=1)
    answer = Answer(language)
    answer.hangup = True
    if case_id is None or texts.is_opted_out(call.phone):
        answer.before = [text("voice.still_silent", language)]
        answer.after = [text("voice.goodbye", language)]
        return answer
    answer.before = [text("voice.still_silent", language)]
    answer.listen = [text("voice.offer_text", language)]
    # Keys only, and no request at all when nothing is pressed: Twilio goes on to the goodbye and hangs up.
    _listen(answer, CallState(turn=call.state.turn + 1, step=TEXT_STEP), [], speech=False)
    answer.after = [text("voice.goodbye", language)]
    return answer


async def _text_instead(call: Call, language: str, case_id: int | None, pressed: str) -> Answer:
    """After "Press 1 and we will send you a text instead": send it (or not) and say goodbye."""
    answer = Answer(language)
    answer.hangup = True
    if pressed != "1" or case_id is None:
        answer.before = [text("voice.goodbye", language)]
        return answer
    status = await texts.send(case_id, "voice_text", call.phone, text("voice.text_instead", language))
    went = handoffs.promised_text(case_id, call.conversation_id, CHANNEL, status)
    answer.before = [text("voice.texted" if went else "voice.text_failed", language)]
    return answer


async def answer_call(rasa: RasaClient, params: Mapping[str, str], query: Mapping[str, str]) -> str:
    """The TwiML for one webhook request of a call: its start, a key, some words, or a silence."""
    twiml.started.set(time.monotonic())
    await prune_if_due()
    call = Call(params["CallSid"][:40], caller(params), CallState.from_query(query), known_caller(params))
    digits = params.get("Digits", "").strip()
    words = params.get("SpeechResult", "").strip()[:2000]
    where = conversations.where(call.conversation_id)
    stage, case_id, language = where.stage, where.case_id, where.language
    if call.state.step == TEXT_STEP:
        return await (await _text_instead(call, language, case_id, digits)).twiml()
    if "t" not in query:
        # The call has just been answered: start as if they had said hello.
        return await _turn(rasa, call, stage, "/greet")
    if digits:
        choices = _choices(call.state, language)
        payload = spoken.payload_for(digits[-1], choices, call.state.page) if len(digits) == 1 else None
        if payload == spoken.MORE:
            more = replace(call.state, page=call.state.page + 1)
            return await _ask_keys(replace(call, state=more), language, stage, []).twiml()
        if payload is None:
            return await _ask_keys(call, language, stage, [text("voice.wrong_key", language)]).twiml()
        return await _turn(rasa, call, stage, payload)
    if words:
        if stage in KEYS_ONLY and not is_stop(words) and not asks_for_person(words):
            # A misheard "yes" must never be recorded: only a clear one, heard surely, counts like a key.
            return await _spoken_readback(rasa, call, where, words, params.get("Confidence", ""))
        return await _turn(rasa, call, stage, words)
    return await _silence(call, where).twiml()
