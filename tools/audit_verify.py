"""`make audit-verify`: check the whole audit chain in DATABASE_URL.

Exits 0 with "N events, chain intact", 1 naming the first bad event and what is wrong with it (edited, removed,
out of order), 2 when the events cannot be read. Prints ids, actions and times only: never an event's detail.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from server.domain import audit
from server.domain.db import session_scope
from server.domain.models import iso


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.audit_verify", description="Check the audit hash chain.")
    parser.parse_args(argv)
    try:
        with session_scope() as session:
            check = audit.verify(session)
            broken = check.broken
            if broken is not None:
                event = broken.event
                print(
                    f"Audit chain broken: {check.events} events; first bad event is id {event.id} "
                    f"({event.action}, at {iso(event.at)}).\n{broken.explain()}."
                )
                return 1
    except SQLAlchemyError as exc:
        # The exception's text can carry the database address: say only what kind of failure it was.
        print(
            f"Cannot read the audit events ({type(exc).__name__}). Is DATABASE_URL right and migrated?", file=sys.stderr
        )
        return 2
    print(f"{check.events} events, chain intact. Newest hash: {check.head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
