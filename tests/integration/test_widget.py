"""The citizen chat widget in a real browser (Debian chromium via playwright) against the whole assistant:
greeting with topic buttons, buttons after a reload, links for phone and e-mail, small screens and zoom,
focus visibility, the Service Center title, the rating after a conversation with a person, uploads, and the
widget's languages (from the browser, the switcher, right-to-left for Arabic; content/languages/widget.yml).
Browsers get a German locale unless a test is about another language."""

from __future__ import annotations

import time
from functools import lru_cache

import pytest
import redis
import requests

from bot.cases.store import CaseStore
from bot.content import get_content, say
from bot.handover.ratings import RatingStore
from bot.handover.state import Handover
from bot.languages.context import speaking
from bot.languages.registry import get_catalog
from tests.integration.axe import describe, violations
from tests.integration.test_handover import BROWSER_ARGS, CHROMIUM, desk_session, live  # noqa: F401 - the fixture

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def open_chat(live, browser, **context):  # noqa: F811
    from playwright.sync_api import expect

    context = {"viewport": {"width": 1280, "height": 800}, "locale": "de-DE"} | context
    page = browser.new_context(**context).new_page()
    page.goto(f"{live.url(0)}/webhooks/webchat/")
    language = context["locale"].split("-")[0].lower()
    language = language if language in widget_texts() else "de"
    expect(page.locator("#chat-status")).to_have_text(widget_text(language, "status_connected"))
    return page


@lru_cache(maxsize=1)
def widget_texts() -> dict[str, dict[str, str]]:
    """Every supported language's widget texts as the page gets them (German where one has none)."""
    from bot.channels.webchat import read_widget_texts, widget_config, widget_texts_path

    return widget_config(read_widget_texts(widget_texts_path())[0])["texts"]


def widget_text(language: str, key: str) -> str:
    return widget_texts()[language][key]


def say_in(page, text: str) -> None:
    from playwright.sync_api import expect

    answers = page.locator(".msg.bot").count()
    page.fill("#chat-input", text)
    page.keyboard.press("Enter")
    expect(page.locator(".msg.bot")).not_to_have_count(answers, timeout=20000)
    time.sleep(0.5)


def session_of(page) -> str:
    return page.evaluate("localStorage.getItem('jc-session')")


def test_a_new_chat_greets_with_topic_buttons_before_the_citizen_writes(live, browser):  # noqa: F811
    from playwright.sync_api import expect

    page = open_chat(live, browser)
    greeting = page.locator(".msg.bot").first
    expect(greeting).to_contain_text("digitale Assistent")
    topics = [b.title for b in get_content().main_topics]
    expect(greeting.locator(".buttons button")).to_have_text(topics)
    assert page.locator(".msg.citizen").count() == 0
    greeting.get_by_role("button", name="Öffnungszeiten").click()
    expect(page.locator(".msg.citizen .text").last).to_have_text("Öffnungszeiten")
    expect(page.locator(".msg.bot").nth(1)).to_be_visible(timeout=20000)
    page.reload()  # a reload neither greets again nor loses the conversation
    expect(page.locator(".msg.citizen .text")).to_have_text(["Öffnungszeiten"])
    expect(page.locator(".msg.bot").first).to_contain_text("digitale Assistent")
    assert page.locator(".msg.bot").filter(has_text="Guten Tag!").count() == 1


def test_reply_buttons_survive_a_reload_and_still_work(live, browser):  # noqa: F811
    from playwright.sync_api import expect

    page = open_chat(live, browser)
    say_in(page, "hallo")
    offered = page.locator(".msg.bot").last.locator(".buttons button").all_text_contents()
    assert offered, "the greeting answer offers buttons"
    page.reload()
    expect(page.locator("#chat-status")).to_have_text("Verbunden")
    expect(page.locator(".msg.bot").last.locator(".buttons button")).to_have_text(offered)
    assert page.locator(".msg.bot .buttons").count() == 1  # only the last answer's choices, not the greeting's too
    page.locator(".msg.bot").last.get_by_role("button", name="Kontakt").click()
    expect(page.locator(".msg.citizen .text").last).to_have_text("Kontakt")
    expect(page.locator(".msg.bot").last).to_contain_text(get_content().service_center.phone, timeout=20000)


