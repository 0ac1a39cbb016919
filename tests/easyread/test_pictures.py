"""The pictograms: drawn for this project, each with words in every language, shown beside their message on the web."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from easyread.render import PICTURE_NAMES, PICTURES, PICTURES_DIR, RESPONSES, has, render

SVG = "{http://www.w3.org/2000/svg}"
LANGUAGES = ("en", "pl")


@pytest.mark.parametrize("name", PICTURE_NAMES)
def test_each_picture_is_a_small_plain_svg(name: str) -> None:
    path = PICTURES_DIR / f"{name}.svg"
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 100 100"
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    # Words inside a picture cannot be translated, and scripts or links have no place in one.
    assert not tags & {"text", "script", "a", "image", "foreignObject"}, tags
    assert path.stat().st_size < 4000


def test_every_picture_file_is_listed() -> None:
    assert sorted(p.stem for p in PICTURES_DIR.glob("*.svg")) == sorted(PICTURE_NAMES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_picture_has_words_in_every_language(language: str) -> None:
    missing = [name for name in PICTURE_NAMES if not has(f"pictures.{name}", language)]
    assert missing == []


def test_pictures_belong_to_real_messages() -> None:
    assert set(PICTURES.values()) <= set(PICTURE_NAMES)
    unknown = [name for name in PICTURES if f"utter_{name}" not in RESPONSES]
    assert unknown == []
    # Every picture is used somewhere in the chat.
    assert set(PICTURES.values()) >= set(PICTURE_NAMES) - {"home"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_web_message_has_its_picture_and_words_for_it(language: str) -> None:
    message = render("utter_explain_can_stop", language, "web")
    assert message is not None
    assert message.image == "/pictures/stop.svg"
    assert message.alt and message.alt == render("utter_explain_can_stop", language, "web").alt  # type: ignore[union-attr]
    assert message.as_dict()["alt"] == message.alt


def test_a_text_or_a_call_has_no_picture() -> None:
    for channel in ("sms", "voice"):
        message = render("utter_explain_can_stop", "en", channel)
        assert message is not None and message.image is None and message.alt is None
