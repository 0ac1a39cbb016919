"""Spoken versions of the messages: pyttsx3 over espeak-ng, rendered once per text, cached on disk.

Each text becomes `<id>.wav`, where the id is a hash of the text, the voice and the rate, so a prompt is
rendered the first time anyone needs it and then served from disk to every call and every "Listen" button.
`<id>.txt` beside it keeps the text, so audio can be rendered later from its id alone (on the first GET of its
address) and a call can say a prompt again.

pyttsx3's espeak driver is not safe to use from a web server: it is not thread-safe, espeak can be initialised
once per process, synthesis runs on espeak's own thread, and `runAndWait` can return before the file is
written. So the server never imports pyttsx3. `AudioCache.render` runs this module as a short child process
(`python -m easyread.audio`) for a batch of texts, with a deadline; the child waits for pyttsx3's
"finished-utterance" notice for each file, checks it holds sound, and moves it into place. Anything that fails
or is late is left unrendered, and the caller falls back to words (Twilio's <Say>).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)
ID_LENGTH = 32
# A prompt's use is noted at most this often (one small write), for pruning prompts nobody uses any more.
TOUCH_AFTER_SECONDS = 3600
# At most this many renderer processes at once, whatever the number of calls (the machine has 2 cores).
_RENDERERS = threading.BoundedSemaphore(2)
_COUNT_LOCK = threading.Lock()
_rendered = 0


def rendered_count() -> int:
    """How many texts this process has had rendered (not served from the cache) since it started."""
    with _COUNT_LOCK:
        return _rendered


def _count(n: int) -> None:
    global _rendered
    with _COUNT_LOCK:
        _rendered += n


# How a prompt's files are named. The server sets a keyed hash (server.app, with its secret key), so that nobody
# who sees an address can test a guess of the words (a read-back holds what a person said) by hashing it.
# Without one (the guide, which holds no personal words), a plain hash.
Namer = Callable[[str], str]
_namer: Namer | None = None


def use_namer(namer: Namer | None) -> None:
    global _namer
    _namer = namer


def audio_id(text: str, voice: str, rate: int) -> str:
    material = f"{voice}\n{rate}\n{text}"
    digest = _namer(material) if _namer is not None else hashlib.sha256(material.encode()).hexdigest()
    return digest[:ID_LENGTH]


def is_audio_id(value: str) -> bool:
    return len(value) == ID_LENGTH and all(c in "0123456789abcdef" for c in value)


# Shorter answers ("yes", "2") are in every prompt: they say nothing about a person, and matching them would
# empty the cache.
MIN_FORGET_CHARS = 4


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


def duration_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@dataclass(frozen=True)
class AudioCache:
    directory: Path
    voice: str
    rate: int
    timeout: float = 5.0

    def id_for(self, text: str) -> str:
        return audio_id(text, self.voice, self.rate)

    def wav(self, audio: str) -> Path:
        return self.directory / f"{audio}.wav"

    def _txt(self, audio: str) -> Path:
        return self.directory / f"{audio}.txt"

    def remember(self, text: str) -> str | None:
        """The id of the text's audio, with the text kept beside it; None when the cache cannot be written."""
        audio = self.id_for(text)
        path = self._txt(audio)
        try:
            if not path.exists():
                self.directory.mkdir(parents=True, exist_ok=True)
                temp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
                temp.write_text(text, encoding="utf-8")
                os.replace(temp, path)
            elif time.time() - path.stat().st_mtime > TOUCH_AFTER_SECONDS:
                # The words' file dates the last use of the audio, for `prune`; the audio file itself is left alone.
                os.utime(path)
        except OSError:
            return None
        return audio

    def prune(self, unused_for_seconds: float) -> int:
        """Delete the audio and words of prompts not used for this long; how many prompts went.

        Read-backs repeat what a person told us, so nothing stays here longer than it is needed. A deleted prompt
        is made again the next time it is used.
        """
        cutoff = time.time() - unused_for_seconds
        removed = 0
        try:
            files = list(self.directory.iterdir())
        except OSError:
            return 0
        for path in files:
            try:
                if path.stat().st_mtime >= cutoff:
                    continue
                if path.suffix == ".txt":
                    self.wav(path.stem).unlink(missing_ok=True)
                    path.unlink()
                    removed += 1
                elif path.suffix == ".tmp" or (path.suffix == ".wav" and not self._txt(path.stem).exists()):
                    path.unlink()
            except OSError:
                continue
        return removed

    def forget_words(self, words: list[str]) -> int:
        """Delete the audio and words of every prompt that contains any of `words` (a purged person's answers,
        names, contacts); how many prompts went. Case and spacing do not matter. Deleting more than needed is
        harmless: a prompt is made again the next time it is used."""
        wanted = [_plain(w) for w in words if len(_plain(w)) >= MIN_FORGET_CHARS]
        if not wanted:
            return 0
        removed = 0
        try:
            files = [p for p in self.directory.iterdir() if p.suffix == ".txt"]
        except OSError:
            return 0
        for path in files:
            try:
                held = _plain(path.read_text(encoding="utf-8"))
            except OSError:
                continue
            if any(w in held for w in wanted):
                self.wav(path.stem).unlink(missing_ok=True)
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def text_of(self, audio: str) -> str | None:
        if not is_audio_id(audio):
            return None
        try:
            return self._txt(audio).read_text(encoding="utf-8")
        except OSError:
            return None

    def ready(self, audio: str) -> bool:
        return is_audio_id(audio) and self.wav(audio).is_file()

    def render(self, texts: list[str]) -> dict[str, str]:
        """{text: audio id} for every text whose audio is on disk now, rendering the missing ones in one child
        process. Blocking: call it from a thread in async code. Texts left out could not be rendered in time."""
        ids: dict[str, str] = {}
        for text in dict.fromkeys(texts):
            audio = self.remember(text)
            if audio is not None:
                ids[text] = audio
        missing = {text: audio for text, audio in ids.items() if not self.ready(audio)}
        if missing:
            self._run_renderer(missing)
        return {text: audio for text, audio in ids.items() if self.ready(audio)}

    def _run_renderer(self, missing: dict[str, str]) -> None:
        deadline = time.monotonic() + self.timeout
        if self.timeout <= 0 or not _RENDERERS.acquire(timeout=self.timeout):
            return
        try:
            # Another request may have rendered them while this one waited.
            todo = {text: audio for text, audio in missing.items() if not self.ready(audio)}
            if not todo:
                return
            items = [{"text": text, "path": str(self.wav(audio))} for text, audio in todo.items()]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            command = [sys.executable, "-m", "easyread.audio", "--voice", self.voice, "--rate", str(self.rate)]
            try:
                result = subprocess.run(
                    command,
                    input=json.dumps(items).encode(),
                    capture_output=True,
                    cwd=ROOT,
                    timeout=remaining,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                log.warning("audio rendering took over %.1f s; the words are said instead", self.timeout)
            except OSError as exc:
                log.warning("audio renderer could not start: %s", exc)
            else:
                if result.returncode != 0:
                    detail = result.stderr.decode(errors="replace").strip().splitlines()[-1:]
                    log.warning("audio renderer failed (exit %d): %s", result.returncode, " ".join(detail))
            _count(sum(1 for audio in todo.values() if self.ready(audio)))
        finally:
            _RENDERERS.release()


# ---------------------------------------------------------------- the child process


def _render_all(voice: str, rate: int, items: list[dict[str, Any]], per_item_timeout: float) -> int:
    import pyttsx3  # only ever imported here, in the child
    from pyttsx3.drivers import espeak

    # pyttsx3 2.99 "stops" espeak whenever its loop ends, and espeak_Cancel drops the commands still queued on
    # espeak's own thread, the new rate among them: now and then a prompt came out at the default speed.
    # Nothing is ever interrupted here, so there is nothing to stop.
    espeak.EspeakDriver.stop = lambda self: None
    engine = pyttsx3.init("espeak")
    if voice not in {v.id for v in engine.getProperty("voices")}:
        print(f"unknown voice {voice!r}", file=sys.stderr)
        return 2
    finished = threading.Event()

    def on_finished(name: object = None, completed: bool = True, **_: object) -> None:
        if completed:
            finished.set()

    engine.connect("finished-utterance", on_finished)
    engine.setProperty("voice", voice)
    engine.setProperty("rate", rate)
    failures = 0
    for item in items:
        target = Path(item["path"])
        temp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        for _attempt in range(2):
            finished.clear()
            engine.save_to_file(str(item["text"]), str(temp))
            engine.runAndWait()
            if finished.wait(per_item_timeout) and _has_sound(temp):
                os.replace(temp, target)
                break
        else:
            failures += 1
            temp.unlink(missing_ok=True)
    return 1 if failures else 0


def _has_sound(path: Path) -> bool:
    try:
        return duration_seconds(path) > 0
    except (OSError, EOFError, wave.Error):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render texts (JSON on stdin) to WAV files with pyttsx3.")
    parser.add_argument("--voice", required=True)
    parser.add_argument("--rate", type=int, required=True)
    parser.add_argument("--item-timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    items = json.loads(sys.stdin.read())
    return _render_all(args.voice, args.rate, items, args.item_timeout)


if __name__ == "__main__":
    sys.exit(main())
