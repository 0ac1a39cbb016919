"""Turns a response name and its arguments into the words a person sees, in their language, for their channel.

Words live in easyread/content/*.<lang>.yml (python-i18n); this module only knows which words and which
choices make up each response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import i18n
import yaml

from easyread.languages import available

CONTENT = Path(__file__).resolve().parent / "content"
PICTURES_DIR = Path(__file__).resolve().parent / "pictures"
# Where the server serves easyread/pictures/ (a static mount).
PICTURES_URL = "/pictures"

# Every choice a person can make by button; the payload is what a click sends, and it is also typeable.
PAYLOADS: dict[str, str] = {
    "yes": "/affirm",
    "no": "/deny",
    "not_sure": "/unsure",
    "next": "/continue",
    "say_again": "/repeat",
    "talk_to_person": "/request_human",
    "stop": "/stop",
    "yes_right": "/affirm",
    "no_change": "/deny",
    "take_part": "/affirm",
    "not_take_part": "/deny",
}

# Choices answered without the language model (server.services.inbound sends them straight to the stage's action).
ROLES = ("independent_advocate", "family_member", "friend", "paid_carer", "attorney", "deputy")
HOW = ("phone", "video", "home", "elsewhere")
# "lived_experience": to talk with someone who has had care and support too (an Expert by Experience).
SUPPORT: tuple[str, ...] = ("bsl", "interpreter", "easy_read", "large_print", "someone", "extra_time", "breaks")
SUPPORT += ("hearing_loop", "lived_experience")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TIMES = ("morning", "afternoon", "evening")
CONTACT = ("text", "call", "representative")


def _choice_payloads() -> dict[str, str]:
    payloads = {"choices.self": "/identify_self", "choices.helper": "/identify_helper"}
    payloads |= {"choices.skip": "skip", "choices.none": "none", "choices.any_day": "any", "choices.any_time": "any"}
    for name, values in (("role", ROLES), ("how", HOW), ("support", SUPPORT), ("contact", CONTACT)):
        payloads |= {f"choices.{name}_{v}": f"{name}:{v}" for v in values}
    payloads |= {f"choices.day_{v}": f"day:{v}" for v in DAYS}
    payloads |= {f"choices.time_{v}": f"time:{v}" for v in TIMES}
    return payloads


PAYLOADS |= _choice_payloads()
# The buttons that switch language: "lang_pl" sends "lang:pl", and its title is the language's own name.
LANGUAGE_BUTTONS = tuple(f"lang_{code}" for code in available())
PAYLOADS |= {button: f"lang:{button.removeprefix('lang_')}" for button in LANGUAGE_BUTTONS}

EXPLAIN_STEPS = (
    "what_happens",
    "who_talk",
    "what_info",
    "someone_with_me",
    "how_used",
    "can_stop",
    "contact",
)
# Every step of the explanation can also be asked about directly, and what people in the pilots asked besides.
QUESTIONS = (
    "who_are_you",
    *EXPLAIN_STEPS,
    "meet_how",
    "must_take_part",
    "why_me",
    "is_real",
    "how_long",
    "afterwards",
    "someone_answers",
    "contact_when",
)


# The picture shown beside a message in the web chat (easyread/pictures/<name>.svg); its words are the alt text,
# in the person's language, from pictures.<lang>.yml.
PICTURE_NAMES = (
    "talk",
    "phone",
    "video_call",
    "home",
    "helper",
    "stop",
    "calendar",
    "yes",
    "no",
    "question",
    "information",
    "person",
)
PICTURES: dict[str, str] = {
    "greet": "information",
    "why_contact": "person",
    "explain_what_happens": "talk",
    "explain_who_talk": "person",
    "explain_what_info": "information",
    "explain_someone_with_me": "helper",
    "explain_how_used": "information",
    "explain_can_stop": "stop",
    "explain_contact": "phone",
    "answer_who_are_you": "information",
    "answer_what_happens": "talk",
    "answer_who_talk": "person",
    "answer_what_info": "information",
    "answer_someone_with_me": "helper",
    "answer_how_used": "information",
    "answer_can_stop": "stop",
    "answer_contact": "phone",
    "answer_meet_how": "video_call",
    "carry_on": "question",
    "consent_facts": "information",
    "stop_readback": "stop",
    "answer_must_take_part": "stop",
    "answer_why_me": "person",
    "answer_is_real": "phone",
    "answer_how_long": "talk",
    "answer_afterwards": "information",
    "answer_someone_answers": "helper",
    "answer_contact_when": "calendar",
    "ask_consent": "question",
    "readback_yes": "yes",
    "readback_no": "no",
    "consent_given": "yes",
    "consent_declined": "no",
    "unsure": "question",
    "not_understood_twice": "person",
    "handoff": "person",
    "stop_declined": "stop",
    "stop_withdrawn": "stop",
    "after_stop": "stop",
    "already_given": "yes",
    "ask_who": "helper",
    "ask_role": "helper",
    "thanks_helper": "helper",
    "prefs_intro": "calendar",
    "ask_how": "talk",
    "ask_support": "helper",
    "ask_days": "calendar",
    "ask_times": "calendar",
    "ask_avoid": "calendar",
    "ask_contact_by": "phone",
    "prefs_readback": "information",
    "prefs_saved": "calendar",
    "expert_noted": "helper",
    "safety": "phone",
    "consent_receipt": "information",
    "reconfirm_ask": "calendar",
    "reconfirm_yes": "yes",
    "reconfirm_no": "no",
    "language_changed": "talk",
    "choose_language": "talk",
}


@dataclass(frozen=True)
class Spec:
    key: str
    buttons: tuple[str, ...] = ()


def _catalogue() -> dict[str, Spec]:
    specs = {
        "greet": Spec("greet"),
        "welcome_back": Spec("welcome_back"),
        "why_contact": Spec("why_contact"),
        "carry_on": Spec("carry_on", ("next", "say_again")),
        "consent_facts": Spec("consent_facts"),
        "stop_readback": Spec("stop_readback", ("yes_right", "no_change")),
        "ring_back_offer": Spec("ring_back_offer", ("yes", "no")),
        "ring_back_now": Spec("ring_back_now"),
        "ring_back_declined": Spec("ring_back_declined"),
        "not_stopped": Spec("not_stopped"),
        "you_are_welcome": Spec("you_are_welcome"),
        "cannot_skip": Spec("cannot_skip"),
        "not_understood_again": Spec("not_understood_again"),
        "hint_yes_no": Spec("hint_yes_no"),
        "hint_step": Spec("hint_step"),
        "hint_skip": Spec("hint_skip"),
        "hint_choice": Spec("hint_choice"),
        "ask_consent": Spec("ask_consent", ("yes", "no", "not_sure")),
        "readback_yes": Spec("readback_yes", ("yes_right", "no_change")),
        "readback_no": Spec("readback_no", ("yes_right", "no_change")),
        "consent_given": Spec("consent_given"),
        "consent_declined": Spec("consent_declined"),
        "try_again": Spec("try_again"),
        "unsure": Spec("unsure", ("yes", "no", "say_again")),
        "not_understood": Spec("not_understood"),
        "not_understood_twice": Spec("not_understood_twice"),
        "handoff": Spec("handoff"),
        "stop_declined": Spec("stop_declined"),
        "stop_withdrawn": Spec("stop_withdrawn"),
        "after_stop": Spec("after_stop", ("yes",)),
        "already_given": Spec("already_given"),
        "out_of_scope": Spec("out_of_scope"),
        "thanks": Spec("thanks"),
        "ask_code": Spec("ask_code"),
        "code_wrong": Spec("code_wrong"),
        "code_locked": Spec("code_locked"),
        "code_wait": Spec("code_wait"),
        "code_person": Spec("code_person"),
        "error_try_again": Spec("error_try_again"),
        "ask_who": Spec("reps.ask_who", ("choices.self", "choices.helper")),
        "ask_role": Spec("reps.ask_role", tuple(f"choices.role_{r}" for r in ROLES)),
        "ask_rep_name": Spec("reps.ask_name", ("choices.skip",)),
        "ask_rep_contact": Spec("reps.ask_contact", ("choices.skip",)),
        "ask_join": Spec("reps.ask_join", ("yes", "no")),
        "ask_behalf": Spec("reps.ask_behalf", ("yes", "no")),
        "thanks_helper": Spec("reps.thanks_helper"),
        "rep_readback": Spec("reps.readback", ("yes_right", "no_change")),
        "rep_try_again": Spec("reps.try_again"),
        "rep_contact_number": Spec("reps.contact_number", ("choices.skip",)),
        "role_unknown": Spec("reps.role_unknown"),
        "prefs_intro": Spec("prefs.intro"),
        "ask_how": Spec("prefs.ask_how", (*(f"choices.how_{h}" for h in HOW), "choices.skip")),
        "ask_support": Spec("prefs.ask_support", (*(f"choices.support_{h}" for h in SUPPORT), "choices.none")),
        "ask_language": Spec("prefs.ask_language", ("choices.skip",)),
        "ask_days": Spec("prefs.ask_days", (*(f"choices.day_{d}" for d in DAYS), "choices.any_day")),
        "ask_times": Spec("prefs.ask_times", (*(f"choices.time_{t}" for t in TIMES), "choices.any_time")),
        "ask_avoid": Spec("prefs.ask_avoid", ("choices.skip",)),
        "ask_contact_by": Spec("prefs.ask_contact", (*(f"choices.contact_{c}" for c in CONTACT), "choices.skip")),
        "prefs_readback": Spec("prefs.readback", ("yes_right", "no_change")),
        "prefs_saved": Spec("prefs.saved"),
        "prefs_start_again": Spec("prefs.start_again"),
        "prefs_not_got": Spec("prefs.not_got"),
        "expert_noted": Spec("prefs.expert_noted"),
        "safety": Spec("safety.reply"),
        "consent_receipt": Spec("consent.receipt"),
        "reconfirm_ask": Spec("consent.reconfirm_ask", ("yes", "no")),
        "reconfirm_yes": Spec("consent.reconfirm_yes"),
        "reconfirm_no": Spec("consent.reconfirm_no"),
        "holding": Spec("status.holding"),
        "language_changed": Spec("language_changed"),
        "choose_language": Spec("choose_language", LANGUAGE_BUTTONS),
    }
    for step in EXPLAIN_STEPS:
        specs[f"explain_{step}"] = Spec(f"explain_{step}")
    # The last message of each part of the explanation: carry on, or answer the question now.
    for step in ("what_info", "how_used"):
        specs[f"explain_{step}"] = Spec(f"explain_{step}", ("next", "take_part", "not_take_part"))
    for question in QUESTIONS:
        specs[f"answer_{question}"] = Spec(f"answer_{question}")
    return {f"utter_{name}": spec for name, spec in specs.items()}


RESPONSES = _catalogue()

# The longest realistic value of each placeholder: checks render every message with these (SMS length, say).
EXAMPLE_ARGS: dict[str, object] = {
    "council": "London Borough of Hammersmith and Fulham",
    "when": "Wednesday 30 September at 10:30am",
    "by": "Wednesday 30 September",
    "helpline": "03000 616161",
    "minutes": 60,
    "summary": (
        "Meet by: Face to face somewhere else. Help you need: Easy read, Large print. Days: Monday, Tuesday, "
        "Wednesday. Time of day: Morning. Dates to avoid: not the week of 12 March. Contact you by: Text."
    ),
    "details": (
        "You are Mary-Jane Smith. You help them as: Someone who helps them speak up. "
        "We can contact you on mary-jane.smith@example.org."
    ),
}


@dataclass
class Rendered:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    image: str | None = None
    audio: str | None = None
    # The picture's text alternative, in the person's language.
    alt: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"text": self.text}
        if self.buttons:
            out["buttons"] = self.buttons
        if self.image:
            out["image"] = self.image
        if self.alt:
            out["alt"] = self.alt
        if self.audio:
            out["audio"] = self.audio
        return out


@lru_cache(maxsize=1)
def _setup() -> None:
    i18n.load_path.append(str(CONTENT))
    i18n.set("file_format", "yml")
    i18n.set("filename_format", "{namespace}.{locale}.{format}")
    i18n.set("fallback", "en")
    i18n.set("enable_memoization", True)
    i18n.set("error_on_missing_translation", True)
    i18n.set("error_on_missing_placeholder", True)


def text(key: str, language: str, **args: object) -> str:
    """One string from the content files, e.g. text("web.send", "en")."""
    _setup()
    return str(i18n.t(key, locale=language, **args))


@lru_cache(maxsize=16)
def keys(language: str) -> frozenset[str]:
    """Every "namespace.key" the content files define for a language."""
    found: set[str] = set()
    for path in CONTENT.glob(f"*.{language}.yml"):
        namespace = path.name.split(".")[0]
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found |= {f"{namespace}.{key}" for key in (data.get(language) or {})}
    return frozenset(found)


def has(key: str, language: str) -> bool:
    return key in keys(language)


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    return [node] if isinstance(node, str) else []


@lru_cache(maxsize=1)
def fixed_messages() -> frozenset[tuple[str, str]]:
    """(words, language) for every message of the content with nothing filled in (no %{...})."""
    found: set[tuple[str, str]] = set()
    for language in available():
        for path in CONTENT.glob(f"*.{language}.yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            found |= {(words, language) for words in _strings(data.get(language)) if "%{" not in words}
    return frozenset(found)


@lru_cache(maxsize=1)
def _fixed_words() -> frozenset[str]:
    return frozenset(words for words, _ in fixed_messages())


def same_for_everyone(words: str | None) -> bool:
    """The words are a message of the content with nothing filled in, in any language: they say nothing about
    anyone, so their audio may be kept and shared."""
    return words is not None and words in _fixed_words()


def channel_text(key: str, language: str, channel: str, **args: object) -> str:
    """`key_<channel>` when the content has a version for that channel (a shorter SMS, say), else `key`."""
    variant = f"{key}_{channel}"
    return text(variant if has(variant, language) else key, language, **args)


def render(name: str, language: str, channel: str, args: dict[str, object] | None = None) -> Rendered | None:
    """The message for a response name, or None when the name is not ours (Rasa's built-ins)."""
    spec = RESPONSES.get(name)
    if spec is None:
        return None
    key = spec.key if "." in spec.key else f"bot.{spec.key}"
    rendered = Rendered(text=channel_text(key, language, channel, **(args or {})))
    rendered.buttons = [
        {"title": button_title(button, language, channel), "payload": PAYLOADS[button]} for button in spec.buttons
    ]
    picture = PICTURES.get(name.removeprefix("utter_"))
    if picture is not None and channel == "web":
        # Only the web chat shows pictures; a text or a call has the words alone.
        rendered.image = picture_url(picture)
        rendered.alt = picture_alt(rendered.image, language)
    return rendered


def button_title(button: str, language: str, channel: str = "web") -> str:
    """A button's words ("yes", "choices.day_monday"), shorter on a channel that has its own version (a text);
    a language's button is that language's own name."""
    if button in LANGUAGE_BUTTONS:
        return text("language.name", button.removeprefix("lang_"))
    return channel_text(button if "." in button else f"buttons.{button}", language, channel)


def picture_url(picture: str) -> str:
    return f"{PICTURES_URL}/{picture}.svg"


def picture_alt(url: str, language: str) -> str | None:
    """The words for one of our pictures, from its address; None for any other picture."""
    name = url.rsplit("/", 1)[-1].removesuffix(".svg")
    return text(f"pictures.{name}", language) if name in PICTURE_NAMES else None


def notice_text(language: str, channel: str, names: tuple[str, ...]) -> str:
    """The messages `names` exactly as shown on this channel: what a consent record's version hash covers."""
    parts = []
    for name in names:
        message = render(f"utter_{name}", language, channel)
        assert message is not None
        parts.append(message.text)
    return "\n".join(parts)