def test_phone_numbers_and_mail_addresses_are_links_and_text_stays_text(live, browser):  # noqa: F811
    page = open_chat(live, browser)
    say_in(page, "wie ist die e-mail-adresse vom service center")
    phone, mail = get_content().service_center.phone, get_content().service_center.email
    answer = page.locator(".msg.bot").filter(has_text=mail).last
    assert answer.locator(f"a[href='mailto:{mail}']").first.text_content() == mail
    say_in(page, "wie ist die telefonnummer vom service center")
    tel = page.locator(".msg.bot").filter(has_text=phone).last.locator("a[href^='tel:']").first
    assert tel.text_content() == phone and tel.get_attribute("href") == "tel:+4922198760"
    page.fill("#chat-input", "Nummer 0171 2345678, max@example.de, IBAN DE89 3704 0044 0532 0130 00, BG 12345BG0012345, "
                             "am 01.12.2026 um 08:00-18:00, PLZ 01067 <img src=x onerror=alert(1)>")
    page.keyboard.press("Enter")
    mine = page.locator(".msg.citizen").last
    mine.locator("a").first.wait_for()
    hrefs = [a.get_attribute("href") for a in mine.locator("a").all()]
    assert hrefs == ["tel:+491712345678", "mailto:max@example.de"]
    assert mine.locator("img").count() == 0 and "<img src=x" in mine.text_content()


def test_320_pixels_have_no_horizontal_scrolling_even_with_a_long_word(live, browser):  # noqa: F811
    page = open_chat(live, browser, viewport={"width": 320, "height": 640})
    say_in(page, "wie erreiche ich das service center")
    say_in(page, "x" * 300)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    assert page.evaluate("document.getElementById('chat-log').scrollWidth <= document.getElementById('chat-log').clientWidth")


def test_at_200_percent_zoom_the_log_is_tall_enough_and_a_long_answer_starts_in_view(live, browser):  # noqa: F811
    # 200 % of a 1280 x 800 window: 640 x 400 CSS pixels at a device scale of 2
    page = open_chat(live, browser, viewport={"width": 640, "height": 400}, device_scale_factor=2)
    say_in(page, "wie hoch ist der regelsatz")
    say_in(page, "wie erreiche ich das service center")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 640
    log_height = page.evaluate("document.getElementById('chat-log').clientHeight")
    assert log_height >= 250
    # the newest answer's first line is visible in the log
    top, scroll, last_height = page.evaluate("""() => { const log = document.getElementById('chat-log');
        const item = log.querySelector('.msg.bot:last-of-type') || [...log.querySelectorAll('.msg.bot')].pop();
        return [item.offsetTop, log.scrollTop, item.offsetHeight]; }""")
    assert scroll <= top + 20 <= scroll + log_height, (top, scroll, last_height, log_height)


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


FOCUS_STYLE = """el => {
    const rgb = s => s.match(/[\\d.]+/g).map(Number);
    const style = getComputedStyle(el);
    let node = el.parentElement, background = 'rgb(255, 255, 255)';
    while (node) { const bg = getComputedStyle(node).backgroundColor;
        if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') { background = bg; break; }
        node = node.parentElement; }
    return {outline: rgb(style.outlineColor), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
            background: rgb(background), focused: document.activeElement === el};
}"""


