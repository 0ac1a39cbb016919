"""The recorders by name, so the dialogue's data can name what each stage records."""

from __future__ import annotations

from collections.abc import Callable

from actions.act import Act

# (the act, answer value, extra) -> an outcome key the stage's `goes` maps to the next stage ("given", "corrected",
# "needs_language"...), or None to go by the answer itself. A fact, never a stage's name.
Recorder = Callable[[Act, object, dict[str, str]], str | None]
RECORDERS: dict[str, Recorder] = {}


def recorder(name: str) -> Callable[[Recorder], Recorder]:
    def register(func: Recorder) -> Recorder:
        RECORDERS[name] = func
        return func

    return register
