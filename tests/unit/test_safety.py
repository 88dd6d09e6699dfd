"""The safety check, its Rasa component and policy, the crisis answer and its side effects (real Redis).

The labelled set in tests/safety/ measures the detector as a whole (tests/unit/test_safety_set.py);
these tests pin the behaviour at its edges and the plumbing around it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.handover.state import Handover
from bot.safety import detect
from bot.safety.component import decide
from bot.safety.detect import CRISIS, NONE, THREAT, THREAT_POSSIBLE, URGENT_NEED, assess, fold
from bot.safety.policy import next_action
from bot.safety.texts import CRISIS_FIRST_SENTENCE, first_sentence, get_safety, load_safety

KEEP = {CRISIS: 0.5, URGENT_NEED: 0.6}
MONDAY_10 = dt.datetime(2026, 11, 30, 10, 0)  # within the Service Center's hours
SUNDAY_10 = dt.datetime(2026, 11, 29, 10, 0)


# ------------------------------------------------------------------ the detector
@pytest.mark.parametrize("text, kind", [
    # the messages of the issue, as citizens wrote them
    ("ich weiß nicht mehr weiter, ich will nicht mehr leben", CRISIS),
    ("ich hab suizidgedanken", CRISIS),
    ("ich bring mich um wenn das so weitergeht", CRISIS),
    ("was passiert wenn es zu teuer ist", NONE),
    ("was mach ich wenn's nicht kommt, hab kein essen mehr", URGENT_NEED),
    ("ich", NONE),
    # a crisis and a threat in one message is a crisis
    ("wenn ihr mir das geld streicht bring ich mich um und den sachbearbeiter gleich mit", CRISIS),
    ("ICH WILL NICHT MEHR LEBEN!!!", CRISIS),
    ("Ich will nicht mehr leben.", CRISIS),
    ("ich bring euch alle um", THREAT),
    ("ich bringe die unterlagen um 9 vorbei", NONE),
    ("ich bringe den antrag um zehn uhr vorbei", NONE),
    ("die warteschleife bringt mich noch um", NONE),
    ("ich kann nicht mehr warten, wann kommt der bescheid", NONE),
    ("hab schulden und weiss nicht mehr weiter mit den rechnungen wer hilft da", NONE),
    ("ich weiß nicht mehr weiter mit den mahnungen und mir ist alles egal, ich will nicht mehr leben", CRISIS),
    ("ich kann nicht mehr", CRISIS),
    ("ihr werdet schon sehen", THREAT_POSSIBLE),
    ("ihr werdet schon sehen, mein anwalt legt widerspruch ein", NONE),
    ("ich zünde mir eine zigarette an", NONE),
    ("hab mich beim kochen mit dem messer geschnitten, brauch ich eine AU", NONE),
    ("wann kommt das geld", NONE),
    ("das geld ist immer noch nicht gekommen", URGENT_NEED),
    ("/request_human", NONE),
    ("", NONE),
])
def test_assess_decides_the_class(text, kind):
    assert assess(text).kind == kind


def test_violence_at_home_is_a_crisis_marked_as_violence():
    verdict = assess("mein mann schlägt mich und die kinder")
    assert verdict.kind == CRISIS and verdict.rule == "violence"
    assert assess("ich will sterben").rule == "crisis"


def test_a_crisis_sentence_buried_in_a_long_message_is_found():
    filler = "ich habe eine frage zu meinem bescheid und zur miete. " * 60
    assert assess(filler + "ehrlich gesagt will ich nicht mehr leben. " + filler[:500]).kind == CRISIS


def test_text_beyond_the_message_limit_is_not_read():
    assert assess("a " * detect.MAX_CHARS + "ich will nicht mehr leben").kind == NONE


def test_fold_unifies_spelling_variants():
    assert fold("Süizid") == fold("sueizid") == " suizid "
    assert fold("UMBRINNGEN!!") == " umbringen . "
    assert fold("weiß, nicht") == " weis , nicht "


def test_every_pattern_can_match_folded_text():
    """A pattern with 'ue', 'ß' or a doubled letter left after folding could never match."""
    import re

    for name in dir(detect):
        pattern = getattr(detect, name)
        if isinstance(pattern, re.Pattern):
            literal = re.sub(r"\\.", "", pattern.pattern)
            assert not re.search(r"ae|oe|ue|[äöüß]|([a-z])\1", literal), name


# ------------------------------------------------------------------ the NLU component
def test_rules_override_the_classifier():
    intent, ranking = decide("ich will nicht mehr leben", [{"name": "waive_benefits", "confidence": 0.99}], KEEP)
    assert intent == {"name": CRISIS, "confidence": 1.0}
    assert ranking[1]["name"] == "waive_benefits" and ranking[1]["confidence"] < 0.5  # no tie for the fallback


def test_a_classifier_threat_without_the_rules_is_not_a_threat():
    ranking = [{"name": "threat", "confidence": 0.7}, {"name": "inform", "confidence": 0.2}]
    intent, ranked = decide("ich", ranking, KEEP)
    assert intent["name"] == "inform" and all(r["name"] != "threat" for r in ranked)


def test_a_confident_safety_model_crisis_counts_an_unsure_one_does_not():
    words = "es ist alles so schwer geworden"
    ranking = [{"name": "greet", "confidence": 0.3}]
    assert decide(words, ranking, KEEP, model_scores={"crisis": 0.8, "none": 0.2})[0]["name"] == CRISIS
    assert decide(words, ranking, KEEP, model_scores={"crisis": 0.4, "none": 0.6})[0]["name"] == "greet"


def test_the_intent_classifiers_own_safety_guesses_are_dropped():
    ranking = [{"name": "crisis", "confidence": 0.9}, {"name": "inform", "confidence": 0.1}]
    assert decide("es ist alles so schwer geworden", ranking, KEEP)[0]["name"] == "inform"


def test_a_short_form_answer_is_never_a_crisis_by_the_model_alone():
    ranking = [{"name": "inform", "confidence": 0.6}]
    assert decide("ich selbst", ranking, KEEP, model_scores={"crisis": 0.95})[0]["name"] == "inform"


def test_the_safety_model_learns_from_its_own_examples_and_other_intents_as_none():
    from bot.safety.component import training_examples

    texts, labels = training_examples([("wann habt ihr offen", "ask_opening_hours"), ("ich will sterben", "crisis")],
                                      negatives=10)
    assert "crisis" in labels and "none" in labels and "ask_opening_hours" not in labels
    assert labels.count("crisis") > 100  # bot/safety/data/training.yml is read


# ------------------------------------------------------------------ the dialogue policy
def test_policy_answers_crisis_and_threat_first_then_listens():
    assert next_action("action_listen", "crisis") == "action_crisis"
    assert next_action("action_listen", "threat") == "action_threat"
    assert next_action("action_crisis", "crisis") == "action_listen"
    assert next_action("action_listen", "book_appointment") is None
    assert next_action("booking_form", "crisis") is None  # only right after the citizen's message


def test_policy_lets_a_clear_request_for_a_person_leave_an_appointment_form():
    assert next_action("action_listen", "request_human", "booking_form", 0.95) == "action_handover"
    assert next_action("action_listen", "request_human", "booking_form", 0.5) is None  # unsure: the form decides
    assert next_action("action_listen", "request_human", None, 0.95) is None  # no form: the rules answer
    assert next_action("action_listen", "request_human", "declaration_form", 0.95) is None  # it says what's unsent


# ------------------------------------------------------------------ content
def test_the_crisis_answer_starts_with_the_crisis_lines():
    safety = get_safety()
    opening = first_sentence(safety.texts["crisis"])
    for name in CRISIS_FIRST_SENTENCE:
        assert f"{{{name}}}" in opening


def test_content_check_refuses_a_crisis_answer_without_the_lines_first(tmp_path):
    from bot.core.yamlsource import ContentError

    root = Path(__file__).resolve().parents[2]
    (tmp_path / "content").mkdir()
    text = (root / "content" / "safety.yml").read_text(encoding="utf-8")
    broken = text.replace("  crisis: >-\n    Bitte rufen Sie jetzt", "  crisis: >-\n    Es tut mir leid. Bitte rufen Sie jetzt")
    assert broken != text
    (tmp_path / "content" / "safety.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_safety(tmp_path)
    assert "safety.yml" in str(error.value.problems[0]) and "Krisennummern" in str(error.value.problems[0])


# ------------------------------------------------------------------ what a crisis does (real Redis)
def _lines():
    return get_safety().lines


def test_crisis_in_the_web_chat_goes_to_the_top_of_the_queue_with_a_case_and_an_alert(redis_client):
    from bot.cases.store import CaseStore
    from bot.safety.response import handle_crisis

    handover = Handover(redis_client)
    handover.mark_present("anna")
    handover.enqueue("waiting-a", priority="urgent", topic="threat", now=1.0)
    pubsub = redis_client.pubsub()
    pubsub.subscribe("ho:events")
    outcome = handle_crisis(redis_client, sender="c1", channel="webchat", text="ich will nicht mehr leben",
                            now=MONDAY_10)
    assert outcome.person == "now"
    assert [e.sender for e in handover.queue()][0] == "c1"
    assert handover.queue()[0].priority == "crisis" and handover.queue()[0].topic == "Krise"
    first = outcome.messages[0]
    for name in CRISIS_FIRST_SENTENCE:
        assert _lines()[name] in first_sentence(first)
    case = CaseStore(redis_client).get(outcome.case)
    assert case.kind == "krise" and case.priority == "crisis"
    events = []
    for _ in range(10):
        message = pubsub.get_message(timeout=0.2)
        if message and message["type"] == "message":
            events.append(json.loads(message["data"]))
    assert {"type": "crisis_alert", "sender": "c1", "case": outcome.case, "channel": "webchat",
            "person": "now"} in events


def test_crisis_outside_service_hours_says_so_and_still_creates_the_case(redis_client):
    from bot.cases.store import CaseStore
    from bot.safety.response import handle_crisis, safety_text

    Handover(redis_client).mark_present("anna")
    outcome = handle_crisis(redis_client, sender="c2", channel="webchat", text="hab suizidgedanken", now=SUNDAY_10)
    assert outcome.person == "none"
    assert Handover(redis_client).queue() == []
    assert outcome.messages[-1].startswith(safety_text("crisis_no_person", hours="X").split("(")[0])
    assert CaseStore(redis_client).get(outcome.case).priority == "crisis"


def test_crisis_over_rest_offers_no_live_person(redis_client):
    from bot.safety.response import handle_crisis

    Handover(redis_client).mark_present("anna")
    outcome = handle_crisis(redis_client, sender="c3", channel="rest", text="ich kann nicht mehr", now=MONDAY_10)
    assert outcome.person == "none" and Handover(redis_client).queue() == []


def test_violence_at_home_adds_the_hilfetelefon(redis_client):
    from bot.safety.response import handle_crisis

    outcome = handle_crisis(redis_client, sender="c4", channel="webchat", text="mein mann schlägt mich",
                            now=SUNDAY_10, violence=True)
    assert _lines()["hilfetelefon_gewalt"] in outcome.messages[1]


def test_a_waiting_conversation_moves_to_the_top_and_the_citizen_gets_the_lines(redis_client):
    from bot.safety.response import crisis_while_with_person

    handover = Handover(redis_client)
    handover.enqueue("first", priority="urgent", now=1.0)
    handover.enqueue("late", priority="normal", now=2.0)
    answers = crisis_while_with_person(redis_client, sender="late", channel="webchat",
                                       text="ich halte das alles nicht mehr aus", now=MONDAY_10)
    assert [e.sender for e in handover.queue()] == ["late", "first"]
    assert answers and _lines()["telefonseelsorge"] in answers[0]
    assert crisis_while_with_person(redis_client, sender="late", channel="webchat", text="wann komme ich dran",
                                    now=MONDAY_10) == []


def test_with_an_agent_the_desk_is_alerted_and_the_bot_stays_silent(redis_client):
    from bot.safety.response import crisis_while_with_person

    handover = Handover(redis_client)
    handover.enqueue("talking", now=1.0)
    assert handover.claim("talking", "anna")[0]
    assert crisis_while_with_person(redis_client, sender="talking", channel="voice", text="ich will sterben",
                                    now=MONDAY_10) == []
    assert redis_client.zcard("cases:open") == 1


def test_escalate_never_lowers_a_priority(redis_client):
    handover = Handover(redis_client)
    handover.enqueue("x", priority="crisis", now=1.0)
    handover.escalate("x", "urgent", "Drohung")
    assert handover.queue()[0].priority == "crisis"


def test_a_possible_threat_is_a_normal_case_without_alert(redis_client):
    from bot.cases.store import CaseStore
    from bot.safety.response import record_possible_threat

    case = record_possible_threat(redis_client, sender="s", channel="webchat", text="ihr werdet schon sehen",
                                  now=MONDAY_10)
    stored = CaseStore(redis_client).get(case)
    assert stored.kind == "drohung_pruefen" and stored.priority == "normal"


def test_no_money_today_opens_one_priority_case_at_once_and_the_callback_completes_it(redis_client):
    from bot.cases.store import CaseStore
    from bot.safety.response import open_urgent_case

    first = open_urgent_case(redis_client, sender="u1", channel="rest", text="hab kein geld mehr", now=SUNDAY_10)
    again = open_urgent_case(redis_client, sender="u1", channel="rest", text="ich will mein geld", now=SUNDAY_10)
    other = open_urgent_case(redis_client, sender="u2", channel="rest", text="kein essen mehr", now=SUNDAY_10)
    assert first == again != other
    store = CaseStore(redis_client)
    case = store.get(first)
    assert (case.kind, case.priority, case.fields["nachricht"]) == ("notlage", "high", "hab kein geld mehr")
    store.add_fields(first, {"kontakt": "0171 2345678", "wunschzeit": "sofort"}, "assistent", SUNDAY_10)
    fields = store.get(first).fields
    assert (fields["kontakt"], fields["wunschzeit"], fields["nachricht"]) == ("0171 2345678", "sofort",
                                                                               "hab kein geld mehr")


def test_the_model_scores_a_practical_problem_without_the_crisis_words():
    from bot.safety.detect import model_text

    rest = model_text("hab schulden und weiß nicht mehr weiter mit den rechnungen wer hilft da")
    assert "weiter" not in rest and "schulden" in rest
    crisis = "ich weiss nicht mehr weiter mit den rechnungen, ich sehe kein licht mehr"
    assert "kein licht mehr" in model_text(crisis)
    assert model_text("ich weiß nicht mehr weiter") == "ich weiß nicht mehr weiter"  # no practical object
