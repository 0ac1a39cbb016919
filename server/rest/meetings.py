"""The person's calendar link: /meeting/<token>.ics, sent in the text that confirms their meeting.

No sign-in: the token is signed with the server's secret key, so only the person's link opens their meeting.
A wrong token is a 404, the same as a missing meeting.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from server.domain import meetings
from server.domain.db import session_scope
from server.rest.handoffs import calendar_response

router = APIRouter(tags=["meetings"])


@router.get("/meeting/{token}.ics", response_class=Response)
def person_calendar(token: str) -> Response:
    with session_scope() as session:
        meeting = meetings.by_token(session, token[:100])
        return calendar_response(meetings.ics_for(session, meeting), meeting.id)
