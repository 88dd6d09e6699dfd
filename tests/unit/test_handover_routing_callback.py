"""A wish to be contacted later (bot/handover/routing.py asks_for_callback) is told from other messages."""

import pytest

from bot.handover.routing import asks_for_callback


@pytest.mark.parametrize("text", ["finde den bescheid grad nicht, rufen sie mich an 0171 2345678 am besten nachmittags",
                                  "bitte um rückmeldung per mail, will was zu meinem antrag wissen",
                                  "Rückruf bitte", "ruft mich bitte zurück", "können sie mich zurückrufen?",
                                  "schreiben sie mir bitte eine mail"])
def test_callback_wishes(text):
    assert asks_for_callback(text)


@pytest.mark.parametrize("text", ["wann ruft ihr an", "ich will mit einem menschen sprechen", "ich rufe morgen an",
                                  "meine telefonnummer hat sich geändert", "rufnummer vom service center"])
def test_no_callback_wish(text):
    assert not asks_for_callback(text)
