"""Knowledge answers with context: follow-ups, "jetzt"/"heute"/dates against the clock, several questions in
one message, the offer of further help (bot/knowledge/context.py, hours.py, topics.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.content import get_content
from bot.knowledge import answers as knowledge
from bot.knowledge import hours, topics
from bot.knowledge.context import Context
from bot.language import textparse

BERLIN = ZoneInfo("Europe/Berlin")
SUNDAY_NOON = dt.datetime(2026, 11, 29, 13, 0, tzinfo=BERLIN)
WEDNESDAY_MORNING = dt.datetime(2026, 12, 2, 10, 15, tzinfo=BERLIN)
THURSDAY_MORNING = dt.datetime(2026, 12, 3, 10, 0, tzinfo=BERLIN)
THURSDAY_AFTERNOON = dt.datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN)
FRIDAY_AFTERNOON = dt.datetime(2026, 12, 4, 13, 0, tzinfo=BERLIN)
BEFORE_CHRISTMAS = dt.datetime(2026, 12, 21, 9, 0, tzinfo=BERLIN)
CLOSING_DAYS = frozenset({dt.date(2026, 12, 24), dt.date(2026, 12, 31)})


@pytest.fixture(scope="module")
def content():
    return get_content()


def play(content, turns, now=WEDNESDAY_MORNING):
    """Send (message, intent) pairs through `respond` as the actions do; return the finished replies."""
    ctx, last, replies = Context(), "", []
    for message, intent in turns:
        turn = topics.respond(content, message, intent, ctx, now, CLOSING_DAYS, topics.offers_further_help(last))
        assert turn is not None and turn.reply is not None, message
        reply = topics.finish(content, turn)
        replies.append(reply)
        ctx, last = turn.context, reply.text
    return replies


# ----------------------------------------------------------------------------- text parsing


def test_now_words():
    assert textparse.mentions_now("habt ihr jetzt grad offen")
    assert textparse.mentions_now("hat süd gerade auf")
    assert not textparse.mentions_now("wann habt ihr offen")


def test_dates_with_and_without_month():
    today = dt.date(2026, 12, 21)
    assert textparse.find_date("habt ihr am 25.12. auf", today) == dt.date(2026, 12, 25)
    assert textparse.find_date("am 3.1.", today) == dt.date(2027, 1, 3)
    assert textparse.find_date("und am 28.?", today, dt.date(2026, 12, 25)) == dt.date(2026, 12, 28)
    assert textparse.find_date("ist 450 euro ok", today) is None
    assert textparse.find_date("am 28. um 10", today) == dt.date(2026, 12, 28)


def test_bare_counts_and_ages():
    assert textparse.find_count("drei") == 3
    assert textparse.find_count("wir sind 4") == 4
    assert textparse.find_count("und 560 euro?") is None
    assert textparse.find_ages("und für meinen sohn der ist 15") == [15]
    assert textparse.find_ages("2 erwachsene und 2 kinder 4 und 10 jahre") == [4, 10]
    assert textparse.find_ages("ein kind mit acht jahren") == [8]
    assert textparse.find_ages("mit einem kind von 2") == [2]
    assert textparse.find_ages("alleinerziehend mit einer tochter (4)") == [4]
    assert textparse.find_ages("bin arbeitslos") == []


def test_number_words():
    assert textparse.number_from_words("dreihundertachtzig") == 380
    assert textparse.number_from_words("tausendzweihundert") == 1200
    assert textparse.number_from_words("achtundzwanzig") == 28
    assert textparse.number_from_words("hallo") is None
    assert textparse.find_spoken_amount("zwei personen mit dreihundertachtzig euro kalt") == 380.0


def test_context_survives_the_slot_and_ignores_broken_values():
    ctx = Context("opening_hours", "nord", dt.date(2026, 12, 3), 3, "nachmittags", False, "ask_payment")
    assert Context.from_slot(ctx.to_slot()) == ctx
    assert Context.from_slot(None) == Context()
    assert Context.from_slot({"topic": "x", "date": "kaputt", "weekday": 9}) == Context("x")
    assert Context().to_slot() is None


# ----------------------------------------------------------------------------- hours against the clock


def test_now_on_a_sunday_is_closed_and_names_monday(content):
    reply, ctx = hours.answer_hours(content, "habt ihr jetzt grad offen", SUNDAY_NOON)
    assert reply.text.startswith("Nein") and "Sonntag" in reply.text and "geschlossen" in reply.text
    assert "morgen, Montag, 30.11.2026: Geschäftsstelle Süd ab 07:30 Uhr" in reply.text
    assert "Öffnungszeiten der Geschäftsstellen" not in reply.text and ctx.now


def test_now_open_names_the_closing_time(content):
    reply, ctx = hours.answer_hours(content, "hat süd jetzt auf?? muss noch was abgeben", THURSDAY_AFTERNOON)
    assert reply.text.startswith("Ja, Geschäftsstelle Süd hat jetzt geöffnet, heute bis 17:30 Uhr.")
    assert ctx.office == "sued"


def test_now_closed_in_the_afternoon_names_the_next_opening(content):
    reply, _ = hours.answer_hours(content, "kann ich jetzt noch in die mitte kommen", FRIDAY_AFTERNOON)
    assert reply.text.startswith("Nein, Geschäftsstelle Mitte hat jetzt geschlossen")
    assert "Montag, 07.12.2026, ab 08:00 Uhr" in reply.text


def test_now_without_office_lists_every_office(content):
    reply, _ = hours.answer_hours(content, "habt ihr gerade offen", THURSDAY_MORNING)
    assert reply.text.startswith("Ja")
    for name in ("Mitte", "Nord", "Süd"):
        assert f"Geschäftsstelle {name}: geöffnet bis 12:00 Uhr" in reply.text


def test_public_holiday_and_closing_day_are_closed(content):
    reply, _ = hours.answer_hours(content, "habt ihr am 25.12. in der nordstadt auf", BEFORE_CHRISTMAS)
    assert "Feiertag" in reply.text and "geschlossen" in reply.text and "Ja, " not in reply.text
    assert "Montag, 28.12.2026, ab 08:00 Uhr" in reply.text
    reply, _ = hours.answer_hours(content, "hat nord am 24.12. offen", BEFORE_CHRISTMAS, closing_days=CLOSING_DAYS)
    assert "Schließtag" in reply.text
    reply, _ = hours.answer_hours(content, "hat nord am 24.12. offen", BEFORE_CHRISTMAS)
    assert "Schließtag" not in reply.text


def test_follow_up_day_inherits_office_and_month(content):
    first, second = play(content, [("habt ihr am 25.12. in der nordstadt auf", "inform"), ("und am 28.?", "inform")],
                         BEFORE_CHRISTMAS)
    assert "Geschäftsstelle Nord hat am Montag, 28.12.2026 geöffnet: 08:00–12:00 Uhr." in second.text
    assert "Süd" not in second.text and "Mitte" not in second.text


def test_follow_up_saturday_inherits_the_office(content):
    _, second = play(content, [("wann hat die geschäftsstelle nord offen", "ask_opening_hours"),
                               ("und am samstag?", "inform")])
    assert "Geschäftsstelle Nord hat am Samstag keine offene Sprechzeit." in second.text
    assert "Süd" not in second.text and "Mitte" not in second.text


def test_follow_up_tomorrow_keeps_office_and_daypart(content):
    first, second = play(content, [("ist die mitte heute nachmittag offen", "ask_opening_hours"),
                                   ("und morgen?", "inform")])
    assert first.text.startswith("Nein, Geschäftsstelle Mitte hat am Mittwoch, 02.12.2026 nachmittags nicht")
    assert second.text.startswith("Ja, Geschäftsstelle Mitte hat am Donnerstag, 03.12.2026 nachmittags geöffnet: "
                                  "14:00–18:00 Uhr.")


def test_follow_up_office_keeps_the_day(content):
    _, second = play(content, [("habt ihr gerade offen", "ask_opening_hours"),
                               ("und heute nachmittag in süd", "inform")], THURSDAY_MORNING)
    assert "Geschäftsstelle Süd hat am Donnerstag, 03.12.2026 nachmittags geöffnet: 13:30–17:30 Uhr." in second.text
    assert "Nordring" not in second.text


def test_service_center_follow_up_stays_with_the_service_center(content):
    first, second = play(content, [("wann erreich ich euch telefonisch", "ask_contact"), ("und samstags?", "inform")])
    assert "0221 9876-0" in first.text
    assert second.text.startswith("Das Service Center ist am Samstag nicht erreichbar.")
    assert "Nordring" not in second.text


def test_hotline_after_online_services(content):
    _, second = play(content, [("wie meld ich mich bei jobcenter digital an", "ask_online_services"),
                               ("und wann ist die hotline erreichbar", "ask_opening_hours")])
    assert "Mo–Do 8–18 Uhr, Fr 8–14 Uhr" in second.text and "0221 9876-0" not in second.text


def test_address_phone_and_hours_of_one_office_in_one_message(content):
    (reply,) = play(content, [("adresse und telefon von nord und habt ihr donnerstag nachmittag auf",
                               "ask_opening_hours")])
    assert "14:00–18:00" in reply.text and "Nordring 25" in reply.text and "0221 9876-200" in reply.text


def test_hours_and_appointment_in_one_message_offer_the_booking(content):
    (reply,) = play(content, [("wann hat nord offen und ich brauch auch nen termin da", "ask_opening_hours")])
    assert "08:00–12:00" in reply.text and reply.text.endswith("Möchten Sie jetzt auch einen Termin vereinbaren?")
    assert reply.buttons[0].title == "Termin vereinbaren" and reply.buttons[0].payload == "/book_appointment"


# ----------------------------------------------------------------------------- contacts


def test_email_follow_up_inherits_the_office(content):
    first, second = play(content, [("tel nummer von süd", "ask_contact"), ("und die email", "ask_contact")])
    assert "0221 9876-300" in first.text and "0221 9876-200" not in first.text
    assert "jobcenter-musterstadt.sued@jobcenter-ge.de" in second.text and ".nord@" not in second.text


def test_directions_follow_up_after_hours(content):
    _, second = play(content, [("öffnungszeiten mitte", "ask_opening_hours"),
                               ("und wie komm ich da hin", "nlu_fallback")])
    assert "Straßenbahn" in second.text and "Marktplatz" in second.text and "S12" not in second.text


def test_directions_by_district_name(content):
    (reply,) = play(content, [("wie komm ich mit der bahn zum jobcenter in der innenstadt", "ask_contact")])
    assert reply.text.startswith("So kommen Sie zur Geschäftsstelle Mitte")


# ----------------------------------------------------------------------------- other topics


def test_assets_follow_ups(content):
    _, after, car = play(content, [("wieviel darf ich gespart haben", "ask_assets"),
                                   ("und nach dem ersten jahr?", "inform"), ("und auto?", "out_of_scope")])
    assert "15.000 € je Person" in after.text
    assert "Auto" in car.text and "Dazu kann ich Ihnen leider nichts sagen" not in car.text


def test_benefit_for_a_child_after_the_table(content):
    _, teen = play(content, [("wieviel bürgergeld bekommt man als single", "ask_benefit_amount"),
                             ("und für meinen sohn der ist 15", "inform")])
    assert "471 €" in teen.text and "25 € Sofortzuschlag" in teen.text and "390" not in teen.text


def test_household_estimate_adds_stages_and_bonus(content):
    (reply,) = play(content, [("wir sind 2 erwachsene und 2 kinder 4 und 10 jahre, wieviel bürgergeld bekommen wir",
                               "ask_benefit_amount")])
    assert "1.809 €" in reply.text and "Unverbindliche Schätzung" in reply.text


def test_single_parent_gets_the_mehrbedarf(content):
    (reply,) = play(content, [("wie viel kriegt man als alleinerziehende und wie viel mehrbedarf gibts da mit einem "
                               "kind von 2", "ask_benefit_amount")])
    assert "563 €" in reply.text and "36 %" in reply.text and "202,68 €" in reply.text


def test_second_question_is_answered_inline_or_offered(content):
    (trip,) = play(content, [("wieviel regelsatz für mein kind 9 jahre und zahlt ihr die klassenfahrt",
                              "ask_benefit_amount")])
    assert "390 €" in trip.text and "Klassenfahrten" in trip.text
    offered, answered = play(content, [("wie hoch ist der regelsatz und wann kommt das geld", "ask_benefit_amount"),
                                       ("ja", "affirm")])
    assert "563 €" in offered.text and "Zahltermin" in offered.text
    assert any(b.title == "Zahltermine" for b in offered.buttons)
    assert "Monatsanfang" in answered.text


def test_earnings_allowance(content):
    (reply,) = play(content, [("darf ich nebenbei nen minijob machen, 603 euro, wieviel davon darf ich behalten",
                               "ask_assets")])
    assert "208,90 €" in reply.text and "394,10 €" in reply.text
    top = topics.earnings_allowance(content, 5000)  # above all limits: the maximum allowance, 348 €
    assert top is not None and "348 €" in top.text and "4.652 €" in top.text
    assert topics.earnings_allowance(content, 0) is None and topics.earnings_allowance(content, -5) is None


@pytest.mark.parametrize("message, intent, expected", [
    ("wo beantrag ich kindergeld", "ask_application", "Familienkasse"),
    ("soll ich lieber wohngeld beantragen oder bürgergeld", "ask_eligibility", "Wohngeldstelle"),
    ("wie lange hab ich zeit für widerspruch gegen den bescheid", "ask_case_status", "eines Monats"),
    ("der bescheid ist schon 2 monate alt, kann ich noch was dagegen machen", "ask_case_status", "§ 44 SGB X"),
    ("hab ne nebenkostennachzahlung von 240 euro bekommen", "ask_housing_costs", "einmaliger Bedarf"),
])
def test_special_questions_whatever_the_intent(content, message, intent, expected):
    (reply,) = play(content, [(message, intent)])
    assert expected in reply.text


def test_follow_ups_on_application_and_payment(content):
    _, when = play(content, [("wie stell ich einen antrag", "ask_application"),
                             ("und ab wann gibts dann geld", "ask_payment")])
    assert "ab dem Monat" in when.text
    _, missing = play(content, [("wann kommt das geld", "ask_payment"),
                                ("is aber heute immer noch nicht da", "ask_payment")])
    assert missing.text.startswith("Wenn das Geld noch nicht da ist") and "Bankverbindung" in missing.text


def test_an_hours_question_filed_as_goodbye_is_answered(content):
    (reply,) = play(content, [("hat süd jetzt auf?? muss noch was abgeben", "goodbye")], THURSDAY_AFTERNOON)
    assert reply.text.startswith("Ja") and "Wiedersehen" not in reply.text


def test_unsure_rent_question_goes_to_the_rent_check(content):
    turn = topics.respond(content, "hab ne wohnung für mich alleine, 400 euro warm, geht das", "nlu_fallback",
                          Context(), WEDNESDAY_MORNING)
    assert turn is not None and turn.reply is None


def test_plain_greeting_and_unknown_words_keep_the_usual_answer(content):
    assert topics.respond(content, "hallo", "greet", Context(), WEDNESDAY_MORNING) is None
    assert topics.respond(content, "nord", "inform", Context(), WEDNESDAY_MORNING) is None


# ----------------------------------------------------------------------------- next step and goodbye


def test_answers_end_with_the_offer_of_further_help(content):
    (reply,) = play(content, [("mein bewilligungszeitraum läuft aus was muss ich machen", "ask_application")])
    assert reply.text.endswith("Kann ich Ihnen sonst noch helfen?")
    assert topics.offers_help(reply.text)
    assert not topics.offers_help("Auf Wiedersehen!")


def test_no_after_the_offer_of_further_help_is_a_goodbye(content):
    _, bye = play(content, [("wann kommt das geld", "ask_payment"), ("nein danke das wars", "deny")])
    assert "Auf Wiedersehen" in bye.text
    assert topics.respond(content, "nein", "deny", Context(), WEDNESDAY_MORNING, offered_help=False) is None


# ----------------------------------------------------------------------------- KdU


def test_household_size_after_the_table_and_then_a_rent(content):
    table = knowledge.housing_costs(content, "wie teuer darf meine miete sein")
    size = knowledge.housing_costs(content, "wir sind 4", table.persons, table.rent, expecting_persons=True)
    assert "552 €" in size.reply.text and size.persons == 4
    rent = knowledge.housing_costs(content, "und 560 euro?", size.persons, size.rent, expecting_persons=False)
    assert "um 8 € über" in rent.reply.text


def test_bare_count_answers_the_question_for_persons(content):
    asked = knowledge.housing_costs(content, "ist 450 euro bruttokaltmiete ok")
    done = knowledge.housing_costs(content, "drei", asked.persons, asked.rent, expecting_persons=True)
    assert "innerhalb" in done.reply.text and "468 €" in done.reply.text
    assert knowledge.housing_costs(content, "drei", None, 450.0).persons is None  # not asked: no guess


def test_spoken_rent_amount(content):
    outcome = knowledge.housing_costs(content, "ist eine wohnung für zwei personen mit dreihundertachtzig euro kalt ok")
    assert "um 2 € über" in outcome.reply.text


# ----------------------------------------------------------------------------- worried and own-matter questions


def test_worry_about_losing_the_flat_explains_the_cost_reduction(content):
    (reply,) = play(content, [("kann ich meine wohnung verlieren wenn die miete zu hoch ist", "ask_housing_costs")])
    assert "Kostensenkungsverfahren" in reply.text and "6 Monate" in reply.text


def test_missed_appointment_says_what_to_do_now(content):
    (reply,) = play(content, [("hab meinen termin gestern verpasst, hab verschlafen, was jetzt", "ask_sanctions")])
    assert "neuen Termin" in reply.text and "angehört" in reply.text
    assert any(b.payload == "/book_appointment" for b in reply.buttons)


def test_legal_steps_are_no_threat_but_get_the_ways_to_object(content):
    (reply,) = play(content, [("wenn das so weiter geht zeig ich euch an und geh zum anwalt", "nlu_fallback")])
    assert "Widerspruch" in reply.text and "110" not in reply.text


def test_no_direct_line_to_the_caseworker_offers_a_person(content):
    (reply,) = play(content, [("geben sie mir die durchwahl von meinem sachbearbeiter", "ask_contact")])
    assert "Eine direkte Durchwahl zur Sachbearbeitung gibt es nicht" in reply.text
    assert reply.buttons[0].payload == "/request_human"


def test_an_appointment_request_with_own_number_is_no_contact_question(content):
    message = "hab meine nummer 12345BG0000002 und geburtstag 01.02.1979, brauch termin beratung in nord"
    assert topics.respond(content, message, "inform", Context(), WEDNESDAY_MORNING) is None


def test_customer_numbers_and_dates_are_no_rent(content):
    assert not knowledge.looks_like_rent_question("neue wohnung, 12345BG0000002 01.02.1979")
    assert knowledge.looks_like_rent_question("miete 400 euro ok?")


@pytest.mark.parametrize("message", [
    "urlaub vom 10.12. bis 10.1. in marokko, 12345BG0000001 12.08.1985, erreichbar unter 0171 2345678",
    "hab 5 bewerbungen geschrieben, zwei absagen, rest offen. 12345BG0000002 01.02.1979",
])
def test_declarations_with_own_data_are_no_hours_question(content, message):
    assert topics.respond(content, message, "inform", Context(), WEDNESDAY_MORNING) is None


def test_a_birth_date_is_no_day_to_ask_about():
    assert textparse.find_date("geboren 01.02.1979", dt.date(2026, 12, 2)) is None


def test_thanks_or_small_talk_after_an_hours_answer_is_no_follow_up(content):
    _, ctx = hours.answer_hours(content, "wann erreich ich euch telefonisch", WEDNESDAY_MORNING)
    assert topics.respond(content, "danke", "thank", ctx, WEDNESDAY_MORNING) is None
    _, ctx = hours.answer_hours(content, "öffnungszeiten nord", WEDNESDAY_MORNING)
    assert topics.respond(content, "wie wird das wetter morgen", "out_of_scope", ctx, WEDNESDAY_MORNING) is None


def test_no_to_a_specific_offer_is_no_goodbye(content):
    assert topics.offers_help("Möchten Sie jetzt auch einen Termin vereinbaren?")
    assert not topics.offers_further_help("Möchten Sie jetzt auch einen Termin vereinbaren?")
    assert topics.offers_further_help("…\n\nKann ich Ihnen sonst noch helfen?")


def test_until_when_today_is_a_question_about_now(content):
    reply, _ = hours.answer_hours(content, "wie lange habt ihr heute noch auf in der mitte", WEDNESDAY_MORNING)
    assert reply.text.startswith("Ja, Geschäftsstelle Mitte hat jetzt geöffnet, heute bis 12:00 Uhr.")


def test_next_openings_of_all_offices_are_grouped(content):
    reply, _ = hours.answer_hours(content, "öffnungszeiten am 24.12.", BEFORE_CHRISTMAS, closing_days=CLOSING_DAYS)
    assert ("Montag, 28.12.2026: Geschäftsstelle Süd ab 07:30 Uhr, Geschäftsstelle Mitte und Geschäftsstelle Nord "
            "ab 08:00 Uhr") in reply.text


def test_email_addresses_without_office(content):
    reply, _ = hours.answer_contact(content, "email adresse jobcenter")
    assert "service@jobcenter-musterstadt.de" in reply.text and "Marktplatz" not in reply.text


def test_follow_up_age_and_household_size(content):
    _, child = play(content, [("wieviel geld bekommt ein kind mit 16", "ask_benefit_amount"), ("und mit 5?", "inform")])
    assert "357 €" in child.text
    _, couple = play(content, [("wie viel vermögen darf ich haben", "ask_assets"), ("und als paar?", "inform")])
    assert "55.000 €" in couple.text and "30.000 €" in couple.text


@pytest.mark.parametrize("message, intent, expected", [
    ("mein job endet ende januar, wo meld ich mich arbeitslos, bei euch?", "ask_eligibility", "Agentur für Arbeit"),
    ("hab schulden und weiss nicht mehr weiter mit den rechnungen wer hilft da", "help", "Schuldnerberatung"),
])
def test_referrals(content, message, intent, expected):
    (reply,) = play(content, [(message, intent)])
    assert expected in reply.text


@pytest.mark.parametrize("message, expected", [
    ("kann ich jetzt noch in die mitte kommen", "Nein, Geschäftsstelle Mitte hat jetzt geschlossen"),
    ("mein job endet ende januar, wo meld ich mich arbeitslos, bei euch?", "Agentur für Arbeit"),
    ("wir sind zu zweit die neue wohnung kostet 390 bruttokalt", None),  # the rent check (needs the KdU slots)
    ("was passiert wenn ich die unterlagen nicht rechtzeitig schaffe", "Fristverlängerung"),
    ("was ist, wenn ich die nachweise zu spät abgebe?", "Fristverlängerung"),
])
def test_questions_filed_as_requests_are_answered(content, message, expected):
    turn = topics.question_instead_of_request(content, message, Context(), FRIDAY_AFTERNOON)
    assert turn is not None
    if expected is None:
        assert turn.reply is None
    else:
        assert turn.reply is not None and expected in turn.reply.text


@pytest.mark.parametrize("message", [
    "bin umgezogen, neue miete 450 euro für 2 personen",
    "neue bankverbindung 12345BG0000001 12.08.1985",
    "mein job endet ende januar 12345BG0000002 01.02.1979",
    "ich habe ab montag eine neue arbeit",
    "ich schaffe die unterlagen nicht rechtzeitig, kann ich mehr zeit haben",
    "brauche mehr zeit für die unterlagen bis zum 20.12.",
])
def test_requests_stay_requests(content, message):
    assert topics.question_instead_of_request(content, message, Context(), FRIDAY_AFTERNOON) is None


def test_a_missed_deadline_question_offers_the_extension_as_a_button(content):
    turn = topics.question_instead_of_request(content, "was passiert wenn ich die frist verpasse", Context(),
                                              FRIDAY_AFTERNOON)
    assert turn is not None and turn.reply is not None
    assert [b.payload for b in turn.reply.buttons] == ["/request_deadline_extension"]
