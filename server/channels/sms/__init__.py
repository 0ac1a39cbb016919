"""Text messages through Twilio: `routes.py` (the webhooks), `receive.py` (a text in, texts back), `twiml.py`
(the `<Response><Message>` format) and `send.py` (texts we send, through Twilio or the local outbox)."""
