"""Twilio's SMS webhooks: an incoming text (POST /twilio/sms) and a delivery status (POST /twilio/status).

Every request's signature is checked first (server.channels.signature).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from server import limits
from server.channels.signature import signed_form
from server.channels.sms import receive, twiml
from server.domain import cases
from server.services import texts

router = APIRouter(prefix="/twilio", tags=["twilio"])


@router.post("/sms")
async def incoming_sms(request: Request) -> Response:
    params = await signed_form(request)
    if not params.get("From") or not params.get("MessageSid"):
        raise HTTPException(400, "From and MessageSid are required.")
    if not await limits.limits_of(request).allow("number", cases.sender_phone(params["From"])):
        return twiml.too_many()
    state = request.app.state
    bodies = await receive.receive(
        state.rasa, params["From"], params.get("Body", ""), params["MessageSid"], state.linked
    )
    return twiml.messages(bodies)


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
    texts.delivered(sid, status.lower()[:20], error_code)
    return Response(status_code=204)
