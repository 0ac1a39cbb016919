"""Text messages through Twilio: `routes.py` (the webhooks), `receive.py` (a text in, texts back) and `twiml.py`
(the `<Response><Message>` format). The texts we send, through Twilio or the local outbox, are the use case
server/services/texts.py."""