def test_focus_indicators_have_at_least_3_to_1_contrast_and_the_log_takes_focus(live, browser):  # noqa: F811
    page = open_chat(live, browser)
    page.locator(".msg.bot .buttons button").first.wait_for()
    targets = ["#chat-log", ".msg.bot .buttons button", "#chat-input", "#chat-form button", "#chat-restart",
               "#language-toggle"]
    for selector in targets:
        element = page.locator(selector).first
        element.focus()
        found = element.evaluate(FOCUS_STYLE)
        assert found["focused"], selector
        assert found["style"] != "none" and found["width"] >= 2, (selector, found)
        ratio = _contrast(tuple(found["outline"]), tuple(found["background"]))
        assert ratio >= 3, (selector, found, ratio)
    assert page.get_attribute("#chat-log", "tabindex") == "0" and page.get_attribute("#chat-log", "aria-label")
    # the log is reached with the keyboard: Tab from the privacy note lands on it
    page.focus("#chat-title")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "chat-log":
            break
    assert page.evaluate("document.activeElement.id") == "chat-log"


def test_legal_links_restart_and_transcript_download(live, browser):  # noqa: F811
    from playwright.sync_api import expect

    page = open_chat(live, browser)
    legal = get_content().legal
    links = page.locator(".chat-legal a")
    expect(links).to_have_text(["Impressum", "Datenschutzerklärung", "Erklärung zur Barrierefreiheit"])
    assert [a.get_attribute("href") for a in links.all()] == [legal["impressum"], legal["datenschutz"],
                                                              legal["barrierefreiheit"]]
    say_in(page, "wie erreiche ich das service center")
    with page.expect_download() as download:
        page.click("#chat-download")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Sie: wie erreiche ich das service center" in text and get_content().service_center.phone in text
    assert text.index("Assistent: Guten Tag!") < text.index("Sie: wie erreiche")
    before = session_of(page)
    page.click("#chat-restart")
    expect(page.locator("#restart-confirm")).to_be_visible()
    page.click("#restart-no")  # nothing happens without confirming
    assert session_of(page) == before and page.locator(".msg.citizen").count() == 1
    page.click("#chat-restart")
    page.click("#restart-yes")
    expect(page.locator(".msg.citizen")).to_have_count(0)
    expect(page.locator(".msg.bot").first).to_contain_text("digitale Assistent")
    page.wait_for_function(f"localStorage.getItem('jc-session') && localStorage.getItem('jc-session') !== '{before}'")


def test_with_a_person_the_title_says_so_and_after_closing_the_citizen_rates(live, browser):  # noqa: F811
    from playwright.sync_api import expect

    client = redis.Redis.from_url(live.redis_url)
    page = open_chat(live, browser)
    sender = session_of(page)
    Handover(client).enqueue(sender, summary="Bewertung")
    desk, csrf = desk_session(live, "anna")
    headers = {"X-CSRF-Token": csrf}
    assert desk.post(f"{live.desk_url}/api/claim", json={"sender": sender}, headers=headers).ok
    expect(page.locator("#chat-title")).to_have_text("Sie schreiben mit dem Service Center")
    expect(page).to_have_title("Sie schreiben mit dem Service Center – Jobcenter Musterstadt")
    expect(page.locator(".msg.system").last).to_contain_text("übernommen")  # the desk's line, live
    assert desk.post(f"{live.desk_url}/api/send", json={"sender": sender, "text": "Rufen Sie 0221 9876-0 an."},
                     headers=headers).ok
    expect(page.locator(".msg.agent").last.locator("a[href='tel:+4922198760']")).to_be_visible()
    assert page.locator("#chat-rating").is_hidden()
    assert desk.post(f"{live.desk_url}/api/close", json={"sender": sender, "outcome": "Auskunft erteilt"},
                     headers=headers).ok
    expect(page.locator("#chat-title")).to_have_text("Chat mit dem digitalen Assistenten")
    expect(page.locator("#chat-rating")).to_be_visible()
    page.reload()  # the offer stays until the citizen answers it
    expect(page.locator("#chat-rating")).to_be_visible()
    page.get_by_label("4 – zufrieden").check()
    page.fill("#rating-comment", "Schnelle Hilfe, danke")
    page.click("#chat-rating button[type=submit]")
    expect(page.locator("#chat-rating")).to_be_hidden()
    expect(page.locator(".msg.bot").last).to_contain_text(say("webchat.rating_thanks"))
    mine = [r for r in RatingStore(client).recent() if r.sender == sender]
    assert [(r.agent, r.stars, r.comment) for r in mine] == [("anna", 4, "Schnelle Hilfe, danke")]
    # a second rating of the same conversation is not taken
    page.evaluate(f"""() => {{ const s = io(location.origin, {{path: '/webchat/socket.io', transports: ['websocket']}});
        s.emit('session_request', {{session_id: '{sender}', resume: localStorage.getItem('jc-resume')}});
        s.emit('rate', {{session_id: '{sender}', stars: 1, comment: 'nochmal'}}); }}""")
    time.sleep(1.5)
    assert len([r for r in RatingStore(client).recent() if r.sender == sender]) == 1


