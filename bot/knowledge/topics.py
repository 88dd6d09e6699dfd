"""Which answer fits a message, given the NLU intent, its words and the previous answer (`Context`).

The NLU model names one intent per message. Citizens ask elliptic follow-ups ("und auto?" after the
assets, "und für meinen sohn der ist 15" after the Regelbedarf), two questions at once ("wie hoch ist der
regelsatz und wann kommt das geld") and questions the model files under an unrelated intent ("hat süd jetzt
auf??" as goodbye). `respond()` picks the answer from all three; the actions only pass the tracker's values
in and the `Turn` out. Every answer that is not a question back ends with the offer of further help.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

from bot.content import Button, Content
from bot.knowledge import calculations, hours
from bot.knowledge.answers import Reply, answer_for_intent, fill, looks_like_rent_question, stand_line, template
from bot.knowledge.context import Context
from bot.language import textparse
from bot.language.formatting import euro
from bot.language.formatting import persons as persons_text

# Intents the NLU gives to short or unclear messages: their words decide what is meant.
WEAK_INTENTS = frozenset({"inform", "nlu_fallback", "out_of_scope", "goodbye", "greet", "affirm", "deny", "thank",
                          "help", "bot_challenge"})
# Intents answered from content/answers.yml (action_answer) that are knowledge questions.
KNOWLEDGE_INTENTS = frozenset({"ask_eligibility", "ask_benefit_amount", "ask_assets", "ask_online_services",
                               "ask_application", "ask_funding", "ask_education_participation",
                               "ask_additional_needs", "ask_payment", "ask_case_status", "ask_sanctions"})
LOCATION_INTENTS = frozenset({"ask_opening_hours", "ask_contact"})

# The runner's and the web chat's notion of "an offer of further help" at the end of an answer.
OFFER_OF_HELP = re.compile(r"(?i)(kann ich (ihnen )?(sonst|noch|weiter)|sonst noch|noch etwas|weitere[sn]? "
                           r"(frage|anliegen)|möchten sie (jetzt|auch|noch))")

CHILD_WORDS = ("kind", "kinder", "kindern", "sohn", "tochter", "sohnes", "baby", "jugendliche", "jugendlicher",
               "enkel", "toechter", "soehne")
CAR_WORDS = ("auto", "autos", "kfz", "fahrzeug", "kraftfahrzeug", "wagen", "pkw", "motorrad")
PAYMENT_QUESTION = re.compile(r"\b(wann kommt (das|mein) geld|wann (wird|gibt es|gibts) (das geld|ausgezahlt|"
                              r"gezahlt|ueberwiesen)|zahltermin\w*|auszahlung\w*|wann.{0,20}ueberwiesen)\b")
NOT_ARRIVED = re.compile(r"\b(nicht (da|angekommen|drauf|eingegangen|gekommen)|noch nichts|kein geld (da|bekommen)"
                         r"|fehlt)\b")


@dataclass(frozen=True)
class Turn:
    """The answer of one message: `reply` (None: run the KdU check, which needs the KdU slots), the context
    for the next follow-up, and whether to end with the offer of further help."""

    reply: Reply | None
    context: Context
    offer_help: bool = True


# Only the general offer ("Kann ich Ihnen sonst noch helfen?"): a "nein" to it ends the conversation.
FURTHER_HELP = re.compile(r"(?i)(kann ich (ihnen )?(sonst|noch|weiter)|sonst noch|noch etwas)")


def offers_further_help(text: str) -> bool:
    """Does a bot message end with the general offer of further help (not an offer of something specific)?"""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return bool(lines) and bool(FURTHER_HELP.search(lines[-1]))


def offers_help(text: str) -> bool:
    """Does a bot message end with an offer of further help ("Kann ich Ihnen sonst noch helfen?")?"""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return bool(lines) and bool(OFFER_OF_HELP.search(lines[-1]))


def with_next_step(content: Content, reply: Reply) -> Reply:
    """The reply with the offer of further help at its end (unless it already ends with one)."""
    if offers_help(reply.text):
        return reply
    # Same paragraph: the web chat shows each paragraph as a bubble and the buttons under the last one.
    return Reply(f"{reply.text}\n{template(content, 'next_step_offer')}", reply.buttons)


def finish(content: Content, turn: Turn) -> Reply:
    assert turn.reply is not None
    return with_next_step(content, turn.reply) if turn.offer_help else turn.reply


# ----------------------------------------------------------------------------- figures


def _figure(content: Content, key: str) -> float | None:
    figure = content.figures.get(key)
    return float(figure.value) if figure is not None and not isinstance(figure.value, str) else None


def _with_footer(content: Content, text: str, figure_keys: set[str]) -> str:
    return f"{text}\n\n{content.caveat}\n{stand_line(content, figure_keys)}"


def stage_for_age(age: int) -> int | None:
    """Regelbedarfsstufe of a child living with its parents (6: 0–5, 5: 6–13, 4: 14–17, 3: 18–24)."""
    if age < 0 or age >= 25:
        return None
    return 6 if age <= 5 else 5 if age <= 13 else 4 if age <= 17 else 3


def _adults(message: str) -> int | None:
    norm = textparse.normalise(message)
    match = re.search(r"\b(\d|ein|eine|zwei|drei)\s+erwachsene\w*", norm)
    if match:
        word = match.group(1)
        return int(word) if word.isdigit() else {"ein": 1, "eine": 1, "zwei": 2, "drei": 3}[word]
    if re.search(r"\b(paar|paare|partner\w*|ehepaar|wir beide|mein mann|meine frau|verheiratet)\b", norm):
        return 2
    return None


def _single_parent(message: str) -> bool:
    return "alleinerziehend" in textparse.normalise(message)


def _single_parent_percent(content: Content, ages: list[int]) -> float:
    """Mehrbedarf for single parents (§ 21 Abs. 3 SGB II) in percent of the Regelbedarf."""
    full = _figure(content, "mehrbedarf_alleinerziehend") or 0.0
    per_child = _figure(content, "mehrbedarf_alleinerziehend_je_kind") or 0.0
    cap = _figure(content, "mehrbedarf_alleinerziehend_max") or 0.0
    children = [a for a in ages if a < 18]
    under_16 = [a for a in children if a < 16]
    base = full if any(a < 7 for a in children) or 2 <= len(under_16) <= 3 else 0.0
    return min(cap, max(base, per_child * len(children)))


def benefit_amount(content: Content, message: str, follow_up: bool = False) -> Reply | None:
    """Regelbedarf for the children (and adults) named in the message, or None when none are named.
    `follow_up`: an elliptic question after the Regelbedarf ("und mit 5?") names a child's age."""
    named = textparse.mentions_any(message, CHILD_WORDS) or (follow_up and hours.is_elliptic(message))
    ages = textparse.find_ages(message) if named else []
    adults = _adults(message)
    single_parent = _single_parent(message)
    week = calculations.pregnancy_week(message) if calculations.mentions_pregnancy(message) else None
    pregnant = week is not None and week >= 13
    if not ages and not (pregnant and (adults or textparse.find_persons(message) == 1)):
        return None  # a household without children is estimated only with a pregnancy (else: the table)
    if pregnant and not (single_parent or adults):
        adults = 1  # "ich wohne allein und bin in der 20. woche schwanger"
    used = {"sofortzuschlag"}
    bonus = _figure(content, "sofortzuschlag") or 0.0
    rows: list[str] = []
    total = 0.0
    if single_parent or adults:
        count = 1 if single_parent else adults or 1
        key = "regelbedarf_1" if count == 1 else "regelbedarf_2"
        amount = _figure(content, key) or 0.0
        used.add(key)
        label = "Alleinerziehende" if single_parent else "Erwachsene Person" if count == 1 else f"{count} Partner"
        rows.append(f"• {label}: {euro(amount)}" if count == 1 else f"• {label}: je {euro(amount)} = {euro(amount * count)}")
        total += amount * count
    for age in ages:
        stage = stage_for_age(age)
        if stage is None:
            continue
        key = f"regelbedarf_{stage}"
        amount = _figure(content, key) or 0.0
        used.add(key)
        rows.append(f"• Kind, {age} Jahre: {euro(amount)} (Regelbedarfsstufe {stage}) + {euro(bonus)} Sofortzuschlag"
                    f" = {euro(amount + bonus)}")
        total += amount + bonus
    if not rows:
        return None
    if single_parent:
        percent = _single_parent_percent(content, ages)
        base = _figure(content, "regelbedarf_1") or 0.0
        extra = round(base * percent / 100, 2)
        used.update({"mehrbedarf_alleinerziehend", "regelbedarf_1"})
        rows.append(f"• Mehrbedarf für Alleinerziehende ({percent:g} % von {euro(base)}): {euro(extra)}")
        total += extra
    if pregnant:
        percent = _figure(content, "mehrbedarf_schwangerschaft") or 0.0
        key = "regelbedarf_2" if adults == 2 else "regelbedarf_1"
        base = _figure(content, key) or 0.0
        extra = round(base * percent / 100, 2)
        used.update({"mehrbedarf_schwangerschaft", key})
        rows.append(f"• Mehrbedarf Schwangerschaft ab der 13. Woche ({percent:g} % von {euro(base)}): {euro(extra)}")
        total += extra
    if single_parent or adults:
        text = template(content, "benefit_estimate", rows="\n".join(rows), total=euro(round(total, 2)))
    else:
        text = template(content, "benefit_children", rows="\n".join(rows))
    return Reply(_with_footer(content, text, used), content.answers["ask_benefit_amount"].buttons
                 if "ask_benefit_amount" in content.answers else ())


