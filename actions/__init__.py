"""Rasa custom actions. Each module serves one feature and records through server.domain only.

The server's action webhook (server/rest/rasa.py) looks actions up in REGISTRY by name.
"""

from actions import consent, explain, handoff, language, preferences, reconfirm, representatives, safety, withdraw
from actions.base import REGISTRY

__all__ = [
    "REGISTRY",
    "consent",
    "explain",
    "handoff",
    "language",
    "preferences",
    "reconfirm",
    "representatives",
    "safety",
    "withdraw",
]
