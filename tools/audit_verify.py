"""`make audit-verify`: check the whole audit chain in DATABASE_URL, and the chain against its signed checkpoints.

Exits 0 with "N events, chain intact", then signs a new checkpoint of the head (AUDIT_CHECKPOINT_PATH). Exits 1
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
    assert comparison is not None
    if comparison.problem is not None:
        print(
            f"Audit chain does not match its signed checkpoints: {check.events} events; "
            f"{comparison.problem}. Nothing was signed."
        )
        return 1
    print(f"{check.events} events, chain intact. Newest hash: {check.head}")
    if comparison.newest is None:
        print("No checkpoint of this database yet: signed the first one.")
    else:
        print(
            f"Holds all {comparison.checkpoints} signed checkpoints (newest {comparison.newest.at}); signed a new one."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
