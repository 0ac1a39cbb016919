"""The two endpoints Rasa calls back: custom actions, and NLG (every word Rasa sends comes from easyread/)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from easyread.render import render
from server import dialogue
from server.domain import conversations
from server.domain.db import session_scope
from server.settings import get_settings

router = APIRouter(prefix="/rasa", include_in_schema=False)


def _check(token: str) -> None:
    expected = get_settings().internal_token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(403, "Forbidden")


def _latest(tracker: dict[str, Any]) -> dict[str, Any]:
    latest = tracker.get("latest_message")
    return latest if isinstance(latest, dict) else {}


@router.post("/actions")
def run_action(body: dict[str, Any], token: Annotated[str, Query()] = "") -> Any:
    _check(token)
    name = str(body.get("next_action", ""))
    if not dialogue.known(name):
        return JSONResponse({"error": f"No action {name}", "action_name": name}, status_code=404)
    latest = _latest(body.get("tracker") or {})
    intent = latest.get("intent") or {}
    with session_scope() as session:
        conversation = conversations.get(session, str(body.get("sender_id", "")))
        if conversation is None:
            # The server creates every conversation before it talks to Rasa; anything else did not come from us.
            return {"events": [], "responses": [{"response": "utter_ask_code"}]}
        responses = dialogue.run(
            session,
            conversation,
            name,
            str(intent.get("name") or ""),
            float(intent.get("confidence") or 0.0),
            str(latest.get("text") or ""),
        )
        return {"events": [], "responses": responses}


@router.post("/nlg")
def nlg(body: dict[str, Any], token: Annotated[str, Query()] = "") -> Any:
    _check(token)
    tracker = body.get("tracker") or {}
    metadata = _latest(tracker).get("metadata") or {}
    settings = get_settings()
    arguments = dict(body.get("arguments") or {})
    # A switch of language this turn names the new one in the response; otherwise the message's language.
    language = str(arguments.pop(dialogue.LANGUAGE_ARG, None) or metadata.get("language") or settings.default_language)
    channel = str(metadata.get("channel") or "web")
    message = render(str(body.get("response", "")), language, channel, arguments)
    # Rasa's own responses (utter_default and friends) are not ours: an empty answer makes Rasa skip them.
    return message.as_dict() if message else {}
