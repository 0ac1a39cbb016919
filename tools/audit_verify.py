"""`make audit-verify`: check the whole audit chain in DATABASE_URL, and the chain against its signed checkpoints.

Names the database it checked (its address without the password, and its identity). Exits 0 with "N events,
chain intact", then signs a new checkpoint of the head (AUDIT_CHECKPOINT_PATH). It says plainly when the file holds
checkpoints only for other databases (this one has none yet: a fresh database), and when it holds checkpoints of a
database that was at this address before and was replaced by this one. Exits 1
naming the first bad event and what is wrong with it (edited, removed, out of order), when the chain no longer
holds a checkpoint (truncated: newest events deleted; rewritten: replaced with fresh hashes), or when the
checkpoint file has a line that is not signed with the checkpoint key. Exits 2 when the events cannot be read.
Prints ids, actions and times only: never an event's detail.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from server.domain import audit_checkpoints
from server.domain.db import session_scope
from server.domain.models import iso


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.audit_verify", description="Check the audit hash chain.")
    parser.parse_args(argv)
    try:
        with session_scope() as session:
            check, comparison = audit_checkpoints.check_and_sign(session)
            broken = check.broken
            if broken is not None:
                event = broken.event
                print(
                    f"Audit chain broken: {check.events} events; first bad event is id {event.id} "
                    f"({event.action}, at {iso(event.at)}).\n{broken.explain()}."
                )
                return 1
    except audit_checkpoints.BadCheckpoints as exc:
        print(f"Audit checkpoints tampered with: {exc}. Nothing was signed.")
        return 1
    except SQLAlchemyError as exc:
        # The exception's text can carry the database address: say only what kind of failure it was.
        print(
            f"Cannot read the audit events ({type(exc).__name__}). Is DATABASE_URL right and migrated?", file=sys.stderr
        )
        return 2
    assert comparison is not None and comparison.identity is not None
    if comparison.problem is not None:
        print(
            f"Audit chain does not match its signed checkpoints: {check.events} events; "
            f"{comparison.problem}. Nothing was signed."
        )
        _name(comparison)
        return 1
    print(f"{check.events} events, chain intact. Newest hash: {check.head}")
    _name(comparison)
    if comparison.newest is None:
        if comparison.elsewhere and not comparison.replaced:
            print(
                f"The checkpoint file holds checkpoints only for other databases ({comparison.elsewhere}), "
                "none for this one."
            )
        print("No checkpoint of this database yet: signed the first one.")
    else:
        print(
            f"Holds all {comparison.checkpoints} signed checkpoints (newest {comparison.newest.at}); signed a new one."
        )
    return 0


def _name(comparison: audit_checkpoints.Comparison) -> None:
    """Which database was checked, and any other database the file knows at its address (replaced by it)."""
    me = comparison.identity
    assert me is not None
    print(f"Database: {me.name} (identity {me.database}, made {me.created_at}).")
    for gone in comparison.replaced:
        print(
            f"This database replaced another at the same address: the file holds {gone.checkpoints} checkpoints of "
            f"database {gone.database} (the newest {gone.newest}); this one is not it, so they are not used. "
            "If nobody replaced the database on purpose, treat this as tampering."
        )


if __name__ == "__main__":
    sys.exit(main())
