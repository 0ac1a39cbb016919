"""The conversation, top to bottom: every stage, what it asks, what answer it expects, where each answer goes.

A stage asks with one or more messages (response names in easyread/, without "utter_"). Its kind says what it
waits for: yes or no, one (or several) of its choices, free text, a phone number or an email, "ok" to carry on.
What an answer records is in `records`, the name of a recorder the use-case side runs (actions.RECORDERS). A
recorder returns a fact, an outcome key ("given", "declined", "corrected", "role_known", "needs_language"...), or
None; `goes` then names the next stage for that outcome, else for the answer itself, else for any answer ("*").
So this file alone says where a conversation goes: STAY keeps the stage (what the person needs was just said),
RESUME goes back to where the person was before a read-back of a wish to stop or an offer to ring back, and
RESUME_QUIETLY does so without asking (the call is ending). Going off this path (a question, "say that again",
a correction, not understood, a person) is handled once for every stage, in dialogue/repair.py, which moves only
to the stages named at the bottom of this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from dialogue import answers


class Kind(StrEnum):
    START = "start"  # nothing asked yet: any message starts the conversation
    STEP = "step"  # part of the explanation: "ok" or "next" carries on
    YES_NO = "yes_no"
    CHOICE = "choice"  # one of the choices (or several, when `many`)
    TEXT = "text"  # free text, kept as typed
    CONTACT = "contact"  # a phone number or an email, kept as typed
    END = "end"  # nothing asked: the conversation is over, or waits for the team


class Consent(StrEnum):
    """What a yes or no about consent itself is answering."""

    QUESTION = "question"  # do you agree to take part?
    READBACK = "readback"  # you said yes (or no): is that right?
    STOP = "stop"  # you want to stop taking part: is that right?
    RECHECK = "recheck"  # the check before the meeting: do you still want to talk with us?


@dataclass(frozen=True)
class Stage:
    name: str
    asks: tuple[str, ...]
    kind: Kind
    goes: dict[str, str] = field(default_factory=dict)
    records: str | None = None
    skippable: bool = False
    # Choices: value -> the words that name it; a button sends "<payload>:<value>".
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    payload: str = ""
    many: bool = False
    # What "none" or "no" (empty="none") or "any" (empty="any") means at a choice or free-text stage.
    empty: str | None = None
    # Choices the model recognises as intents ("it's me" -> identify_self), and what a plain "yes" chooses.
    intents: dict[str, str] = field(default_factory=dict)
    yes_means: str | None = None
    # A yes or no about consent itself: the question, its read-back, a withdrawal's read-back, the check before
    # the meeting. Such an answer needs a sure reading (and, by phone, a key press at a read-back).
    consent: Consent | None = None
    # Said on leaving the stage by its answer, before the next stage's question (the explanation's last part).
    then_says: tuple[str, ...] = ()
    # Nothing is being asked: after a question or small talk the stage is not asked again.
    ended: bool = False
    # A question about how they would like to meet (a wish for an expert by experience is heard at any of them).
    meeting: bool = False
    # What free text must be: "name" (a person's name), "language" (a language's name, never a wish to talk in it),
    # "dates" (days or weeks to avoid: words naming a month or a weekday are that, whatever the model reads).
    expects: str = ""
    # The answer waiting for its read-back stays while the person is at this stage.
    keeps_pending: bool = False


# Targets in `goes` that are no stage: stay (having said enough), or go back to where the person was.
STAY = "=stay"
RESUME = "=resume"
RESUME_QUIETLY = "=resume_quietly"
MOVES = frozenset((STAY, RESUME, RESUME_QUIETLY))


HELPER_WORDS = tuple(word for words in answers.ROLE_WORDS.values() for word in words)
HELPER_WORDS += ("helping", "for my", "on behalf", "for her", "for him", "for them", "pomagam", "w imieniu")
# Whole phrases only: "me" alone is in too many questions ("when will you ring me?"); the model knows the rest.
SELF_WORDS: tuple[str, ...] = (
    "its me",
    "it's me",
    "it is me",
    "for me",
    "just me",
    "only me",
    "myself",
    "to ja",
    "dla mnie",
)
SELF_WORDS += ("ja sam", "ja sama", "to mnie")

FLOW: tuple[Stage, ...] = (
    # Hello, who we are, why we got in touch, and (early and kindly) who is replying.
    Stage("start", ("greet", "why_contact", "ask_who"), Kind.START, goes={"*": "who"}),
    Stage(
        "who",
        ("ask_who",),
        Kind.CHOICE,
        # A helper's words first: "it's me, her daughter" is someone helping.
        choices={"helper": HELPER_WORDS, "self": SELF_WORDS},
        payload="who",
        intents={"self": "identify_self", "helper": "identify_helper"},
        yes_means="self",
        # A helper who already said "I'm her daughter" is not asked who they are.
        goes={"self": "explain_1", "helper": "rep_role", "role_known": "rep_name"},
        records="helper_starts",
    ),
    # Someone helping: who they are to the person, their name, how to reach them, and what they do for them.
    Stage(
        "rep_role",
        ("ask_role",),
        Kind.CHOICE,
        choices=answers.ROLE_WORDS,
        payload="role",
        goes={"*": "rep_name"},
        records="helper_role",
    ),
    Stage(
        "rep_name",
        ("ask_rep_name",),
        Kind.TEXT,
        skippable=True,
        expects="name",
        goes={"*": "rep_contact"},
        records="helper_name",
    ),
    Stage(
        "rep_contact",
        ("ask_rep_contact",),
        Kind.CONTACT,
        skippable=True,
        # "This number" on a web chat, which has no number to give: asked for one.
        goes={"*": "rep_check", "needs_number": STAY},
        records="helper_contact",
    ),
    # The helper's details read back once, in one message: a slip costs one turn, not a wrong record.
    Stage(
        "rep_check",
        ("rep_readback",),
        Kind.YES_NO,
        goes={"yes": "rep_join", "no": "rep_role"},
        records="helper_checked",
    ),
    Stage("rep_join", ("ask_join",), Kind.YES_NO, goes={"yes": "rep_behalf", "no": "rep_behalf"}, records="joins"),
    Stage(
        "rep_behalf",
        ("ask_behalf",),
        Kind.YES_NO,
        goes={"yes": "explain_1", "no": "explain_1"},
        records="on_behalf",
    ),
    # Case tracking explained in small steps; the person can answer the question at any of them.
    Stage(
        "explain_1",
        ("explain_what_happens", "explain_who_talk", "explain_what_info"),
        Kind.STEP,
        goes={"next": "explain_2"},
    ),
    Stage(
        "explain_2",
        ("explain_someone_with_me", "explain_how_used"),
        Kind.STEP,
        goes={"next": "ask_consent"},
        then_says=("explain_can_stop", "explain_contact"),
    ),
    # The question, its read-back, and the answer recorded only once the person says it is right.
    Stage(
        "ask_consent",
        ("ask_consent",),
        Kind.YES_NO,
        # Not sure: noted, and they hear they can answer later; the question is not asked again at once.
        goes={"yes": "confirm", "no": "confirm", "unsure": STAY},
        records="consent_answer",
        consent=Consent.QUESTION,
    ),
    Stage(
        "confirm",
        ("readback",),
        Kind.YES_NO,
        # "No, that is not right": the question again. "No wait, I meant no": the new answer read back.
        goes={"given": "pref_how", "declined": "stopped", "withdrawn": "stopped", "no": "ask_consent"}
        | {"corrected": "confirm"},
        records="consent_confirmed",
        consent=Consent.READBACK,
        keeps_pending=True,
    ),
    # How they would like to meet: every question can be skipped, every answer is saved at once.
    Stage(
        "pref_how",
        ("ask_how",),
        Kind.CHOICE,
        choices=answers.HOW_WORDS,
        payload="how",
        skippable=True,
        meeting=True,
        goes={"*": "pref_support"},
        records="meet_how",
    ),
    Stage(
        "pref_support",
        ("ask_support",),
        Kind.CHOICE,
        choices=answers.SUPPORT_WORDS,
        payload="support",
        many=True,
        skippable=True,
        empty="none",
        meeting=True,
        # The interpreter's language is asked only when an interpreter is wanted.
        goes={"*": "pref_days", "needs_language": "pref_language"},
        records="meet_support",
    ),
    Stage(
        "pref_language",
        ("ask_language",),
        Kind.TEXT,
        skippable=True,
        meeting=True,
        expects="language",
        goes={"*": "pref_days"},
        records="meet_language",
    ),
    Stage(
        "pref_days",
        ("ask_days",),
        Kind.CHOICE,
        choices=answers.DAY_WORDS,
        payload="day",
        many=True,
        skippable=True,
        empty="any",
        meeting=True,
        goes={"*": "pref_times"},
        records="meet_days",
    ),
    Stage(
        "pref_times",
        ("ask_times",),
        Kind.CHOICE,
        choices=answers.TIME_WORDS,
        payload="time",
        many=True,
        skippable=True,
        empty="any",
        meeting=True,
        goes={"*": "pref_avoid"},
        records="meet_times",
    ),
    Stage(
        "pref_avoid",
        ("ask_avoid",),
        Kind.TEXT,
        expects="dates",
        skippable=True,
        empty="none",
        meeting=True,
        goes={"*": "pref_contact"},
        records="meet_avoid",
    ),
    Stage(
        "pref_contact",
        ("ask_contact_by",),
        Kind.CHOICE,
        choices=answers.CONTACT_WORDS,
        payload="contact",
        skippable=True,
        meeting=True,
        goes={"*": "pref_confirm"},
        records="meet_contact",
    ),
    Stage(
        "pref_confirm",
        ("prefs_readback",),
        Kind.YES_NO,
        meeting=True,
        goes={"yes": "done", "no": "pref_how"},
        records="prefs_confirmed",
    ),
    # A wish to stop the model heard in other words is read back first; recorded only when it is confirmed.
    Stage(
        "confirm_stop",
        ("stop_readback",),
        Kind.YES_NO,
        goes={"withdrawn": "stopped", "*": RESUME},
        records="stop_confirmed",
        consent=Consent.STOP,
    ),
    # On a call we did not place, a consent answer waits: we ring the number on file and take it on that call.
    # Yes: the call ends, and the question comes on the call we make. No: back to the question.
    Stage(
        "ring_back",
        ("ring_back_offer",),
        Kind.YES_NO,
        goes={"ringing": RESUME_QUIETLY, "*": RESUME},
        records="ring_back_answer",
        keeps_pending=True,
    ),
    # The check a day or two before the meeting (capacity can change).
    Stage(
        "reconfirm",
        ("reconfirm_ask",),
        Kind.YES_NO,
        goes={"yes": "done", "no": "stopped"},
        records="reconfirmed",
        consent=Consent.RECHECK,
    ),
    # Consent given and preferences saved (or the team has it from here), or the person said no or stop.
    # A yes after a no or a stop is read back before anything changes; a yes when it is given is said so.
    Stage(
        "done",
        ("already_given",),
        Kind.YES_NO,
        goes={"changed_mind": "confirm", "already_given": STAY},
        records="changed_mind",
        ended=True,
    ),
    Stage(
        "stopped",
        ("after_stop",),
        Kind.YES_NO,
        goes={"changed_mind": "confirm", "already_given": STAY},
        records="changed_mind",
        ended=True,
    ),
)

STAGES = {stage.name: stage for stage in FLOW}
# Stage names an earlier version kept in the database.
OLD_NAMES = {"explain": "explain_1"}
# The explanation and the question exactly as shown: what a consent record's version hash covers.
NOTICE = (
    *STAGES["explain_1"].asks,
    *STAGES["explain_2"].asks,
    *STAGES["explain_2"].then_says,
    "consent_facts",
    "ask_consent",
    "readback_yes",
    "readback_no",
)


# Read-backs answered by a key on the phone, so a misheard word is never recorded.
KEYS_ONLY = frozenset(s.name for s in FLOW if s.consent in (Consent.READBACK, Consent.STOP))
# Answers here change consent: on a call we cannot be sure of, they wait for the call back.
RECORDS_CONSENT = frozenset(s.name for s in FLOW if s.consent in (Consent.READBACK, Consent.STOP, Consent.RECHECK))


# Where going off the path leads (dialogue/repair.py, engine.py, moves.py): named here, so no other module
# writes a stage's name.
FIRST = STAGES["start"]
WHO = STAGES["who"]
CONSENT_QUESTION = STAGES["ask_consent"]
CONSENT_READBACK = STAGES["confirm"]
STOP_READBACK = STAGES["confirm_stop"]
RING_BACK = STAGES["ring_back"]
DONE = STAGES["done"]
# The check before the meeting: the team's job asks it by text, and the reply is read at this stage.
RECHECK = STAGES["reconfirm"]
STOPPED = STAGES["stopped"]
# Stages a conversation ends in: reaching one of them during a call ends the call.
ENDED = frozenset(s.name for s in FLOW if s.ended)


def stage(name: str) -> Stage:
    """The stage of this name; a name this version does not know starts the conversation again."""
    return STAGES.get(OLD_NAMES.get(name, name), FIRST)
