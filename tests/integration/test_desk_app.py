"""The agent desk as an application in a real browser (Debian chromium via playwright) against the whole
assistant: reload keeps the agent's conversations, three chats at once with unread counters, notifications on a
new queue entry, the display name instead of the login, German labels, 360 px, and the CSV/XML exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import uuid
import xml.etree.ElementTree as ET

import pytest
import redis

from bot.cases.store import CaseStore
from bot.desk.accounts import Accounts
from bot.handover.state import Handover
from tests.integration.test_handover import BROWSER_ARGS, CHROMIUM, PASSWORD, WidgetClient, browser_login, desk_session
from tests.integration.test_handover import live as live  # noqa: F401  (the module-scoped assistant)

HUMAN = "ich möchte bitte mit einem menschen sprechen"
NOTIFICATION_STUB = """
window.__notes = []; window.__asked = 0;
function StubNotification(title, options) { window.__notes.push(title); }
StubNotification.permission = "default";
StubNotification.requestPermission = function () {
  window.__asked += 1; StubNotification.permission = "granted"; return Promise.resolve("granted");
};
window.Notification = StubNotification;
"""


@pytest.fixture(scope="module")
def accounts(live):  # noqa: F811
    store = Accounts(live.data_dir / "desk_users.json")
    store.add("sschmidt", "agent", PASSWORD, display="Frau Schmidt")
    store.add("tmeier", "agent", PASSWORD, display="Herr Meier")
    store.add("pweber", "agent", PASSWORD)
    return store


def wait_present(live, user: str) -> None:
    client = redis.Redis.from_url(live.redis_url)
    deadline = time.monotonic() + 10
    while not client.exists(f"ho:presence:{user}") and time.monotonic() < deadline:
        time.sleep(0.1)


def wait_for(predicate, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def empty_queue(live) -> None:
    handover = Handover(redis.Redis.from_url(live.redis_url))
    for entry in handover.queue():
        handover.leave_queue(entry.sender)


def claim_in_browser(page, sender: str) -> None:
    from playwright.sync_api import expect

    page.goto(page.url.split("#")[0] + "#/warteschlange")
    entry = page.locator(f"#queue li[data-sender='{sender}']")
    expect(entry).to_be_visible(timeout=15000)
    entry.get_by_role("button", name="Übernehmen").click()
    expect(page).to_have_url(re.compile(re.escape(f"#/gespraeche/{sender}") + "$"))
    expect(page.locator("#mine li.active a")).to_have_attribute("data-sender", sender)  # the conversation is open
    expect(page.locator("#reply-text")).to_be_visible()


def test_reload_keeps_the_conversation_and_a_reply_after_reload_reaches_the_citizen(live, accounts):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    empty_queue(live)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            browser_login(page, live, "sschmidt")
            expect(page.locator("#me")).to_contain_text("Frau Schmidt")
            wait_present(live, "sschmidt")
            citizen = WidgetClient(live)
            sender = citizen.session["session_id"]
            citizen.say(HUMAN)
            claim_in_browser(page, sender)
            assert page.url.endswith(f"#/gespraeche/{sender}")
            expect(page.locator("#conv-info")).to_contain_text("Sie betreuen dieses Gespräch · Thema:")
            assert re.search(r"übernommen \d\d\.\d\d\.\d{4} \d\d:\d\d", page.inner_text("#conv-info"))
            assert "request_human" not in page.inner_text("body")

            transcript = Handover(redis.Redis.from_url(live.redis_url)).transcript(sender)
            texts = " ".join(line["text"] for line in transcript)
            assert "Frau Schmidt hat das Gespräch übernommen." in texts and "sschmidt" not in texts

            page.reload()
            expect(page.locator("#mine li")).to_have_count(1)
            expect(page.locator("#reply-text")).to_be_visible()
            expect(page.locator("#transcript")).to_contain_text(HUMAN)
            citizen.answers.clear()
            page.fill("#reply-text", "Nach dem Neuladen: ich bin noch da.")
            page.press("#reply-text", "Enter")  # Enter sends
            assert wait_for(lambda: any("Nach dem Neuladen" in a for a in citizen.answers))
            expect(page.locator("#reply-text")).to_have_value("")
            page.fill("#reply-text", "Zeile eins")
            page.press("#reply-text", "Shift+Enter")  # Shift+Enter: a new line, nothing sent
            assert page.input_value("#reply-text") == "Zeile eins\n"

            # a long unbroken message and right-to-left controls: no page widening, no reversed text
            page.set_viewport_size({"width": 360, "height": 740})
            citizen.send("A" * 3000 + " \u202eesrever\u202c ende")
            expect(page.locator("#transcript")).to_contain_text("esrever")
            assert "\u202e" not in page.inner_text("#transcript")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360

            page.click("#close")  # no outcome note: a banner ...
            expect(page.locator("#notice")).to_contain_text("Ergebnisnotiz")
            page.fill("#outcome", "Auskunft erteilt")
            page.click("#close")
            expect(page.locator("#notice")).to_be_hidden()  # ... that clears after the successful close
            expect(page.locator("#mine li")).to_contain_text("kein Gespräch")
            citizen.close()
        finally:
            browser.close()


def test_an_agent_takes_three_chats_at_once_with_unread_counters(live, accounts):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    empty_queue(live)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        citizens = []
        try:
            page = browser.new_page()
            browser_login(page, live, "tmeier")
            wait_present(live, "tmeier")
            for _ in range(3):
                citizen = WidgetClient(live)
                citizen.say(HUMAN)
                citizens.append(citizen)
                claim_in_browser(page, citizen.session["session_id"])
                page.fill("#outcome", "Notiz nur für dieses Gespräch")
            expect(page.locator("#mine li")).to_have_count(3)
            first, last = citizens[0].session["session_id"], citizens[2].session["session_id"]
            assert page.url.endswith(f"#/gespraeche/{last}")

            citizens[0].send("Hallo, hier ist Nummer eins")
            badge = page.locator(f"#mine a[data-sender='{first}'] .unread")
            expect(badge).to_have_text("1")
            assert wait_for(lambda: re.match(r"^\(\d+\) ", page.title()))

            page.reload()  # every conversation and its unread count survive the reload
            expect(page.locator("#mine li")).to_have_count(3)
            expect(page.locator(f"#mine a[data-sender='{first}'] .unread")).to_have_text("1")

            page.click(f"#mine a[data-sender='{first}']")
            expect(page.locator("#transcript")).to_contain_text("Hallo, hier ist Nummer eins")
            expect(page.locator(f"#mine a[data-sender='{first}'] .unread")).to_have_count(0)
            expect(page.locator("#outcome")).to_have_value("")  # the outcome note did not carry over
            for citizen in citizens:
                citizen.answers.clear()
            page.fill("#reply-text", "Antwort an Nummer eins")
            page.press("#reply-text", "Enter")
            assert wait_for(lambda: any("Antwort an Nummer eins" in a for a in citizens[0].answers))
            time.sleep(1)
            assert not any("Nummer eins" in a for c in citizens[1:] for a in c.answers)
        finally:
            for citizen in citizens:
                citizen.close()
            browser.close()
    empty_queue(live)


def test_a_new_queue_entry_notifies_with_title_badge_and_desktop_notification(live, accounts):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    empty_queue(live)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(NOTIFICATION_STUB)
            page = context.new_page()
            browser_login(page, live, "pweber")
            expect(page.locator("#queue")).to_contain_text("Niemand wartet")
            assert not re.match(r"^\(\d+\)", page.title())
            page.click("#notify-on")  # permission is asked on a click, never on load
            assert wait_for(lambda: page.evaluate("window.__asked") == 1)
            sender = f"notify-{uuid.uuid4().hex}"
            Handover(redis.Redis.from_url(live.redis_url)).enqueue(sender, topic="ask_payment", summary="Wo bleibt mein Geld?")
            entry = page.locator(f"#queue li[data-sender='{sender}']")
            expect(entry).to_contain_text("Zahlung / Auszahlung")
            assert wait_for(lambda: page.title().startswith("(1) "))
            assert page.evaluate("window.__notes") == ["Neue Anfrage in der Warteschlange"]
            first = entry.locator(".wait").inner_text()
            time.sleep(2.2)
            assert entry.locator(".wait").inner_text() != first  # the waiting time ticks
            assert "sla-" in (entry.get_attribute("class") or "")
        finally:
            browser.close()
    empty_queue(live)


def test_desk_views_have_deep_links_and_fit_360_pixels(live, accounts):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    client = redis.Redis.from_url(live.redis_url)
    case_id = CaseStore(client).create("rueckruf", {"kontakt": "0221 123456", "thema": "ask_payment"}, dt.datetime.now(),
                                       summary="Rückrufbitte " + "x" * 400, channel="webchat")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            browser_login(page, live, "sara")
            for route in ("#/", "#/warteschlange", "#/gespraeche", "#/vorgaenge", "#/kampagnen", "#/statistik"):
                page.goto(f"{live.desk_url}/{route}")
                page.wait_for_timeout(300)
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, route
            page.goto(f"{live.desk_url}/#/vorgaenge/{case_id}")
            expect(page.locator("#case-detail-title")).to_contain_text("Rückrufbitte")
            expect(page.locator("#case-detail-title")).to_be_focused()
            expect(page.locator("#case-detail-fields")).to_contain_text("Zahlung / Auszahlung")
            expect(page.locator("#cases-view")).to_be_hidden()
            page.goto(f"{live.desk_url}/#/vorgaenge")
            page.fill("#case-search", "gibt es sicher nicht 4711")
            expect(page.locator("#cases")).to_contain_text("Keine Vorgänge gefunden")
            page.fill("#case-search", case_id)
            row = page.locator("#cases tr", has_text=case_id)
            expect(row).to_contain_text(".20")  # the date column, dd.mm.yyyy
            row.get_by_role("button", name="Öffnen").click()
            expect(page.locator("#case-detail-title")).to_be_focused()
            assert page.url.endswith(f"#/vorgaenge/{case_id}")
            page.goto(f"{live.desk_url}/#/statistik")
            expect(page.locator("#cases-by-kind")).to_contain_text("Rückrufbitte")
        finally:
            browser.close()


def test_csv_export_keeps_umlauts_and_has_no_formula_cell(live):  # noqa: F811
    client = redis.Redis.from_url(live.redis_url)
    case_id = CaseStore(client).create("rueckruf", {"kontakt": "+49 221 123456", "wunschzeit": "=HYPERLINK(\"x\")"},
                                       dt.datetime.now(), summary="Grüße aus Köln", office="nord", channel="webchat")
    session, csrf = desk_session(live, "sara")
    session.post(f"{live.desk_url}/api/cases/{case_id}", json={"change": "note", "value": "@SUM(A1) Überprüfen"},
                 headers={"X-CSRF-Token": csrf})
    exported = session.get(f"{live.desk_url}/api/cases/export.csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")
    text = exported.content.decode("utf-8-sig")
    assert "Grüße aus Köln" in text and "Überprüfen" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Vorgang", "Art", "Status", "Priorität"] and "Kontakt" in rows[0]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    ours = dict(zip(rows[0], next(r for r in rows if r[0] == case_id)))
    assert ours["Art"] == "Rückrufbitte" and ours["Kanal"] == "Chat" and ours["Kontakt"] == "'+49 221 123456"
    document = ET.fromstring(session.get(f"{live.desk_url}/api/cases/{case_id}/export.xml").content)
    assert document.get("id") == case_id and document.find("zusammenfassung").text == "Grüße aus Köln"


def test_notes_transfer_text_modules_customer_panel_and_statistics(live, accounts):  # noqa: F811
    client = redis.Redis.from_url(live.redis_url)
    handover = Handover(client)
    sender = f"panel-{uuid.uuid4().hex}"
    handover.enqueue(sender, topic="ask_payment", summary="Geld fehlt", customer="12345BG0000001")
    schmidt, csrf = desk_session(live, "sschmidt")
    headers = {"X-CSRF-Token": csrf}
    url = live.desk_url
    assert schmidt.post(f"{url}/api/claim", json={"sender": sender}, headers=headers).ok

    panel = schmidt.get(f"{url}/api/conversations/{sender}/customer").json()
    assert panel["identified"] and panel["name"] == "Erika Mustermann" and panel["office"]
    assert isinstance(panel["cases"], list) and isinstance(panel["appointments"], list)
    anonymous = f"anon-{uuid.uuid4().hex}"
    handover.enqueue(anonymous, summary="ohne Nummer")
    assert schmidt.post(f"{url}/api/claim", json={"sender": anonymous}, headers=headers).ok
    assert schmidt.get(f"{url}/api/conversations/{anonymous}/customer").json() == {"identified": False}

    assert schmidt.post(f"{url}/api/conversations/{sender}/notes", json={"text": "Kundin wirkt verunsichert"},
                        headers=headers).ok
    conversation = schmidt.get(f"{url}/api/conversations/{sender}").json()
    assert conversation["notes"][0]["text"] == "Kundin wirkt verunsichert"
    assert all("verunsichert" not in line["text"] for line in conversation["transcript"])  # never to the citizen

    mine = {c["sender"] for c in schmidt.get(f"{url}/api/mine").json()["conversations"]}
    assert {sender, anonymous} <= mine
    assert schmidt.post(f"{url}/api/transfer", json={"sender": sender, "to": "tmeier", "note": "bitte Zahlung prüfen"},
                        headers=headers).ok
    assert handover.owner(sender) == "tmeier" and handover.state(sender) == "agent"
    assert "Herr Meier hat das Gespräch übernommen." in handover.transcript(sender)[-1]["text"]
    # one step: never back to the assistant, so no "zurückgegeben" line and no new identification
    assert not any("zurückgegeben" in line["text"] for line in handover.transcript(sender))
    assert sender not in {c["sender"] for c in schmidt.get(f"{url}/api/mine").json()["conversations"]}
    meier, meier_csrf = desk_session(live, "tmeier")
    assert sender in {c["sender"] for c in meier.get(f"{url}/api/mine").json()["conversations"]}
    assert "bitte Zahlung prüfen" in meier.get(f"{url}/api/conversations/{sender}").json()["notes"][-1]["text"]
    teams = meier.get(f"{url}/api/colleagues").json()["teams"]
    assert {"key": "team:nord", "name": "Team Nord"} in teams
    assert meier.post(f"{url}/api/transfer", json={"sender": sender, "to": "team:mond"},
                      headers={"X-CSRF-Token": meier_csrf}).status_code == 400  # no such team
    assert meier.post(f"{url}/api/transfer", json={"sender": sender, "to": "team:nord", "note": "Leistungsfrage"},
                      headers={"X-CSRF-Token": meier_csrf}).ok
    assert handover.state(sender) == "queued" and handover.position(sender) == 1
    entry = next(e for e in meier.get(f"{url}/api/queue").json()["queue"] if e["sender"] == sender)
    assert entry["team"] == "nord"
    assert "Team Nord" in handover.transcript(sender)[-1]["text"]
    assert meier.post(f"{url}/api/claim", json={"sender": sender}, headers={"X-CSRF-Token": meier_csrf}).ok

    assert schmidt.post(f"{url}/api/canned", json={"title": "X", "text": "Y"}, headers=headers).status_code == 403
    sara, sara_csrf = desk_session(live, "sara")
    saved = sara.post(f"{url}/api/canned", json={"title": "Unterlagen", "shortcut": "ul",
                                                 "text": "Bitte reichen Sie die Unterlagen ein."},
                      headers={"X-CSRF-Token": sara_csrf}).json()
    assert saved["ok"]
    assert any(c["shortcut"] == "ul" for c in schmidt.get(f"{url}/api/canned").json()["canned"])

    CaseStore(client).create("rueckruf", {"kontakt": "0221 123456"}, dt.datetime.now(), summary="Rückruf")
    stats = sara.get(f"{url}/api/stats").json()
    assert set(stats["ratings"]["all"]) == {"count", "average", "by_stars"} and stats["cases"]["total"] >= 1
    assert all(kind and "_" not in kind for kind in stats["cases"]["by_kind"])  # German labels, not codes
    for who, token, conv in ((schmidt, csrf, anonymous), (meier, meier_csrf, sender)):
        who.post(f"{url}/api/handback", json={"sender": conv}, headers={"X-CSRF-Token": token})


def test_every_desk_view_has_no_axe_violations_with_a_conversation_open(live, accounts):  # noqa: F811
    """WCAG 2.1 A/AA (axe-core from npm, tests/integration/axe.py) on each desk view while the agent holds a
    conversation with a citizen, and on the login page."""
    from playwright.sync_api import sync_playwright

    from tests.integration.axe import describe, violations

    client = redis.Redis.from_url(live.redis_url)
    case_id = CaseStore(client).create("rueckruf", {"kontakt": "0221 123456", "thema": "ask_payment"}, dt.datetime.now(),
                                       summary="Rückrufbitte zur Zahlung", channel="webchat")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{live.desk_url}/login")
            found = violations(page)
            assert not found, "login: " + describe(found)
            icon = page.get_attribute("link[rel=icon]", "href")
            assert icon and page.request.get(f"{live.desk_url}{icon}").headers["content-type"].startswith("image/svg")
            browser_login(page, live, "sara")
            wait_present(live, "sara")
            citizen = WidgetClient(live)
            sender = citizen.session["session_id"]
            citizen.say(HUMAN)
            claim_in_browser(page, sender)
            citizen.say("meine zahlung ist nicht angekommen, können sie nachsehen?")
            page.wait_for_timeout(500)
            found = violations(page)
            assert not found, f"#/gespraeche/{sender}: " + describe(found)
            for route in ("#/warteschlange", "#/vorgaenge", f"#/vorgaenge/{case_id}", "#/kampagnen", "#/lernen",
                          "#/statistik"):
                page.goto(f"{live.desk_url}/{route}")
                page.wait_for_timeout(400)
                found = violations(page)
                assert not found, f"{route}: " + describe(found)
            citizen.close()
        finally:
            browser.close()
