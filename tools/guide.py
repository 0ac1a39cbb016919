"""make guide: the easy read guide to case tracking, from the same content as the chat, in every language.

For each language it writes to var/guide/<lang>/ (build output):

- guide.html, with the pictures beside it (pictures/*.svg), for a screen or a website;
- guide.pdf, made from that HTML by WeasyPrint, to print or send: A4, 18 pt text, a picture beside each idea,
  each part on a page of its own;
- audio/NN-<part>.wav, one recording per part (the cover's introduction is 00), spoken by pyttsx3 over
  espeak-ng in the language's voice (easyread/audio.py), at VOICE_RATE words a minute;
- review.txt, when the language has content a qualified translator has not yet checked (a `_review` key in
  its content files): each message with its English original. The build lists these too.

The words are the chat's own where the chat says the same thing (bot.explain_*), so the two never disagree;
the rest are in easyread/content/guide.<lang>.yml.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import wave
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from easyread.languages import available, needs_review
from easyread.render import PICTURES_DIR, text
from tools.model import ROOT

OUT = ROOT / "var" / "guide"
TEMPLATES = ROOT / "easyread" / "templates"
# Each part of the guide: its heading, then its ideas as (picture, message) in order.
PARTS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("who", "guide.who_heading", (("information", "guide.who_we_are"), ("person", "guide.why_you"))),
    ("what", "guide.what_heading", (("talk", "bot.explain_what_happens"), ("person", "bot.explain_who_talk"))),
    ("info", "guide.info_heading", (("information", "bot.explain_what_info"), ("person", "bot.explain_how_used"))),
    ("with-you", "guide.with_you_heading", (("helper", "bot.explain_someone_with_me"),)),
    (
        "meet",
        "guide.meet_heading",
        (
            ("phone", "guide.meet_phone"),
            ("video_call", "guide.meet_video"),
            ("home", "guide.meet_home"),
            ("calendar", "bot.answer_contact"),
        ),
    ),
    (
        "choice",
        "guide.choice_heading",
        (
            ("yes", "guide.say_yes"),
            ("no", "guide.say_no"),
            ("question", "guide.not_sure"),
            ("stop", "bot.explain_can_stop"),
        ),
    ),
    (
        "reach",
        "guide.reach_heading",
        (("phone", "guide.reply"), ("person", "guide.person"), ("talk", "guide.language")),
    ),
)
SENTENCE = re.compile(r"(?<=[.?!])\s+")


@dataclass
class Idea:
    picture: str
    alt: str
    sentences: list[str]

    @property
    def words(self) -> str:
        return " ".join(self.sentences)


@dataclass
class Part:
    id: str
    heading: str
    ideas: list[Idea] = field(default_factory=list)

    def spoken(self) -> str:
        """What the part's recording says: its heading, then each idea."""
        return " ".join([f"{self.heading}.", *(idea.words for idea in self.ideas)])


@dataclass
class Built:
    language: str
    html: Path
    pdf: Path
    audio: list[Path]
    review: Path | None
    to_review: int


def idea(picture: str, key: str, language: str) -> Idea:
    return Idea(f"pictures/{picture}.svg", text(f"pictures.{picture}", language), SENTENCE.split(text(key, language)))


def parts(language: str) -> list[Part]:
    built = []
    for part_id, heading, ideas in PARTS:
        part = Part(part_id, text(heading, language))
        part.ideas = [idea(picture, key, language) for picture, key in ideas]
        built.append(part)
    return built


def render_html(language: str) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    words = {key: text(f"guide.{key}", language) for key in ("title", "subtitle", "contents", "picture_note", "footer")}
    intro = idea("information", "guide.intro", language)
    return env.get_template("guide.html").render(lang=language, intro=intro, parts=parts(language), **words)


def write_pdf(html: Path, pdf: Path) -> None:
    import weasyprint  # needs Debian's pango libraries (make system-deps)

    weasyprint.HTML(filename=str(html), base_url=str(html.parent)).write_pdf(str(pdf))


def voice_for(language: str) -> tuple[str, int]:
    from server.channels.voice.prompts import voice_name
    from server.settings import get_settings

    return voice_name(language), get_settings().voice_rate


def record(language: str, directory: Path) -> list[Path]:
    """One recording per part, the introduction first, made by easyread.audio's renderer in one child process."""
    directory.mkdir(parents=True, exist_ok=True)
    intro = Part("intro", text("guide.title", language), [idea("information", "guide.intro", language)])
    items = []
    for number, part in enumerate([intro, *parts(language)]):
        path = directory / f"{number:02d}-{part.id}.wav"
        items.append({"text": part.spoken(), "path": str(path)})
    voice, rate = voice_for(language)
    command = [sys.executable, "-m", "easyread.audio", "--voice", voice, "--rate", str(rate), "--item-timeout", "120"]
    result = subprocess.run(command, input=json.dumps(items).encode(), capture_output=True, cwd=ROOT, check=False)
    missing = [item["path"] for item in items if not Path(item["path"]).is_file()]
    if result.returncode != 0 or missing:
        detail = result.stderr.decode(errors="replace").strip()[-500:]
        raise RuntimeError(f"audio for {language} failed ({detail or 'no sound'}): {missing}")
    return [Path(item["path"]) for item in items]


def write_review(language: str, path: Path) -> tuple[Path | None, int]:
    """The content still waiting for a qualified translator, each with its English original."""
    waiting = needs_review(language)
    if not waiting:
        path.unlink(missing_ok=True)
        return None, 0
    lines = [f"{len(waiting)} messages in {language} need a qualified translator's review.", ""]
    for key, words in waiting.items():
        english = _english(key)
        lines += [key, f"  en: {english}", f"  {language}: {words}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, len(waiting)


def _english(key: str) -> str:
    try:
        return text(key, "en")
    except Exception:  # a key only this language has (its own date forms): nothing to compare with
        return "-"


def build(language: str, out: Path = OUT, audio: bool = True) -> Built:
    target = out / language
    pictures = target / "pictures"
    pictures.mkdir(parents=True, exist_ok=True)
    for svg in PICTURES_DIR.glob("*.svg"):
        shutil.copyfile(svg, pictures / svg.name)
    html = target / "guide.html"
    html.write_text(render_html(language), encoding="utf-8")
    pdf = target / "guide.pdf"
    write_pdf(html, pdf)
    recordings = record(language, target / "audio") if audio else []
    review, to_review = write_review(language, target / "review.txt")
    return Built(language, html, pdf, recordings, review, to_review)


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the easy read guide (HTML, PDF, audio) in every language.")
    parser.add_argument("languages", nargs="*", help="only these languages (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-audio", action="store_true", help="skip the recordings")
    args = parser.parse_args(argv)
    for language in args.languages or available():
        built = build(language, args.out, audio=not args.no_audio)
        print(f"[{language}] {_shown(built.html)}")
        print(f"[{language}] {built.pdf.name}, {len(built.audio)} recordings:")
        for path in built.audio:
            print(f"    {path.name}  {seconds(path):5.1f} s")
        if built.review is not None:
            waiting = f"{built.to_review} messages still need a qualified translator's review"
            print(f"[{language}] {waiting} ({_shown(built.review)}):")
            files = Counter(key.split(".")[0] for key in needs_review(language))
            for namespace, count in sorted(files.items()):
                print(f"    {namespace}.{language}.yml: {count}")
        else:
            print(f"[{language}] no content waiting for a translator's review")
    return 0


if __name__ == "__main__":
    sys.exit(main())