def assets_for_household(content: Content, message: str) -> Reply | None:
    """Free assets for a household size named in the message ("und als paar?", "wir sind 3 personen")."""
    persons = textparse.find_persons(message)
    if persons is None and _adults(message) == 2:
        persons = 2
    first, further = _figure(content, "vermoegen_karenz_erste_person"), _figure(content, "vermoegen_karenz_weitere_person")
    each = _figure(content, "vermoegen_je_person")
    if persons is None or not 1 <= persons <= 20 or None in (first, further, each):
        return None
    assert first is not None and further is not None and each is not None
    text = template(content, "assets_household", persons=persons_text(persons),
                    karenz=euro(first + further * (persons - 1)), after=euro(each * persons))
    keys = {"vermoegen_karenz_erste_person", "vermoegen_karenz_weitere_person", "vermoegen_je_person"}
    return Reply(_with_footer(content, text, keys))


EARNINGS_KEYS = ("freibetrag_grund", "freibetrag_grenze_1", "freibetrag_satz_1", "freibetrag_grenze_2",
                 "freibetrag_satz_2", "freibetrag_grenze_3", "freibetrag_grenze_3_kind", "freibetrag_satz_3",
                 "minijob_grenze")


def _allowance_rules(content: Content) -> calculations.Allowance | None:
    values = [_figure(content, key) for key in EARNINGS_KEYS]
    if any(v is None for v in values):
        return None
    base, limit_1, rate_1, limit_2, rate_2, limit_3, limit_3_child, rate_3, minijob = (float(v or 0) for v in values)
    return calculations.Allowance(base, limit_1, rate_1, limit_2, rate_2, limit_3, limit_3_child, rate_3, minijob)


