"""The person's chat page in a real browser: a whole conversation by clicking buttons, one by keyboard only that
reaches recorded consent, the page at 320 px wide (what 400% zoom gives) with its help always in reach, and the
page's language following the conversation's. axe-core checks the page after every reply."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from easyread.render import text
from server.domain.db import upgrade
from tests.e2e.browser.conftest import Checked, checked_page
from tests.e2e.people import case_of
from tests.support import ADMIN_TOKEN, council_with_staff, new_case
from tools import stack

pytestmark = pytest.mark.e2e

READ_BACK = "Yes, that is right"


def invited(http: httpx.Client, phone: str) -> tuple[dict[str, str], dict[str, Any]]:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    return council.staff, new_case(http, council.staff, f"WEB-{uuid.uuid4().hex[:6]}", phone=phone)


def replies(page: Page) -> int:
    return int(page.evaluate("() => document.querySelectorAll('.msg-bot').length"))


def wait_for_reply(page: Page, before: int) -> None:
    """The helper has answered: more messages than before, and Send is usable again."""
    page.wait_for_function(
        "(before) => document.querySelectorAll('.msg-bot').length > before"
        " && !document.getElementById('send').disabled",
        arg=before,
    )


def newest_words(page: Page) -> str:
    return str(
        page.evaluate("() => Array.from(document.querySelectorAll('#log .msg-bot')).map(m => m.innerText).join(' ')")
    )


def choices(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#choices button").all_inner_texts()]


def start(checked: Checked, code: str) -> None:
    page = checked.page
    page.goto(f"{checked.base_url}/start/{code}")
    wait_for_reply(page, 0)
    checked.check("chat: greeting")


def click_choice(checked: Checked, title: str) -> None:
    page = checked.page
    assert title in choices(page), f"{title!r} is not offered: {choices(page)}"
    before = replies(page)
    page.locator("#choices").get_by_role("button", name=title, exact=True).click()
    wait_for_reply(page, before)
    checked.check(f"chat: after {title}")


def test_a_whole_conversation_by_clicking_buttons(checked: Checked, http: httpx.Client) -> None:
    staff, case = invited(http, "+447700900501")
    page = checked.page
    start(checked, case["invite_code"])
    assert choices(page) == ["It is for me", "I am helping someone"]
    click_choice(checked, "It is for me")
    for _ in range(10):
        if "Not sure" in choices(page):
            break
        click_choice(checked, "Next")
    assert choices(page) == ["Yes", "No", "Not sure"]
    click_choice(checked, "Yes")
    assert choices(page) == [READ_BACK, "No, that is wrong"]
    assert case_of(http, staff, case["id"])["consent"]["state"] == "pending", "not before the read-back"
    for title in (READ_BACK, "Phone", "Large print", "Monday", "Morning", "Skip", "Text"):
        click_choice(checked, title)
    assert "Meet by: Phone" in newest_words(page)
    click_choice(checked, READ_BACK)
    shown = case_of(http, staff, case["id"])
    assert shown["consent"]["state"] == "given" and shown["consent"]["given_by"] == "person"
    # Every message is in the page, each announced as the helper's or the person's.
    assert page.locator(".msg-me").count() == 12  # every click: 1 + 2 Next + 9 answers and read-backs
    assert page.locator("#log[aria-live=polite]").count() == 1


def tab_to(page: Page, title: str, backwards: bool = True, limit: int = 40) -> None:
    """Move focus with Tab (or Shift+Tab) alone until it is on the button called `title`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate("() => (document.activeElement && document.activeElement.innerText || '').trim()") == title:
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tab never reached {title!r}")


def press_choice(checked: Checked, title: str, key: str = "Enter", backwards: bool = True) -> None:
    page = checked.page
    tab_to(page, title, backwards)
    before = replies(page)
    page.keyboard.press(key)
    wait_for_reply(page, before)
    checked.check(f"chat by keyboard: after {title}")


def test_a_whole_conversation_by_keyboard_only_reaches_recorded_consent(checked: Checked, http: httpx.Client) -> None:
    staff, case = invited(http, "+447700900502")
    page = checked.page
    start(checked, case["invite_code"])
    # From the top of the page: Tab first reaches the skip link, then the help bar, then the choices.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    press_choice(checked, "It is for me", backwards=False)
    # After a choice, focus is in the message box; the new choices are just before it (Shift+Tab).
    assert page.evaluate("() => document.activeElement.id") == "message"
    for _ in range(10):
        if "Not sure" in choices(page):
            break
        press_choice(checked, "Next", key="Space")
    # Typing an answer works as well as a button: focus is already in the message box.
    assert page.evaluate("() => document.activeElement.id") == "message"
    before = replies(page)
    page.keyboard.type("yes please")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    checked.check("chat by keyboard: read-back")
    assert choices(page) == [READ_BACK, "No, that is wrong"]
    press_choice(checked, READ_BACK, key="Space")
    shown = case_of(http, staff, case["id"])
    assert shown["consent"]["state"] == "given" and shown["consent"]["given_by"] == "person"


