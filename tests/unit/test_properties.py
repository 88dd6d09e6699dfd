"""Property-based tests (hypothesis): whatever a citizen types, the parsers and the declaration
dialogue answer with a value or a German hint and never crash; redaction never lets an IBAN,
BG-Nummer or e-mail address through."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import get_content
from bot.core.redact import redact
from bot.declarations import fields, flow
from bot.declarations.catalogue import get_catalogue
from bot.language.dates import Wish, WishError, parse_wish
from bot.language.textparse import find_amount, find_day, find_persons, find_rent

TODAY = dt.date(2026, 11, 24)
GERMAN = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
WORDS = st.lists(st.sampled_from(["vom", "bis", "1.12.", "28.12.", "5.1.", "morgen", "ab", "für", "2", "Wochen",
                                  "DE89", "3704", "0044", "ja", "nein", "korrigieren", "abbrechen", "Umzug",
                                  "450", "€", "Montag", "seit", "31.02.", "-", "–", "weiß nicht", "Post", "Link",
                                  "Straße", "12", "50667", "Musterstadt", "@", "0171"]), max_size=8).map(" ".join)
ANSWERS = st.one_of(GERMAN, WORDS)
# derandomize: CI gets the same examples on every run (reproducible); raise max_examples locally to explore
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@PROPERTY
@given(ANSWERS)
def test_field_parsers_answer_every_text(text):
    for parse in (fields.iban, fields.amount, fields.hours_per_week, fields.address, fields.contact, fields.free_text,
                  lambda t: fields.date_answer(t, TODAY), lambda t: fields.period_answer(t, TODAY)):
        result = parse(text)
        assert isinstance(result, (fields.Value, fields.Invalid))
        if isinstance(result, fields.Invalid):
            assert result.message and result.message[0].isupper()


@PROPERTY
@given(ANSWERS)
def test_periods_never_end_before_they_start(text):
    result = fields.period_answer(text, TODAY)
    if isinstance(result, fields.Value):
        assert result.value["von"] <= result.value["bis"]


@PROPERTY
@given(st.text(alphabet="0123456789", min_size=18, max_size=18), st.text(max_size=30), st.text(max_size=30))
def test_every_accepted_iban_has_a_valid_checksum_and_none_survives_redaction(bban, before, after):
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "DE00")) % 97
    iban = f"DE{check:02d}{bban}"
    parsed = fields.iban(iban)
    assert isinstance(parsed, fields.Value) and fields.iban_is_valid(parsed.value)
    assert iban not in redact(f"{before} {iban} {after}")


@PROPERTY
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=20),
       st.sampled_from(["example.org", "web.de", "jobcenter-ge.de"]), ANSWERS)
def test_email_addresses_and_bg_numbers_never_survive_redaction(local, domain, noise):
    text = f"{noise} {local}@{domain} 12345BG{abs(hash(local)) % 10_000_000:07d} {noise}"
    redacted = redact(text)
    assert f"{local}@{domain}" not in redacted and "12345BG" not in redacted
    assert redact(redacted) == redacted


@PROPERTY
@given(st.sampled_from(sorted(get_catalogue().declarations)), st.lists(ANSWERS, max_size=12))
def test_the_declaration_dialogue_survives_any_sequence_of_answers(intent, answers):
    catalogue, content = get_catalogue(), get_content()
    declaration = catalogue.declarations[intent]
    state = flow.new_state(declaration, answers[0] if answers else "", catalogue)
    for text in answers:
        if state["stage"] in ("send", "aborted", "link"):
            break
        reply = flow.prompt(declaration, state, catalogue, content)
        assert reply.text
        state = flow.answer(declaration, state, text, TODAY, catalogue, content).state
        assert state["stage"] in ("fields", "confirm", "correct", "send", "aborted", "link")
        assert set(flow.answers(declaration, state, catalogue)) <= {f.key for f in declaration.fields}


@PROPERTY
@given(ANSWERS)
def test_appointment_wishes_and_text_helpers_never_crash(text):
    assert isinstance(parse_wish(text, dt.datetime(2026, 11, 24, 9, 0)), (Wish, WishError))
    find_amount(text), find_rent(text), find_persons(text), find_day(text, TODAY)
