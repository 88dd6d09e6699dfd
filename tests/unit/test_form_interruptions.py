"""A form coming back after a question was answered in between (bot/language/form_questions.py)."""

from __future__ import annotations

from actions.forms import answered_in_between


def user(text: str) -> dict:
    return {"event": "user", "text": text}


def action(name: str) -> dict:
    return {"event": "action", "name": name}


def slot(name: str, value: object) -> dict:
    return {"event": "slot", "name": name, "value": value}


def test_a_question_answered_since_the_latest_message_is_seen():
    events = [action("booking_form"), user("wie teuer darf die wohnung sein"), slot("appointment_wish", "x"),
              action("action_housing_costs"), slot("knowledge_context", {"topic": "kdu"})]
    assert answered_in_between(events)


def test_an_answer_before_the_latest_message_does_not_count():
    events = [action("action_opening_hours"), action("booking_form"), user("dienstag"),
              slot("appointment_wish", "dienstag")]
    assert not answered_in_between(events)


def test_a_form_action_is_no_answer():
    assert not answered_in_between([user("12345BG0000001"), action("cancel_form")])
