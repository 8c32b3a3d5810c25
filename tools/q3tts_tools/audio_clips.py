"""Deterministic synthetic reference clips for fixtures and the Java tests.

The clip is one continuous-time signal (a few harmonic tones with vibrato and envelopes plus a
seeded "noise" made of many random sinusoids), evaluated directly at each sample rate instead of
resampled, so the 16 kHz, 24 kHz and 44.1 kHz files are the same sound. Every component stays
below 7.5 kHz, so even the 16 kHz render has no aliasing.

The stereo render is left = s + d, right = s - d with a small side signal d: the official loader
averages channels (librosa.load(mono=True) / np.mean), which gives back s, while an engine that
keeps only one channel gets s +- d and fails the comparison.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

DURATION_S = 2.2
PEAK = 0.6
SEED = 20261124
MAX_COMPONENT_HZ = 7500.0
# libsndfile writes the wall-clock time into the PEAK chunk of float WAV files; turning the chunk
# off keeps the bytes reproducible (sndfile.h: SFC_SET_ADD_PEAK_CHUNK).
_SFC_SET_ADD_PEAK_CHUNK = 0x1050

# (fundamental Hz, vibrato depth (fraction), vibrato rate Hz, start s, end s, level)
_NOTES = (
    (165.0, 0.020, 5.5, 0.05, 1.00, 1.00),
    (220.0, 0.015, 6.2, 0.70, 1.70, 0.85),
    (131.0, 0.025, 4.8, 1.30, 2.15, 0.95),
)


def _envelope(t: np.ndarray, start: float, end: float) -> np.ndarray:
    """Raised-cosine attack/release around a slow tremolo: a voiced-note-like amplitude contour."""
    attack, release = 0.06, 0.12
    env = np.zeros_like(t)
    inside = (t >= start) & (t <= end)
    ti = t[inside]
    a = np.clip((ti - start) / attack, 0.0, 1.0)
    r = np.clip((end - ti) / release, 0.0, 1.0)
    env[inside] = (0.5 - 0.5 * np.cos(np.pi * a)) * (0.5 - 0.5 * np.cos(np.pi * r))
    return env * (0.85 + 0.15 * np.sin(2.0 * np.pi * 2.3 * t))


def _raw_signal(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unscaled mid (s) and side (d) signals at times t (float64)."""
    s = np.zeros_like(t)
    for f0, depth, rate, start, end, level in _NOTES:
        # Integral of f0 * (1 + depth * sin(2 pi rate t)): the phase of a vibrato tone in closed form.
        phase = 2.0 * np.pi * f0 * (t + depth / (2.0 * np.pi * rate) * (1.0 - np.cos(2.0 * np.pi * rate * t)))
        env = _envelope(t, start, end)
        k_max = int(MAX_COMPONENT_HZ // (f0 * (1.0 + depth)))
        for k in range(1, k_max + 1):
            s += level * env * np.sin(k * phase + 0.3 * k) / k
    rng = np.random.default_rng(SEED)
    n_partials = 240
    freqs = rng.uniform(60.0, MAX_COMPONENT_HZ, n_partials)
    phases = rng.uniform(0.0, 2.0 * np.pi, n_partials)
    amps = rng.uniform(0.5, 1.0, n_partials) / np.sqrt(n_partials)
    noise = np.zeros_like(t)
    for f, p, a in zip(freqs, phases, amps):
        noise += a * np.sin(2.0 * np.pi * f * t + p)
    s += 0.05 * noise
    d = 0.15 * np.sin(2.0 * np.pi * 3000.0 * t) * _envelope(t, 0.2, 2.0)
    return s, d


def _gain() -> float:
    """One gain for every render, chosen so the 24 kHz render peaks at exactly PEAK."""
    n = int(round(DURATION_S * 24000))
    s, _ = _raw_signal(np.arange(n, dtype=np.float64) / 24000.0)
    return PEAK / float(np.max(np.abs(s)))


def reference_signal(sample_rate: int, stereo: bool = False, n: int | None = None) -> np.ndarray:
    """The clip at sample_rate as float64: [N] mono, or [N, 2] (left, right) when stereo.

    N is DURATION_S worth of samples unless n is given."""
    if n is None:
        n = int(round(DURATION_S * sample_rate))
    t = np.arange(n, dtype=np.float64) / float(sample_rate)
    s, d = _raw_signal(t)
    g = _gain()
    if not stereo:
        return s * g
    return np.stack([(s + d) * g, (s - d) * g], axis=1)


def _quantize(x: np.ndarray, bits: int) -> np.ndarray:
    """Round to signed `bits`-bit PCM, decoded by readers as q / 2**(bits-1)."""
    scale = float(1 << (bits - 1))
    return np.clip(np.round(x * scale), -scale, scale - 1).astype(np.int64)


def _write(path: Path, data: np.ndarray, sample_rate: int, subtype: str) -> None:
    with sf.SoundFile(path, "w", samplerate=sample_rate, channels=1 if data.ndim == 1 else data.shape[1],
                      subtype=subtype, format="WAV") as f:
        sf._snd.sf_command(f._file, _SFC_SET_ADD_PEAK_CHUNK, sf._ffi.NULL, 0)
        f.write(data)


def write_reference_clips(dest: Path) -> dict[str, Path]:
    """Writes the three WAV renders into dest and returns name -> path.

    ref_24k_mono: 24 kHz mono IEEE float32; ref_16k_mono: 16 kHz mono PCM_16;
    ref_44k1_stereo: 44.1 kHz stereo PCM_24. Bytes depend only on this code.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out = {
        "ref_24k_mono": dest / "ref_24k_mono_f32.wav",
        "ref_16k_mono": dest / "ref_16k_mono_s16.wav",
        "ref_44k1_stereo": dest / "ref_44k1_stereo_s24.wav",
    }
    _write(out["ref_24k_mono"], reference_signal(24000).astype(np.float32), 24000, "FLOAT")
    _write(out["ref_16k_mono"], _quantize(reference_signal(16000), 16).astype(np.int16), 16000, "PCM_16")
    # libsndfile takes int32 samples and keeps their top 24 bits for PCM_24.
    s24 = (_quantize(reference_signal(44100, stereo=True), 24) << 8).astype(np.int32)
    _write(out["ref_44k1_stereo"], s24, 44100, "PCM_24")
    return out


# Extra renders for the resampling fixtures: every common input rate, and two 44.1 kHz lengths on
# both sides of a codec frame boundary. librosa gives ceil(n * (24000 / sr)) samples with the ratio
# rounded to a double first: 77,616 samples -> 42,241 (23 frames of 1,920), although the exact
# quotient is 42,240 (22 frames); 77,615 -> 42,240 (22 frames).
FRAME_BOUNDARY_LENGTHS = {"ref_44k1_n77615": 77615, "ref_44k1_n77616": 77616}


def write_rate_clips(dest: Path) -> dict[str, Path]:
    """Writes the extra-rate WAV renders into dest and returns name -> path.

    ref_8k_mono: 8 kHz mono PCM_16; ref_22k05_mono: 22.05 kHz mono PCM_16; ref_48k_stereo: 48 kHz
    stereo PCM_16; ref_44k1_n77615 / ref_44k1_n77616: 44.1 kHz mono PCM_16 of those exact lengths.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out = {
        "ref_8k_mono": dest / "ref_8k_mono_s16.wav",
        "ref_22k05_mono": dest / "ref_22k05_mono_s16.wav",
        "ref_48k_stereo": dest / "ref_48k_stereo_s16.wav",
    }
    _write(out["ref_8k_mono"], _quantize(reference_signal(8000), 16).astype(np.int16), 8000, "PCM_16")
    _write(out["ref_22k05_mono"], _quantize(reference_signal(22050), 16).astype(np.int16), 22050, "PCM_16")
    _write(out["ref_48k_stereo"], _quantize(reference_signal(48000, stereo=True), 16).astype(np.int16), 48000, "PCM_16")
    for name, n in FRAME_BOUNDARY_LENGTHS.items():
        out[name] = dest / f"{name}_s16.wav"
        _write(out[name], _quantize(reference_signal(44100, n=n), 16).astype(np.int16), 44100, "PCM_16")
    return out