def test_a_pdf_upload_lands_with_a_case_and_a_renamed_program_is_refused(live, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    client = redis.Redis.from_url(live.redis_url)
    page = open_chat(live, browser)
    sender = session_of(page)
    pdf = tmp_path / "AU-Bescheinigung.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#chat-file", str(pdf))
    page.click("#chat-upload button[type=submit]")
    expect(page.locator("#upload-status")).to_contain_text("Vorgangsnummer")
    expect(page.locator(".msg.citizen").last).to_contain_text("Dokument hochgeladen: AU-Bescheinigung.pdf")
    expect(page.locator(".msg.bot").last).to_contain_text("Vorgangsnummer")
    case_id = page.locator(".msg.bot").last.text_content().split("Vorgangsnummer ")[1].split()[0]
    cases = CaseStore(client)
    assert cases.get(case_id).kind == "unterlagen"
    assert cases.file(case_id, 1) == ({"name": "AU-Bescheinigung.pdf", "type": "application/pdf", "size": len(PDF)}, PDF)
    transcript = [line["text"] for line in Handover(client).transcript(sender)]
    assert "Dokument hochgeladen: AU-Bescheinigung.pdf" in transcript

    fake = tmp_path / "rechnung.pdf"
    fake.write_bytes(EXE)
    page.set_input_files("#chat-file", str(fake))
    page.click("#chat-upload button[type=submit]")
    expect(page.locator("#upload-status")).to_have_text(say("webchat.upload_wrong_type"))
    assert len(cases.files(case_id)) == 1

    # without the browser's resume secret, or too large: refused before anything is stored
    url = f"{live.url(0)}/webhooks/webchat/upload"
    files = {"file": ("a.pdf", PDF, "application/pdf")}
    assert requests.post(url, data={"session_id": sender, "resume": "geraten"}, files=files).status_code == 403
    secret = page.evaluate("localStorage.getItem('jc-resume')")
    big = {"file": ("gross.pdf", PDF + b"0" * (5 * 2**20), "application/pdf")}
    assert requests.post(url, data={"session_id": sender, "resume": secret}, files=big).status_code == 413
    assert len(cases.files(case_id)) == 1


def test_the_voice_page_answers_typed_text_without_a_call_and_says_when_it_cannot(live, browser):  # noqa: F811
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(f"{live.voice_url}/")
    assert page.get_attribute("link[rel=icon]", "href") == "/static/favicon.svg"
    assert requests.get(f"{live.voice_url}/static/favicon.svg").headers["content-type"].startswith("image/svg")
    page.fill("#typed-text", "wann hat die geschäftsstelle mitte offen")
    page.keyboard.press("Enter")  # no call runs: one begins without the microphone
    expect(page.locator("#log li.caller")).to_have_text(["Sie: wann hat die geschäftsstelle mitte offen"], timeout=20000)
    expect(page.locator("#log li.bot").filter(has_text="Mitte").first).to_be_visible(timeout=30000)
    page.click("#stop")
    expect(page.locator("#start")).to_be_enabled()

    # the gateway unreachable: the page says so instead of doing nothing
    page.evaluate("""() => { const Original = WebSocket;
        window.WebSocket = function () { return new Original('ws://127.0.0.1:9/ws'); }; }""")
    page.fill("#typed-text", "hallo")
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_contain_text("nicht erreichbar", timeout=15000)


