"""Appointment conversations over REST and socket.io against the trained model, the real action
server and a real Redis: book, look up, move, cancel, corrections, abort, wrong identification."""

from __future__ import annotations

import json
import threading
import uuid

import redis
import requests
import socketio


class Conversation:
    def __init__(self, assistant, index: int = 0):
        self.assistant, self.sender, self.index = assistant, f"test-{uuid.uuid4()}", index
        self.last: list[dict] = []

    def say(self, text: str) -> str:
        self.last = self.assistant.say(self.sender, text, index=self.index)
        return "\n".join(m.get("text", "") for m in self.last)

    def buttons(self) -> list[dict]:
        return [b for m in self.last for b in m.get("buttons", [])]


def test_book_with_correction_then_look_up_without_identifying_again_then_move(assistant):
    chat = Conversation(assistant)
    assert "BG-Nummer" in chat.say("ich brauche einen termin")
    assert "Geburtsdatum" in chat.say("12345BG0000002")
    answer = chat.say("01.02.1979")
    assert "Max Mustermann" in answer and "Worum geht es" in answer
    assert "01.02.1979" not in answer  # the date of birth is never read back
    assert "Geschäftsstelle" in chat.say("Beratung")
    assert [b["title"] for b in chat.buttons()][0] == "Geschäftsstelle Nord"  # own office first
    assert "Wann passt es Ihnen" in chat.say("egal")
    assert "sind frei" in chat.say("nächste Woche vormittags") or "Zu Ihrem Wunsch" in chat.last[0]["text"]
    corrected = chat.say("nein, lieber Donnerstag")
    assert "frei" in corrected and ("Do " in chat.buttons()[0]["title"] or "Zu Ihrem Wunsch" in corrected)
    first_choice = chat.buttons()[0]["title"]
    assert "verbindlich" in chat.say("1")
    booked = chat.say("ja")
    assert "Ihr Termin ist gebucht. Buchungsnummer: T-" in booked and "Rechtsfolgenbelehrung" in booked
    assert "Bitte bringen Sie mit: Personalausweis" in booked
    ref = booked.split("Buchungsnummer: ")[1].split()[0]
    ics_url = booked.split("Kalenderdatei: ")[1].split()[0]
    ics = requests.get(ics_url.replace("http://localhost:5005", assistant.url()), timeout=10)
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text and f"Buchungsnummer {ref}" in ics.text
    assert first_choice.split(": ", 1)[1].split(" Uhr")[0].split()[-1].replace(":", "") in ics.text.replace(":", "")

    listed = chat.say("wann ist mein termin?")
    assert "BG-Nummer" not in listed and ref in listed

    # one upcoming appointment: nobody is asked which one
    assert "Wann passt es Ihnen" in chat.say("ich muss den termin verschieben")
    chat.say("so früh wie möglich")
    assert "verschieben?" in chat.say("2")
    moved = chat.say("ja")
    assert "Ihr Termin ist verschoben" in moved
    new_ref = moved.split("Buchungsnummer ")[1].split(".")[0]
    client = redis.Redis.from_url(assistant.redis_url, decode_responses=True)
    assert client.hget(f"cal:booking:{ref}", "status") == "moved"
    assert client.smembers("cal:customer:12345BG0000002") == {new_ref}


def test_cancel_the_demo_appointment_records_the_reason_for_the_team(assistant):
    chat = Conversation(assistant, index=1)  # the second Rasa process
    chat.say("ich kann meinen termin nicht wahrnehmen und muss absagen")
    chat.say("12345BG0000001")
    assert "Grund" in chat.say("12.08.1985")  # her one appointment: no "Welchen Termin meinen Sie?"
    assert "Soll ich diesen Termin absagen" in chat.say("ich bin krank")
    done = chat.say("ja")
    assert "ist abgesagt" in done and "Grund „krank“" in done and "Arbeitsunfähigkeitsbescheinigung" in done
    case_id = done.split("(Vorgang ")[1].split(")")[0]
    client = redis.Redis.from_url(assistant.redis_url, decode_responses=True)
    case = json.loads(client.hget(f"case:{case_id}", "data"))
    assert case["kind"] == "terminabsage" and case["fields"]["grund"] == "krank"
    assert case["customer"] == "12345BG0000001"
    assert "keine anstehenden Termine" in chat.say("habe ich noch einen termin")