def earnings_allowance(content: Content, income: float | None, message: str = "") -> Reply | None:
    """How much of a gross monthly income stays free (§ 11b SGB II), with a minor child and for pupils,
    students and trainees under 25 as the message says; without an amount the rules and the question for it."""
    rules = _allowance_rules(content)
    if rules is None:
        return None
    if income is None:
        return _template_reply(content, "earnings_rules")
    if not 0 < income <= 100000:
        return None
    with_child = textparse.mentions_any(message, CHILD_WORDS)
    result = calculations.earnings(rules, income, with_child=with_child,
                                   young=calculations.is_young_earner(message))
    values = dict(income=euro(income), free=euro(result.free), counted=euro(result.counted))
    if result.young:
        text = template(content, "earnings_allowance_young", **values)
    else:
        top = rules.limit_3_child if with_child else rules.limit_3
        text = template(content, "earnings_allowance", top=euro(top), **values,
                        child_note=" (mit minderjährigem Kind im Haushalt)" if with_child else
                        f" (gerechnet ohne minderjähriges Kind; mit Kind bis {euro(rules.limit_3_child)})"
                        if income > rules.limit_2 else "")
    return Reply(_with_footer(content, text, set(EARNINGS_KEYS)))


def pregnancy_answer(content: Content, message: str) -> Reply | None:
    """The pregnancy Mehrbedarf worked out for the mother's Regelbedarf (partner: Stufe 2), from when."""
    percent = _figure(content, "mehrbedarf_schwangerschaft")
    key = "regelbedarf_2" if _adults(message) == 2 else "regelbedarf_1"
    base = _figure(content, key)
    if percent is None or base is None:
        return None
    week = calculations.pregnancy_week(message)
    from_week = ""
    if week is not None and week < 13:
        from_week = f" – bei Ihnen in etwa {13 - week} {'Woche' if 13 - week == 1 else 'Wochen'}"
    text = template(content, "pregnancy_extra", base=euro(base), extra=euro(round(base * percent / 100, 2)),
                    from_week=from_week)
    return Reply(_with_footer(content, text, {"mehrbedarf_schwangerschaft", key}),
                 (Button("Antrag Mehrbedarf", "request_document"),))


