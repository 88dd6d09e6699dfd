"""Values given without being asked: identification anywhere in a message, spoken digits, wishes that refine."""

import datetime as dt

import pytest

from bot.appointments.booking import office_named
from bot.content import get_content
from bot.identity.registry import find_birth_date, find_number
from bot.language.dates import Wish, parse_wishes
from bot.language.values import identification, spoken_to_written, without_values

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize("text, number, born, rest", [
    ("hallo ich brauch nen termin bei meiner arbeitsvermittlerin, nächste woche nachmittags. bin max mustermann "
     "12345BG0000002 geboren 1.2.1979", "12345BG0000002", dt.date(1979, 2, 1),
     "hallo ich brauch nen termin bei meiner arbeitsvermittlerin, nächste woche nachmittags. bin max mustermann"),
    ("mein termin? BG-Nr.: 12345 BG 000 0002, geb 1.2.1979", "12345BG0000002", dt.date(1979, 2, 1), "mein termin?"),
    ("ayse yilmaz, 30.11.90 - möchte termin am 7.12.", None, dt.date(1990, 11, 30), "ayse yilmaz, - möchte termin am 7.12."),
    ("termin 123A456782 am 3.12.", "123A456782", None, "termin am 3.12."),
    ("termin am 03.12.2026 bitte", None, None, "termin am 03.12.2026 bitte"),  # a future date is no birth date
])
def test_identification_is_found_anywhere_and_taken_out_of_the_rest(text, number, born, rest):
    found = identification(text, TODAY)
    assert (found.number, found.birth_date, found.rest) == (number, born, rest)


def test_spoken_number_and_birth_date():
    spoken = ("termin beratung nord meine nummer eins zwei drei vier fünf b g null null null null null null zwei "
              "geburtsdatum erster zweiter neunzehnhundertneunundsiebzig")
    assert spoken_to_written(spoken).endswith("meine nummer 12345bg0000002 geburtsdatum 1.2.1979")
    found = identification(spoken, TODAY)
    assert (found.number, found.birth_date, found.rest) == ("12345BG0000002", dt.date(1979, 2, 1), "termin beratung nord")
    assert find_number("eins zwei drei a vier fünf sechs sieben acht neun") == "123A456789"  # a Kundennummer
    assert find_number("eins zwei drei vier") is None
    assert find_birth_date("dreißigster november neunzehnhundertneunzig", TODAY) == dt.date(1990, 11, 30)


def test_single_number_words_stay_words():
    assert spoken_to_written("ich brauche eine bescheinigung um neun") == "ich brauche eine bescheinigung um neun"


def test_without_values_keeps_what_the_message_is_about():
    assert without_values("termin absagen 12345BG0000001 12.08.1985") == "termin absagen"
    assert without_values("neue iban DE89 3704 0044 0532 0130 00, ab 1.12.") == "neue iban"
    assert not any(c.isdigit() for c in without_values("ruf mich an 0171 2345678 oder max@example.org, 12.3."))
    assert without_values("termin beratung nord montag 9 uhr") == "termin beratung nord"


def test_without_values_drops_the_words_that_only_introduced_a_value():
    assert without_values("will vom 7.12. bis 12.12. nach hamburg, handy 0171 2345678") == "will nach hamburg"
    assert without_values("krank bis zum 4.12., tel. 0221 123456") == "krank"
    assert without_values("ich fahre am liebsten mit dem bus") == "ich fahre am liebsten mit dem bus"


def test_wishes_refine_each_other():
    now = dt.datetime(2026, 12, 2, 10, 15)
    wish = parse_wishes("nächste woche nachmittags | lieber mittwoch", now)
    assert isinstance(wish, Wish)
    assert wish.dates == (dt.date(2026, 12, 9),) and wish.earliest == dt.time(12, 0)
    later = parse_wishes("donnerstag | ab 10 uhr", now)
    assert isinstance(later, Wish) and later.dates == (dt.date(2026, 12, 3),) and later.earliest == dt.time(10, 0)


def test_office_named_in_a_whole_message():
    content = get_content()
    assert office_named(content, "termin beratung in der mitte am freitag") == "mitte"
    assert office_named(content, "egal welche geschäftsstelle hauptsache morgen") == "egal"
    assert office_named(content, "termin egal wann") is None  # "egal" about the time is no office


