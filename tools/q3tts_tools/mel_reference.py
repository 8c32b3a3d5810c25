"""NumPy re-implementation of the speaker-encoder mel frontend (official `mel_spectrogram` with the
arguments `extract_speaker_embedding` passes). It is the algorithm the Java engine copies, kept
free of torch so the two can be compared line by line.

Precision: the official code runs torch.stft in float32. Here everything after loading the float32
waveform is computed in float64 and only the result is rounded to float32: a float64 pipeline is
closer to the exact value than float32 torch, so the difference to torch is torch's own rounding
noise; a second float32 FFT would add its own, different noise on top.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 24000
N_FFT = 1024
HOP = 256
WIN = 1024
N_MELS = 128
FMIN = 0
FMAX = 12000
REFLECT_PAD = (N_FFT - HOP) // 2
MAGNITUDE_EPS = 1e-9
LOG_CLAMP = 1e-5
# The ECAPA convolutions reflect-pad by up to 4 frames (k=3, dilation 4); torch refuses a reflect
# pad that is not smaller than the input, so the official encoder needs at least 5 frames.
MIN_FRAMES = 5
MIN_SAMPLES = MIN_FRAMES * HOP


def mel_filters() -> np.ndarray:
    """The float32 [128, 513] filterbank exactly as the official code builds it on every call."""
    from librosa.filters import mel as librosa_mel_fn

    return librosa_mel_fn(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS, fmin=FMIN, fmax=FMAX)


def hann_periodic(n: int = WIN) -> np.ndarray:
    """torch.hann_window(n) (periodic=True): 0.5 - 0.5 cos(2 pi i / n), i = 0..n-1."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n, dtype=np.float64) / n)


def frame_count(n_samples: int) -> int:
    """Frames produced for n_samples: 1 + (n + 2*384 - 1024) // 256 == n // 256 (n >= 385)."""
    return 1 + (n_samples + 2 * REFLECT_PAD - N_FFT) // HOP


def log_mel(wav: np.ndarray, filters: np.ndarray, compute_dtype=np.float64) -> np.ndarray:
    """24 kHz mono waveform [N] -> log-mel float32 [F, 128] with F = N // 256 (frames x mels,
    the layout the speaker encoder graph takes after adding a batch axis)."""
    x = np.asarray(wav, dtype=np.float32).astype(compute_dtype)
    if x.ndim != 1:
        raise ValueError(f"expected a mono waveform [N], got shape {x.shape}")
    if x.shape[0] <= REFLECT_PAD:
        raise ValueError(f"need more than {REFLECT_PAD} samples for the reflect pad, got {x.shape[0]}")
    # Reflect excludes the edge sample: padded[-1] = x[1], like torch/np "reflect".
    xp = np.pad(x, (REFLECT_PAD, REFLECT_PAD), mode="reflect")
    n_frames = frame_count(x.shape[0])
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    frames = xp[idx] * hann_periodic(WIN).astype(compute_dtype)[None, :]
    spec = np.fft.rfft(frames, n=N_FFT, axis=1)
    mag = np.sqrt(spec.real * spec.real + spec.imag * spec.imag + compute_dtype(MAGNITUDE_EPS))
    mel = mag @ np.asarray(filters, dtype=np.float32).astype(compute_dtype).T
    return np.log(np.maximum(mel, compute_dtype(LOG_CLAMP))).astype(np.float32)