# ----------------------------------------------------------------------------- special questions

_EARNINGS = re.compile(r"\b(minijob\w*|nebenjob\w*|hinzuverdien\w*|dazuverdien\w*|nebenbei|behalten|freibetrag|"
                       r"anrechnung|angerechnet)\b")
_OBJECTION = re.compile(r"\b(widerspruch\w*|ueberpruefungsantrag|einspruch)\b|\bbescheid\b.*\b(falsch|dagegen|"
                        r"nicht einverstanden|anfechten|fehler)\b|\b(falsch|dagegen)\b.*\bbescheid\b")
_BACK_PAYMENT = re.compile(r"\b(\w*nachzahlung\w*|nebenkostenabrechnung\w*|betriebskostenabrechnung\w*|"
                           r"heizkostenabrechnung\w*|nachzahlen)\b")
_CREDIT = re.compile(r"\bguthaben\b.*\b(abrechnung\w*|nebenkosten\w*|heizkosten\w*|betriebskosten\w*)\b|"
                     r"\b(nebenkosten\w*|heizkosten\w*|betriebskosten\w*)\b.*\b(guthaben|rueckzahlung|zurueck)\b")
_OLD_AGE = re.compile(r"\b(grundsicherung im alter|altersgrundsicherung|erwerbsminderung\w*|erwerbsgemindert|"
                      r"rentenalter|altersrente)\b|\b(bin|ich)\s+(6[6-9]|[7-9]\d)\b.*\brente\b|"
                      r"\brente\b.*\b(reicht|reichen) nicht\b")
_MAINTENANCE = re.compile(r"\bunterhaltsvorschuss\b|\bunterhalt\b.*\b(zahlt|bezahlt|kommt|bekomme?)\b.*"
                          r"\b(nicht|kein\w*|nie)\b|\b(zahlt|bezahlt|bekomme?|kriege?)\b.*\b(keinen|kein|nicht)\b.*\bunterhalt\b")
_MOVING_COSTS = re.compile(r"\b(umzugskosten|umzugshilfe|mietkaution|kaution|zusicherung)\b|"
                           r"\bumzieh\w*\b.*\b(zahlt|bezahlt|uebernimmt|kosten|darf ich|erlaubt|genehmig\w*)\b")
_AFTER_FIRST_YEAR = re.compile(r"\b(nach dem ersten jahr|nach einem jahr|nach der karenzzeit|danach|spaeter|"
                               r"zweiten jahr|ab dem zweiten|nach ablauf|nach 12 monaten)\b")
_HOUSING_WORRY = re.compile(r"\b(verlieren|verliere|kuendig\w*|rausfliegen|raus muss|ausziehen muss|umziehen muss|"
                            r"rauswerfen|zwangsumzug)\b")
_MISSED = re.compile(r"\b(verpasst|verschlafen|vergessen|versaeumt|nicht hingegangen|nicht da gewesen|"
                     r"nicht erschienen|nicht gegangen)\b")
_LEGAL_STEPS = re.compile(r"\b(anwalt|anwaeltin|rechtsanwalt\w*|zeig\w* (ich )?euch an|anzeigen|anzeige|klage\w*|"
                          r"verklagen|sozialgericht|gericht)\b")
_UNEMPLOYMENT = re.compile(r"\b(meld\w* (ich )?mich arbeitslos|arbeitslos meld\w*|arbeitsuchend meld\w*|"
                           r"arbeitslosengeld( 1| i| eins)?|alg ?(1|i)|(job|arbeitsvertrag|vertrag|stelle) endet)\b")
