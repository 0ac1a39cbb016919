"""The checks the browser tests rely on do catch problems: axe-core finds a planted violation, and the Content
Security Policy really blocks inline script in Chromium (so a passing test means something)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tools.browser import axe_violations
from tools.stack import Stack

pytestmark = pytest.mark.e2e


def test_axe_finds_a_planted_violation_and_the_policy_blocks_inline_script(browser: Browser, live: Stack) -> None:
    context = browser.new_context()
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{live.server_url}/sign-in")
    assert axe_violations(page) == []
    page.evaluate(
        "() => document.querySelector('main')"
        ".appendChild(Object.assign(document.createElement('img'), {src: '/x.png'}))"
    )
    assert "image-alt" in {violation["id"] for violation in axe_violations(page)}

    page.evaluate(
        """() => {
            window.ran = false;
            const script = document.createElement('script');
            script.textContent = 'window.ran = true';
            document.body.appendChild(script);
        }"""
    )
    assert page.evaluate("() => window.ran") is False
    assert blocked, "Chromium reported the blocked inline script"
    context.close()
