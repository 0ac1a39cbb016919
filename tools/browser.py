"""A real browser for the browser tests and `make screenshots`: Debian's Chromium, driven by Playwright for Python.

Playwright downloads no browser here: it starts /usr/bin/chromium (the `chromium` package, which `make test`,
`make screenshots` and .ci/run install with apt-get when it is missing) with headless flags that keep it off the
network. axe-core (from the npm registry, in node_modules) is put into the page to check it against WCAG 2.2 AA.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from playwright.sync_api import Browser, Page, Playwright

from tools.model import ROOT

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing in the background: this machine has no network beyond loopback.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, one main heading, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


@lru_cache(maxsize=1)
def axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `make node_modules/.installed` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now. axe is evaluated into the page, not added as a <script>,
    so the page's Content Security Policy stays exactly as it is served."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))
            }));
        }""",
        AXE_TAGS,
    )
    return found


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1)[:6000]