_DEBTS = re.compile(r"\b(schulden|schuldnerberatung|verschuldet|inkasso|mahnungen)\b")
_MOVE = re.compile(r"\b(umgezogen|umzug|ziehe\w*|neue adresse|neue anschrift|eingezogen|ausgezogen)\b")
_FROM_WHEN = re.compile(r"\b(ab wann|ab welchem|seit wann|rueckwirkend)\b")
# "wo geb ich das ab", "wohin schicke ich den antrag": where a filled-in form goes
_HAND_IN = re.compile(r"\b(wo\b.{0,25}\b(abgeb\w*|abzugeben|einreich\w*|einzureichen|hinschick\w*|hinbring\w*|hin)\b|"
                      r"wo (geb|reich|bring|schick|werf)\w*\b.{0,25}\b(ab|ein|hin)\b|"
                      r"wohin\b|abgeb\w* (kann|muss|soll)|wie (reiche|gebe|schicke) ich)")
# "was passiert, wenn ich die unterlagen nicht rechtzeitig schaffe": what a missed deadline means, not yet a request
_WHAT_IF = re.compile(r"\b(was passiert|was ist|was geschieht|was droht|was sind die folgen|welche folgen|"
                      r"schlimm)\b.{0,20}\b(wenn|falls)\b")
_LATE = re.compile(r"\b(nicht (rechtzeitig|puenktlich|fristgerecht|bis zur frist|bis zum)\w*|zu spaet|"
                   r"nicht (schaffe|hinbekomme|einreiche|abgebe|schicke)\w*|frist\w* (verpass|versaeum)\w*)")
_PAPERS = re.compile(r"\b(unterlagen|nachweis\w*|dokument\w*|papiere|belege|kontoauszu\w*|frist\w*)\b")


def _template_reply(content: Content, key: str, buttons: tuple[Button, ...] = ()) -> Reply:
    text, used = fill(content, content.templates[key])
    return Reply(_with_footer(content, text, used) if used else text, buttons)


def _special(content: Content, message: str, intent: str) -> Turn | None:
    """Questions with their own answer whatever the intent: referrals, objections, back payments, earnings."""
    norm = textparse.normalise(message)
    if intent not in WEAK_INTENTS | KNOWLEDGE_INTENTS | {"ask_housing_costs"}:
        return None
    if "kindergeld" in norm and intent != "ask_benefit_amount":
        return Turn(_template_reply(content, "referral_kindergeld"), Context("referral"))
    if _UNEMPLOYMENT.search(norm):
        return Turn(_template_reply(content, "referral_unemployment"), Context("referral"))
    if _DEBTS.search(norm):
        return Turn(_template_reply(content, "referral_debts"), Context("referral"))
    if "wohngeld" in norm:
        return Turn(_template_reply(content, "referral_wohngeld"), Context("referral"))
    if _OLD_AGE.search(norm):
        return Turn(_template_reply(content, "referral_social_welfare"), Context("referral"))
    if _MAINTENANCE.search(norm):
        return Turn(_template_reply(content, "referral_youth_office"), Context("referral"))
    if _MOVING_COSTS.search(norm):
        return Turn(_template_reply(content, "moving_costs", (Button("Richtwerte Miete", "ask_housing_costs"),)),
                    Context("kdu"))
    if _OBJECTION.search(norm):
        return Turn(_template_reply(content, "objection"), Context("objection"))
    if _CREDIT.search(norm):
        return Turn(_template_reply(content, "utility_credit"), Context("kdu"))
    if _BACK_PAYMENT.search(norm):
        return Turn(_template_reply(content, "utility_back_payment"), Context("kdu"))
    if intent == "ask_housing_costs" and _HOUSING_WORRY.search(norm) and textparse.find_amount(message) is None:
        return Turn(_template_reply(content, "kdu_worry"), Context("kdu"))
    if intent == "ask_sanctions" and _MISSED.search(norm):
        return Turn(_template_reply(content, "missed_appointment", (Button("Termin vereinbaren", "book_appointment"),)),
                    Context("sanctions"))
    if intent in ("nlu_fallback", "out_of_scope", "submit_complaint") and _LEGAL_STEPS.search(norm):
        return Turn(_template_reply(content, "legal_steps"), Context("objection"))
    asks_earnings = calculations.asks_about_earnings(message)
    if (_EARNINGS.search(norm) or asks_earnings) and intent != "ask_housing_costs":
        income = _income(message)
        reply = earnings_allowance(content, income, message) if income or asks_earnings else None
        if reply:
            return Turn(reply, Context("earnings"))
    if "erstausstattung" in norm or ("baby" in norm and _FIRST_EQUIPMENT.search(norm)):
        return Turn(_template_reply(content, "first_equipment", (Button("Antrag § 24", "request_document"),)),
                    Context("additional_needs"))
    if calculations.mentions_pregnancy(message) and _MORE_MONEY.search(norm):
        household = benefit_amount(content, message) if intent == "ask_benefit_amount" else None
        if household:  # "wir sind 2 erwachsene …, 20. woche schwanger, wie viel bekommen wir": the estimate
            return Turn(household, Context("benefit_amount"))
        reply = pregnancy_answer(content, message)
        if reply:
            return Turn(reply, Context("additional_needs"))
    return None


