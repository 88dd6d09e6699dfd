"""Computed answers (bot/knowledge/calculations.py and their replies in bot/knowledge/topics.py / answers.py):
§ 11b allowances at every boundary, pregnancy Mehrbedarf, the parts of a rent."""

import datetime as dt

import pytest

from bot.content import get_content
from bot.knowledge import answers, calculations, topics
from bot.knowledge.context import Context

RULES = calculations.Allowance(base=100, limit_1=520, rate_1=20, limit_2=1000, rate_2=30, limit_3=1200,
                               limit_3_child=1500, rate_3=10, minijob=603)
NOW = dt.datetime(2026, 12, 2, 10, 15)


@pytest.fixture(scope="module")
def content():
    return get_content()


@pytest.mark.parametrize("income, child, free", [
    (50, False, 50), (100, False, 100), (101, False, 100.2), (520, False, 184), (603, False, 208.9),
    (1000, False, 328), (1100, False, 338), (1200, False, 348), (1300, False, 348), (5000, False, 348),
    (1200, True, 348), (1300, True, 358), (1500, True, 378), (2500, True, 378),
])
def test_allowance_at_every_boundary(income, child, free):
    result = calculations.earnings(RULES, income, with_child=child)
    assert result.free == pytest.approx(free)
    assert result.counted == pytest.approx(income - free)


@pytest.mark.parametrize("income, free", [(400, 400), (603, 603), (800, 662.1), (1000, 722.1), (1400, 742.1)])
def test_pupils_students_trainees_under_25_keep_up_to_the_minijob_limit(income, free):
    assert calculations.earnings(RULES, income, young=True).free == pytest.approx(free)


@pytest.mark.parametrize("message, asks", [
    ("minijob 556 €, wieviel darf ich behalten", True),
    ("freibetrag bei einkommen", True),
    ("ich verdiene 1300 brutto und hab ein kind, was bleibt mir", True),
    ("wird mein lohn angerechnet", True),
    ("ich habe einen neuen job", False),
    ("ich fange am 1. als verkäuferin an", False),
])
def test_earnings_questions_are_told_from_reports(message, asks):
    assert calculations.asks_about_earnings(message) is asks


def test_young_earner_unless_25_or_older():
    assert calculations.is_young_earner("ich bin azubi, wie viel darf ich behalten")
    assert calculations.is_young_earner("studentin mit minijob")
    assert not calculations.is_young_earner("ich bin 31 jahre und mache eine ausbildung")
    assert not calculations.is_young_earner("minijob 400 euro")


@pytest.mark.parametrize("message, expected", [
    ("420 kalt plus 80 nebenkosten, zu zweit", dict(cold=420, services=80)),
    ("3 Personen, kalt 430 plus 60 nebenkosten", dict(cold=430, services=60)),
    ("kalt 430 nebenkosten 60", dict(cold=430, services=60)),
    ("480€ kaltmiete und 120€ nk", dict(cold=480, services=120)),
    ("grundmiete 380 €, nebenkosten 95 €, heizkosten 70 €", dict(cold=380, services=95, heating=70)),
    ("meine warmmiete ist 650 euro", dict(warm=650)),
    ("650 warm, davon 90 heizung", dict(warm=650, heating=90)),
    ("die wohnung kostet 390 bruttokalt", dict(gross_cold=390)),
    ("miete 520 euro", dict()),
    ("3 personen 45 qm", dict()),
])
def test_rent_parts(message, expected):
    assert calculations.rent_parts(message) == calculations.RentParts(**expected)


def test_gross_cold_rent_and_split():
    assert calculations.RentParts(cold=420, services=80).gross == 500
    assert calculations.RentParts(warm=650, heating=90).gross == 560
    assert calculations.RentParts(warm=650).needs_split
    assert calculations.RentParts(warm=700, cold=500).needs_split  # Nebenkosten and heating still mixed
    assert not calculations.RentParts(cold=420).needs_split


