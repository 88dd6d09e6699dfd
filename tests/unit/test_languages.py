"""Languages (bot/languages/): the conversation rule, translations in content objects, the fallback line,
yes/no in every language, and the policy's decision."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.content.load import get_content
from bot.declarations.catalogue import get_catalogue
from bot.languages import words
from bot.languages.context import current, speaking
from bot.languages.detect import language_rule
from bot.languages.output import looks_german, with_fallback_note
from bot.languages.policy import decide
from bot.languages.registry import get_catalog
from bot.safety.texts import get_safety


def german_examples() -> list[str]:
    found = []
    for path in sorted(glob.glob(str(PROJECT_ROOT / "data" / "nlu" / "de" / "*.yml"))):
        for block in yaml.safe_load(Path(path).read_text(encoding="utf-8"))["nlu"]:
            if block.get("intent") == "set_language":
                continue
            found += [line.strip()[2:] for line in str(block.get("examples", "")).splitlines()
                      if line.strip().startswith("- ")]
    return found


def test_german_messages_keep_a_german_conversation() -> None:
    """Every German training example (about 9,000, typos and short answers included) keeps the conversation
    German, except the few that are English themselves ("thank you very much")."""
    rule = language_rule()
    moved = [e for e in german_examples() if rule.next_language("de", e) != "de"]
    assert len(moved) <= 5, moved
    assert all(rule.next_language("de", e) in ("de", "en") for e in moved), moved


@pytest.mark.parametrize("text, expected", [
    ("Hello, do you speak English?", "en"),
    ("hi i need help with my rent its too high", "en"),
    ("Доброго дня, коли працює джобцентр у понеділок?", "uk"),
    ("здравствуйте когда будут деньги за декабрь", "ru"),
    ("مرحبا متى يفتح الجوب سنتر", "ar"),
    ("merhaba randevu almak istiyorum yarin icin", "tr"),
    ("ich brauche einen termin", "de"),
])
def test_the_language_of_a_message_with_words_enough(text: str, expected: str) -> None:
    assert language_rule().next_language("de", text) == expected


@pytest.mark.parametrize("current, text", [
    ("uk", "ок"), ("uk", "12345BG0000001"), ("en", "ja"), ("en", "termin"), ("tr", "evet"),
    ("ar", "01.02.1979"), ("en", "hallo"), ("ru", "Bescheid"), ("uk", "/affirm"),
])
def test_short_or_wordless_messages_keep_the_language(current: str, text: str) -> None:
    assert language_rule().next_language(current, text) == current


@pytest.mark.parametrize("current, text, expected", [
    ("en", "auf deutsch bitte", "de"), ("de", "english please", "en"), ("de", "leichte Sprache bitte", "ls"),
    ("uk", "можна по-русски", "ru"), ("de", "Türkçe konuşabilir miyiz", "tr"),
    ("ls", "wann habt ihr morgen offen", "ls"),  # German words keep Leichte Sprache
])
def test_explicit_requests_and_leichte_sprache(current: str, text: str, expected: str) -> None:
    assert language_rule().next_language(current, text) == expected


def test_the_policy_starts_from_the_widget_language_and_obeys_buttons() -> None:
    assert decide(None, "ok", [], {"language": "uk"}, "webchat") == "uk"
    assert decide(None, "ok", [], {"language": "xx"}, "webchat") == "de"
    assert decide("de", "/set_language", [{"entity": "language", "value": "ar"}], {}, "webchat") == "ar"
    assert decide("en", "hello I want an appointment please", [], {}, "voice") == "de"  # the phone stays German


def test_content_in_a_language_and_german_unchanged() -> None:
    german = get_content.german()
    with speaking("uk"):
        ukrainian = get_content()
        catalogue = get_catalogue()
        safety = get_safety()
    assert current() == "de"
    assert ukrainian.answers["greet"].text != german.answers["greet"].text
    assert any("\u0400" <= ch <= "\u04ff" for ch in ukrainian.answers["greet"].text)
    assert get_content().answers["greet"].text == german.answers["greet"].text
    # the crisis answer keeps its numbers' placeholders in every language
    for name in ("telefonseelsorge", "telefonseelsorge_2", "telefonseelsorge_kurz", "notruf"):
        assert "{" + name + "}" in safety.texts["crisis"]
    assert catalogue.declarations["report_sick"].title != get_catalogue.german().declarations["report_sick"].title


def test_a_translation_with_other_placeholders_is_not_used(tmp_path: Path) -> None:
    from bot.languages.localize import translator
    from bot.languages.registry import Catalog, Language, Translation, Translations

    catalog = Catalog("de", {"de": Language("de", "Deutsch", "Deutsch"), "en": Language("en", "Englisch", "English")},
                      {"en": Translations("en", "draft", texts={"a": Translation("Open {when}", "draft"),
                                                               "b": Translation("Hello {name}", "draft")})})
    lookup = translator(catalog, "en")
    assert lookup("a", "Geöffnet {when}") == "Open {when}"
    assert lookup("b", "Hallo") == "Hallo"  # {name} unknown to the German text: German stays


def test_a_german_text_in_another_conversation_gets_the_line_in_that_language() -> None:
    german = "Bitte nennen Sie Ihre BG-Nummer, sie steht oben rechts auf jedem Bescheid des Jobcenters."
    responses = [{"text": "Добрий день!"}, {"text": german}]
    noted = with_fallback_note(responses, "uk")
    assert noted[0] == responses[0]
    assert noted[1]["text"].endswith(german) and noted[1]["text"] != german
    assert noted[1]["text"].startswith(get_catalog().line("uk", "fallback"))
    assert with_fallback_note(responses, "de") == responses
    assert with_fallback_note(responses, "ls") == responses  # Leichte Sprache is German
    assert not looks_german("Будь ласка, назвіть Ваш номер (BG-Nummer) з рішення (Bescheid).")


@pytest.mark.parametrize("text, expected", [
    ("так", True), ("ні", False), ("evet", True), ("hayır", False), ("да, правильно", True), ("нет", False),
    ("نعم", True), ("yes please", True), ("nope", False), ("ja", True), ("nein", False), ("vielleicht", None),
])
def test_yes_and_no_in_every_language(text: str, expected: bool | None) -> None:
    from bot.appointments.booking import yes_or_no

    assert yes_or_no(text) is expected


def test_every_language_file_has_its_lines_and_a_known_code() -> None:
    catalog = get_catalog()
    for code, table in catalog.translations.items():
        assert code in catalog.languages
        if code not in ("de", "ls"):
            assert table.lines.get("fallback") and "{language}" in table.lines.get("switched", "")
    assert words.yes_or_no("так") is True


@pytest.mark.parametrize("text, weekday, asap", [
    ("tomorrow morning", 3, False), ("завтра зранку", 3, False), ("в пятницу утром", 4, False),
    ("yarin sabah", 3, False), ("cuma ogleden sonra", 4, False), ("بكرا الصبح", 3, False),
    ("as soon as possible", None, True), ("якнайшвидше", None, True), ("en kısa zamanda", None, True),
])
def test_appointment_wishes_in_every_language(text: str, weekday: int | None, asap: bool) -> None:
    import datetime as dt

    from bot.language.dates import parse_wish

    wish = parse_wish(text, dt.datetime(2026, 12, 2, 10, 15))  # a Wednesday
    assert getattr(wish, "asap", None) is asap
    if weekday is not None:
        assert wish.dates and wish.dates[0].isoweekday() == weekday + 1


@pytest.mark.parametrize("text", ["з 1.12. по 5.12.", "from 1.12. to 5.12.", "1.12. ile 5.12. arası", "من 1.12. الى 5.12."])
def test_periods_in_every_language(text: str) -> None:
    import datetime as dt

    from bot.declarations.fields import Value, period_answer

    parsed = period_answer(text, dt.date(2026, 12, 2))
    assert isinstance(parsed, Value) and parsed.value == {"von": "2026-12-01", "bis": "2026-12-05"}


def test_formatting_follows_the_conversation_language() -> None:
    from bot.language.formatting import WEEKDAY_NAMES, persons, with_unit

    assert (WEEKDAY_NAMES[0], persons(3), with_unit(12, "months")) == ("Montag", "3 Personen", "12 Monate")
    with speaking("uk"):
        assert (WEEKDAY_NAMES[0], persons(5), with_unit(12, "months")) == ("понеділок", "5 осіб", "12 місяців")
    with speaking("en"):
        assert (WEEKDAY_NAMES[4], persons(1), with_unit(1, "days")) == ("Friday", "1 person", "1 day")
    with speaking("tr"):
        assert with_unit(3, "months") == "3 ay"


def test_a_choice_answered_in_another_script_is_not_the_first_option() -> None:
    """The German matcher drops Cyrillic letters: an answer like "не знаю" must not match the first option by an
    empty comparison, and an alias in the other script ("переїхала") picks its option."""
    from bot.declarations.flow import _matching_options

    options = get_catalogue.german().declarations["report_change"].fields[0].options
    assert _matching_options("не знаю", options) == []
    assert [o.key for o in _matching_options("я переїхала минулого тижня", options)] == ["umzug"]
    with speaking("uk"):
        localized = get_catalogue().declarations["report_change"].fields[0].options
    label = localized["bank"].label
    assert [o.key for o in _matching_options(label, localized)] == ["bank"]