_FIRST_EQUIPMENT = re.compile(r"\b(ausstattung|kinderwagen|babybett|kinderbett|babysachen|erstausstattung)\b")
_MORE_MONEY = re.compile(r"\b(mehr geld|mehr bekommen|zusaetzlich|extra|mehrbedarf\w*|zuschuss|zuschlag|"
                         r"unterstuetzung|bekomm\w* ich|krieg\w* ich|steht mir|anspruch|hilfe|geld)\b")
_INCOME_NUMBER = re.compile(r"\b(\d{2,5})(?:[.,]\d{1,2})?\s*(?:brutto|netto|im monat|monatlich)\b|"
                            r"\b(?:verdien\w*|bekomme|krieg\w*)\s+(?:ca\.? |etwa |so )?(\d{2,5})\b")


def _income(message: str) -> float | None:
    """A gross income in the message: with a currency, "1300 brutto", or in words ("neunhundert euro")."""
    return textparse.find_amount(message) or _plain_income(message) or textparse.find_spoken_amount(message)


def _plain_income(message: str) -> float | None:
    """A gross income said without a currency ("ich verdiene 1300 brutto")."""
    match = _INCOME_NUMBER.search(textparse.normalise(message))
    return float(match.group(1) or match.group(2)) if match else None


def _follow_up(content: Content, message: str, intent: str, ctx: Context, now: dt.datetime,
               closing_days: Collection[dt.date]) -> Turn | None:
    """An elliptic question that leans on the previous answer's topic."""
    norm = textparse.normalise(message)
    if ctx.topic is None or not message:
        return None
    follow_intent = intent in WEAK_INTENTS or intent in LOCATION_INTENTS
    if ctx.topic == "assets" and (follow_intent or intent == "ask_assets"):
        if textparse.mentions_any(message, CAR_WORDS):
            return Turn(_template_reply(content, "assets_car"), ctx)
        if _AFTER_FIRST_YEAR.search(norm):
            return Turn(_template_reply(content, "assets_after_karenzzeit"), ctx)
        household = assets_for_household(content, message)
        if household:
            return Turn(household, ctx)
    if ctx.topic == "earnings" and (follow_intent or intent in KNOWLEDGE_INTENTS) and _income(message):
        earned = earnings_allowance(content, _income(message), message)  # "so 850 brutto" after the rules
        if earned:
            return Turn(earned, ctx)
    if ctx.topic == "benefit_amount" and (follow_intent or intent == "ask_benefit_amount"):
        reply = benefit_amount(content, message, follow_up=True)
        if reply:
            return Turn(reply, ctx)
    if ctx.topic == "application" and (follow_intent or intent in ("ask_payment", "ask_application")) and (
            _FROM_WHEN.search(norm) or ("wann" in norm.split() and "geld" in norm.split())):
        return Turn(_template_reply(content, "application_from_when"), ctx)
    if ctx.topic == "payment" and (follow_intent or intent == "ask_payment") and NOT_ARRIVED.search(norm):
        buttons = content.answers["ask_payment"].buttons if "ask_payment" in content.answers else ()
        return Turn(_template_reply(content, "payment_missing", buttons), ctx)
    if ctx.topic == "documents" and _HAND_IN.search(norm):
        return Turn(_template_reply(content, "documents_hand_in"), ctx)
    if ctx.topic in ("online_services", "hotline") and textparse.mentions_any(message, hours.HOTLINE_WORDS):
        return Turn(Reply(template(content, "hotline_hours")), Context("hotline"))
    if ctx.is_location and follow_intent:
        today = (now.replace(tzinfo=None) if now.tzinfo else now).date()
        if hours.asks_contact(message) and not hours.asks_hours(message) and not hours.names_time(message, today):
            reply, new_ctx = hours.answer_contact(content, message, ctx)
            return Turn(reply, new_ctx)
        if ((hours.names_time(message, today) and hours.is_elliptic(message)) or hours.asks_hours(message)
                or hours.find_office(content, message)):
            reply, new_ctx = hours.answer_hours(content, message, now, ctx, closing_days)
            return Turn(reply, new_ctx)
    return None