@pytest.mark.parametrize("message, week", [("bin schwanger 14. woche", 14), ("ssw 20", 20),
                                           ("in der 9ten woche schwanger", 9), ("schwanger", None),
                                           ("woche 60", None)])
def test_pregnancy_week(message, week):
    assert calculations.pregnancy_week(message) == week


# ----------------------------------------------------------------------------- the replies


def test_rent_check_adds_cold_rent_and_services(content):
    outcome = answers.housing_costs(content, "420 kalt plus 80 nebenkosten, zu zweit")
    assert outcome.rent == 500 and outcome.persons == 2
    assert "Bruttokaltmiete 500 €" in outcome.reply.text and "122 €" in outcome.reply.text  # limit 378 €
    within = answers.housing_costs(content, "3 Personen, kalt 430 plus 60 nebenkosten")
    assert "490 €" in within.reply.text and "22 €" in within.reply.text  # over 468 €, not "innerhalb"
    assert "innerhalb" not in within.reply.text


def test_warm_rent_asks_for_the_heating_part_then_checks(content):
    asked = answers.housing_costs(content, "meine warmmiete ist 650 euro, ich wohne alleine, ist das zu teuer")
    assert asked.waiting_for_input and asked.warm == 650 and asked.rent is None and asked.persons == 1
    assert "Heizkosten" in asked.reply.text and "650 €" in asked.reply.text
    checked = answers.housing_costs(content, "davon sind 90 heizung", persons=1, warm_rent=650,
                                    expecting_persons=True)
    assert checked.rent == 560 and "560 €" in checked.reply.text and "245 €" in checked.reply.text  # over 315 €


def test_household_size_beyond_the_table(content):
    outcome = answers.housing_costs(content, "wir sind 7 personen, 800 kalt und 150 nebenkosten")
    limit = content.kdu.limit_for(7)
    assert outcome.rent == 950 and f"{limit.rent:.2f}".replace(".", ",") in outcome.reply.text


def reply_to(content, message, intent="inform"):
    turn = topics.respond(content, message, intent, Context(), NOW)
    assert turn is not None and turn.reply is not None, message
    return turn.reply.text


def test_earnings_reply_with_child_and_without_amount(content):
    text = reply_to(content, "ich verdiene 1300 brutto und hab ein kind, was bleibt mir")
    assert "358 €" in text and "942 €" in text and "1.500 €" in text
    rules = reply_to(content, "freibetrag bei einkommen", "ask_assets")
    assert "Bruttoverdienst" in rules and "100 €" in rules
    young = reply_to(content, "bin azubi und verdiene 800 brutto, wieviel darf ich behalten")
    assert "662,10 €" in young and "603 €" in young


def test_pregnancy_extra_worked_out(content):
    text = reply_to(content, "bin schwanger 14. woche, bekomm ich mehr geld?", "ask_additional_needs")
    assert "95,71 €" in text  # 17 % of 563 €
    early = reply_to(content, "ich bin in der 9. woche schwanger, bekomme ich mehr geld", "ask_additional_needs")
    assert "4 Wochen" in early


def test_first_equipment_and_credit(content):
    assert "Erstausstattung" in reply_to(content, "wir bekommen ein baby, gibt es geld für die erstausstattung",
                                         "ask_additional_needs")
    credit = reply_to(content, "ich hab ein guthaben von 120 € aus der nebenkostenabrechnung", "ask_housing_costs")
    assert "mindert" in credit


@pytest.mark.parametrize("message, expected", [
    ("freibetrag bei einkommen", "Bruttoverdienst"),
    ("ich hab eine Nebenkostennachzahlung von 340 € bekommen", "einmaliger Bedarf"),
    ("bin schwanger 14. woche, bekomm ich mehr geld?", "95,71 €"),
])
def test_questions_filed_as_declarations_are_answered(content, message, expected):
    turn = topics.question_instead_of_request(content, message, Context(), NOW)
    assert turn is not None and turn.reply is not None and expected in turn.reply.text


@pytest.mark.parametrize("message", ["ich habe einen neuen job, 1200 brutto", "ich bin schwanger und will das melden",
                                     "12345BG0000002 freibetrag", "nachzahlung der nebenkosten melden"])
