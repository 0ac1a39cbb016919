"""The SMS wire format: TwiML `<Response><Message>...</Message></Response>`, one `<Message>` a text."""

from __future__ import annotations

from fastapi.responses import Response
from twilio.twiml.messaging_response import MessagingResponse

from easyread.render import text
from server.limits import retry_after
from server.settings import get_settings

MEDIA_TYPE = "application/xml"


def messages_xml(bodies: list[str]) -> str:
    response = MessagingResponse()
    for body in bodies:
        response.message(body)
    return str(response)


def messages(bodies: list[str]) -> Response:
    return Response(messages_xml(bodies), media_type=MEDIA_TYPE)


def too_many() -> Response:
    """The words as TwiML, with 429 (Twilio sends nothing for an error status: nothing more goes out to a number
    that floods us)."""
    words = text("limits.too_many", get_settings().default_language)
    return Response(messages_xml([words]), status_code=429, media_type=MEDIA_TYPE, headers=retry_after())


def refusal(words: str) -> tuple[bytes, bytes]:
    """A request refused before it was read (too big, unreadable): the easy-read words as a text."""
    return messages_xml([words]).encode(), MEDIA_TYPE.encode()
