"""voice/audio.py without audioop: loudness and rate conversion of 16-bit PCM, checked against audioop
(the standard-library module it replaced, still there up to Python 3.12) and against the exact signals."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from voice.audio import Resampler, duration, frames, rms

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import audioop
    except ImportError:  # Python 3.13 and later
        audioop = None

needs_audioop = pytest.mark.skipif(audioop is None, reason="audioop left the standard library in Python 3.13")

FULL_SCALE = 32767
TELEPHONE_PAIRS = [(8000, 16000), (16000, 8000), (48000, 16000), (16000, 48000), (22050, 8000), (22050, 16000),
                   (22050, 48000)]


# ----------------------------------------------------------------------------------------- signals
def pcm(values: np.ndarray) -> bytes:
    return np.clip(np.rint(values), -32768, 32767).astype("<i2").tobytes()


def samples(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<i2").astype(np.float64)


def sweep_phase(t: np.ndarray, low: float, high: float, seconds: float) -> np.ndarray:
    """Phase of a logarithmic sine sweep from `low` to `high` Hz, at any instant t (seconds)."""
    k = math.log(high / low) / seconds
    return 2 * math.pi * low * (np.exp(k * t) - 1) / k


def sweep(rate: int, low: float = 100.0, high: float = 3400.0, seconds: float = 1.0, amplitude: float = 12000):
    t = np.arange(int(rate * seconds)) / rate
    return pcm(amplitude * np.sin(sweep_phase(t, low, high, seconds)))


def speech_like(rate: int, seconds: float = 1.5, seed: int = 7) -> bytes:
    """A voiced sound with a gliding pitch and its harmonics, breath noise, and syllable-rate loudness."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * seconds)) / rate
    pitch = 2 * math.pi * np.cumsum(130 + 25 * np.sin(2 * math.pi * 0.8 * t)) / rate
    voiced = sum(np.sin(k * pitch + k) / k for k in range(1, 26) if 155 * k < 0.4 * min(rate, 8000))
    noise = np.convolve(rng.normal(0, 0.4, len(t)), np.ones(5) / 5, "same")
    signal = (voiced + noise) * (0.3 + 0.7 * np.sin(2 * math.pi * 4 * t) ** 2)
    return pcm(signal / np.abs(signal).max() * 14000)


def tone(frequency: float, rate: int, seconds: float = 1.0, amplitude: float = 10000) -> bytes:
    return pcm(amplitude * np.sin(2 * math.pi * frequency * np.arange(int(rate * seconds)) / rate))


def stream(resampler: Resampler, data: bytes, sizes) -> bytes:
    """Feed `data` chunk by chunk (sizes in samples, cycled) and end the stream."""
    out, i, sizes = [], 0, list(sizes)
    while i < len(data):
        size = 2 * sizes[len(out) % len(sizes)]
        out.append(resampler(data[i:i + size]))
        i += size
    return b"".join(out) + resampler.flush()


def convert(data: bytes, source: int, target: int) -> bytes:
    resampler = Resampler(source, target)
    return resampler(data) + resampler.flush()


def decibels(ratio: float) -> float:
    return 20 * math.log10(max(ratio, 1e-9))


def steady(x: np.ndarray) -> np.ndarray:
    """The middle of a signal, away from the filter's start and end."""
    return x[len(x) // 5: len(x) - len(x) // 5]


def peak_frequency(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=8 * len(x)))
    return float(np.fft.rfftfreq(8 * len(x), 1 / rate)[np.argmax(spectrum)])


# ----------------------------------------------------------------------------------------- loudness
@needs_audioop
@pytest.mark.parametrize("signal", [sweep(8000), speech_like(16000), tone(1000, 8000, amplitude=FULL_SCALE),
                                    pcm(np.full(1000, -32768)), pcm(np.array([5])), b"\x01\x02\x03"],
                         ids=["sweep", "speech", "full-scale tone", "most negative", "one sample", "odd byte"])
