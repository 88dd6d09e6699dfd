"""Personal data never leaves the conversation in logs or collected examples."""

from __future__ import annotations

import logging

import pytest

from bot.core.redact import contains_personal_data, install_log_redaction, redact


@pytest.mark.parametrize("text, secret, placeholder", [
    ("Meine BG-Nummer ist 12345BG0000001", "12345BG0000001", "[BG-Nummer]"),
    ("bg nummer 12345 BG 0000001", "0000001", "[BG-Nummer]"),
    ("Kundennummer 123A456781", "123A456781", "[Kundennummer]"),
    ("IBAN: DE89 3704 0044 0532 0130 00", "3704", "[IBAN]"),
    ("de89370400440532013000 ist mein konto", "370400440532013000", "[IBAN]"),
    ("schreiben Sie an erika.m@example.org", "erika.m@example.org", "[E-Mail]"),
    ("Tel. 0171 2345678", "2345678", "[Telefon]"),
    ("rufen Sie +49 221 98760 an", "98760", "[Telefon]"),
    ("0221/123456", "123456", "[Telefon]"),
    ("geboren am 12.08.1985", "1985", "[Geburtsdatum]"),
    ("mein geburtstag ist der 1.2.79", "1.2.79", "[Geburtsdatum]"),
    ("geboren am 12. August 1985", "August 1985", "[Geburtsdatum]"),
    ("Ich heiße Erika Mustermann", "Mustermann", "[Name]"),
    ("mein name ist Özlem Yılmaz-Demir", "Özlem", "[Name]"),
    ("Frau Weber war sehr nett", "Weber", "[Name]"),
    ("ich wohne in der Heidestraße 17", "Heidestraße 17", "[Adresse]"),
])
def test_each_kind_of_personal_data_is_redacted(text, secret, placeholder):
    redacted = redact(text)
    assert secret not in redacted and placeholder in redacted


def test_known_names_of_the_identified_person_are_redacted():
    assert redact("Danke, Max Mustermann.", ["Max Mustermann"]) == "Danke, [Name]."
    assert redact("Herr Mustermann hat angerufen, Max war da.", ["Max Mustermann"]) == "Herr [Name] hat angerufen, [Name] war da."


@pytest.mark.parametrize("text", ["Termin am 3.12.2026 um 10 Uhr", "vom 1.12. bis 14.12.", "miete 450 euro für 2 personen",
                                  "Frau war nett", "wann hat nord offen", "§ 24 SGB II"])
def test_ordinary_questions_stay_readable(text):
    assert redact(text) == text and contains_personal_data(text) == []


def test_redacting_twice_changes_nothing_more():
    once = redact("IBAN DE89 3704 0044 0532 0130 00, Tel 0171 2345678, 12345BG0000001")
    assert redact(once) == once


def test_log_records_are_redacted_whatever_the_handler(caplog):
    install_log_redaction()
    logger = logging.getLogger("test.redaction")
    with caplog.at_level(logging.INFO):
        logger.info("user said %s", "meine IBAN ist DE89 3704 0044 0532 0130 00 und BG 12345BG0000001")
    assert "DE89" not in caplog.text and "12345BG0000001" not in caplog.text
    assert "[IBAN]" in caplog.text and "[BG-Nummer]" in caplog.text
