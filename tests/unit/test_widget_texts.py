"""The chat widget's texts (content/languages/widget.yml): German is complete, every key the page and webchat.js
use exists in German, every supported language gets every key (its own text or the German one), translations keep
the German placeholders, and problems name file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.channels.webchat import (
    STATIC_DIR,
    read_widget_texts,
    switch_title,
    widget_config,
    widget_texts_path,
)
from bot.content.specs import LEGAL_PAGES
from bot.languages.registry import get_catalog

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")


@pytest.fixture(scope="module")
def texts() -> dict[str, dict[str, str]]:
    found, problems = read_widget_texts(widget_texts_path())
    assert not problems, "\n".join(problems)
    return found


def call_arguments(script: str, start: int) -> str:
    """The text between the opening parenthesis before `start` and its closing one."""
    depth = 1
    for index in range(start, len(script)):
        depth += {"(": 1, ")": -1}.get(script[index], 0)
        if depth == 0:
            return script[start:index]
    return script[start:]


def keys_the_widget_uses() -> set[str]:
    """Text keys in index.html (data-i18n, data-i18n-attr) and webchat.js (t/lookup/setStatus/showUploadNote calls,
    "who_" + role, "legal_" + page), and the `key` of the channel's own errors (bot/channels/webchat.py)."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    script = (STATIC_DIR / "webchat.js").read_text(encoding="utf-8")
    channel = (PROJECT_ROOT / "bot" / "channels" / "webchat.py").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n="([a-z0-9_]+)"', html + script))
    for pairs in re.findall(r'data-i18n-attr="([^"]+)"', html):
        used |= {pair.split(":")[1].strip() for pair in pairs.split(";")}
    for call in re.finditer(r"\b(?:t|lookup|setStatus|showUploadNote)\(", script):
        arguments = call_arguments(script, call.end())
        used |= {literal for literal in re.findall(r'"([a-z0-9_]+)"', arguments)
                 if ("_" in literal and not literal.endswith("_")) or literal == "locale"}
    used |= {f"who_{role}" for role in ("citizen", "bot", "agent", "system")}
    used |= {f"legal_{page}" for page in LEGAL_PAGES}
    used |= set(re.findall(r'"key": "([a-z0-9_]+)"', channel))
    return used


def test_the_widget_file_has_no_problems_and_german_is_the_complete_reference(texts):
    german = texts["de"]
    assert len(german) > 50
    for code, table in texts.items():
        assert code in get_catalog().languages, code
        assert set(table) <= set(german), (code, set(table) - set(german))
        for key, text in table.items():
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(german[key])), (code, key)


def test_every_key_the_page_and_the_script_use_exists_in_german(texts):
    used = keys_the_widget_uses()
    assert {"title_bot", "status_connected", "who_bot", "status_queued", "upload_label", "locale",
            "error_reload", "legal_impressum", "language_label", "message_placeholder"} <= used
    assert used - set(texts["de"]) == set(), "keys the widget uses that German does not have"
    assert set(texts["de"]) - used == set(), "German keys nobody uses"


def test_every_supported_language_gets_every_german_key_in_its_language_or_in_german(texts):
    config = widget_config(texts)
    german = texts["de"]
    codes = [language["code"] for language in config["languages"]]
    assert codes == list(get_catalog().languages)
    for code in codes:
        table = config["texts"][code]
        assert set(table) == set(german), code
        own = texts.get(code, {})
        for key, text in table.items():
            assert text == own.get(key, german[key]), (code, key)
    # the languages of issue 21 have their own widget texts; Leichte Sprache says a part more simply
    for code in ("uk", "ru", "tr", "ar", "en"):
        if code in codes:
            assert set(texts[code]) == set(german), (code, set(german) - set(texts[code]))
    if "ls" in codes:
        assert config["texts"]["ls"]["privacy_text"] != german["privacy_text"]
        assert config["texts"]["ls"]["send"] == german["send"]


def test_the_switcher_gets_native_names_lang_and_direction():
    config = widget_config({"de": {"send": "Senden"}})
    languages = {language["code"]: language for language in config["languages"]}
    assert config["default"] == "de"
    if "ar" in languages:
        assert languages["ar"] == {"code": "ar", "native": "العربية", "lang": "ar", "dir": "rtl", "variant": False}
    if "ls" in languages:
        assert languages["ls"]["lang"] == "de" and languages["ls"]["variant"] is True
    assert languages["de"]["dir"] == "ltr"


def test_a_missing_or_broken_translation_falls_back_to_german_and_problems_name_the_line(tmp_path: Path):
    folder = tmp_path / "content" / "languages"
    folder.mkdir(parents=True)
    path = folder / "widget.yml"
    path.write_text("de:\n  send: Senden\n  status_queued: Position {position}\n  who_bot: Assistent\n"
                    "uk:\n  send: Надіслати\n  status_queued: Черга\n  sendd: Tippfehler\n"
                    "xx:\n  send: Send\n", encoding="utf-8")
    found, problems = read_widget_texts(path)
    assert found["uk"] == {"send": "Надіслати"}
    assert any("Zeile 7" in p and "status_queued" in p and "Platzhalter" in p for p in problems), problems
    assert any("Zeile 8" in p and "sendd" in p for p in problems), problems
    assert any("Zeile 9" in p and "xx" in p for p in problems), problems
    config = widget_config(found)
    if "uk" in config["texts"]:
        assert config["texts"]["uk"] == {"send": "Надіслати", "status_queued": "Position {position}",
                                         "who_bot": "Assistent"}
    assert config["texts"]["de"]["send"] == "Senden"

    path.write_text("de: [kaputt\n", encoding="utf-8")
    found, problems = read_widget_texts(path)
    assert found == {} and problems and "YAML" in problems[0]


def test_the_switcher_message_is_shown_with_the_language_name():
    assert switch_title('/set_language{"language": "de"}') == "Deutsch"
    if "uk" in get_catalog().languages:
        assert switch_title('/set_language{"language":"uk"}') == "Українська"
    assert switch_title('/set_language{"language": "xx"}') is None
    assert switch_title("auf deutsch bitte") is None