def test_chat_page_has_a_favicon(live):  # noqa: F811
    answer = requests.get(f"{live.url(0)}/webhooks/webchat/static/favicon.svg")
    assert answer.ok and answer.headers["content-type"].startswith("image/svg") and b"<svg" in answer.content


def test_a_ukrainian_browser_gets_the_widget_and_the_greeting_in_ukrainian(live, browser):  # noqa: F811
    from playwright.sync_api import expect

    from bot.channels.webchat import _greeting

    page = open_chat(live, browser, locale="uk-UA")
    assert page.evaluate("navigator.languages[0]") == "uk-UA"
    assert page.get_attribute("html", "lang") == "uk" and page.get_attribute("html", "dir") == "ltr"
    expect(page.locator("#chat")).to_have_attribute("lang", "uk")
    expect(page.locator("#chat-title")).to_have_text(widget_text("uk", "title_bot"))
    expect(page).to_have_title(f"{widget_text('uk', 'title_bot')} – {widget_text('uk', 'site_name')}")
    expect(page.locator("label[for=chat-input]")).to_have_text(widget_text("uk", "message_label"))
    expect(page.locator("#chat-input")).to_have_attribute("placeholder", widget_text("uk", "message_placeholder"))
    expect(page.locator("#chat-log")).to_have_attribute("aria-label", widget_text("uk", "log_label"))
    expect(page.locator("#chat-form button")).to_have_text(widget_text("uk", "send"))
    expect(page.locator("#language-current")).to_have_text("Українська")
    expect(page.locator("#language-toggle")).to_contain_text(widget_text("uk", "language_label"))
    expect(page.locator(".chat-legal a").first).to_have_text(widget_text("uk", "legal_impressum"))
    assert "Українська" != widget_text("de", "title_bot") != widget_text("uk", "title_bot")
    # the greeting the channel sends at the start is in Ukrainian too, marked as such
    with speaking("uk"):
        greeting = _greeting()[0].split("\n\n")[0]
    first = page.locator(".msg.bot").first
    expect(first.locator(".text")).to_have_text(greeting)
    expect(first).to_have_attribute("lang", "uk")
    expect(first.locator(".meta")).to_contain_text(widget_text("uk", "who_bot"))
    assert page.evaluate("localStorage.getItem('jc-language')") is None  # the browser's language, not a choice
    # the citizen's own message: direction from its text
    say_in(page, "Коли працює Jobcenter?")
    assert page.locator(".msg.citizen").last.get_attribute("dir") == "auto"


def open_languages(page) -> None:
    from playwright.sync_api import expect

    toggle = page.locator("#language-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#language-list")).to_be_visible()