def test_at_320_px_the_page_reflows_and_help_stays_in_reach(checked: Checked, http: httpx.Client) -> None:
    _, case = invited(http, "+447700900503")
    page = checked.page
    page.set_viewport_size({"width": 320, "height": 568})
    start(checked, case["invite_code"])
    click_choice(checked, "It is for me")
    click_choice(checked, "Next")
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        "no sideways scrolling at 320 px"
    )
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    for name in ("Talk to a person", "Stop"):
        box = page.locator("#help-bar").get_by_role("button", name=name).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 568, f"{name} is out of sight"
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll('button, a, textarea')).filter(el => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && (r.width < 24 || r.height < 24);
        }).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert small == [], "targets under 24 by 24 px"
    images = page.locator(".msg img")
    for i in range(images.count()):
        assert images.nth(i).get_attribute("alt") is not None, "every picture has a text alternative"
    checked.check("chat at 320 px, scrolled to the end")


@pytest.fixture(scope="module")
def server_alone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server by itself, with Rasa down: what the page does with the server's replies needs no model."""
    workdir = tmp_path_factory.mktemp("page")
    url = f"sqlite:///{workdir / 'page.db'}"
    upgrade(url)
    port, nothing_there = stack.free_port(), stack.free_port()
    env = {"DATABASE_URL": url, "ADMIN_TOKEN": ADMIN_TOKEN, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    env |= {"RASA_URL": f"http://127.0.0.1:{nothing_there}", "JOBS_INTERVAL_SECONDS": "0"}
    log = workdir / "server.log"
    server = stack.start_server(port, env, log)
    try:
        stack.wait_until_up(f"http://127.0.0.1:{port}/healthz", server, 60, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_the_page_speaks_the_conversations_language_and_follows_a_switch(browser: Browser, server_alone: str) -> None:
    with httpx.Client(base_url=server_alone, timeout=30) as http, checked_page(browser, server_alone) as checked:
        council = council_with_staff(http, "Council PL")
        case = new_case(http, council.staff, "WEB-PL-1", phone="+447700900504", language="pl")
        page = checked.page
        # The browser is English (en-GB), the conversation Polish: the page is Polish from the start.
        start(checked, case["invite_code"])
        assert page.evaluate("() => document.documentElement.lang") == "pl"
        assert page.locator("h1").inner_text() == text("web.heading", "pl")
        before = replies(page)
        # What the language buttons send ("lang:en"), typed: the server switches without the model.
        page.locator("#message").fill("lang:en")
        page.keyboard.press("Enter")
        wait_for_reply(page, before)
        checked.check("chat: after switching to English")
        assert page.evaluate("() => document.documentElement.lang") == "en", "a screen reader now uses English sounds"
        assert page.locator("h1").inner_text() == text("web.heading", "en")
        assert page.locator("#help-bar").get_by_role("button", name=text("web.talk_to_person", "en")).count() == 1
        assert page.title() == text("web.page_title", "en")
        langs = page.evaluate("() => Array.from(document.querySelectorAll('.msg-bot')).map(m => m.lang)")
        assert langs[0] == "pl" and langs[-1] == "en", "earlier messages keep the language they were said in"
        assert case_of(http, council.staff, case["id"])["language"] == "en"
        # A reload carries on in English.
        page.reload()
        page.wait_for_selector(".msg-bot")
        assert page.evaluate("() => document.documentElement.lang") == "en"
        checked.check("chat: reloaded after the switch")


def test_a_message_that_comes_later_appears_on_the_open_page(browser: Browser, server_alone: str) -> None:
    with httpx.Client(base_url=server_alone, timeout=30) as http, checked_page(browser, server_alone) as checked:
        council = council_with_staff(http, "Council Later")
        case = new_case(http, council.staff, "WEB-LATE-1", phone="+447700900505")
        page = checked.page
        start(checked, case["invite_code"])
        before = replies(page)
        # The council no longer needs this person: the last message goes to the page, which asks for it (a POST).
        response = http.post(f"/api/cases/{case['id']}/not-needed", headers=council.staff)
        assert response.status_code == 200, response.text
        page.wait_for_function(f"() => document.querySelectorAll('.msg-bot').length > {before}", timeout=20_000)
        assert text("closing.not_needed", "en") in newest_words(page)
        checked.check("chat: a message that came later")


def test_listen_plays_the_message_made_when_it_is_pressed(browser: Browser, server_alone: str) -> None:
    with httpx.Client(base_url=server_alone, timeout=30) as http, checked_page(browser, server_alone) as checked:
        council = council_with_staff(http, "Council Listen")
        case = new_case(http, council.staff, "WEB-LISTEN-1", phone="+447700900506")
        start(checked, case["invite_code"])
        page = checked.page
        # Note every sound the page loads, and how long it is, as the browser decodes it.
        page.evaluate(
            """() => {
                window.heard = [];
                const play = HTMLMediaElement.prototype.play;
                HTMLMediaElement.prototype.play = function () {
                    this.addEventListener('loadedmetadata', () => window.heard.push(this.duration));
                    return play.call(this);
                };
            }"""
        )
        greeting = page.locator("#log .msg-bot").first
        with page.expect_response(lambda r: "/chat/listen/" in r.url) as made:
            greeting.get_by_role("button", name="Listen").click()
        response = made.value
        assert response.status == 200 and response.headers["content-type"] == "audio/wav"
        page.wait_for_function("() => window.heard.length > 0 && window.heard[0] > 2")
        assert page.locator("#log .notice").count() == 0, "no 'something went wrong' notice"
        checked.check("chat: after Listen")
