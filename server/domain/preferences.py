"""Meeting preferences: how the person wants to meet and what helps them take part (their communication needs)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.errors import InvalidInput
from server.domain.models import Preferences

LIST_FIELDS = ("how", "support", "days", "times")
TEXT_FIELDS = ("interpreter_language", "avoid_dates", "contact_by")


def get(session: Session, case_id: int) -> Preferences | None:
    return session.get(Preferences, case_id)


def get_or_create(session: Session, case_id: int) -> Preferences:
    prefs = session.get(Preferences, case_id)
    if prefs is None:
        prefs = Preferences(case_id=case_id, how=[], support=[], days=[], times=[])
        session.add(prefs)
        session.flush()
    return prefs


def set_field(session: Session, case_id: int, field: str, value: list[str] | str | None, actor: str) -> None:
    """Save one answer as soon as it is given, so nothing is lost if the conversation stops half way."""
    prefs = get_or_create(session, case_id)
    if field in LIST_FIELDS:
        if not isinstance(value, list):
            raise InvalidInput(f"{field} takes a list.")
        if field == "support" and prefs.expert_wish_pending:
            # They asked for someone who has had care too before this question, in their own words: kept.
            value = [*value, *(v for v in prefs.support if v == "lived_experience")]
            prefs.expert_wish_pending = False
        setattr(prefs, field, sorted(set(value)))
    elif field in TEXT_FIELDS:
        if isinstance(value, list):
            raise InvalidInput(f"{field} takes text.")
        setattr(prefs, field, value.strip()[:500] if value else None)
    else:
        raise InvalidInput(f"Unknown preference {field}.")
    session.flush()
    audit.append(session, actor, "preferences.updated", case_id, {"field": field})


def complete(session: Session, case_id: int, actor: str) -> Preferences:
    prefs = get_or_create(session, case_id)
    prefs.completed = True
    session.flush()
    audit.append(session, actor, "preferences.confirmed", case_id, {})
    return prefs


def as_dict(prefs: Preferences) -> dict[str, object]:
    return {
        "how": list(prefs.how),
        "support": list(prefs.support),
        "interpreter_language": prefs.interpreter_language,
        "days": list(prefs.days),
        "times": list(prefs.times),
        "avoid_dates": prefs.avoid_dates,
        "contact_by": prefs.contact_by,
        "completed": prefs.completed,
    }