def test_switching_to_arabic_turns_the_widget_right_to_left_and_the_assistant_confirms(live, browser):  # noqa: F811
    from playwright.sync_api import expect

    page = open_chat(live, browser)
    sender = session_of(page)
    expect(page.locator(".msg.bot").first).to_have_attribute("lang", "de")
    answers = page.locator(".msg.bot").count()
    open_languages(page)
    names = page.locator("#language-list button").all_text_contents()
    assert names == [language.native for language in get_catalog().languages.values()]
    arabic = page.locator("#language-list").get_by_role("button", name="العربية")
    assert arabic.get_attribute("lang") == "ar"
    arabic.click()
    # at once: the widget in Arabic, right to left, the page's language with it
    chat = page.locator("#chat")
    expect(chat).to_have_attribute("dir", "rtl")
    expect(chat).to_have_attribute("lang", "ar")
    assert page.get_attribute("html", "lang") == "ar" and page.get_attribute("html", "dir") == "rtl"
    expect(page.locator("#chat-title")).to_have_text(widget_text("ar", "title_bot"))
    expect(page.locator("#language-toggle")).to_be_focused()
    expect(page.locator("#language-toggle")).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#language-current")).to_have_text("العربية")
    # the choice went to the assistant as /set_language (shown with the language's name) and it answers in Arabic
    expect(page.locator(".msg.citizen .text").last).to_have_text("العربية")
    expect(page.locator(".msg.bot")).not_to_have_count(answers, timeout=20000)
    reply = page.locator(".msg.bot").last
    expect(reply).to_have_attribute("lang", "ar")
    expect(reply).to_have_attribute("dir", "rtl")
    expect(reply.locator(".text")).to_have_text(get_catalog().line("ar", "switched", language="العربية"))
    expect(reply.locator(".meta")).to_contain_text(widget_text("ar", "who_bot"))
    transcript = [line["text"] for line in Handover(redis.Redis.from_url(live.redis_url)).transcript(sender)]
    assert "العربية" in transcript and not any("/set_language" in text for text in transcript)
    # mirrored: the citizen's messages on the left, the assistant's on the right
    mine, theirs = page.locator(".msg.citizen").last.bounding_box(), reply.bounding_box()
    assert mine["x"] < theirs["x"], (mine, theirs)
    assert page.evaluate("localStorage.getItem('jc-language')") == "ar"
    page.reload()  # remembered in this browser
    expect(page.locator("#chat")).to_have_attribute("dir", "rtl")
    expect(page.locator("#chat-status")).to_have_text(widget_text("ar", "status_connected"))
    # back to German with the switcher
    open_languages(page)
    page.locator("#language-list").get_by_role("button", name="Deutsch").click()
    expect(page.locator("#chat")).to_have_attribute("dir", "ltr")
    expect(page.locator(".msg.bot").last).to_have_attribute("lang", "de", timeout=20000)


def test_an_answer_in_another_language_switches_the_widget(live, browser):  # noqa: F811
    from playwright.sync_api import expect

    page = open_chat(live, browser)
    say_in(page, "english please")
    expect(page.locator(".msg.bot").last).to_have_attribute("lang", "en")
    expect(page.locator("#chat")).to_have_attribute("lang", "en")
    expect(page.locator("#chat-title")).to_have_text(widget_text("en", "title_bot"))
    expect(page.locator("#language-current")).to_have_text("English")
    assert page.evaluate("localStorage.getItem('jc-language')") == "en"


@pytest.mark.parametrize("width", [1280, 320])
def test_the_arabic_widget_has_no_axe_violations(live, browser, width):  # noqa: F811
    from playwright.sync_api import expect

    page = open_chat(live, browser, viewport={"width": width, "height": 800})
    open_languages(page)
    page.locator("#language-list").get_by_role("button", name="العربية").click()
    expect(page.locator(".msg.bot").last).to_have_attribute("lang", "ar", timeout=20000)
    say_in(page, "متى يفتح الجوب سنتر؟")
    open_languages(page)  # the list of languages open, the restart question and the rating form shown
    page.click("#chat-restart")
    page.evaluate("document.getElementById('chat-rating').hidden = false")
    expect(page.locator("#chat")).to_have_attribute("dir", "rtl")
    found = violations(page)
    assert not found, describe(found)
    if width == 320:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 320


def test_the_widget_texts_are_served_as_json_with_the_page_headers(live):  # noqa: F811
    answer = requests.get(f"{live.url(0)}/webhooks/webchat/texts.json", timeout=10)
    assert answer.ok and answer.headers["content-type"].startswith("application/json")
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-cache"
    data = answer.json()
    assert [language["code"] for language in data["languages"]] == list(get_catalog().languages)
    assert data["texts"] == widget_texts() and data["default"] == "de"
    page = requests.get(f"{live.url(0)}/webhooks/webchat/", timeout=10).content.decode()  # German without the script
    assert 'data-i18n="status_connecting">Verbindung wird hergestellt …<' in page and '<html lang="de"' in page
