"""Speaker encoder export (speaker_encoder.onnx, mel_filters.npy), the NumPy mel frontend the Java
engine copies, and the synthetic reference clips, all against the official qwen_tts code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import soundfile as sf
import torch

from q3tts_tools import audio_clips
from q3tts_tools import mel_reference as mr
from q3tts_tools.export_speaker import TRACE_FRAMES, export_speaker

CACHE_DIR = Path(__file__).resolve().parents[2] / "build" / "cache"
TOL = 1e-4


@pytest.fixture(scope="module")
def base_dir(request, tmp_path_factory):
    # A shared session fixture (tests/conftest.py) saves rebuilding when the whole suite runs.
    try:
        return Path(request.getfixturevalue("reference_checkpoints")["base"])
    except pytest.FixtureLookupError:
        pass
    from q3tts_tools.reference_checkpoints import build_codec, build_tts

    root = tmp_path_factory.mktemp("speaker_ref")
    build_codec(root / "codec", 4242)
    build_tts(root / "base", "base", 4243, root / "codec", cache_dir=CACHE_DIR)
    return root / "base"


@pytest.fixture(scope="module")
def wrapper(base_dir):
    from qwen_tts import Qwen3TTSModel

    return Qwen3TTSModel.from_pretrained(str(base_dir), dtype=torch.float32, attn_implementation="eager")


@pytest.fixture(scope="module")
def exported(wrapper, tmp_path_factory):
    out = tmp_path_factory.mktemp("speaker_bundle")
    facts = export_speaker(wrapper.model, out)
    return out, facts


@pytest.fixture(scope="module")
def session(exported):
    out, facts = exported
    return ort.InferenceSession(str(out / facts["speaker_encoder"]["graph"]), providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return audio_clips.write_reference_clips(tmp_path_factory.mktemp("clips"))


def official_mel(wav: np.ndarray) -> np.ndarray:
    """The official frontend with the arguments extract_speaker_embedding passes -> [F, 128]."""
    from qwen_tts.core.models.modeling_qwen3_tts import mel_spectrogram

    mel = mel_spectrogram(torch.from_numpy(wav.astype(np.float32)).unsqueeze(0), n_fft=1024, num_mels=128,
                          sampling_rate=24000, hop_size=256, win_size=1024, fmin=0, fmax=12000)
    return mel.transpose(1, 2)[0].numpy()


def float32_noise_bound(wav: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """Per-cell bound on the log-mel error of a float32 STFT (the official torch.stft runs in
    float32): FFT error ~ eps * sqrt(log2 n_fft) * ||windowed frame||, summed through the filter and
    divided by the mel value because of the log. In cells far below the frame's energy (bands with
    no content) this float32 noise alone exceeds 1e-4, whatever implementation is compared."""
    x = np.pad(wav.astype(np.float32).astype(np.float64), (mr.REFLECT_PAD, mr.REFLECT_PAD), mode="reflect")
    n_frames = mr.frame_count(wav.shape[0])
    idx = np.arange(mr.N_FFT)[None, :] + mr.HOP * np.arange(n_frames)[:, None]
    frames = x[idx] * mr.hann_periodic()
    fb = filters.astype(np.float64)
    mel = np.sqrt(np.abs(np.fft.rfft(frames, axis=1)) ** 2 + mr.MAGNITUDE_EPS) @ fb.T
    eps = float(np.finfo(np.float32).eps) * np.sqrt(np.log2(mr.N_FFT))
    return eps * np.linalg.norm(frames, axis=1)[:, None] * fb.sum(axis=1)[None, :] / np.maximum(mel, mr.LOG_CLAMP)


def test_manifest_and_graph_io(exported, wrapper):
    out, facts = exported
    f = facts["speaker_encoder"]
    enc_dim = wrapper.model.config.speaker_encoder_config.enc_dim
    assert f == {
        "graph": "speaker_encoder.onnx", "filters": "mel_filters.npy", "input": "mel", "output": "embedding",
        "sample_rate": 24000, "n_fft": 1024, "hop": 256, "win": 1024, "n_mels": 128, "fmin": 0, "fmax": 12000,
        "center": False, "reflect_pad": 384, "window": "hann_periodic", "magnitude_eps": 1e-9, "log_clamp": 1e-5,
        "min_frames": 5, "dim": enc_dim,
    }
    g = onnx.load(str(out / f["graph"])).graph
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]  # noqa: E731
    assert [i.name for i in g.input] == ["mel"] and [o.name for o in g.output] == ["embedding"]
    assert dims(g.input[0]) == [1, "frames", 128] and dims(g.output[0]) == [1, enc_dim]
    assert g.input[0].type.tensor_type.elem_type == g.output[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert not [n for n in g.node if n.op_type == "If"]


def test_filters_are_the_official_ones(exported, monkeypatch):
    """Records the filterbank the official mel_spectrogram builds and compares bytes."""
    from qwen_tts.core.models import modeling_qwen3_tts as mq

    seen = []
    real = mq.librosa_mel_fn

    def recording(**kw):
        m = real(**kw)
        seen.append(m)
        return m

    monkeypatch.setattr(mq, "librosa_mel_fn", recording)
    official_mel(np.zeros(4096, np.float32))
    out, facts = exported
    saved = np.load(out / facts["speaker_encoder"]["filters"], allow_pickle=False)
    assert len(seen) == 1
    official = torch.from_numpy(seen[0]).float().numpy()
    assert saved.dtype == np.float32 and saved.shape == (128, 513) and saved.flags.c_contiguous
    assert saved.tobytes() == official.tobytes()
    print("mel filters: bit-identical to the official filterbank")


@pytest.mark.parametrize("frames", [5, 6, 7, 11, 20, 33, TRACE_FRAMES + 1, 150, 517])
def test_graph_is_dynamic_in_frames(wrapper, session, frames):
    mel = (torch.randn(1, frames, 128, generator=torch.Generator().manual_seed(frames)) * 2.0 - 6.0)
    with torch.no_grad():
        ref = wrapper.model.speaker_encoder(mel).numpy()
    got = session.run(None, {"mel": mel.numpy()})[0]
    diff = float(np.abs(got - ref).max())
    print(f"speaker_encoder F={frames}: max abs diff {diff:.3e} (|ref| max {np.abs(ref).max():.2f})")
    assert got.shape == ref.shape
    assert diff <= TOL


def test_too_few_frames_fail_in_both(wrapper, session):
    """MIN_FRAMES is the official limit: the dilation-4 reflect pad needs more than 4 frames."""
    mel = torch.zeros(1, mr.MIN_FRAMES - 1, 128) - 5.0
    with pytest.raises(RuntimeError):
        with torch.no_grad():
            wrapper.model.speaker_encoder(mel)
    with pytest.raises(Exception):
        session.run(None, {"mel": mel.numpy()})


def _test_signals():
    rng = np.random.default_rng(7)
    clip = audio_clips.reference_signal(24000)
    return {
        "clip+noise_floor": clip + 1e-3 * rng.standard_normal(clip.shape[0]),
        "white_noise": 0.2 * rng.standard_normal(30011),
        "silence": np.zeros(5000),
        "min_length_1280": 0.2 * rng.standard_normal(1280),
        "odd_length_1535": 0.2 * rng.standard_normal(1535),
    }


@pytest.mark.parametrize("name", list(_test_signals()))
def test_numpy_mel_matches_official(name):
    wav = _test_signals()[name].astype(np.float32)
    ref = official_mel(wav)
    got = mr.log_mel(wav, mr.mel_filters())
    assert got.shape == ref.shape == (wav.shape[0] // 256, 128) == (mr.frame_count(wav.shape[0]), 128)
    diff = float(np.abs(got - ref).max())
    print(f"mel {name} (numpy float64 vs official torch float32): max abs diff {diff:.3e}")
    assert diff <= TOL


@pytest.mark.parametrize("name", ["clip_24k_bandlimited", "clip_16k_bandlimited_as_24k", "pure_tone_440"])
def test_numpy_mel_matches_official_within_float32_noise(name):
    """Band-limited signals: the empty bands sit near the float32 FFT noise of torch.stft, so the
    comparison is per cell against 1e-5 + 4x that noise bound (tight wherever there is energy)."""
    t = np.arange(48000) / 24000.0
    wav = {
        "clip_24k_bandlimited": audio_clips.reference_signal(24000),
        "clip_16k_bandlimited_as_24k": audio_clips.reference_signal(16000),
        "pure_tone_440": 0.6 * np.sin(2 * np.pi * 440.0 * t),
    }[name].astype(np.float32)
    filters = mr.mel_filters()
    ref = official_mel(wav)
    got = mr.log_mel(wav, filters)
    diff = np.abs(got - ref)
    bound = 1e-5 + 4.0 * float32_noise_bound(wav, filters)
    print(f"mel {name}: max abs diff {diff.max():.3e}, cells over 1e-4: {(diff > TOL).mean():.2%}, "
          f"max diff/bound {(diff / bound).max():.2f}")
    assert np.all(diff <= bound)


def test_numpy_float64_is_the_exact_official_math():
    """With float32 rounding removed from the official steps (same ops in float64 torch), the NumPy
    frontend agrees to float64 precision: what remains against the official code is float32 noise."""
    wav = audio_clips.reference_signal(24000).astype(np.float32)
    filters = mr.mel_filters()
    y = torch.from_numpy(wav.astype(np.float64)).unsqueeze(0)
    y = torch.nn.functional.pad(y.unsqueeze(1), (384, 384), mode="reflect").squeeze(1)
    spec = torch.stft(y, 1024, hop_length=256, win_length=1024, window=torch.hann_window(1024, dtype=torch.float64),
                      center=False, normalized=False, onesided=True, return_complex=True)
    spec = torch.sqrt(torch.view_as_real(spec).pow(2).sum(-1) + 1e-9)
    mel = torch.log(torch.clamp(torch.matmul(torch.from_numpy(filters).double(), spec), min=1e-5))
    ref = mel.transpose(1, 2)[0].numpy()
    diff = float(np.abs(mr.log_mel(wav, filters).astype(np.float64) - ref).max())
    print(f"mel numpy float64 vs torch float64: max abs diff {diff:.3e}")
    assert diff <= 1e-6


def test_embedding_official_pipeline_vs_numpy_mel_and_onnx(wrapper, session, clips):
    """Official create_voice_clone_prompt on the 24 kHz clip file (load -> mel -> encoder) against
    the bundle path (read WAV -> NumPy mel -> ORT)."""
    path = clips["ref_24k_mono"]
    prompt = wrapper.create_voice_clone_prompt(ref_audio=str(path), x_vector_only_mode=True)
    ref = prompt[0].ref_spk_embedding.float().numpy()
    wav, sr = sf.read(str(path), dtype="float32")
    assert sr == 24000
    got = session.run(None, {"mel": mr.log_mel(wav, mr.mel_filters())[None]})[0][0]
    direct = wrapper.model.extract_speaker_embedding(wav, 24000).float().numpy()
    diff = float(np.abs(got - ref).max())
    print(f"embedding official pipeline vs numpy mel + ORT: max abs diff {diff:.3e} "
          f"(|emb| max {np.abs(ref).max():.2f}); official file path vs extract_speaker_embedding: "
          f"{np.abs(direct - ref).max():.1e}")
    assert np.array_equal(direct, ref)
    assert diff <= TOL


def test_export_is_deterministic(wrapper, exported, tmp_path):
    out, facts = exported
    facts2 = export_speaker(wrapper.model, tmp_path)
    assert facts2 == facts
    for name in ("speaker_encoder.onnx", "mel_filters.npy"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_reference_clips(clips, tmp_path):
    again = audio_clips.write_reference_clips(tmp_path)
    assert set(again) == set(clips) == {"ref_24k_mono", "ref_16k_mono", "ref_44k1_stereo"}
    for name in clips:
        assert again[name].read_bytes() == clips[name].read_bytes(), name
    expect = {"ref_24k_mono": (24000, 1, "FLOAT"), "ref_16k_mono": (16000, 1, "PCM_16"),
              "ref_44k1_stereo": (44100, 2, "PCM_24")}
    for name, (sr, ch, subtype) in expect.items():
        info = sf.info(str(clips[name]))
        assert (info.samplerate, info.channels, info.subtype) == (sr, ch, subtype)
        assert info.frames == round(audio_clips.DURATION_S * sr)
    mono24, _ = sf.read(str(clips["ref_24k_mono"]), dtype="float64")
    assert abs(np.abs(mono24).max() - audio_clips.PEAK) < 1e-6
    s16, _ = sf.read(str(clips["ref_16k_mono"]), dtype="float64")
    assert np.abs(s16 - audio_clips.reference_signal(16000)).max() <= 0.5 / 32768 + 1e-9
    st, _ = sf.read(str(clips["ref_44k1_stereo"]), dtype="float64")
    # The channel mean is the mono signal; a single channel is not.
    err_mean = np.abs(st.mean(axis=1) - audio_clips.reference_signal(44100)).max()
    err_left = np.abs(st[:, 0] - audio_clips.reference_signal(44100)).max()
    print(f"clips: 16k PCM_16 err {np.abs(s16 - audio_clips.reference_signal(16000)).max():.2e}, "
          f"44.1k channel-mean err {err_mean:.2e}, left-only err {err_left:.2e}")
    assert err_mean <= 1e-6 and err_left > 0.01