def test_second_appointment_of_the_same_type_is_refused(assistant):
    chat = Conversation(assistant)
    chat.say("termin ausmachen")
    chat.say("12345 BG 0000003")
    chat.say("30.11.1990")
    chat.say("Antrag")
    chat.say("egal")
    chat.say("so früh wie möglich")
    chat.say("1")
    assert "gebucht" in chat.say("ja")
    chat.say("noch einen termin bitte")
    # said as soon as the type is known, before any offers
    assert "Sie haben bereits einen Termin dieser Art" in chat.say("Antrag")


def test_three_wrong_identifications_end_with_the_offer_of_a_person(assistant):
    chat = Conversation(assistant)
    chat.say("wann ist mein termin")
    for attempt in (1, 2):
        chat.say("12345BG0000001")
        assert f"Versuch {attempt} von 3" in chat.say("01.01.1990")
    chat.say("12345BG0000001")
    failed = chat.say("02.02.1990")
    assert "nicht identifizieren" in failed and chat.buttons()[0]["payload"] == "/request_human"


def test_invalid_number_and_birth_date_are_asked_again(assistant):
    chat = Conversation(assistant)
    chat.say("termin verschieben")
    assert "keine gültige BG-Nummer" in chat.say("meine nummer ist 4711")
    chat.say("12345BG0000002")
    assert "Format TT.MM.JJJJ" in chat.say("im februar")


def test_abort_mid_flow_books_nothing(assistant):
    chat = Conversation(assistant)
    chat.say("termin vereinbaren")
    chat.say("12345BG0000003")
    chat.say("30.11.1990")
    chat.say("Beratung")
    assert "abgebrochen" in chat.say("vergiss es")
    assert "Guten Tag" in chat.say("hallo")


def test_impossible_date_gets_a_clear_answer_and_a_new_question(assistant):
    chat = Conversation(assistant)
    chat.say("ich hätte gern einen termin")
    chat.say("12345BG0000003")
    chat.say("30.11.1990")
    chat.say("Beratung")
    chat.say("Süd")
    assert "Den 31.02. gibt es nicht" in chat.say("am 31.02. um 10")
    assert "abgebrochen" in chat.say("abbrechen")


def test_booking_over_socketio(assistant):
    client = socketio.Client()
    received: list[dict] = []
    got = threading.Event()

    @client.on("bot_uttered")
    def on_bot(data):
        received.append(data)
        got.set()

    confirmed = threading.Event()
    session: dict = {}
    client.on("session_confirm", lambda data: (session.update(data), confirmed.set()))
    client.connect(assistant.url(), socketio_path="/webchat/socket.io", transports=["websocket"])

    def say(text: str) -> str:
        received.clear()
        got.clear()
        client.emit("user_uttered", {"message": text, "session_id": session["session_id"]})
        assert got.wait(30)
        import time

        time.sleep(1.0)  # let the remaining messages of this turn arrive
        return "\n".join(m.get("text", "") for m in received)

    try:
        client.emit("session_request", {})
        assert confirmed.wait(10)
        assert "BG-Nummer" in say("ich möchte einen termin buchen")
        say("12345BG0000003")
        say("30.11.1990")
        say("Beratung")
        say("egal")
        offers = say("so früh wie möglich")
        assert "frei" in offers and received[0].get("buttons")
        say("1")
        assert "Ihr Termin ist gebucht" in say("ja")
    finally:
        client.disconnect()
