"""The dialogue's port (dialogue/port.py) on this side: the session, server.domain and the recorders in actions/.

A message's unit of work (server/services/turn.py) makes one for the conversation a message belongs to and hands it to
`dialogue.run`; the dialogue never sees the session or a record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from actions import consent as consent_actions
from actions import preferences as preference_actions
from actions import representatives as representative_actions
from actions.act import Act
from actions.registry import RECORDERS
from dialogue.turn import Turn
from server.domain import conversations, councils, experts, invite_codes, reconfirm, timeliness
from server.domain.models import Case, Conversation
from server.settings import get_settings


@dataclass
class SessionPort:
    session: Session
    conversation: Conversation
    case: Case
    # The consent state read this turn, until something that may change it is recorded (one read, not one per look):
    # given when the case was read with it (server.domain.conversations.with_case), else read when first needed.
    known_consent: str | None = field(default=None, repr=False)

    @property
    def actor(self) -> str:
        return f"person:{self.conversation.channel}"

    def act(self, turn: Turn) -> Act:
        return Act(self.session, self.conversation, self.case, turn)

    def consent_state(self) -> str:
        if self.known_consent is None:
            self.known_consent = consent_actions.current_state(self.session, self.case)
        return self.known_consent

    def council_name(self) -> str:
        return councils.get(self.session, self.case.council_id).name

    def contact_by(self) -> date:
        return timeliness.contact_by(self.session, self.case, datetime.now(UTC))

    def pending_meeting(self) -> datetime | None:
        meeting = reconfirm.pending_meeting(self.session, self.case.id)
        return None if meeting is None else meeting.at

    def is_own_code(self, text: str) -> bool:
        return invite_codes.normalise(text) == self.case.invite_code

    def prefs_summary(self) -> str:
        return preference_actions.read_back(self.session, self.case, self.conversation)

    def helper_details(self) -> str:
        return representative_actions.read_back(self.session, self.conversation)

    @property
    def helpline(self) -> str:
        return get_settings().helpline_number

    @property
    def talk_minutes(self) -> int:
        return get_settings().talk_minutes

    @property
    def consent_min_confidence(self) -> float:
        return get_settings().consent_min_confidence

    def record(self, recorder: str, turn: Turn, value: object, extra: dict[str, str]) -> str | None:
        self.known_consent = None
        return RECORDERS[recorder](self.act(turn), value, extra)

    def stop_now(self, turn: Turn) -> str:
        self.known_consent = None
        return consent_actions.stop_now(self.act(turn))

    def hand_off(self, reason: str, urgent: bool = False) -> None:
        self.known_consent = None
        consent_actions.hand_off(self.session, self.case, self.conversation, reason, urgent)

    def move(self, stage: str, step: int, pending: str | None) -> None:
        conversations.move(self.session, self.conversation, conversations.Position(stage, step, pending))

    def note_understood(self, understood: bool) -> int:
        return conversations.note_understood(self.session, self.conversation, understood=understood)

    def set_language(self, code: str) -> None:
        conversations.set_language(self.session, self.conversation, code, actor=self.actor)

    def note_wish(self, stage: str, before_support: bool) -> None:
        experts.note_wish(self.session, self.case.id, self.actor, stage, before_support)


def of(session: Session, conversation: Conversation) -> SessionPort | None:
    """The port for a conversation's turn; None before the conversation belongs to a case (it asks for the code)."""
    case = conversation.case if conversation.case_id is not None else None
    return None if case is None else SessionPort(session, conversation, case, case.consent_now)
