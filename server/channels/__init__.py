"""The channels a person reaches us on: web chat, text messages (SMS) and phone calls (Twilio Voice).

Each channel is an adapter and only translates. Its `routes.py` is the HTTP boundary; it turns its wire format
into one `server.services.inbound.Inbound`, hands it to `server.services.inbound.handle` (the one path for every
message), and turns the `Reply` back into its wire format (`wire.py` for the web chat, `twiml.py` for Twilio).
Each channel answers "too many messages" and refuses a bad request in its own format. What happens to a message
(opt-outs, hand-offs, consent) is decided by the dialogue (dialogue/) and the domain (server/domain/), never here;
what a channel reads or keeps between turns it asks of a use case in server/services/.
"""
