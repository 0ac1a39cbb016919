"""The person's calendar link: /meeting/<token>.ics, sent in the text that confirms their meeting.

No sign-in: the token is signed with the server's secret key, so only the person's link opens their meeting.
A wrong token is a 404, the same as a missing meeting.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from server.rest.handoffs import calendar_response
from server.services import meetings

router = APIRouter(tags=["meetings"])


@router.get("/meeting/{token}.ics", response_class=Response)
def person_calendar(token: str) -> Response:
    return calendar_response(*meetings.calendar_for_link(token))