def test_declarations_stay_declarations(content, message):
    assert topics.question_instead_of_request(content, message, Context(), NOW) is None


@pytest.mark.parametrize("message, expected", [
    ("ich bin 68 und meine rente reicht nicht, bin ich bei euch richtig", "Sozialamt"),
    ("brauche grundsicherung im alter", "Sozialamt"),
    ("der vater zahlt keinen unterhalt für mein kind, wer hilft da", "Unterhaltsvorschuss"),
    ("ich bekomme keinen unterhalt mehr für die kinder", "Jugendamt"),
    ("wir wollen umziehen, zahlt das jobcenter die umzugskosten", "Zusicherung"),
    ("übernehmt ihr die mietkaution", "Darlehen"),
])
def test_referrals_and_moving(content, message, expected):
    assert expected in reply_to(content, message)


def test_moving_report_is_no_moving_question(content):
    turn = topics.respond(content, "ich bin umgezogen", "inform", Context(), NOW)
    assert turn is None or "Zusicherung" not in (turn.reply.text if turn.reply else "")


@pytest.mark.parametrize("message, day", [("habt ihr heiligabend auf", dt.date(2026, 12, 24)),
                                          ("an silvester", dt.date(2026, 12, 31)),
                                          ("zweiter weihnachtstag", dt.date(2026, 12, 26)),
                                          ("ostermontag", dt.date(2027, 3, 29)),
                                          ("neujahr", dt.date(2027, 1, 1))])
def test_named_days(message, day):
    from bot.language.textparse import find_date

    assert find_date(message, NOW.date()) == day


def test_between_the_years_lists_each_working_day(content):
    from bot.knowledge import hours

    reply, _ = hours.answer_hours(content, "wie habt ihr zwischen den jahren offen", NOW,
                                  closing_days={dt.date(2026, 12, 24), dt.date(2026, 12, 31)})
    lines = [line for line in reply.text.splitlines() if line.startswith("•")]
    assert [line[2:line.index(":")] for line in lines] == [
        "Montag, 28.12.2026", "Dienstag, 29.12.2026", "Mittwoch, 30.12.2026", "Donnerstag, 31.12.2026"]
    assert "geschlossen (Schließtag)" in lines[-1] and "Süd 07:30–12:00 Uhr" in lines[0]


def test_heating_part_after_a_warm_rent_is_no_declaration(content):
    turn = topics.question_instead_of_request(content, "davon sind 90 heizung", Context("kdu"), NOW)
    assert turn is not None and turn.reply is None and turn.context.topic == "kdu"  # the rent check runs
    assert topics.question_instead_of_request(content, "davon sind 90 heizung", Context(), NOW) is None


def test_household_estimate_with_pregnancy(content):
    couple = reply_to(content, "wir sind 2 erwachsene und ein kind (4), ich bin in der 20. woche schwanger, "
                               "wie viel bekommen wir", "ask_benefit_amount")
    # 2 × 506 + 357 + 25 + 17 % of 506 (86.02) = 1,480.02
    assert "86,02 €" in couple and "1.480,02 €" in couple
    alone = reply_to(content, "ich wohne allein und bin in der 16. woche schwanger, wieviel bürgergeld bekomme ich",
                     "ask_benefit_amount")
    assert "563 €" in alone and "95,71 €" in alone and "658,71 €" in alone  # 563 + 95.71
    early = topics.benefit_amount(content, "wir sind 2 erwachsene, 8. woche schwanger, wie viel bekommen wir")
    assert early is None  # before week 13 no Mehrbedarf: the general answer


def test_earnings_reply_says_what_it_assumed(content):
    without = reply_to(content, "ich verdiene 1300 brutto, was bleibt mir")
    assert "ohne minderjähriges Kind" in without and "1.500 €" in without and "348 €" in without
    small = reply_to(content, "minijob 400 euro, wieviel darf ich behalten")
    assert "ohne minderjähriges Kind" not in small  # below 1,000 € a child changes nothing
