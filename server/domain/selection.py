"""The team's pick from a council's long list: seeded, stratified by theme, re-runnable by hand (README, "The pick").

The draw, for a seed S (an integer written in decimal) and the list's rows:

1. Each theme's rows are put in order of sha256(f"{S}:{reference}") as lowercase hex, smallest first.
2. The themes are put in order of sha256(f"{S}:theme:{theme}"), smallest first.
3. Primaries: go round the themes in that order, taking each theme's next row, round after round, skipping themes
   with no rows left, until `primary` rows are taken. No theme gets a second primary before every theme has one.
4. Reserves: the same, round after round over the rows left, until `reserve` rows are taken.

Picking makes the cases (no contact details yet), deletes the rest of the list (only its SHA-256 stays) and records
the seed and the SHA-256 in the audit chain. A second pick is refused until the first is voided.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.domain import audit, councils, invite_codes, long_lists
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.long_lists import Row
from server.domain.models import Case, Council, LongListRow, Selection, iso, utcnow
from server.domain.tokens import Principal

MAX_SEED = 2**53  # a JSON number any client reads exactly
MAX_COUNT = 100


def _key(seed: int, value: str) -> str:
    return hashlib.sha256(f"{seed}:{value}".encode()).hexdigest()


def _rounds(order: list[str], by_theme: dict[str, list[Row]], count: int) -> list[Row]:
    """Take `count` rows round the themes, one a theme a round; removes them from `by_theme`."""
    taken: list[Row] = []
    while len(taken) < count and any(by_theme[theme] for theme in order):
        for theme in order:
            if len(taken) == count:
                break
            if by_theme[theme]:
                taken.append(by_theme[theme].pop(0))
    return taken


def draw(rows: list[Row], seed: int, primary: int, reserve: int) -> tuple[list[str], list[str]]:
    """The pick's references, primaries then reserves (pure: the same rows and seed give the same pick)."""
    by_theme: dict[str, list[Row]] = {}
    for row in rows:
        by_theme.setdefault(row.theme, []).append(row)
    for theme_rows in by_theme.values():
        theme_rows.sort(key=lambda row: _key(seed, row.reference))
    order = sorted(by_theme, key=lambda theme: _key(seed, f"theme:{theme}"))
    primaries = _rounds(order, by_theme, primary)
    reserves = _rounds(order, by_theme, reserve)
    return [row.reference for row in primaries], [row.reference for row in reserves]


def pick(
    session: Session, principal: Principal, council_id: int, primary: int, reserve: int, seed: int | None
) -> Selection:
    councils.open_for_cases(session, council_id)
    if not 1 <= primary <= MAX_COUNT or not 0 <= reserve <= MAX_COUNT:
        raise InvalidInput(f"Pick 1 to {MAX_COUNT} primaries and 0 to {MAX_COUNT} reserves.", "primary")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"The seed must be a whole number from 0 to {MAX_SEED}.", "seed")
    # One pick at a time per council on PostgreSQL: the check for a standing pick happens under the council's lock.
    session.execute(select(Council.id).where(Council.id == council_id).with_for_update())
    if long_lists.active_selection(session, council_id) is not None:
        raise Conflict("This council already has a pick. Void it first, with a reason.")
    found = long_lists.current(session, council_id)
    if found is None:
        raise Conflict("This council has no long list waiting for a pick. Council staff upload one first.")
    rows = long_lists.rows_of(session, found)
    if len(rows) < primary + reserve:
        raise InvalidInput(f"The list has {len(rows)} rows: too few for {primary + reserve} people.", "primary")
    seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    primaries, reserves = draw(rows, seed, primary, reserve)
    selection = Selection(
        council_id=council_id,
        long_list_id=found.id,
        seed=seed,
        list_sha256=found.sha256,
        primary_count=primary,
        reserve_count=reserve,
        primary=primaries,
        reserve=reserves,
        made_by=principal.actor,
    )
    session.add(selection)
    session.flush()
    themes = {row.reference: row.theme for row in rows}
    made = [_case(session, council_id, selection.id, ref, themes[ref], "primary") for ref in primaries]
    made += [_case(session, council_id, selection.id, ref, themes[ref], "reserve") for ref in reserves]
    # The rest of the list (and the picked rows' other columns) is deleted: only its SHA-256 stays.
    session.execute(delete(LongListRow).where(LongListRow.long_list_id == found.id))
    found.picked_at = utcnow()
    session.flush()
    audit.append(
        session,
        principal.actor,
        "selection.made",
        None,
        {
            "council_id": council_id,
            "selection_id": selection.id,
            "seed": seed,
            "list_sha256": found.sha256,
            "rows": len(rows),
            "primary": primaries,
            "reserve": reserves,
        },
    )
    for case in made:
        audit.append(
            session,
            principal.actor,
            "case.created",
            case.id,
            {"council_id": council_id, "theme": case.theme, "selection_id": selection.id},
        )
    return selection


