"""What each answer records, through server.domain only; the dialogue (dialogue/stages.py) names them.

A recorder takes the turn and the answer, records it, and may choose the next stage (None keeps the stage's own).
"""

from actions import consent, preferences, representatives
from actions.registry import RECORDERS, Recorder

__all__ = ["RECORDERS", "Recorder", "consent", "preferences", "representatives"]