@pytest.mark.parametrize("text, kind", [
    ("hab ich grad nicht", "unknown"), ("ich weiss meine nummer nicht mehr", "unknown"),
    ("die nummer hab ich nicht zur hand", "unknown"), ("ich hab keine bg nummer", "unknown"),
    ("ich hab keine bg nummer, ich hab noch nie bürgergeld bekommen und will erst beantragen", "first_application"),
    ("12345BG0000002", None), ("nord bitte", None),
])
def test_says_no_number(text, kind):
    from bot.language.values import says_no_number

    assert says_no_number(text) == kind


def test_a_question_inside_a_form_is_answered_and_the_form_goes_on():
    from bot.language.form_questions import next_action

    answers = {"ask_opening_hours": "action_opening_hours"}
    ask = dict(answers=answers, min_confidence=0.8, answered_before=None, text="wie teuer darf die wohnung sein?")
    assert next_action("action_listen", "ask_housing_costs", 0.95, "booking_form", **ask) == "action_answer"
    assert next_action("action_listen", "ask_opening_hours", 0.95, "booking_form", **ask) == "action_opening_hours"
    assert next_action("action_listen", "ask_opening_hours", 0.6, "booking_form", **ask) is None  # not sure: the form
    assert next_action("action_listen", "inform", 0.99, "booking_form", **ask) is None
    assert next_action("action_listen", "ask_opening_hours", 0.95, None, **ask) is None  # no form: the rules answer
    one_word = dict(answers=answers, min_confidence=0.8, answered_before=None, text="Antrag")
    assert next_action("action_listen", "ask_application", 0.95, "booking_form", **one_word) is None  # an answer
    digits = dict(answers=answers, min_confidence=0.8, answered_before=None, text="meine nummer ist 4711",
                  requested="id_number")
    assert next_action("action_listen", "ask_contact", 0.95, "booking_form", **digits) is None
    after = dict(answers=answers, min_confidence=0.8, answered_before="action_answer")
    assert next_action("action_answer", None, 0.0, "booking_form", **after) == "booking_form"


@pytest.mark.parametrize("text, everyday", [
    ("ich weiss meine nummer nicht mehr", True), ("ich finde den bescheid nicht mehr, was nun", True),
    ("ich weiß nicht mehr weiter", False),
    ("ich weiss meine nummer nicht mehr und sehe keinen sinn mehr in allem hier", False),
])
def test_a_forgotten_number_is_no_crisis_for_the_model(text, everyday):
    from bot.safety.detect import everyday_loss

    assert everyday_loss(text) is everyday


@pytest.mark.parametrize("text, dates, extra", [
    ("am 10. um halb 3", (dt.date(2026, 12, 10),), {"exact": dt.time(14, 30)}),
    ("egal wann nur nicht freitags da hab ich kurs", (), {"not_weekdays": (4,), "asap": True}),
    ("übernächste woche", tuple(dt.date(2026, 12, d) for d in (14, 15, 16, 17, 18)), {}),
    ("anfang januar", tuple(dt.date(2027, 1, d) for d in (1, 4, 5, 6, 7, 8)), {}),
])
def test_more_wishes_citizens_say(text, dates, extra):
    from bot.language.dates import parse_wish

    wish = parse_wish(text, dt.datetime(2026, 12, 2, 10, 15))
    assert isinstance(wish, Wish) and wish.dates == dates
    for key, value in extra.items():
        assert getattr(wish, key) == value


def test_spoken_birth_date_with_a_two_digit_year():
    assert find_birth_date("zwölfter august fünfundachtzig", TODAY) == dt.date(1985, 8, 12)


def test_cancellation_reasons_in_compounds_and_new_jobs():
    from bot.appointments import booking

    assert booking.has_cancel_reason("ich hab morgen einen arzttermin beim facharzt")
    assert booking.new_job("ich fange am montag bei rewe an zu arbeiten")
    assert booking.new_job("ich kann nicht kommen weil ich seit montag arbeite, hab endlich nen job")
    assert booking.new_job("hab jetzt eine feste stelle")
    assert not booking.new_job("hab einen termin beim arzt")
    assert not booking.new_job("muss arbeiten")
    assert not booking.new_job("krank")


@pytest.mark.parametrize("text, birth", [
    ("brauch bis zum 18.12. 12345BG0000002 01.02.1979", dt.date(1979, 2, 1)),
    ("vorstellungsgespräch am 8.12. 12345BG0000001 12.08.1985", dt.date(1985, 8, 12)),
    ("termin am 8.12. 12.08.1985", dt.date(1985, 8, 12)),
])
def test_a_day_without_year_before_the_birth_date_does_not_swallow_it(text, birth):
    found = identification(text, dt.date(2026, 12, 2))
    assert found.birth_date == birth