def _second_questions(content: Content, message: str, intent: str) -> tuple[list[str], list[str], list[Button]]:
    """Further questions in the same message: short answers, or an offer to answer them next with a button."""
    norm = textparse.normalise(message)
    extra: list[str] = []
    offers: list[str] = []
    buttons: list[Button] = []
    if intent == "ask_benefit_amount" and "mehrbedarf" in norm and _single_parent(message) and not (
            textparse.mentions_any(message, CHILD_WORDS) and textparse.find_ages(message)):
        extra.append(template(content, "single_parent_extra"))
    if intent != "ask_education_participation" and re.search(r"\b(klassenfahrt\w*|schulausflug\w*|ausflug)\b", norm):
        extra.append(template(content, "class_trip_extra"))
    if intent != "ask_payment" and PAYMENT_QUESTION.search(norm):
        offers.append(template(content, "second_question_offer", question="Wann kommt das Geld (Zahltermin)?"))
        buttons.append(Button("Zahltermine", "ask_payment"))
    return extra, offers, buttons


def _location_extras(content: Content, message: str, reply: Reply) -> Reply:
    """An hours answer to a message that also asks for an appointment offers the booking."""
    if textparse.mentions_any(message, ("termin", "termine", "terminvereinbarung")):
        text = f"{reply.text}\n\n{template(content, 'booking_offer')}"
        return Reply(text, (Button("Termin vereinbaren", "book_appointment"),) + reply.buttons)
    return reply


def _merge(content: Content, reply: Reply, extra: list[str], offers: list[str], buttons: list[Button]) -> Reply:
    """The reply with further answers added before its caveat and "Stand" line, offers at its end and the
    further buttons first."""
    titles = {b.title for b in reply.buttons}
    merged = tuple(b for b in buttons if b.title not in titles) + reply.buttons
    text = reply.text
    if extra:
        body, sep, footer = text.partition("\n\n" + content.caveat)
        text = "\n\n".join([body, *extra]) + (sep + footer if sep else "")
    return Reply("\n\n".join([text, *offers]), merged)


_OWN_DATA = re.compile(r"\bmeine (bg )?nummer\b|\bbg\b|\d{5} ?bg|kundennummer|\b\d{1,2}\.\d{1,2}\.(19|20)\d\d\b|"
                       r"\b0\d{3,4} ?\d{4,}")


def _has_own_data(message: str) -> bool:
    """The citizen's own number, birth date or phone number: a request about their own matter (a declaration,
    an appointment), not a general question such as "rest offen" or "erreichbar unter 0171 …"."""
    return bool(_OWN_DATA.search(textparse.normalise(message)))


def _about_own_matter(message: str) -> bool:
    """An appointment or a declaration ("termin ... meine nummer ist ..."): not a question for the office's
    contact details."""
    return _has_own_data(message) or bool(re.search(r"\btermin\w*", textparse.normalise(message)))


