"""The conversation: its stages as data (stages.py), how a message is read against the stage it answers
(reading.py), what a turn does (engine.py, moves.py), and going off the happy path (repair.py).

Channels and the server call `server.dialogue`, which runs one turn of this; nothing else decides where a
conversation goes. What an answer records is in actions/, through server.domain.
"""
