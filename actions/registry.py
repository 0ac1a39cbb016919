"""The recorders by name, so the dialogue's data can name what each stage records."""

from __future__ import annotations

from collections.abc import Callable

from dialogue.turn import Turn

# (turn, answer value, extra) -> the next stage, or None for the stage's own `goes`.
Recorder = Callable[[Turn, object, dict[str, str]], str | None]
RECORDERS: dict[str, Recorder] = {}


def recorder(name: str) -> Callable[[Recorder], Recorder]:
    def register(func: Recorder) -> Recorder:
        RECORDERS[name] = func
        return func

    return register
