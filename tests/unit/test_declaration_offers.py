import datetime as dt

from bot.declarations import flow
from bot.declarations.catalogue import get_catalogue

TODAY = dt.date(2026, 12, 2)


def _start(intent: str, text: str) -> dict:
    catalogue = get_catalogue()
    return flow.new_state(catalogue.declarations[intent], text, catalogue, TODAY)


def test_a_question_whether_to_report_is_answered_with_the_offer():
    state = _start("report_employment", "hab arbeit gefunden, muss ich das melden und krieg ich dann noch was")
    assert state["stage"] == "aborted" and "ergänzend" in state["message"]
    assert ["Arbeit hier melden", "report_employment"] in state["buttons"]


def test_a_report_with_values_is_taken_even_when_it_asks():
    state = _start("report_employment", "hab ab 1.1. nen job bei der bäckerei schmidt, muss ich das melden?")
    assert state["stage"] != "aborted" and "buttons" not in state


def test_anger_alone_is_no_complaint_yet_but_a_complaint_is():
    state = _start("submit_complaint", "ich bin so wütend auf das jobcenter ihr macht mich fertig")
    assert state["stage"] == "aborted" and len(state["buttons"]) == 2
    state = _start("submit_complaint", "ich bin wütend, mein bescheid ist seit 3 monaten nicht bearbeitet")
    assert state["stage"] != "aborted"
