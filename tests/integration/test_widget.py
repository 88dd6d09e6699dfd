"""The citizen chat widget in a real browser (Debian chromium via playwright) against the whole assistant:
greeting with topic buttons, buttons after a reload, links for phone and e-mail, small screens and zoom,
focus visibility, the Service Center title, the rating after a conversation with a person, and uploads."""

from __future__ import annotations

import time

import pytest
import redis
import requests

from bot.cases.store import CaseStore
from bot.content import get_content, say
from bot.handover.ratings import RatingStore
from bot.handover.state import Handover
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

    page = browser.new_context(**({"viewport": {"width": 1280, "height": 800}} | context)).new_page()
    page.goto(f"{live.url(0)}/webhooks/webchat/")
    expect(page.locator("#chat-status")).to_have_text("Verbunden")
    return page


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
    targets = ["#chat-log", ".msg.bot .buttons button", "#chat-input", "#chat-form button", "#chat-restart"]
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
