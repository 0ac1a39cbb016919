"""make guide: the easy read guide in every language, as HTML, as a PDF whose pages have pictures, and as audio."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from easyread.languages import available, needs_review
from easyread.render import text
from tools.guide import PARTS, Built, build, seconds

# The pictures' own colours (easyread/pictures/*.svg): found on a rendered page only if a picture is drawn there.
PICTURE_COLOURS = ((0x25, 0x63, 0xEB), (0x15, 0x80, 0x3D), (0xC6, 0x28, 0x28), (0x7C, 0x3A, 0xED), (0x94, 0xA3, 0xB8))


@pytest.fixture(scope="module")
def guides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    out = tmp_path_factory.mktemp("guide")
    return {language: build(language, out) for language in available()}


def test_every_language_gets_html_pdf_and_audio(guides: dict[str, Built]) -> None:
    assert {"en", "pl"} <= set(guides)
    for language, built in guides.items():
        assert built.html.is_file() and built.pdf.is_file(), language
        assert len(built.audio) == len(PARTS) + 1, language


@pytest.mark.parametrize("language", available())
def test_the_html_has_large_text_and_a_described_picture_beside_each_idea(
    guides: dict[str, Built], language: str
) -> None:
    page = guides[language].html.read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in page
    sizes = [int(size) for size in re.findall(r"font-size: (\d+)pt", page)]
    assert min(sizes) >= 16 and "font-size: 18pt" in page
    ideas = sum(len(ideas) for _, _, ideas in PARTS) + 1
    pictures = re.findall(r'<img src="pictures/(\w+)\.svg" alt="([^"]+)">', page)
    assert len(pictures) == ideas
    assert all(alt == text(f"pictures.{name}", language) for name, alt in pictures)
    assert all((guides[language].html.parent / "pictures" / f"{name}.svg").is_file() for name, _ in pictures)
    assert text("bot.explain_can_stop", language).split(". ")[0] in page


def test_the_polish_guide_is_in_polish(guides: dict[str, Built]) -> None:
    page = guides["pl"].html.read_text(encoding="utf-8")
    assert "Rozmowa z nami o Twojej opiece" in page and "Możesz przestać w każdej chwili." in page
    assert text("guide.say_no", "en") not in page


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (make system-deps)")
@pytest.mark.parametrize("language", available())
def test_the_pdf_renders_to_pages_with_pictures(guides: dict[str, Built], language: str, tmp_path: Path) -> None:
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(guides[language].pdf), str(prefix)], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    # The cover, then each part on a page of its own.
    assert len(pages) == len(PARTS) + 1
    for page in pages:
        image = Image.open(page).convert("RGB")
        width, height = image.size
        # The pictures sit in the left third of the page, beside the words.
        left = image.crop((0, 0, width // 3, height))
        colours = left.getcolors(maxcolors=width * height) or []
        coloured = sum(count for count, rgb in colours if isinstance(rgb, tuple) and _near_a_picture_colour(rgb))
        assert coloured > 100, f"{page.name}: no picture found"


def _near_a_picture_colour(rgb: tuple[int, ...]) -> bool:
    return any(sum(abs(a - b) for a, b in zip(rgb, colour, strict=True)) < 40 for colour in PICTURE_COLOURS)


@pytest.mark.parametrize("language", available())
def test_each_part_is_a_recording_of_a_sensible_length(guides: dict[str, Built], language: str) -> None:
    for path in guides[language].audio:
        # About 140 words a minute: each part is a few sentences, so 5 seconds to 2 minutes.
        assert 5 < seconds(path) < 120, (path.name, seconds(path))
    names = [path.name for path in guides[language].audio]
    assert names[0] == "00-intro.wav" and names[1:] == [
        f"{n:02d}-{part}.wav" for n, (part, _, _) in enumerate(PARTS, 1)
    ]


def test_polish_lists_what_a_translator_must_still_check(guides: dict[str, Built]) -> None:
    polish = guides["pl"]
    assert polish.review is not None and polish.to_review == len(needs_review("pl"))
    listed = polish.review.read_text(encoding="utf-8")
    assert "bot.ask_consent" in listed and "en: Are you happy to take part?" in listed
    assert guides["en"].review is None
