"""Phone calls through Twilio Voice: `routes.py` (the webhook, and the audio it plays), `call.py` (one turn of a
call, through server.services.inbound), `twiml.py` (the `<Response>` of `<Play>`/`<Say>` inside a `<Gather>`) and
`prompts.py` (the spoken prompts' audio files, and the audio the web chat's "Listen" button makes when pressed)."""
