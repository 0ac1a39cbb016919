"""The team's pick from a council's long list: seeded, stratified by theme, re-runnable by hand (README, "The pick";
the draw itself is server.domain.draw).

Picking makes the cases (no contact details yet), deletes the rest of the list (only its SHA-256 stays) and records
the seed, the rules and the SHA-256 in the audit chain. A second pick is refused until the first is voided.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.domain import audit, councils, invite_codes, long_lists, picks
from server.domain import draw as draw_rules
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.long_lists import Row
from server.domain.models import Case, Council, LongListRow, Selection, iso, utcnow
from server.domain.tokens import Principal

MAX_SEED = 2**53  # a JSON number any client reads exactly
MAX_COUNT = 100
ALLOCATIONS = draw_rules.ALLOCATIONS
Size = draw_rules.Size


def draw(
    rows: list[Row], seed: int, primary: int, reserve: int, allocation: str = "round_robin"
) -> tuple[list[str], list[str]]:
    """The pick's references, primaries then reserves (pure: the same rows, seed and rules give the same pick)."""
    primaries, reserves = draw_rules.draw(rows, seed, primary, reserve, allocation)
    return [row.reference for row in primaries], [row.reference for row in reserves]


def _check_size(size: Size) -> None:
    if not 0 < size.share <= 1:
        raise InvalidInput("The share must be more than 0 and at most 1, like 0.125 for 1 in 8.", "size")
    if not 1 <= size.min <= size.max <= MAX_COUNT:
        raise InvalidInput(f"Give a min and a max from 1 to {MAX_COUNT}, the min no more than the max.", "size")


def pick(
    session: Session,
    principal: Principal,
    council_id: int,
    primary: int,
    reserve: int,
    seed: int | None,
    *,
    allocation: str = "round_robin",
    size: Size | None = None,
) -> Selection:
    """`size`, when given, sets the number of primaries from the list's length instead of `primary`."""
    councils.open_for_cases(session, council_id)
    if allocation not in ALLOCATIONS:
        raise InvalidInput("The allocation is round_robin or proportional.", "allocation")
    if size is not None:
        _check_size(size)
        primary = size.min
    if not 1 <= primary <= MAX_COUNT or not 0 <= reserve <= MAX_COUNT:
        raise InvalidInput(f"Pick 1 to {MAX_COUNT} primaries and 0 to {MAX_COUNT} reserves.", "primary")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"The seed must be a whole number from 0 to {MAX_SEED}.", "seed")
    # One pick at a time per council on PostgreSQL: the check for a standing pick happens under the council's lock.
    session.execute(select(Council.id).where(Council.id == council_id).with_for_update())
    if picks.active_selection(session, council_id) is not None:
        raise Conflict("This council already has a pick. Void it first, with a reason.")
    found = long_lists.current(session, council_id)
    if found is None:
        raise Conflict("This council has no long list waiting for a pick. Council staff upload one first.")
    rows = long_lists.rows_of(session, found)
    if size is not None:
        primary = size.count(len(rows))
    if len(rows) < primary + reserve:
        raise InvalidInput(f"The list has {len(rows)} rows: too few for {primary + reserve} people.", "primary")
    seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    primaries, reserves = draw(rows, seed, primary, reserve, allocation)
    selection = Selection(
        council_id=council_id,
        long_list_id=found.id,
        seed=seed,
        list_sha256=found.sha256,
        primary_count=primary,
        reserve_count=reserve,
        primary=primaries,
        reserve=reserves,
        allocation=allocation,
        size=size.as_dict() if size is not None else None,
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
            "allocation": allocation,
            "size": size.as_dict() if size is not None else None,
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
    found = picks.active_selection(session, council_id)
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
        "allocation": selection.allocation,
        "size": selection.size,
        "primary_count": selection.primary_count,
        "reserve_count": selection.reserve_count,
        "made_by": selection.made_by,
        "made_at": iso(selection.created_at),
        "voided_at": iso(selection.voided_at) if selection.voided_at else None,
        "void_reason": selection.void_reason,
    }
