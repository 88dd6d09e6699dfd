"""Voice parts without a running gateway: speakable text, spoken choices, AudioSocket frames,
resampling, the model check and the checksum-verified download."""

from __future__ import annotations

import asyncio
import hashlib
import io
import struct

import pytest

from bot.content import get_content, say
from voice import fetch_models, models
from voice.audio import Resampler, duration
from voice.audiosocket import AUDIO, frame, read_frame
from voice.speech_text import choose, digits_for_number_words, speakable, speech_friendly


@pytest.mark.parametrize("screen, spoken", [
    ("Donnerstag, 26.11.2026, 09:00 Uhr", "Donnerstag, 26. November 2026, 9 Uhr"),
    ("von 14:30 bis 18:00", "von 14 Uhr 30 bis 18 Uhr"),
    ("Regelbedarf 563 €", "Regelbedarf 563 Euro"),
    ("Miete 1.200,50 €", "Miete 1200 Euro 50"),
    ("z. B. Lohnabrechnung", "zum Beispiel Lohnabrechnung"),
    ("§ 24 SGB II", "Paragraf 24 S G B zwei"),
    ("Ihre BG-Nummer", "Ihre B G Nummer"),
    ("unter jobcenter.digital", "unter jobcenter Punkt digital"),
    ("Service Center: 0221 9876-0", "Service Center: 0 2 2 1, 9 8 7 6, 0"),
    ("„Veränderungen mitteilen“", "Veränderungen mitteilen"),
])
def test_screen_text_becomes_speakable(screen, spoken):
    assert speech_friendly(screen) == spoken


def test_buttons_become_spoken_options():
    offers = [{"title": "1: Do 26.11. 08:30 Uhr (Nord)", "payload": "1"},
              {"title": "2: Do 26.11. 09:00 Uhr (Nord)", "payload": "2"}]
    spoken = speakable("Diese Termine sind frei:", offers)
    numbered = get_content().texts["voice.say_numbered_option"]
    assert "erstens: Donnerstag 26. November 8 Uhr 30" in spoken and spoken.endswith(numbered.split("{options}")[-1])
    assert speakable("Buchen?", [{"title": "Ja", "payload": "ja"}, {"title": "Nein", "payload": "nein"}]) == (
        "Buchen? " + say("voice.say_yes_or_no"))
    assert speakable("Worum geht es?", [{"title": "Kontakt Nord", "payload": "/ask_contact"}]) == (
        "Worum geht es? " + say("voice.say_options", options="Kontakt Nord"))


@pytest.mark.parametrize("said, payload", [("den zweiten", "2"), ("zwei", "2"), ("Nummer eins", "1"),
                                           ("den letzten bitte", "3"), ("3", "3")])
def test_spoken_choice_selects_the_button(said, payload):
    buttons = [{"title": f"{i}: Termin {i}", "payload": str(i)} for i in (1, 2, 3)]
    assert choose(said, buttons) == payload


def test_spoken_yes_no_titles_and_free_words():
    yes_no = [{"title": "Ja", "payload": "ja"}, {"title": "Nein", "payload": "nein"}]
    assert choose("ja gerne", yes_no) == "ja" and choose("nein danke", yes_no) == "nein"
    topics = [{"title": "Termin vereinbaren", "payload": "/book_appointment"},
              {"title": "Öffnungszeiten", "payload": "/ask_opening_hours"}]
    assert choose("Öffnungszeiten bitte", topics) == "/ask_opening_hours"
    assert choose("lieber Donnerstag um zehn", topics) == "lieber Donnerstag um 10"
    assert digits_for_number_words("um zweiundzwanzig uhr") == "um 22 uhr"


def test_audiosocket_frames_round_trip():
    async def scenario():
        reader = asyncio.StreamReader()
        reader.feed_data(frame(AUDIO, b"\x01\x02" * 160) + frame(0x00))
        reader.feed_eof()
        return await read_frame(reader), await read_frame(reader)

    (kind, payload), (end, empty) = asyncio.run(scenario())
    assert kind == AUDIO and len(payload) == 320 and end == 0 and empty == b""
    assert frame(AUDIO, b"ab")[:3] == struct.pack(">BH", 0x10, 2)


def test_resampling_keeps_the_duration():
    one_second = b"\x10\x00" * 16000
    for target in (8000, 48000):
        assert abs(duration(Resampler(16000, target)(one_second), target) - 1.0) < 0.01


def test_missing_models_name_the_command_that_fetches_them(tmp_path, monkeypatch):
    monkeypatch.setenv("VOSK_MODEL", str(tmp_path / "nothing"))
    monkeypatch.setenv("PIPER_VOICE", str(tmp_path / "nothing.onnx"))
    problems = models.missing()
    assert len(problems) == 2 and all("make models" in p for p in problems)


def test_download_is_kept_only_with_the_right_checksum(tmp_path):
    content = b"model bytes" * 1000
    right = fetch_models.Download("http://example.invalid/m.bin", "m.bin", hashlib.sha256(content).hexdigest(), len(content))
    wrong = fetch_models.Download("http://example.invalid/m.bin", "m.bin", "0" * 64, len(content))

    def opener(url):  # stands in for the network only; the checksum logic is the real one
        return io.BytesIO(content)

    with pytest.raises(ValueError, match="Prüfsumme"):
        fetch_models.fetch(wrong, tmp_path / "bad.bin", opener)
    assert not list(tmp_path.iterdir())  # nothing half-verified stays
    kept = fetch_models.fetch(right, tmp_path / "m.bin", opener)
    assert kept.read_bytes() == content


def test_pinned_checksums_are_well_formed():
    for download in [fetch_models.VOSK, *fetch_models.PIPER]:
        assert len(download.sha256) == 64 and int(download.sha256, 16) >= 0 and download.url.startswith("https://")