def test_rms_is_audioops(signal):
    assert rms(signal) == audioop.rms(signal[: len(signal) // 2 * 2], 2)


def test_rms_of_known_signals():
    assert rms(b"") == 0 and rms(b"\x07") == 0
    assert rms(pcm(np.full(800, -32768))) == 32768
    assert abs(rms(tone(1000, 8000, amplitude=10000)) - 10000 / math.sqrt(2)) <= 1
    assert rms(tone(1000, 8000) + b"\xff") == rms(tone(1000, 8000))


def test_duration_and_frames():
    one_second = bytes(16000)
    assert duration(one_second, 8000) == 1.0
    assert [len(f) for f in frames(one_second, 8000)] == [320] * 50


# ----------------------------------------------------------------------------------------- resampling
@needs_audioop
@pytest.mark.parametrize("source, target", TELEPHONE_PAIRS)
def test_resampling_follows_audioop_on_speech(source, target):
    """Same length, same timing, same level as audioop.ratecv for speech (which audioop handles well)."""
    signal = speech_like(source)
    ours = samples(convert(signal, source, target))
    theirs = samples(audioop.ratecv(signal, 2, 1, source, target, None)[0])
    assert abs(len(ours) - len(theirs)) <= math.ceil(target / source)  # within one input sample
    ours, theirs = steady(ours[: len(theirs)]), steady(theirs[: len(ours)])
    assert np.corrcoef(ours, theirs)[0, 1] > 0.995  # no time shift between the two
    assert abs(decibels(np.std(ours) / np.std(theirs))) < 0.3


@pytest.mark.parametrize("source, target", TELEPHONE_PAIRS)
def test_resampling_a_sweep_is_exact_in_the_telephone_band(source, target):
    """A 100 Hz - 3.4 kHz sweep comes out as the same sweep sampled at the new rate (error < -60 dB),
    output sample n being the input at instant n / target; audioop's linear interpolation of 8 kHz audio
    misses by far."""
    ours = samples(convert(sweep(source), source, target))
    assert len(ours) == target
    exact = 12000 * np.sin(sweep_phase(np.arange(target) / target, 100.0, 3400.0, 1.0))
    inner = slice(target // 40, -target // 40)  # all but the filter's run-in and run-out (25 ms)
    error = (ours - exact)[inner]
    assert decibels(np.std(error) / np.std(exact[inner])) < -60
    if audioop is not None and source == 8000:  # linear interpolation of the telephone rate
        theirs = samples(audioop.ratecv(sweep(source), 2, 1, source, target, None)[0])
        n = min(len(theirs), target)
        assert decibels(np.std(steady(theirs[:n] - exact[:n])) / np.std(steady(exact))) > -40


@pytest.mark.parametrize("source, target", TELEPHONE_PAIRS)
def test_streaming_in_chunks_gives_the_bytes_of_one_piece(source, target):
    signal = speech_like(source, seconds=1.0) + sweep(source, seconds=0.5)
    whole = convert(signal, source, target)
    twenty_ms = source // 50
    assert stream(Resampler(source, target), signal, [twenty_ms]) == whole
    assert stream(Resampler(source, target), signal, [1, 7, 160, 2, 1001, 3, 64]) == whole
    odd = np.random.default_rng(source + target).integers(1, 700, size=50)
    assert stream(Resampler(source, target), signal, odd) == whole


def test_chunk_borders_make_no_clicks():
    """A 1 kHz tone fed in 20 ms phone frames changes from sample to sample no more than a clean tone."""
    out = samples(stream(Resampler(8000, 16000), tone(1000, 8000), [160]))
    jumps = np.abs(np.diff(steady(out)))
    assert jumps.max() <= 10000 * 2 * math.sin(math.pi * 1000 / 16000) + 2


def test_a_flushed_stream_is_complete_and_the_next_starts_fresh():
    resampler = Resampler(22050, 8000)
    first = resampler(speech_like(22050, seconds=0.3))
    assert len(first + resampler.flush()) // 2 == math.ceil(int(22050 * 0.3) * 8000 / 22050)
    assert resampler(tone(440, 22050)) == Resampler(22050, 8000)(tone(440, 22050))
    assert Resampler(16000, 16000)(b"\x01\x02\x03") == b"\x01\x02\x03" and Resampler(8000, 8000).flush() == b""


def test_full_scale_clips_instead_of_wrapping_around():
    """A full-scale square wave rings above full scale when band-limited: it must clip, not turn negative."""
    for source, target in [(8000, 16000), (8000, 48000), (16000, 8000), (48000, 16000)]:
        square = np.where((np.arange(source) // (source // 1000)) % 2 == 0, 32767, -32768)  # 500 Hz
        out = samples(convert(pcm(square), source, target))
        assert out.max() == 32767 and out.min() == -32768
        instant = (np.arange(len(out)) + 0.5) * 1000 / target  # in half periods, edges at whole numbers
        plateau = np.abs(instant - np.round(instant)) > 0.2  # away from the edges, where no sign may flip
        high = (np.floor(instant) % 2 == 0)
        assert np.all((out[plateau] > 0) == high[plateau])


@pytest.mark.parametrize("telephone, wideband", [(8000, 16000), (8000, 48000)])
def test_the_telephone_round_trip_keeps_a_1khz_tone(telephone, wideband):
    """8 kHz -> wideband -> 8 kHz and wideband -> 8 kHz -> wideband, in 20 ms frames: still a 1 kHz tone at
    the same level (within 1 dB), and the upsampled tone has no image above the telephone band."""
    for rate, path in [(telephone, (telephone, wideband, telephone)), (wideband, (wideband, telephone, wideband))]:
        audio = tone(1000, rate)
        for source, target in zip(path, path[1:]):
            audio = stream(Resampler(source, target), audio, [source // 50])
            x = steady(samples(audio))
            assert abs(peak_frequency(x, target) - 1000) < 2
            assert abs(decibels(np.std(x) * math.sqrt(2) / 10000)) < 1
            if target > source:
                spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
                above = np.fft.rfftfreq(len(x), 1 / target) > 4200
                assert decibels(spectrum[above].max() / spectrum.max()) < -60


@pytest.mark.parametrize("source, target", TELEPHONE_PAIRS)
def test_the_telephone_band_passes_unchanged(source, target):
    for frequency in (300, 1000, 2000, 3000, 3400, 3600):
        out = steady(samples(convert(tone(frequency, source), source, target)))
        assert abs(decibels(np.std(out) * math.sqrt(2) / 10000)) < 0.05, frequency


@pytest.mark.parametrize("frequency", [4200, 6000, 7600])
def test_downsampling_to_8khz_keeps_out_what_the_telephone_cannot_carry(frequency):
    """Above 4 kHz a tone has no place at 8 kHz: it must vanish, not fold back into the band (as with
    audioop)."""
    for source in (16000, 48000):
        out = steady(samples(convert(tone(frequency, source), source, 8000)))
        assert decibels(np.std(out) * math.sqrt(2) / 10000) < -70
    if audioop is not None:
        theirs = steady(samples(audioop.ratecv(tone(frequency, 16000), 2, 1, 16000, 8000, None)[0]))
        assert decibels(np.std(theirs) * math.sqrt(2) / 10000) > -10


def test_a_constant_signal_keeps_its_value():
    out = samples(convert(pcm(np.full(2205, 1234)), 22050, 8000))
    assert np.all(steady(out) == 1234)
