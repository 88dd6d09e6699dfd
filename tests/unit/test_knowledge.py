"""Computed answers: opening hours by office/day/daypart, contacts, the KdU check, fallbacks."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.content import get_content
from bot.knowledge import answers as knowledge

MONDAY_MORNING = dt.datetime(2026, 11, 23, 9, 0)  # a Monday


@pytest.fixture(scope="module")
def content():
    return get_content()


# ----------------------------------------------------------------------------- opening hours


def test_thursday_afternoon_question_is_answered_for_that_office(content):
    reply = knowledge.opening_hours(content, "Hat die Geschäftsstelle Nord donnerstags nachmittags offen?", MONDAY_MORNING)
    assert reply.text.startswith("Ja, Geschäftsstelle Nord hat am Donnerstag nachmittags geöffnet: 14:00–18:00 Uhr.")


def test_friday_afternoon_is_closed_and_names_the_real_hours(content):
    reply = knowledge.opening_hours(content, "hat nord freitag nachmittag auf", MONDAY_MORNING)
    assert "Nein, Geschäftsstelle Nord hat am Freitag nachmittags nicht geöffnet" in reply.text
    assert "08:00–12:00" in reply.text


def test_office_without_umlaut_and_typo_in_weekday(content):
    reply = knowledge.opening_hours(content, "wann hat sued am donerstag offen", MONDAY_MORNING)
    assert reply.text.startswith("Geschäftsstelle Süd hat am Donnerstag geöffnet: 07:30–12:00 und 13:30–17:30 Uhr.")


def test_weekend_day_is_closed(content):
    reply = knowledge.opening_hours(content, "hat mitte samstags offen", MONDAY_MORNING)
    assert "Geschäftsstelle Mitte hat am Samstag keine offene Sprechzeit." in reply.text


def test_week_overview_for_one_office_groups_equal_days(content):
    reply = knowledge.opening_hours(content, "öffnungszeiten mitte", MONDAY_MORNING)
    assert "Mo–Mi und Fr 08:00–12:00 Uhr" in reply.text
    assert "Do 08:00–12:00 und 14:00–18:00 Uhr" in reply.text
    assert "Nord" not in reply.text


def test_without_office_all_offices_are_listed(content):
    reply = knowledge.opening_hours(content, "wann habt ihr offen", MONDAY_MORNING)
    for name in ("Mitte", "Nord", "Süd"):
        assert f"Geschäftsstelle {name}:" in reply.text


def test_tomorrow_at_a_clock_time_uses_the_date(content):
    reply = knowledge.opening_hours(content, "hat mitte morgen um 15 uhr auf", MONDAY_MORNING)
    assert "Dienstag, 24.11.2026" in reply.text and reply.text.startswith("Nein")


def test_clock_time_inside_hours_is_open(content):
    reply = knowledge.opening_hours(content, "kann ich am montag um 9:30 bei sued vorbeikommen", MONDAY_MORNING)
    assert reply.text.startswith("Ja, Geschäftsstelle Süd hat am Montag um 9:30 Uhr geöffnet")


def test_public_holiday_is_announced(content):
    christmas_eve = dt.datetime(2026, 12, 24, 10, 0)
    reply = knowledge.opening_hours(content, "habt ihr morgen offen", christmas_eve)
    assert "25.12.2026 ist ein Feiertag (Erster Weihnachtstag)" in reply.text


def test_service_center_hours(content):
    reply = knowledge.opening_hours(content, "wann ist das service center telefonisch erreichbar", MONDAY_MORNING)
    assert reply.text == "Das Service Center erreichen Sie unter 0221 9876-0: Mo–Fr 08:00–18:00 Uhr."


# ----------------------------------------------------------------------------- contact


def test_contact_for_one_office(content):
    reply = knowledge.contact(content, "adresse vom jobcenter nord")
    assert "Nordring 25" in reply.text and "0221 9876-200" in reply.text and "Südallee" not in reply.text


def test_contact_without_office_lists_all_and_the_service_center(content):
    reply = knowledge.contact(content, "wie kann ich euch erreichen")
    assert all(street in reply.text for street in ("Marktplatz 1", "Nordring 25", "Südallee 8"))
    assert "Service Center: 0221 9876-0" in reply.text


# ----------------------------------------------------------------------------- KdU


def test_rent_above_the_limit_explains_kostensenkungsverfahren(content):
    outcome = knowledge.housing_costs(content, "Ist eine Wohnung für 3 Personen mit 520 € Bruttokaltmiete angemessen?")
    text = outcome.reply.text
    assert "um 52 € über dem Richtwert" in text and "468 €" in text
    assert "Kostensenkungsverfahren" in text and "6 Monate" in text
    assert "Verbindlich entscheidet das Jobcenter" in text and "Stand: 01.01.2026" in text
    assert not outcome.waiting_for_input


def test_rent_exactly_at_the_limit_is_angemessen(content):
    text = knowledge.housing_costs(content, "3 personen 468 euro").reply.text
    assert "liegt innerhalb des Richtwerts" in text


def test_one_cent_above_the_limit_is_too_high(content):
    text = knowledge.housing_costs(content, "zu dritt 468,01 €").reply.text
    assert "um 0,01 € über dem Richtwert" in text


def test_household_beyond_the_table_adds_per_further_person(content):
    text = knowledge.housing_costs(content, "wir sind 8 personen und zahlen 860 euro").reply.text
    # 6 persons 692.40 + 2 x 86.55 = 865.50
    assert "865,50 €" in text and "innerhalb des Richtwerts" in text


@pytest.mark.parametrize("message", ["3 personen -50 euro", "3 personen 0 euro", "3 personen 99999 euro"])
def test_nonsense_amounts_get_a_clear_question(content, message):
    outcome = knowledge.housing_costs(content, message)
    assert outcome.reply.text == "Bitte nennen Sie eine gültige Monatsmiete in Euro, zum Beispiel „520 Euro“."
    assert outcome.waiting_for_input


@pytest.mark.parametrize("message", ["0 personen 300 euro", "45 personen 300 euro"])
def test_nonsense_household_sizes_get_a_clear_question(content, message):
    outcome = knowledge.housing_costs(content, message)
    assert outcome.reply.text == "Bitte nennen Sie eine Haushaltsgröße zwischen 1 und 20 Personen."


def test_missing_household_size_is_asked_and_remembered(content):
    first = knowledge.housing_costs(content, "ist 400 euro miete ok")
    assert first.reply.text.startswith("Für wie viele Personen") and first.rent == 400
    second = knowledge.housing_costs(content, "2 personen", persons=first.persons, rent=first.rent)
    assert "um 22 € über dem Richtwert" in second.reply.text


def test_general_question_shows_the_table(content):
    outcome = knowledge.housing_costs(content, "wie teuer darf meine wohnung sein")
    assert "• 1 Person: bis 315 €" in outcome.reply.text and "• 6 Personen: bis 692,40 €" in outcome.reply.text
    assert outcome.waiting_for_input


def test_warm_rent_above_the_limit_asks_for_the_rent_without_heating(content):
    text = knowledge.housing_costs(content, "2 personen 450 euro warm").reply.text
    assert "ohne Heiz" in text


# ----------------------------------------------------------------------------- FAQ answers


def test_benefit_amount_answer_quotes_figures_with_stand(content):
    text = knowledge.answer_for_intent(content, "ask_benefit_amount").text
    assert "563 €" in text and "506 €" in text and "357 €" in text and "25 €" in text
    assert text.endswith("Stand: 01.01.2026")


def test_switching_the_legal_regime_changes_the_assets_answer(content):
    import dataclasses

    reform = dataclasses.replace(content, legal_regime="grundsicherung")
    assert "Karenzzeit" in knowledge.answer_for_intent(content, "ask_assets").text
    text = knowledge.answer_for_intent(reform, "ask_assets").text
    assert "keine Karenzzeit" in text and "15.000 €" in text and "Stand: 05.03.2026" in text


def test_every_answer_has_no_unfilled_placeholder(content):
    for intent in content.answers:
        text = knowledge.answer_for_intent(content, intent).text
        assert "{" not in text and "}" not in text, intent


def test_first_miss_asks_to_rephrase_second_offers_a_person(content):
    first = knowledge.fallback(content, 1)
    assert "anders formulieren" in first.text and len(first.buttons) >= 6
    second = knowledge.fallback(content, 2)
    assert "0221 9876-0" in second.text and second.buttons[0].intent == "request_human"


def test_very_long_message_that_was_not_understood_asks_for_a_summary(content):
    reply = knowledge.fallback(content, 1, message_length=50_000)
    assert "sehr lang" in reply.text and reply.buttons
