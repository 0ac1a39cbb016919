"""What each answer records, through server.domain only; the dialogue (dialogue/stages.py) names them.

A recorder takes the turn and the answer, records it, and returns a fact about it (an outcome key such as
"given" or "needs_language", or None): where that leads is the stage's `goes`, in dialogue/stages.py.
"""

from actions import consent, preferences, representatives
from actions.registry import RECORDERS, Recorder

__all__ = ["RECORDERS", "Recorder", "consent", "preferences", "representatives"]
