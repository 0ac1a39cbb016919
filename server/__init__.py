"""The FastAPI application: channels, the Rasa NLG and action endpoints, the staff API, persistence."""
