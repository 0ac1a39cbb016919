"""Browser tests: Debian's Chromium driven by Playwright against the live stack (tests/e2e/conftest.py).

Every state a test reaches is checked with axe-core (WCAG 2.2 A and AA, and best practices) through `Checked`,
and a test fails on any violation, on any script error in the page, and on anything the Content Security Policy
blocked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, sync_playwright

from tests.support import PASSWORD
from tools import browser as real_browser
from tools.stack import Stack

STATES: list[str] = []


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package-scoped: Playwright's sync API runs its own event loop, so it lives only while these tests run.
    with sync_playwright() as playwright:
        found = real_browser.launch(playwright)
        yield found
        found.close()


@dataclass
class Checked:
    """A page in which every state reached is checked by axe-core."""

    page: Page
    base_url: str
    problems: list[str] = field(default_factory=list)

    def check(self, state: str) -> None:
        violations = real_browser.axe_violations(self.page)
        assert violations == [], f"axe-core found violations in state {state!r}:\n{real_browser.describe(violations)}"
        STATES.append(state)

    def goto(self, path: str, state: str) -> None:
        self.page.goto(self.base_url + path)
        self.check(state)

    def click(self, target: Locator, state: str) -> None:
        target.click()
        self.page.wait_for_load_state()
        self.check(state)


@pytest.fixture
def checked(browser: Browser, live: Stack) -> Iterator[Checked]:
    with checked_page(browser, live.server_url) as found:
        yield found


@contextmanager
def checked_page(browser: Browser, base_url: str) -> Iterator[Checked]:
    """A fresh English (en-GB) browser page on `base_url` that fails on script errors and blocked content."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    found = Checked(page, base_url)
    page.on("pageerror", lambda error: found.problems.append(f"script error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if re.search(r"Content Security Policy|Refused to", message.text):
            found.problems.append(f"blocked: {message.text}")

    page.on("console", on_console)
    try:
        yield found
    finally:
        context.close()
    assert found.problems == [], "\n".join(found.problems)


def sign_in(checked: Checked, email: str, password: str = PASSWORD) -> None:
    page = checked.page
    checked.goto("/sign-in", "sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    checked.click(page.get_by_role("button", name="Sign in"), "signed in")


@pytest.fixture
def http(live: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.server_url, timeout=30) as client:
        yield client


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if STATES:
        terminalreporter.write_line(f"axe-core: 0 violations in {len(STATES)} page states checked in the browser")
