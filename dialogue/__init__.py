"""The conversation: its stages as data (stages.py), how a message is read against the stage it answers
(reading.py), what a turn does (engine.py, moves.py), and going off the happy path (repair.py).

A message's unit of work (server/services/turn.py) calls `dialogue.run`, which runs one turn of this and renders its
replies; nothing else decides where a conversation goes. The package imports nothing from server/ or actions/:
what it needs from the world comes through its port (port.py), which actions/port.py implements; what an answer
records is a recorder in actions/, named by the stage and run through the port.
"""
