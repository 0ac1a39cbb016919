"""Sending texts now lives with its channel, in server.channels.sms.send; this name is kept for the callers that
have not moved yet (server/rest/handoffs.py, server/rest/calls.py, server/pages/team.py)."""

from server.channels.sms.send import OPTED_OUT, gateway, send_sms

__all__ = ["OPTED_OUT", "gateway", "send_sms"]
