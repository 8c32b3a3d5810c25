"""Speaker encoder (Base models only): `speaker_encoder.onnx` (log-mel -> x-vector) and
`mel_filters.npy` (the filterbank of the official mel frontend, which the runtime computes itself;
see q3tts_tools.mel_reference for the algorithm)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

from . import mel_reference as mr
from .errors import ToolError

GRAPH = "speaker_encoder.onnx"
FILTERS = "mel_filters.npy"
INPUT = "mel"
OUTPUT = "embedding"
OPSET = 17
# Long enough that every reflect pad in the trace is far from the input edge; the graph is
# dynamic in frames, checked by the tests at other lengths.
TRACE_FRAMES = 64


class SpeakerEncoderGraph(nn.Module):
    """Qwen3TTSSpeakerEncoder.forward with the official submodules: [1, F, 128] log-mel ->
    [1, enc_dim].

    Only the last step differs in form: the official `squeeze(-1)` of the pooled [1, enc_dim, 1]
    traces to an ONNX `If` (the tracer cannot prove the axis is 1) whose output shape is unnamed;
    a reshape to the constant [1, enc_dim] is the same value with a static output shape. The
    official caller takes `[0]` of the batch; the runtime reads the one row."""

    def __init__(self, encoder: nn.Module):
        super().__init__()
        self.encoder = encoder

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        enc = self.encoder
        hidden = mel.transpose(1, 2)
        outs = []
        for layer in enc.blocks:
            hidden = layer(hidden)
            outs.append(hidden)
        hidden = enc.mfa(torch.cat(outs[1:], dim=1))
        hidden = enc.asp(hidden)
        return enc.fc(hidden).reshape(1, enc.fc.out_channels)


def _speaker_config(model):
    cfg = getattr(model.config, "speaker_encoder_config", None)
    if getattr(model, "speaker_encoder", None) is None or cfg is None:
        raise ToolError("this checkpoint has no speaker encoder (only Base models have one)")
    if cfg.mel_dim != mr.N_MELS:
        raise ToolError(f"speaker encoder expects {cfg.mel_dim} mels; the official frontend makes {mr.N_MELS}")
    if cfg.sample_rate != mr.SAMPLE_RATE:
        raise ToolError(f"speaker encoder sample rate {cfg.sample_rate} != {mr.SAMPLE_RATE}")
    return cfg


def export_graph(model, path: Path) -> None:
    """Traces the fp32 encoder with a dynamic frame axis and writes it to path."""
    encoder = model.speaker_encoder
    if next(encoder.parameters()).dtype != torch.float32:
        raise ToolError("export the speaker encoder from an fp32 model")
    graph = SpeakerEncoderGraph(encoder).eval()
    # Fixed generator: the trace input only sets shapes, but the bytes must not depend on the
    # global RNG state.
    mel = torch.randn(1, TRACE_FRAMES, mr.N_MELS, generator=torch.Generator().manual_seed(0)) - 5.0
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            graph, (mel,), buf, dynamo=False, opset_version=OPSET,
            input_names=[INPUT], output_names=[OUTPUT],
            dynamic_axes={INPUT: {1: "frames"}},
            do_constant_folding=True,
        )
    proto = onnx.load_model_from_string(buf.getvalue())
    onnx.checker.check_model(proto)
    onnx.save_model(proto, str(path))


def export_speaker(model, out_dir: Path) -> dict:
    """Writes speaker_encoder.onnx and mel_filters.npy into out_dir for a Base model
    (official Qwen3TTSForConditionalGeneration, fp32); returns the manifest facts."""
    cfg = _speaker_config(model)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    export_graph(model, out_dir / GRAPH)
    filters = mr.mel_filters()
    if filters.dtype != np.float32 or filters.shape != (mr.N_MELS, mr.N_FFT // 2 + 1):
        raise ToolError(f"unexpected mel filterbank {filters.dtype} {filters.shape}")
    np.save(out_dir / FILTERS, np.ascontiguousarray(filters), allow_pickle=False)
    return {
        "speaker_encoder": {
            "graph": GRAPH,
            "filters": FILTERS,
            "input": INPUT,
            "output": OUTPUT,
            "sample_rate": mr.SAMPLE_RATE,
            "n_fft": mr.N_FFT,
            "hop": mr.HOP,
            "win": mr.WIN,
            "n_mels": mr.N_MELS,
            "fmin": mr.FMIN,
            "fmax": mr.FMAX,
            "center": False,
            "reflect_pad": mr.REFLECT_PAD,
            "window": "hann_periodic",
            "magnitude_eps": mr.MAGNITUDE_EPS,
            "log_clamp": mr.LOG_CLAMP,
            "min_frames": mr.MIN_FRAMES,
            "dim": int(cfg.enc_dim),
        }
    }
