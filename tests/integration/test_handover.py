"""Human handover end to end: the chat widget and the agent desk in a real browser (Debian
chromium via playwright), two Rasa servers sharing one Redis, concurrent claims, restarts, and the
callback path when no agent is online."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import threading
import time
import uuid

import pytest
import redis
import requests
import socketio

from bot.cases.store import CaseStore
from bot.content import say
from bot.desk.accounts import Accounts
from bot.handover.state import Handover
from bot.runtime.run import commands, process_env
from tests.conftest import ROOT
from tests.integration.servers import Assistant, packaged_voice_models, wait_http

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "test-passwort-123"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The assistant with a Service Center that is always open (a content copy), plus desk accounts."""
    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "jobcenter.yml"
    text = path.read_text(encoding="utf-8")
    always = "".join(f"    {day}: 00:00-24:00\n" for day in
                     ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"))
    text = re.sub(r"(service_center:\n(?:.*\n)*?  hours:\n)((?:    \w+: .*\n)+)", lambda m: m.group(1) + always, text, count=1)
    path.write_text(text, encoding="utf-8")
    data_dir = tmp_path_factory.mktemp("live")
    accounts = Accounts(data_dir / "desk_users.json")
    for name, role in (("anna", "agent"), ("ben", "agent"), ("sara", "supervisor"), ("eddi", "editor"),
                       ("lena", "agent"), ("kira", "agent")):
        accounts.add(name, role, PASSWORD)
    limits = {"CHAT_LIMIT_PER_ADDRESS": "100000/60", "DESK_LIMIT_PER_ADDRESS": "100000/60"}  # all tests share 127.0.0.1
    nlu_copy = tmp_path_factory.mktemp("nlu") / "nlu"
    shutil.copytree(ROOT / "data" / "nlu", nlu_copy)  # the editors' assignments go here, not into the repo
    limits["EDITOR_DATA_DIR"] = str(nlu_copy)
    running = Assistant(data_dir, rasa_servers=2, voice=True,
                        extra_env={"CONTENT_DIR": str(content), **limits, **packaged_voice_models()}).start()
    yield running
    running.stop()


def desk_session(live, name: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    response = session.post(f"{live.desk_url}/login", data={"username": name, "password": PASSWORD}, allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    return session, session.get(f"{live.desk_url}/api/me").json()["csrf"]


class WidgetClient:
    """A socket.io client speaking the widget's protocol (session_request, user_uttered, bot_uttered)."""

    def __init__(self, live, index: int = 0):
        self.sio = socketio.Client()
        self.answers: list[str] = []
        self.session: dict = {}
        confirmed = threading.Event()
        self.sio.on("session_confirm", lambda data: (self.session.update(data), confirmed.set()))
        self.sio.on("bot_uttered", lambda data: self.answers.append(data.get("text", "")))
        self.sio.on("error", lambda data: self.answers.append(data.get("text", "")))
        self.sio.connect(live.url(index), socketio_path="/webchat/socket.io", transports=["websocket"])
        self.sio.emit("session_request", {})
        assert confirmed.wait(10), "no session_confirm"

    def send(self, text: str) -> None:
        self.sio.emit("user_uttered", {"session_id": self.session["session_id"], "message": text})

    def say(self, text: str, timeout: float = 20) -> str:
        """Send and collect this turn's answers (waits for the first, then a second for the rest)."""
        self.answers.clear()
        self.send(text)
        deadline = time.time() + timeout
        while time.time() < deadline and not self.answers:
            time.sleep(0.1)
        time.sleep(1)
        return "\n".join(self.answers)

    def close(self) -> None:
        self.sio.disconnect()


def browser_login(page, live, name: str) -> None:
    page.goto(f"{live.desk_url}/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_citizen_and_agent_in_the_browser(live):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            citizen = browser.new_context(locale="de-DE").new_page()
            citizen.goto(f"{live.url(0)}/webhooks/webchat/")
            expect(citizen.locator("#chat-status")).to_have_text("Verbunden")

            agent = browser.new_context().new_page()
            browser_login(agent, live, "anna")
            expect(agent.locator("#me")).to_contain_text("anna")
            expect(agent.locator("#queue")).to_contain_text("Niemand wartet")

            citizen.fill("#chat-input", "wann hat die geschäftsstelle mitte offen")
            citizen.keyboard.press("Enter")
            expect(citizen.locator(".msg.bot").last).to_contain_text("Geschäftsstelle Mitte")

            citizen.fill("#chat-input", "ich möchte bitte mit einem menschen sprechen")
            citizen.keyboard.press("Enter")
            expect(citizen.locator(".msg.bot").last).to_contain_text("Position 1")

            expect(agent.locator("#queue li")).to_contain_text("ich möchte bitte mit einem menschen sprechen")
            agent.click("#queue li button")
            expect(agent.locator("#transcript")).to_contain_text("geschäftsstelle mitte offen")  # the bot part too
            expect(citizen.locator(".msg.agent").last).to_contain_text(say("desk.agent_greeting"))
            expect(citizen.locator("#chat-status")).to_have_text("Sie schreiben mit dem Service Center")

            bot_messages = citizen.locator(".msg.bot").count()
            citizen.fill("#chat-input", "mein geld ist diesen monat nicht angekommen")
            citizen.keyboard.press("Enter")
            expect(agent.locator("#transcript")).to_contain_text("mein geld ist diesen monat nicht angekommen")
            time.sleep(2)
            assert citizen.locator(".msg.bot").count() == bot_messages  # the bot stays silent

            agent.fill("#reply-text", "Ich sehe nach, einen Moment bitte.")
            agent.click("#reply button[type=submit]")
            expect(citizen.locator(".msg.agent").last).to_contain_text("Ich sehe nach")

            citizen.reload()
            expect(citizen.locator(".msg.agent").last).to_contain_text("Ich sehe nach")
            assert citizen.locator(".msg", has_text="Ich sehe nach").count() == 1  # nothing twice after reload

            agent.click("#handback")
            expect(citizen.locator(".msg.system").last).to_contain_text(say("desk.back_to_bot"))
            citizen.fill("#chat-input", "und wo ist die geschäftsstelle nord")
            citizen.keyboard.press("Enter")
            expect(citizen.locator(".msg.bot").last).to_contain_text("Nordring 25")
        finally:
            browser.close()


def test_two_agents_claiming_at_once_one_wins(live):
    sender = f"claim-{uuid.uuid4().hex}"
    Handover(redis.Redis.from_url(live.redis_url)).enqueue(sender, topic="ask_payment", summary="Test")
    sessions = [desk_session(live, "anna"), desk_session(live, "ben")]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def claim(session, csrf):
        barrier.wait()
        codes.append(session.post(f"{live.desk_url}/api/claim", json={"sender": sender},
                                  headers={"X-CSRF-Token": csrf}).status_code)

    threads = [threading.Thread(target=claim, args=s) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]


def test_desk_actions_need_login_role_and_csrf_token(live):
    assert requests.get(f"{live.desk_url}/api/queue").status_code == 401
    session, csrf = desk_session(live, "anna")
    assert session.post(f"{live.desk_url}/api/claim", json={"sender": "x"}).status_code == 403  # no CSRF token
    assert session.post(f"{live.desk_url}/api/send", data="{kaputt", headers={"X-CSRF-Token": csrf,
                        "Content-Type": "application/json"}).status_code == 400
    bad = requests.post(f"{live.desk_url}/login", data={"username": "anna", "password": "falsch"}, allow_redirects=False)
    assert bad.headers["Location"] == "/login?fehler=1"


def test_restarts_lose_no_queue_entry_ownership_or_transcript(live):
    client = redis.Redis.from_url(live.redis_url)
    handover = Handover(client)
    waiting, owned = f"wait-{uuid.uuid4().hex}", f"own-{uuid.uuid4().hex}"
    handover.enqueue(waiting, summary="wartet")
    handover.enqueue(owned, summary="in Bearbeitung")
    session, csrf = desk_session(live, "anna")
    assert session.post(f"{live.desk_url}/api/claim", json={"sender": owned}, headers={"X-CSRF-Token": csrf}).ok
    live.stop_process("desk")
    settings = live._settings(live.rasa_ports[0])
    live.start_process("desk", commands(settings)["desk"], process_env(settings))
    live.wait_desk()
    live.stop_process("rasa0")
    live.start_rasa(0)
    live.wait_rasa(0)
    session, csrf = desk_session(live, "anna")  # sessions live in Redis too
    queue = session.get(f"{live.desk_url}/api/queue").json()["queue"]
    assert waiting in [e["sender"] for e in queue]
    conversation = session.get(f"{live.desk_url}/api/conversations/{owned}").json()
    assert conversation["agent"] == "anna" and conversation["state"] == "agent"
    assert "übernommen" in conversation["transcript"][0]["text"]
    assert session.post(f"{live.desk_url}/api/send", json={"sender": owned, "text": "Noch da?"},
                        headers={"X-CSRF-Token": csrf}).ok


def test_without_agents_online_the_citizen_leaves_a_callback_request(live):
    client = redis.Redis.from_url(live.redis_url)
    for key in client.scan_iter("ho:presence:*"):
        client.delete(key)
    widget = WidgetClient(live, index=1)
    try:
        say = widget.say
        assert "Rückrufbitte" in say("kann ich mit einem mitarbeiter sprechen")
        assert "Telefonnummer" in " ".join(widget.answers)
        assert "oder eine E-Mail-Adresse" in say("weiss nicht")
        say("0221 123456")
        done = say("vormittags")
        assert "Rückrufbitte ist aufgenommen" in done
        case_id = done.split("(Vorgang ")[1].split(")")[0]
        case = CaseStore(client).get(case_id)
        assert case.kind == "rueckruf" and case.fields["kontakt"] == "0221 123456"
    finally:
        widget.close()


def test_threat_creates_an_urgent_case_alerts_supervisors_and_tops_the_queue(live):
    client = redis.Redis.from_url(live.redis_url)
    pubsub = client.pubsub()
    pubsub.subscribe("ho:events")
    Handover(client).mark_present("sara")  # a supervisor's desk is open
    Handover(client).enqueue(f"earlier-{uuid.uuid4().hex}", summary="wartet schon")
    widget = WidgetClient(live)
    session, answers = widget.session, widget.answers
    try:
        widget.send("wenn ich nochmal abgelehnt werde komme ich vorbei und dann knallt es, das wird der sachbearbeiter bereuen")
        deadline = time.time() + 20
        alert = None
        while time.time() < deadline and alert is None:
            message = pubsub.get_message(timeout=1)
            if message and message["type"] == "message":
                event = json.loads(message["data"])
                if event.get("type") == "supervisor_alert":
                    alert = event
        assert alert is not None and alert["sender"] == session["session_id"]
        time.sleep(1)
        assert any("nehme Ihre Nachricht ernst" in a for a in answers)
        case = CaseStore(client).get(alert["case"])
        assert case.kind == "drohung" and case.priority == "urgent"
        assert Handover(client).queue()[0].sender == session["session_id"]  # urgent goes first
    finally:
        widget.close()
        client.delete("ho:presence:sara")


def test_closing_needs_an_outcome_note_and_returns_to_the_bot(live):
    sender = f"close-{uuid.uuid4().hex}"
    Handover(redis.Redis.from_url(live.redis_url)).enqueue(sender, summary="abschliessen")
    session, csrf = desk_session(live, "anna")
    headers = {"X-CSRF-Token": csrf}
    assert session.post(f"{live.desk_url}/api/claim", json={"sender": sender}, headers=headers).ok
    assert session.post(f"{live.desk_url}/api/close", json={"sender": sender, "outcome": " "},
                        headers=headers).status_code == 400
    assert session.post(f"{live.desk_url}/api/close", json={"sender": sender, "outcome": "Auskunft erteilt"},
                        headers=headers).ok
    conversation = session.get(f"{live.desk_url}/api/conversations/{sender}").json()
    assert conversation["state"] == "bot" and "beendet" in conversation["transcript"][-1]["text"]


def test_chat_page_fits_a_320_pixel_screen(live):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 640}, locale="de-DE")
            page.goto(f"{live.url(0)}/webhooks/webchat/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            page.keyboard.press("Tab")  # the skip link comes first and is visible when focused
            assert page.evaluate("document.activeElement.textContent") == "Zum Chat springen"
        finally:
            browser.close()


def test_action_server_down_gives_an_apology_within_seconds_and_recovers(live):
    widget = WidgetClient(live)
    answers = widget.answers
    live.stop_process("actions")
    try:
        started = time.time()
        widget.send("wann hat nord offen")
        while time.time() - started < 20 and not answers:
            time.sleep(0.1)
        assert answers and "technische Störung" in answers[0] and "0221 9876-0" in answers[0]
        assert time.time() - started < 16
    finally:
        settings = live._settings(live.rasa_ports[0])
        live.start_process("actions", commands(settings)["actions"], process_env(settings))
        wait_http(f"http://127.0.0.1:{live.action_port}/health", 120, live.processes["actions"],
                  live.data_dir / "actions.log")
    recovered = widget.say("wann hat nord offen")
    widget.close()
    assert "Geschäftsstelle Nord" in recovered


def test_case_inbox_lists_updates_and_exports_cases_from_the_flows(live):
    client = redis.Redis.from_url(live.redis_url)
    case_id = CaseStore(client).create("terminabsage", {"grund": "Arbeit"}, dt.datetime.now(),
                                       customer="12345BG0000002", summary="Terminabsage", office="nord")
    session, csrf = desk_session(live, "anna")
    headers = {"X-CSRF-Token": csrf}
    listed = session.get(f"{live.desk_url}/api/cases", params={"kind": "terminabsage", "office": "nord"}).json()
    assert case_id in [c["id"] for c in listed["cases"]]
    assert session.post(f"{live.desk_url}/api/cases/{case_id}", json={"change": "assignee"}, headers=headers).json()[
        "assignee"] == "anna"
    assert session.post(f"{live.desk_url}/api/cases/{case_id}", json={"change": "status", "value": "kaputt"},
                        headers=headers).status_code == 400
    done = session.post(f"{live.desk_url}/api/cases/{case_id}", json={"change": "status", "value": "erledigt"},
                        headers=headers).json()
    assert done["status"] == "erledigt" and done["history"][-1]["by"] == "anna"
    exported = session.get(f"{live.desk_url}/api/cases/export.csv", params={"status": "erledigt"})
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert case_id in exported.text and exported.text.splitlines()[0].startswith("\ufeffVorgang;Art;Status")
    as_json = session.get(f"{live.desk_url}/api/cases/export.json").json()
    assert any(c["id"] == case_id for c in as_json)
    assert requests.get(f"{live.desk_url}/api/cases/export.csv").status_code == 401


def test_case_inbox_in_the_browser(live):
    from playwright.sync_api import expect, sync_playwright

    case_id = CaseStore(redis.Redis.from_url(live.redis_url)).create(
        "rueckruf", {"kontakt": "0221 123456"}, dt.datetime.now(), summary="Rückrufbitte: ask_payment")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            browser_login(page, live, "ben")
            row = page.locator("#cases tr", has_text=case_id)
            expect(row).to_contain_text("Rückrufbitte: ask_payment")
            row.get_by_role("button", name="Übernehmen").click()
            expect(page.locator("#cases tr", has_text=case_id)).to_contain_text("ben")
        finally:
            browser.close()


def test_declarations_land_in_the_inbox_with_filters_details_and_export(live):
    """A sick note and a deadline request from the chat, a threat: ordering, filters, detail, export."""
    from tests.integration.test_appointment_conversations import Conversation

    chat = Conversation(live)
    chat.say("ich bin krank")
    chat.say("12345BG0000003")
    chat.say("30.11.1990")
    chat.say("vom 23.11. bis 25.11.")
    chat.say("nein, noch nicht")
    sick_id = chat.say("ja").split("Nummer ")[1].split()[0]
    chat.say("ich brauche eine fristverlängerung")
    chat.say("Aufforderung zur Mitwirkung")
    chat.say("30.11.")
    chat.say("14.12.")
    chat.say("Unterlagen vom Vermieter fehlen noch")
    extension_id = chat.say("ja").split("Nummer ")[1].split()[0]
    threat = Conversation(live, index=1)
    threat.say("ich bring euch alle um")

    session, _ = desk_session(live, "anna")
    listed = session.get(f"{live.desk_url}/api/cases").json()
    kinds = [c["kind"] for c in listed["cases"]]
    assert kinds.index("drohung") < kinds.index("fristverlaengerung") < kinds.index("krankmeldung")
    assert listed["kinds"]["krankmeldung"] == "Krankmeldung" and listed["offices"]["sued"]
    only_sick = session.get(f"{live.desk_url}/api/cases", params={"kind": "krankmeldung", "office": "sued"}).json()
    assert [c["id"] for c in only_sick["cases"]] == [sick_id]
    assert session.get(f"{live.desk_url}/api/cases", params={"kind": "krankmeldung", "office": "nord"}).json()[
        "cases"] == []
    detail = session.get(f"{live.desk_url}/api/cases/{sick_id}").json()["case"]
    assert detail["fields"]["zeitraum"] == "23.11.2026 bis 25.11.2026" and detail["customer"] == "12345BG0000003"
    assert "Bürger/in: vom 23.11. bis 25.11." in detail["transcript"]
    assert "Bürger/in: [Geburtsdatum, geprüft]" in detail["transcript"]
    assert session.get(f"{live.desk_url}/api/cases/V-1999-000000").status_code == 404
    exported = session.get(f"{live.desk_url}/api/cases/export.csv", params={"kind": "fristverlaengerung"}).text
    assert extension_id in exported and "Unterlagen vom Vermieter fehlen noch" in exported
    assert sick_id not in exported

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            browser_login(page, live, "ben")
            page.select_option("#case-kind", "krankmeldung")
            page.click("#case-filter button[type=submit]")
            row = page.locator("#cases tr", has_text=sick_id)
            expect(row).to_contain_text("Krankmeldung")
            expect(page.locator("#cases tr")).to_have_count(1)
            row.get_by_role("button", name="Öffnen").click()
            expect(page.locator("#case-detail")).to_be_visible()
            expect(page.locator("#case-detail-fields")).to_contain_text("23.11.2026 bis 25.11.2026")
            expect(page.locator("#case-detail-transcript")).to_contain_text("[Geburtsdatum, geprüft]")
        finally:
            browser.close()


def test_a_flooding_client_is_slowed_down_and_others_are_unaffected(live):
    """`live` keeps the production limit of 15 messages per conversation in 10 seconds."""
    from concurrent.futures import ThreadPoolExecutor

    flood = f"flood-{uuid.uuid4().hex}"

    def post(_):
        return requests.post(f"{live.url()}/webhooks/rest/webhook", json={"sender": flood, "message": "hallo"},
                             timeout=60, headers={"Authorization": f"Bearer {live.rest_token}"})

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(post, range(30)))
    refused = [r for r in responses if r.status_code == 429]
    assert refused and all(r.status_code in (200, 429) for r in responses)
    assert "sehr viele Nachrichten" in refused[0].json()["message"]
    calm = requests.post(f"{live.url()}/webhooks/rest/webhook", json={"sender": f"calm-{uuid.uuid4().hex}",
                                                                      "message": "wann hat nord offen"}, timeout=60,
                         headers={"Authorization": f"Bearer {live.rest_token}"})
    assert calm.status_code == 200 and "Nord" in calm.text

    errors: list[str] = []
    client = socketio.Client()
    confirmed = threading.Event()
    session: dict = {}
    client.on("session_confirm", lambda data: (session.update(data), confirmed.set()))
    client.on("error", lambda data: errors.append(data.get("text", "")))
    client.connect(live.url(), socketio_path="/webchat/socket.io", transports=["websocket"])
    try:
        client.emit("session_request", {})
        assert confirmed.wait(10)
        for _ in range(40):
            client.emit("user_uttered", {"session_id": session["session_id"], "message": "hallo"})
        deadline = time.time() + 20
        while time.time() < deadline and not errors:
            time.sleep(0.2)
        time.sleep(1)
    finally:
        client.disconnect()
    assert [e for e in errors if "sehr viele Nachrichten" in e] == [errors[0]]  # told once, not 25 times


def restart_redis(live) -> None:
    from bot.core.redis_server import wait_for_redis

    settings = live._settings(live.rasa_ports[0])
    live.stop_process("redis")  # SIGTERM: Redis writes its append-only file and exits
    live.start_process("redis", commands(settings)["redis"], process_env(settings))
    wait_for_redis(live.redis_url, timeout=30)


def test_redis_restart_mid_booking_and_mid_handover_loses_nothing(live):
    from tests.integration.test_appointment_conversations import Conversation

    client = redis.Redis.from_url(live.redis_url)
    chat = Conversation(live)
    chat.say("ich brauche einen termin")
    chat.say("12345BG0000003")
    chat.say("30.11.1990")
    chat.say("Beratung")
    assert "Wann passt es Ihnen" in chat.say("sued")
    waiting = f"wait-{uuid.uuid4().hex}"
    handover = Handover(client)
    handover.enqueue(waiting, summary="wartet auf Redis")
    for text in ("erste Zeile", "zweite Zeile"):
        handover.add_line(waiting, "citizen", text)
    case_id = CaseStore(client).create("lob", {"lob": "vor dem Neustart"}, dt.datetime.now())

    widget = WidgetClient(live)
    live.stop_process("redis")
    try:
        down = widget.say("wann hat nord offen", timeout=25)
        assert "Service Center" in down or "technisch" in down.lower(), down  # an apology, never silence
    finally:
        settings = live._settings(live.rasa_ports[0])
        live.start_process("redis", commands(settings)["redis"], process_env(settings))
        from bot.core.redis_server import wait_for_redis

        wait_for_redis(live.redis_url, timeout=30)
    widget.close()

    assert waiting in [e.sender for e in handover.queue()]
    assert [line["text"] for line in handover.transcript(waiting)] == ["erste Zeile", "zweite Zeile"]
    assert CaseStore(client).raw(case_id)["fields"] == {"lob": "vor dem Neustart"}
    offers = chat.say("so früh wie möglich")  # the booking continues where it was
    assert "sind frei" in offers or "Zu Ihrem Wunsch" in offers, offers
    assert "verbindlich" in chat.say("1")
    assert "Ihr Termin ist gebucht" in chat.say("ja")
    restart_redis(live)
    assert client.smembers("cal:customer:12345BG0000003")  # the booking survived a second restart


def test_roles_types_and_sizes_are_enforced_on_every_desk_entry_point(live):
    import websocket

    editor, editor_csrf = desk_session(live, "eddi")
    for path in ("/api/queue", "/api/cases", "/api/cases/export.csv", "/api/conversations/x"):
        assert editor.get(f"{live.desk_url}{path}").status_code == 403, path
    for path in ("/api/claim", "/api/send", "/api/handback", "/api/close", "/api/cases/V-2026-000001"):
        assert editor.post(f"{live.desk_url}{path}", json={"sender": "x"},
                           headers={"X-CSRF-Token": editor_csrf}).status_code == 403, path
    cookie = f"desk_session={editor.cookies['desk_session']}"
    ws_url = live.desk_url.replace("http", "ws") + "/ws"
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(ws_url, header=[f"Cookie: {cookie}"], timeout=5)

    agent, csrf = desk_session(live, "anna")
    headers = {"X-CSRF-Token": csrf}
    for body in ({"sender": ["x"], "text": "hallo"}, {"sender": "x", "text": 5}, {"sender": "x"}, [1, 2], "text"):
        assert agent.post(f"{live.desk_url}/api/send", json=body, headers=headers).status_code in (400, 403, 409)
    huge = agent.post(f"{live.desk_url}/api/send", data="x" * 200_000,
                      headers={**headers, "Content-Type": "application/json"})
    assert huge.status_code == 413
    assert agent.post(f"{live.desk_url}/api/cases/V-2026-000001", json={"change": {"a": 1}},
                      headers=headers).status_code in (400, 404)

    socket = websocket.create_connection(ws_url, header=[f"Cookie: desk_session={agent.cookies['desk_session']}"],
                                         timeout=5)
    socket.recv()  # the queue snapshot
    for frame in ("kein json", '{"type": "unbekannt"}', "{" * 10_000):
        socket.send(frame)
    assert agent.get(f"{live.desk_url}/api/me").status_code == 200  # still up, still logged in
    agent.post(f"{live.desk_url}/logout", headers=headers, allow_redirects=False)  # logout needs the CSRF token
    socket.send("ping")
    closed = False
    try:
        for _ in range(20):
            frame = socket.recv()
            if frame == "":
                closed = True
                break
    except (websocket.WebSocketConnectionClosedException, ConnectionError):
        closed = True
    assert closed, "the desk socket stays open after logout"


def test_security_headers_cookie_flags_lockout_and_privacy_notice(live):
    page = requests.get(f"{live.url()}/webhooks/webchat/", timeout=10)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Der Chat wird gespeichert" in page.text and "Datenschutz" in page.text  # before the first message
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), "inline script on the chat page"

    login = requests.post(f"{live.desk_url}/login", data={"username": "anna", "password": PASSWORD},
                          allow_redirects=False)
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie  # plain HTTP here
    assert login.headers["X-Frame-Options"] == "DENY" and "Strict-Transport-Security" not in login.headers
    desk_page = requests.get(f"{live.desk_url}/login", timeout=10)
    assert "unsafe-inline" not in desk_page.headers["Content-Security-Policy"]

    for _ in range(5):
        requests.post(f"{live.desk_url}/login", data={"username": "lena", "password": "falsch"}, allow_redirects=False)
    locked = requests.post(f"{live.desk_url}/login", data={"username": "lena", "password": PASSWORD},
                           allow_redirects=False)
    assert locked.headers["Location"] == "/login?fehler=gesperrt"  # even the right password waits now


def test_a_caller_reaches_an_agent_who_is_heard_and_reads_along(live):
    """A phone caller asks for a person (words given at the dialogue boundary), waits in the same queue
    marked as a call, an agent takes over: typed replies are spoken to the caller by Piper, the
    caller's words appear in the desk."""
    import asyncio

    from tests.integration.test_voice import VoiceClient

    session, csrf = desk_session(live, "sara")
    headers = {"X-CSRF-Token": csrf}
    session.get(f"{live.desk_url}/api/queue")
    Handover(redis.Redis.from_url(live.redis_url)).mark_present("sara")

    async def scenario():
        async with VoiceClient(live) as caller:
            await caller.send({"type": "start", "rate": 8000})
            ready = await caller.wait_for(lambda e: e["type"] == "ready")
            await caller.send({"type": "text", "text": "ich möchte mit einem menschen sprechen"})
            await caller.wait_for(lambda e: e["type"] == "handover" and e["state"] == "queued")
            queue = session.get(f"{live.desk_url}/api/queue").json()["queue"]
            entry = next(e for e in queue if e["sender"] == ready["session"])
            assert entry["channel"] == "voice"
            assert session.post(f"{live.desk_url}/api/claim", json={"sender": ready["session"]}, headers=headers).ok
            await caller.wait_for(lambda e: e["type"] == "handover" and e["state"] == "agent")
            before = caller.audio_bytes
            assert session.post(f"{live.desk_url}/api/send", json={"sender": ready["session"],
                                "text": "Guten Tag, hier ist Sara vom Service Center."}, headers=headers).ok
            spoken = await caller.wait_for(lambda e: e["type"] == "agent" and "Sara" in e["text"])
            await caller.wait_for(lambda e: e["type"] == "audio-stop" and caller.audio_bytes > before)
            await caller.send({"type": "text", "text": "ich habe eine frage zu meinem bescheid"})
            await asyncio.sleep(1.5)
            return ready["session"], spoken

    sender, spoken = asyncio.run(scenario())
    transcript = session.get(f"{live.desk_url}/api/conversations/{sender}").json()["transcript"]
    texts = [line["text"] for line in transcript]
    assert "ich möchte mit einem menschen sprechen" in texts  # the call's history before the handover
    assert "ich habe eine frage zu meinem bescheid" in texts  # the caller's words during the handover
    assert any(line["role"] == "agent" and "Sara" in line["text"] for line in transcript)


def test_editor_reviews_collected_messages_and_assigns_them_as_training_data(live):
    from pathlib import Path

    from playwright.sync_api import expect, sync_playwright

    client = redis.Redis.from_url(live.redis_url)
    client.delete("learn:items", "learn:by_text")
    sender = f"learn-{uuid.uuid4().hex}"
    for text in ("xyzzy plugh frobnicate quux", "xyzzy plugh frobnicate quux", "mein name ist Erika Beispiel, wie ist das wetter"):
        live.say(sender, text)
    editor, csrf = desk_session(live, "eddi")
    data = editor.get(f"{live.desk_url}/api/learn").json()
    texts = [item["text"] for group in data["groups"] for item in group["items"]]
    assert "xyzzy plugh frobnicate quux" in texts and "out_of_scope" in data["intents"]
    assert "mein name ist [Name], wie ist das wetter" in texts  # redacted before it is stored
    group = next(g for g in data["groups"] if any(i["text"] == "xyzzy plugh frobnicate quux" for i in g["items"]))
    assert group["items"][0]["count"] == 2
    ids = [i["id"] for i in group["items"] if i["text"] == "xyzzy plugh frobnicate quux"]
    assert editor.post(f"{live.desk_url}/api/learn/assign", json={"ids": ids, "intent": "gibt_es_nicht"},
                       headers={"X-CSRF-Token": csrf}).status_code == 400
    done = editor.post(f"{live.desk_url}/api/learn/assign", json={"ids": ids, "intent": "out_of_scope"},
                       headers={"X-CSRF-Token": csrf}).json()
    assert done["ok"] and done["added"] == 1
    written = Path(live.extra_env["EDITOR_DATA_DIR"]) / done["file"].split("/")[-1]
    assert "    - xyzzy plugh frobnicate quux\n" in written.read_text(encoding="utf-8")
    agent, _ = desk_session(live, "anna")
    assert agent.get(f"{live.desk_url}/api/learn").status_code == 403  # agents do not edit training data

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            browser_login(page, live, "eddi")
            expect(page.locator("#learn-view")).to_be_visible()
            expect(page.locator("#agent-view")).to_be_hidden()
            item = page.locator(".learn-group", has_text="wie ist das wetter")
            expect(item).to_be_visible()
            item.get_by_role("button", name="Rauschen").click()
            expect(page.locator(".learn-group", has_text="wie ist das wetter")).to_have_count(0)
        finally:
            browser.close()


def _crisis_lines() -> list[str]:
    from bot.safety.texts import get_safety

    lines = get_safety().lines
    return [lines[name] for name in ("telefonseelsorge", "telefonseelsorge_2", "telefonseelsorge_kurz", "notruf")]


def test_a_crisis_in_the_web_chat_tops_the_queue_marked_krise_in_the_desk(live):
    """Crisis first in the browser: the citizen gets the crisis lines at once, the agent's desk shows the
    conversation on top of the queue, marked KRISE, above an earlier urgent entry, with an alert."""
    from playwright.sync_api import expect, sync_playwright

    client = redis.Redis.from_url(live.redis_url)
    Handover(client).enqueue(f"urgent-{uuid.uuid4().hex}", priority="urgent", summary="wartet schon dringend")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            agent = browser.new_context().new_page()
            browser_login(agent, live, "kira")  # lena is locked out by the lockout test
            expect(agent.locator("#me")).to_contain_text("kira")
            deadline = time.monotonic() + 10  # the desk's websocket marks kira present (the crisis needs an agent)
            while not client.exists("ho:presence:kira") and time.monotonic() < deadline:
                time.sleep(0.1)
            citizen = browser.new_context(locale="de-DE").new_page()
            citizen.goto(f"{live.url(1)}/webhooks/webchat/")
            expect(citizen.locator("#chat-status")).to_have_text("Verbunden")
            citizen.fill("#chat-input", "ich weiss nicht mehr weiter, ich will nicht mehr leben")
            citizen.keyboard.press("Enter")
            first_answer = citizen.locator(".msg.citizen ~ .msg.bot").first  # after the greeting: the answer
            for number in _crisis_lines():
                expect(first_answer).to_contain_text(number)
            expect(citizen.locator(".msg.bot").last).to_contain_text("verbinde Sie jetzt")
            top = agent.locator("#queue li").first
            expect(top).to_have_class(re.compile(r"\bcrisis\b"))
            expect(top).to_contain_text("KRISE")
            expect(top).to_contain_text("ich will nicht mehr leben")
            expect(agent.locator("#alert")).to_contain_text("KRISE")
        finally:
            browser.close()
    queue = Handover(client).queue()
    assert queue[0].priority == "crisis" and queue[0].topic == "Krise"
    crisis_cases = CaseStore(client).search(kind="krise")
    assert crisis_cases and crisis_cases[0]["priority"] == "crisis"
    for entry in queue:  # leave the queue empty for the other tests
        Handover(client).leave_queue(entry.sender)


def test_a_citizen_waiting_for_a_person_who_writes_a_crisis_moves_to_the_top(live):
    client = redis.Redis.from_url(live.redis_url)
    handover = Handover(client)
    handover.mark_present("ben")
    handover.enqueue(f"earlier-{uuid.uuid4().hex}", priority="urgent", summary="wartet schon")
    widget = WidgetClient(live)
    try:
        assert "Position" in widget.say("ich will mit einem menschen sprechen")
        assert handover.queue()[-1].sender == widget.session["session_id"]
        answer = widget.say("ich halt das alles nicht mehr aus, ich kann nicht mehr")
        assert all(number in answer for number in _crisis_lines()), answer
        assert handover.queue()[0].sender == widget.session["session_id"]
        assert handover.queue()[0].priority == "crisis"
    finally:
        widget.close()
        for entry in handover.queue():
            handover.leave_queue(entry.sender)
        client.delete("ho:presence:ben")


def test_a_caller_in_crisis_hears_the_crisis_lines_and_goes_to_the_top_of_the_queue(live):
    """The same answer spoken (real Piper audio) and a transfer to the queue marked Krise. The caller's
    words are given at the dialogue boundary (the packaged test recogniser is Korean)."""
    import asyncio

    from tests.integration.test_voice import VoiceClient

    client = redis.Redis.from_url(live.redis_url)
    Handover(client).mark_present("sara")

    async def scenario():
        async with VoiceClient(live) as caller:
            await caller.send({"type": "start", "rate": 8000})
            ready = await caller.wait_for(lambda e: e["type"] == "ready")
            await caller.wait_for(lambda e: e["type"] == "audio-stop")  # the greeting was spoken
            before, start = caller.audio_bytes, len(caller.events)
            await caller.send({"type": "text", "text": "ja hallo also ich will mich umbringen ich kann nicht mehr"})
            await caller.wait_for(lambda e: e["type"] == "handover" and e["state"] == "queued")
            await caller.wait_for(lambda e: e["type"] == "audio-stop" and caller.audio_bytes > before)
            said = [e for e in caller.events[start:] if e["type"] == "bot"]
            # while the caller is still on the line (hanging up leaves the queue)
            queued = [e for e in Handover(client).queue() if e.sender == ready["session"]]
            return ready["session"], said, queued

    sender, said, queued = asyncio.run(scenario())
    assert all(number in said[0]["text"] for number in _crisis_lines()), said  # the crisis lines come first
    assert "BG-Nummer" not in " ".join(e["text"] for e in said)
    assert len(queued) == 1 and queued[0].priority == "crisis" and queued[0].channel == "voice", queued
    Handover(client).leave_queue(sender)
    client.delete("ho:presence:sara")