def respond(content: Content, message: str, intent: str, ctx: Context, now: dt.datetime,
            closing_days: Collection[dt.date] = frozenset(), offered_help: bool = False) -> Turn | None:
    """The answer to a message, or None when the action's usual answer for the intent is right."""
    if intent == "deny" and offered_help and not hours.asks_hours(message):
        goodbye = answer_for_intent(content, "goodbye")
        if goodbye:
            return Turn(goodbye, Context(), offer_help=False)
    if intent == "affirm" and ctx.offer and ctx.offer in content.answers and not hours.asks_hours(message):
        accepted = answer_for_intent(content, ctx.offer)  # "ja" to "Möchten Sie jetzt die Antwort darauf?"
        if accepted:
            return Turn(accepted, Context(ctx.offer.removeprefix("ask_")))
    special = _special(content, message, intent)
    if special:
        return special
    follow = _follow_up(content, message, intent, ctx, now, closing_days)
    if follow:
        return follow
    asks_now_at_office = bool(message) and textparse.mentions_now(message) and hours.find_office(content, message)
    if intent == "ask_opening_hours" or (intent in WEAK_INTENTS and message and not _has_own_data(message) and (
            hours.asks_hours(message) or asks_now_at_office)):
        reply, new_ctx = hours.answer_hours(content, message, now, ctx, closing_days)
        return Turn(_location_extras(content, message, reply), new_ctx)
    if intent == "ask_contact":
        reply, new_ctx = hours.answer_contact(content, message, ctx)
        return Turn(reply, new_ctx)
    if intent in WEAK_INTENTS and message:
        if hours.find_office(content, message) and hours.asks_contact(message) and not _about_own_matter(message):
            reply, new_ctx = hours.answer_contact(content, message, ctx)
            return Turn(reply, new_ctx)
        if intent in ("nlu_fallback", "out_of_scope") and looks_like_rent_question(message):
            return Turn(None, Context("kdu"))
        return None
    if intent in KNOWLEDGE_INTENTS:
        topic = intent.removeprefix("ask_")
        computed = benefit_amount(content, message) if intent == "ask_benefit_amount" else None
        answer = computed or answer_for_intent(content, intent)
        if answer is None:
            return None
        extra, offers, buttons = _second_questions(content, message, intent)
        offered = next((b.intent for b in buttons), None) if offers else None
        return Turn(_merge(content, answer, extra, offers, buttons), Context(topic, offer=offered))
    return None


def question_instead_of_request(content: Content, message: str, ctx: Context, now: dt.datetime,
                                closing_days: Collection[dt.date] = frozenset()) -> Turn | None:
    """A general question the NLU filed as a declaration or request ("kann ich jetzt noch in die mitte kommen" as
    a deadline extension, "wir sind zu zweit die neue wohnung kostet 390 bruttokalt" as a change, "wo meld ich
    mich arbeitslos" as new employment): its answer, or None when the message is a request after all. Messages
    with the citizen's own number, birth date or phone number are always requests."""
    if not message or _has_own_data(message):
        return None
    norm = textparse.normalise(message)
    if _UNEMPLOYMENT.search(norm) and re.search(r"\b(wo|wie|bei euch|muss ich|wann)\b", norm):
        return Turn(_template_reply(content, "referral_unemployment"), Context("referral"))
    if _WHAT_IF.search(norm) and _LATE.search(norm) and _PAPERS.search(norm):
        extension = Button("Fristverlängerung beantragen", "request_deadline_extension")
        return Turn(_template_reply(content, "late_documents", (extension,)), Context("deadline"))
    office = hours.find_office(content, message)
    if hours.asks_hours(message) or (office and textparse.mentions_now(message)):
        reply, new_ctx = hours.answer_hours(content, message, now, ctx, closing_days)
        return Turn(reply, new_ctx)
    if calculations.asks_about_earnings(message):  # "freibetrag bei einkommen", not "ich habe einen neuen job"
        earned = earnings_allowance(content, _income(message), message)
        if earned:
            return Turn(earned, Context("earnings"))
    reports = bool(re.search(r"\b(melden|mitteilen|einreichen|hochladen)\b", norm))
    credit = bool(_CREDIT.search(norm))
    if (credit or _BACK_PAYMENT.search(norm)) and not reports:  # one-off bills are no income
        return Turn(_template_reply(content, "utility_credit" if credit else "utility_back_payment"), Context("kdu"))
    if calculations.mentions_pregnancy(message) and _MORE_MONEY.search(norm) and "?" in message:
        extra = pregnancy_answer(content, message)
        if extra:
            return Turn(extra, Context("additional_needs"))
    if ctx.topic == "kdu" and calculations.rent_parts(message).said and not _MOVE.search(norm):
        return Turn(None, Context("kdu"))  # "davon sind 90 heizung" after the question for the heating part
    if (looks_like_rent_question(message) and textparse.find_persons(message) is not None
            and not _MOVE.search(norm)):
        return Turn(None, Context("kdu"))
    return None
