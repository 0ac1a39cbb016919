"""Hearing a message: whether its words go to Rasa, the parse started before the turn, and waiting for it.

The parse is the one part of a turn outside its unit of work. It starts first, before anything is read. When Rasa
has nothing else to read, the unit of work begins at once beside it and waits for the words only where the
dialogue needs them (`Coming`), so the reading of the conversation (with its case and consent), the storing of
the message and the parse overlap. When Rasa is busy the turn waits for the parse first, so a transaction never
holds the database (SQLite's one writer, a PostgreSQL connection) while Rasa works through a queue.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections import OrderedDict
from dataclasses import dataclass

from dialogue import run as dialogue
from dialogue.reading import Understanding
from server.clients.rasa import RasaClient, RasaUnavailable
from server.domain import cases, conversations, db, invite_codes
from server.settings import get_settings

# How long a unit of work begun beside the parse waits for it: far longer than Rasa takes when it has nothing else
# to read. Slower than that, the attempt is let go (nothing of it kept) and the turn waits for the parse first.
OVERLAP_WAIT_SECONDS = 0.1


class NotYet(Exception):
    """The parse a unit of work waited for did not come in OVERLAP_WAIT_SECONDS: the unit of work is undone."""


class Coming:
    """A parse still running when the unit of work began: waited for in the worker thread, when needed."""

    def __init__(self, parse: asyncio.Task[Understanding]) -> None:
        self._done: concurrent.futures.Future[Understanding | None] = concurrent.futures.Future()
        parse.add_done_callback(self._settle)

    def _settle(self, parse: asyncio.Task[Understanding]) -> None:
        if parse.cancelled():
            self._done.set_result(None)
        elif isinstance(parse.exception(), RasaUnavailable):
            self._done.set_result(None)  # asked, and not answered: as when it is down
        elif (error := parse.exception()) is not None:
            self._done.set_exception(error)
        else:
            self._done.set_result(parse.result())

    def wait(self) -> Understanding | None:
        """The model's reading (None: Rasa failed); NotYet when it takes too long."""
        try:
            return self._done.result(timeout=OVERLAP_WAIT_SECONDS)
        except concurrent.futures.TimeoutError as exc:
            raise NotYet() from exc

    def now(self) -> Understanding | None:
        """The reading if it has come (None if not, or Rasa failed), without waiting."""
        if not self._done.done() or self._done.exception() is not None:
            return None
        return self._done.result()


@dataclass(frozen=True)
class Heard:
    """What the model made of the words: `nlu` None when it was not asked, or did not answer in time (`asked`).
    `coming`: the parse, still running when the unit of work began (see Coming)."""

    nlu: Understanding | None = None
    asked: bool = False
    coming: Coming | None = None

    def understanding(self) -> Understanding | None:
        """The model's reading, waited for (in the worker thread) if it is still coming."""
        return self.nlu if self.coming is None else self.coming.wait()

    def settled(self) -> Heard:
        """As it stands now, with nothing left to wait for (a turn tried again later uses this)."""
        return self if self.coming is None else Heard(self.coming.now(), asked=True)


class Linked:
    """Conversations this server has seen joined to a case, most recent last (at most `size`): their words go to
    Rasa at once, without reading the database first. A conversation is never unjoined; one purged since is only
    asked about again by the turn itself, which finds no case (Rasa keeps nothing of what it read)."""

    def __init__(self, size: int = 100_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def __contains__(self, conversation_id: str) -> bool:
        return conversation_id in self._ids

    def add(self, conversation_id: str) -> None:
        self._ids[conversation_id] = None
        self._ids.move_to_end(conversation_id)
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)


def parse_ahead(
    rasa: RasaClient, text: str, conversation_id: str, phone: str | None, linked: Linked | None
) -> asyncio.Task[Understanding] | None:
    """Start understanding typed words now, before the turn: Rasa works in its own process. Only for a
    conversation that has its case, or a number that is a case's (a stranger's words never reach Rasa), and not
    for words that plainly need no model (a button, a number, a lone "yes"); a parse started for nothing is
    dropped."""
    if not dialogue.may_need_model(text, invite_codes.looks_like_code):
        return None
    if (linked is None or conversation_id not in linked) and not _may_parse(conversation_id, phone):
        return None
    # Started eagerly: on a kept-alive connection the request is on its way to Rasa before this returns.
    return asyncio.Task(rasa.parse(dialogue.model_words(text)), loop=asyncio.get_running_loop(), eager_start=True)


def _may_parse(conversation_id: str, phone: str | None) -> bool:
    """Whether the words may go to the model: the conversation has its case, or the number is a case's."""
    with db.read_scope() as session:
        return conversations.has_case(session, conversation_id) or (
            phone is not None and cases.by_phone(session, phone) is not None
        )


def beside(rasa: RasaClient, parse: asyncio.Task[Understanding] | None) -> Heard | None:
    """The parse to wait for inside the unit of work, when the unit of work may begin beside it: the parse is
    still running and it is the only one Rasa has (else None: wait for it first)."""
    if parse is None or parse.done() or rasa.in_flight > 1:
        return None
    return Heard(asked=True, coming=Coming(parse))


def drop(parse: asyncio.Task[Understanding] | None) -> None:
    if parse is not None and not parse.done():
        parse.cancel()
    if parse is not None:
        # Rasa may have failed: the failure is expected and nobody waits for it.
        parse.add_done_callback(lambda task: task.cancelled() or task.exception())


async def hear(parse: asyncio.Task[Understanding] | None, can_answer_later: bool) -> Heard:
    """Wait for the parse: for as long as a holding reply may wait on a channel that can answer later, for the
    whole parse on one that cannot (a call)."""
    if parse is None:
        return Heard()
    try:
        if not can_answer_later:
            return Heard(await asyncio.shield(parse), asked=True)
        return Heard(await asyncio.wait_for(asyncio.shield(parse), get_settings().holding_reply_after_seconds), True)
    except (TimeoutError, RasaUnavailable):
        return Heard(asked=True)