def _case(session: Session, council_id: int, selection_id: int, reference: str, theme: str, priority: str) -> Case:
    """A picked case without contact details; one left by a voided pick with the same reference is reused."""
    existing = session.scalars(select(Case).where(Case.council_id == council_id, Case.reference == reference)).first()
    if existing is not None:
        if existing.status != "voided":
            raise Conflict(f"The council already has a case {reference}.", "reference")
        existing.status, existing.theme, existing.priority = "created", theme, priority
        existing.selection_id = selection_id
        session.flush()
        return existing
    case = Case(
        council_id=council_id,
        reference=reference,
        theme=theme,
        priority=priority,
        phone=None,
        language="en",
        invite_code=invite_codes.new_code(),
        invite_token=invite_codes.new_token(),
        selection_id=selection_id,
    )
    session.add(case)
    session.flush()
    return case


def current_for(session: Session, principal: Principal, council_id: int) -> Selection:
    long_lists.can_see(principal, council_id)
    councils.get(session, council_id)
    found = long_lists.active_selection(session, council_id)
    if found is None:
        raise NotFound("This council has no pick yet.")
    return found


def void(session: Session, principal: Principal, council_id: int, selection_id: int, reason: str) -> Selection:
    """Cancel a pick (audited with its reason). Refused once anyone picked has been contacted."""
    councils.get(session, council_id)
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise InvalidInput("Give a reason of 1 to 300 characters.", "reason")
    selection = session.get(Selection, selection_id)
    if selection is None or selection.council_id != council_id:
        raise NotFound("There is no pick with that id.")
    if selection.voided_at is not None:
        raise Conflict("This pick is already void.")
    picked = list(session.scalars(select(Case).where(Case.selection_id == selection.id)))
    contacted = [case.reference for case in picked if case.invited_at is not None or case.status != "created"]
    if contacted:
        raise Conflict(f"These people have been contacted, so the pick cannot be voided: {', '.join(contacted)}.")
    for case in picked:
        # Kept (audit events point at it) but out of every list; a new pick of the same reference reuses it.
        case.status = "voided"
        case.phone = None
    selection.voided_at = utcnow()
    selection.voided_by = principal.actor
    selection.void_reason = reason
    session.flush()
    detail: dict[str, object] = {"council_id": council_id, "selection_id": selection.id, "reason": reason}
    audit.append(session, principal.actor, "selection.voided", None, detail)
    return selection


def view(selection: Selection) -> dict[str, object]:
    return {
        "id": selection.id,
        "council_id": selection.council_id,
        "seed": selection.seed,
        "list_sha256": selection.list_sha256,
        "primary": list(selection.primary),
        "reserve": list(selection.reserve),
        "made_by": selection.made_by,
        "made_at": iso(selection.created_at),
        "voided_at": iso(selection.voided_at) if selection.voided_at else None,
        "void_reason": selection.void_reason,
    }
