"""Twilio's webhooks: incoming texts and delivery status. Every request's signature is checked first."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from server import sms
from server.domain import outbound
from server.domain.db import session_scope
from server.limits import limits_of, too_many_sms
from server.settings import get_settings

router = APIRouter(prefix="/twilio", tags=["twilio"])


async def signed_form(request: Request) -> dict[str, str]:
    """The POSTed parameters, once the X-Twilio-Signature matches (when a Twilio auth token is set)."""
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    settings = get_settings()
    if settings.twilio_auth_token:
        # Twilio signs the public address it called, which behind a proxy is not the one we see.
        url = settings.public_base_url.rstrip("/") + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(settings.twilio_auth_token).validate(url, params, signature):
            raise HTTPException(403, "The request signature is not valid.")
    return params


def twiml(bodies: list[str]) -> Response:
    response = MessagingResponse()
    for body in bodies:
        response.message(body)
    return Response(str(response), media_type="application/xml")


@router.post("/sms")
async def incoming_sms(request: Request) -> Response:
    params = await signed_form(request)
    if not params.get("From") or not params.get("MessageSid"):
        raise HTTPException(400, "From and MessageSid are required.")
    if not await limits_of(request).allow("number", sms.sender(params["From"])):
        return too_many_sms()
    bodies = await sms.receive(request.app.state.rasa, params["From"], params.get("Body", ""), params["MessageSid"])
    return twiml(bodies)


@router.post("/status", status_code=204)
async def delivery_status(request: Request) -> Response:
    params = await signed_form(request)
    sid = params.get("MessageSid") or params.get("SmsSid")
    status = params.get("MessageStatus") or params.get("SmsStatus")
    if not sid or not status:
        raise HTTPException(400, "MessageSid and MessageStatus are required.")
    code = params.get("ErrorCode")
    # ASCII digits only: "¹".isdigit() is true, and int() of it fails.
    error_code = int(code) if code and code.isascii() and code.isdigit() else None
    with session_scope() as session:
        outbound.delivery_status(session, sid, status.lower()[:20], error_code)
    return Response(status_code=204)
