"""WCAG 2.1 A/AA checks with axe-core (tests/integration/axe.py) in Debian chromium: the citizen chat page with
a conversation (bot answers, buttons, the citizen's messages) and the voice page, at desktop width and at 320 px."""

from __future__ import annotations

import pytest

from tests.integration.axe import describe, violations
from tests.integration.test_handover import BROWSER_ARGS, CHROMIUM, live  # noqa: F401 - the fixture

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def chat_with_conversation(live, browser, width: int = 1280):  # noqa: F811
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": width, "height": 800}, locale="de-DE").new_page()
    page.goto(f"{live.url(0)}/webhooks/webchat/")
    expect(page.locator("#chat-status")).to_have_text("Verbunden")
    page.fill("#chat-input", "wie erreiche ich das service center")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.bot")).not_to_have_count(0)
    page.fill("#chat-input", "hallo")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.bot .buttons button").last).to_be_visible()
    return page


@pytest.mark.parametrize("width", [1280, 320])
def test_chat_page_with_a_conversation_has_no_axe_violations(live, browser, width):  # noqa: F811
    page = chat_with_conversation(live, browser, width)
    page.click("#chat-restart")  # the confirmation and the rating form (shown after a person's conversation)
    page.evaluate("document.getElementById('chat-rating').hidden = false")
    found = violations(page)
    assert not found, describe(found)


def test_voice_page_has_no_axe_violations(live, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(f"{live.voice_url}/")
    page.fill("#typed-text", "wann hat das jobcenter offen")
    page.keyboard.press("Enter")
    page.locator("#log li.bot").first.wait_for(timeout=30000)  # the typed fallback answers without a call
    found = violations(page)
    page.click("#stop")  # hang up: an open call would hold the gateway's shutdown
    page.close()
    assert not found, describe(found)
