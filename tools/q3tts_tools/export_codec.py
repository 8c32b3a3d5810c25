"""Exports the Qwen3-TTS-Tokenizer-12Hz codec (official `Qwen3TTSTokenizerV2Model`) to three fp32 ONNX graphs:

- `codec_decoder.onnx`: one `Qwen3TTSTokenizerV2Decoder.forward` pass, codes [B,Q,T] -> wav [B,T*1920] (a batch of
  rows, each computed as alone: every layer is causal, so a row right-padded to T keeps its own prefix);
- `codec_decoder_stream.onnx`: the same network with every piece of left context carried as explicit state,
  so that consecutive calls on any chunking concatenate to the one-pass output;
- `codec_encoder.onnx`: `Qwen3TTSTokenizerV2Model.encode` for one unpadded clip, audio [1,N] -> codes [1,Q,F].

The wrappers below re-express the official forward passes with trace-friendly tensors (explicit padding, masks
and caches) and reuse the official submodules' weights; the math is the official math.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .errors import ToolError

OPSET = 17
DECODER_FILE = "codec_decoder.onnx"
STREAM_FILE = "codec_decoder_stream.onnx"
ENCODER_FILE = "codec_encoder.onnx"
# Qwen3TTSTokenizerV2Decoder.chunked_decode defaults; the runtime repeats that loop around codec_decoder.onnx.
OFFICIAL_CHUNK_SIZE = 300
OFFICIAL_LEFT_CONTEXT = 25
STATE_IN_PREFIX = "state."
STATE_OUT_PREFIX = "next_state."


def _codebook_table(codebook) -> torch.Tensor:
    """The official EuclideanCodebook.decode table, computed once instead of on every call."""
    return (codebook.embedding_sum / codebook.cluster_usage.clamp(min=codebook.epsilon)[:, None]).detach()


def _causal_history(conv: nn.Conv1d) -> int:
    """Left context of a stride-1 causal conv: the official CausalConvNet pads exactly this many zeros."""
    return (conv.kernel_size[0] - 1) * conv.dilation[0]


def _transconv_history(tconv: nn.ConvTranspose1d) -> int:
    """Input frames before a chunk that still reach its outputs (those of the right-trimmed overlap)."""
    k, s = tconv.kernel_size[0], tconv.stride[0]
    return -(-(k - s) // s)


class _DecoderCore(nn.Module):
    """`Qwen3TTSTokenizerV2Decoder.forward` with explicit left context.

    Offline mode pads zeros on the left of every causal conv and attends within the call (positions 0..T-1).
    Stream mode takes the left context of every layer from the state and returns the next state. A state of
    zeros at position 0 is exactly the offline zero padding, and the KV cache slots that lie before absolute
    position 0 are masked, so the first stream call equals the offline pass.
    """

    def __init__(self, decoder, stream: bool):
        super().__init__()
        cfg = decoder.config
        if cfg.num_quantizers < 2:
            raise ToolError(f"codec decoder: expected at least 2 quantizers, config has {cfg.num_quantizers}")
        if any(c.stride[0] != 1 for c in self._all_causal_convs(decoder)):
            raise ToolError("codec decoder: a causal conv has stride != 1; the exporter assumes stride 1")
        self.dec = decoder
        self.stream = stream
        self.num_quantizers = cfg.num_quantizers
        q = decoder.quantizer
        tables = [_codebook_table(q.rvq_first.vq.layers[0]._codebook)]
        tables += [_codebook_table(layer._codebook) for layer in q.rvq_rest.vq.layers[: cfg.num_quantizers - 1]]
        self.register_buffer("codebooks", torch.stack(tables), persistent=False)
        tf = decoder.pre_transformer
        self.window = cfg.sliding_window
        self.kv_len = cfg.sliding_window - 1
        self.num_kv_heads = cfg.num_key_value_heads
        self.num_heads = cfg.num_attention_heads
        self.head_dim = tf.layers[0].self_attn.head_dim
        self.register_buffer("inv_freq", tf.rotary_emb.inv_freq.detach().clone(), persistent=False)
        self.rope_scaling = float(tf.rotary_emb.attention_scaling)
        self._state_in: dict = {}
        self._state_out: dict = {}

    @staticmethod
    def _all_causal_convs(decoder):
        return [m.conv for m in decoder.modules() if type(m).__name__ == "Qwen3TTSTokenizerV2CausalConvNet"]

    def state_spec(self) -> list[dict]:
        """Every carried tensor in graph order: name, shape and what it holds; all start as zeros."""
        d = self.dec
        cfg = d.config
        spec = []

        def conv(name, c):
            if _causal_history(c) > 0:
                spec.append({"name": name, "shape": [1, c.in_channels, _causal_history(c)],
                             "kind": "causal_conv_input_history",
                             "shape_formula": "[1, in_channels, (kernel-1)*dilation]",
                             "holds": f"last {_causal_history(c)} input samples of the causal conv"})

        def tconv(name, c):
            h = _transconv_history(c)
            if h > 0:
                spec.append({"name": name, "shape": [1, c.in_channels, h], "kind": "transconv_input_history",
                             "shape_formula": "[1, in_channels, ceil((kernel-stride)/stride)]",
                             "holds": f"last {h} input frame(s) of the transposed conv"})

        conv("pre_conv", d.pre_conv.conv)
        for i in range(cfg.num_hidden_layers):
            for kv in ("key", "value"):
                spec.append({"name": f"pre_transformer.layers.{i}.{kv}",
                             "shape": [1, self.num_kv_heads, self.kv_len, self.head_dim], "kind": "kv_cache",
                             "shape_formula": "[1, num_key_value_heads, sliding_window-1, head_dim]",
                             "holds": f"RoPE-rotated {kv}s of the last {self.kv_len} frames (oldest first); "
                                      "slots before absolute position 0 are masked by the graph"})
        for i, (up, cnx) in enumerate(d.upsample):
            tconv(f"upsample.{i}.0", up.conv)
            conv(f"upsample.{i}.1.dwconv", cnx.dwconv.conv)
        conv("decoder.0", d.decoder[0].conv)
        for b in range(1, 1 + len(cfg.upsample_rates)):
            block = d.decoder[b].block
            tconv(f"decoder.{b}.block.1", block[1].conv)
            for u in range(2, len(block)):
                conv(f"decoder.{b}.block.{u}.conv1", block[u].conv1.conv)
                conv(f"decoder.{b}.block.{u}.conv2", block[u].conv2.conv)
        conv(f"decoder.{len(d.decoder) - 1}", d.decoder[-1].conv)
        return spec

    def _causal(self, name: str, x: torch.Tensor, conv: nn.Conv1d) -> torch.Tensor:
        keep = _causal_history(conv)
        if keep == 0:
            return conv(x)
        if self.stream:
            x = torch.cat([self._state_in[name], x], dim=-1)
            self._state_out[name] = x[..., -keep:]
        else:
            x = F.pad(x, (keep, 0))
        return conv(x)

    def _transconv(self, name: str, x: torch.Tensor, tconv: nn.ConvTranspose1d) -> torch.Tensor:
        k, s = tconv.kernel_size[0], tconv.stride[0]
        trim = k - s
        hist = _transconv_history(tconv) if self.stream else 0
        if hist > 0:
            x = torch.cat([self._state_in[name], x], dim=-1)
            self._state_out[name] = x[..., -hist:]
        y = tconv(x)
        # Offline: the official right trim of k-s samples. Stream: also drop the outputs of the history frames
        # that the previous call already emitted.
        return y[..., hist * s: -trim] if trim > 0 else y[..., hist * s:]

    def _rope(self, positions: torch.Tensor):
        # The official rotary embedding always works in fp32, then casts to the activation dtype.
        freqs = positions.to(torch.float32)[:, None] * self.inv_freq.to(torch.float32)[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        dtype = self.codebooks.dtype
        return (emb.cos() * self.rope_scaling).to(dtype), (emb.sin() * self.rope_scaling).to(dtype)

    @staticmethod
    def _rotate(x, cos, sin):
        half = x.shape[-1] // 2
        rot = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
        return x * cos + rot * sin

    def _transformer(self, h: torch.Tensor, position: torch.Tensor) -> torch.Tensor:
        tf = self.dec.pre_transformer
        b, n = h.shape[0], h.shape[1]
        q_idx = torch.arange(n, dtype=torch.int64)
        cos, sin = self._rope(position + q_idx)
        past = self.kv_len if self.stream else 0
        # Key index c holds absolute position position - past + c; query i is at position + i.
        k_idx = torch.arange(n + past, dtype=torch.int64)
        rel = k_idx[None, :] - past - q_idx[:, None]
        allowed = (rel <= 0) & (rel > -self.window)
        if self.stream:
            allowed = allowed & (k_idx[None, :] + position - past >= 0)
        mask = (~allowed).to(torch.float32) * torch.finfo(torch.float32).min
        h = tf.input_proj(h)
        for i, layer in enumerate(tf.layers):
            attn = layer.self_attn
            residual = h
            x = layer.input_layernorm(h)
            q = attn.q_proj(x).view(b, n, self.num_heads, self.head_dim).transpose(1, 2)
            k = attn.k_proj(x).view(b, n, self.num_kv_heads, self.head_dim).transpose(1, 2)
            v = attn.v_proj(x).view(b, n, self.num_kv_heads, self.head_dim).transpose(1, 2)
            q = self._rotate(q, cos, sin)
            k = self._rotate(k, cos, sin)
            if self.stream:
                k = torch.cat([self._state_in[f"pre_transformer.layers.{i}.key"], k], dim=2)
                v = torch.cat([self._state_in[f"pre_transformer.layers.{i}.value"], v], dim=2)
                self._state_out[f"pre_transformer.layers.{i}.key"] = k[:, :, -self.kv_len:]
                self._state_out[f"pre_transformer.layers.{i}.value"] = v[:, :, -self.kv_len:]
            groups = self.num_heads // self.num_kv_heads
            if groups > 1:
                k = k.repeat_interleave(groups, dim=1)
                v = v.repeat_interleave(groups, dim=1)
            w = torch.matmul(q, k.transpose(2, 3)) * attn.scaling + mask
            w = torch.softmax(w, dim=-1)
            o = torch.matmul(w, v).transpose(1, 2).reshape(b, n, self.num_heads * self.head_dim)
            h = residual + layer.self_attn_layer_scale(attn.o_proj(o))
            residual = h
            h = residual + layer.mlp_layer_scale(layer.mlp(layer.post_attention_layernorm(h)))
        return tf.output_proj(tf.norm(h))

    def _dequantize(self, codes: torch.Tensor) -> torch.Tensor:
        q = self.dec.quantizer
        first = F.embedding(codes[:, 0], self.codebooks[0]).transpose(1, 2)
        rest = F.embedding(codes[:, 1], self.codebooks[1]).transpose(1, 2)
        for j in range(2, self.num_quantizers):
            rest = rest + F.embedding(codes[:, j], self.codebooks[j]).transpose(1, 2)
        return q.rvq_first.output_proj(first) + q.rvq_rest.output_proj(rest)

    def run(self, codes: torch.Tensor, position: torch.Tensor, state: dict) -> tuple[torch.Tensor, dict]:
        d = self.dec
        self._state_in, self._state_out = state, {}
        h = self._causal("pre_conv", self._dequantize(codes), d.pre_conv.conv)
        h = self._transformer(h.transpose(1, 2), position).transpose(1, 2)
        for i, (up, cnx) in enumerate(d.upsample):
            h = self._transconv(f"upsample.{i}.0", h, up.conv)
            residual = h
            x = self._causal(f"upsample.{i}.1.dwconv", h, cnx.dwconv.conv).transpose(1, 2)
            x = cnx.gamma * cnx.pwconv2(cnx.act(cnx.pwconv1(cnx.norm(x))))
            h = residual + x.transpose(1, 2)
        h = self._causal("decoder.0", h, d.decoder[0].conv)
        for b in range(1, len(d.decoder) - 2):
            block = d.decoder[b].block
            h = block[0](h)
            h = self._transconv(f"decoder.{b}.block.1", h, block[1].conv)
            for u in range(2, len(block)):
                unit = block[u]
                x = self._causal(f"decoder.{b}.block.{u}.conv1", unit.act1(h), unit.conv1.conv)
                x = self._causal(f"decoder.{b}.block.{u}.conv2", unit.act2(x), unit.conv2.conv)
                h = h + x
        h = d.decoder[-2](h)
        wav = self._causal(f"decoder.{len(d.decoder) - 1}", h, d.decoder[-1].conv)
        out, self._state_in, self._state_out = self._state_out, {}, {}
        return wav.clamp(min=-1, max=1).reshape(codes.shape[0], -1), out


class CodecDecoderGraph(nn.Module):
    """codes [B,Q,T] i64 -> wav [B,T*1920] f32, one official decoder pass per row (the official batched decode
    runs the same forward on right-padded rows)."""

    def __init__(self, decoder):
        super().__init__()
        self.core = _DecoderCore(decoder, stream=False)

    def forward(self, codes):
        wav, _ = self.core.run(codes, torch.zeros((), dtype=torch.int64), {})
        return wav


class CodecDecoderStreamGraph(nn.Module):
    """(codes [1,Q,N], position, *states) -> (wav [1,N*1920], *next_states); see `_DecoderCore`."""

    def __init__(self, decoder):
        super().__init__()
        self.core = _DecoderCore(decoder, stream=True)
        self.spec = self.core.state_spec()
        self.names = [s["name"] for s in self.spec]

    def initial_state(self) -> list[torch.Tensor]:
        return [torch.zeros(s["shape"], dtype=torch.float32) for s in self.spec]

    def forward(self, codes, position, *states):
        wav, nxt = self.core.run(codes, position, dict(zip(self.names, states)))
        if set(nxt) != set(self.names):
            raise ToolError(f"codec stream: state spec and forward disagree: {sorted(set(nxt) ^ set(self.names))}")
        return (wav, *[nxt[n] for n in self.names])


class CodecEncoderGraph(nn.Module):
    """audio [1,N] f32 (24 kHz) -> codes [1,Q,ceil(N/1920)] i64: `Qwen3TTSTokenizerV2Model.encode`, batch 1,
    full padding mask. Only the first Q quantizers run: later RVQ stages never change earlier indices."""

    def __init__(self, model):
        super().__init__()
        from transformers.models.mimi.modeling_mimi import MimiConv1d, MimiResnetBlock

        self._conv_type, self._res_type = MimiConv1d, MimiResnetBlock
        enc = model.encoder
        ecfg = enc.config
        if enc.downsample is None:
            raise ToolError("codec encoder: no downsample conv (frame rate equals the SEANet rate); unsupported")
        if getattr(ecfg, "_attn_implementation", "eager") == "flash_attention_2":
            raise ToolError("codec encoder: load the codec with eager or sdpa attention")
        if not ecfg.use_causal_conv or ecfg.use_conv_shortcut:
            raise ToolError("codec encoder: expected causal convs without conv shortcut")
        self.enc = enc
        self.num_quantizers = model.encoder_valid_num_quantizers
        q = enc.quantizer
        self.n_sem = q.num_semantic_quantizers
        if not 0 < self.n_sem < self.num_quantizers:
            raise ToolError(f"codec encoder: {self.n_sem} semantic quantizers vs {self.num_quantizers} valid")
        sem = [self._embed(layer.codebook) for layer in q.semantic_residual_vector_quantizer.layers]
        ac = [self._embed(layer.codebook)
              for layer in q.acoustic_residual_vector_quantizer.layers[: self.num_quantizers - self.n_sem]]
        self.register_buffer("sem_embed", torch.stack(sem), persistent=False)
        self.register_buffer("ac_embed", torch.stack(ac), persistent=False)
        self.num_heads = ecfg.num_attention_heads
        self.num_kv_heads = ecfg.num_key_value_heads
        self.head_dim = ecfg.head_dim

    @staticmethod
    def _embed(codebook):
        """MimiEuclideanCodebook.embed, recomputed: the property caches its first result (and dtype)."""
        return (codebook.embed_sum / codebook.cluster_usage.clamp(min=codebook.epsilon)[:, None]).detach().clone()

    @staticmethod
    def _mimi_conv(m, x):
        """MimiConv1d (causal): left pad kernel-stride, right pad up to a whole number of strides."""
        conv = m.conv
        k = (conv.kernel_size[0] - 1) * conv.dilation[0] + 1
        s = conv.stride[0]
        length = x.shape[-1]
        extra = (s - length % s) % s if s > 1 else 0
        x = F.pad(x, (k - s, extra), mode=m.pad_mode)
        return conv(x)

    def _transformer(self, h):
        t = h.shape[1]
        pos = torch.arange(t, dtype=torch.int64)
        idx = pos[None, :] - pos[:, None]
        # MimiTransformerModel builds its mask with create_causal_mask: plain causal, config.sliding_window
        # is not applied by the eager/sdpa attention used for encode.
        mask = (idx > 0).to(torch.float32) * torch.finfo(torch.float32).min
        for layer in self.enc.encoder_transformer.layers:
            attn = layer.self_attn
            residual = h
            x = layer.input_layernorm(h)
            q = attn.q_proj(x).view(1, t, self.num_heads, self.head_dim).transpose(1, 2)
            k = attn.k_proj(x).view(1, t, self.num_kv_heads, self.head_dim).transpose(1, 2)
            v = attn.v_proj(x).view(1, t, self.num_kv_heads, self.head_dim).transpose(1, 2)
            # MimiRotaryEmbedding works in fp32, then casts to the activation dtype.
            freqs = pos.to(torch.float32)[:, None] * attn.rotary_emb.inv_freq.to(torch.float32)[None, :]
            emb = torch.cat((freqs, freqs), dim=-1)
            scale = float(attn.rotary_emb.attention_scaling)
            cos, sin = (emb.cos() * scale).to(h.dtype), (emb.sin() * scale).to(h.dtype)
            half = self.head_dim // 2
            q = q * cos + torch.cat((-q[..., half:], q[..., :half]), dim=-1) * sin
            k = k * cos + torch.cat((-k[..., half:], k[..., :half]), dim=-1) * sin
            groups = self.num_heads // self.num_kv_heads
            if groups > 1:
                k = k.repeat_interleave(groups, dim=1)
                v = v.repeat_interleave(groups, dim=1)
            w = torch.softmax(torch.matmul(q, k.transpose(2, 3)) * attn.scaling + mask, dim=-1)
            o = torch.matmul(w, v).transpose(1, 2).reshape(1, t, self.num_heads * self.head_dim)
            h = residual + layer.self_attn_layer_scale(attn.o_proj(o))
            residual = h
            h = residual + layer.mlp_layer_scale(layer.mlp(layer.post_attention_layernorm(h)))
        return h

    @staticmethod
    def _rvq(x, embeds):
        """Nearest entry by L2 distance (torch.cdist's matmul form), then subtract it from the residual."""
        codes = []
        residual = x
        for j in range(embeds.shape[0]):
            e = embeds[j]
            x_norm = residual.pow(2).sum(-1, keepdim=True)
            e_norm = e.pow(2).sum(-1)[None, :]
            d = (x_norm - 2.0 * torch.matmul(residual, e.t()) + e_norm).clamp_min(0).sqrt()
            idx = d.argmin(dim=-1)
            codes.append(idx)
            residual = residual - F.embedding(idx, e)
        return codes

    def forward(self, audio):
        x = audio.unsqueeze(1)
        for layer in self.enc.encoder.layers:
            if isinstance(layer, self._conv_type):
                x = self._mimi_conv(layer, x)
            elif isinstance(layer, self._res_type):
                residual = x
                for sub in layer.block:
                    x = self._mimi_conv(sub, x) if isinstance(sub, self._conv_type) else sub(x)
                x = residual + x
            else:
                x = layer(x)
        x = self._transformer(x.transpose(1, 2)).transpose(1, 2)
        x = self._mimi_conv(self.enc.downsample, x)
        q = self.enc.quantizer
        sem_in = q.semantic_residual_vector_quantizer.input_proj
        ac_in = q.acoustic_residual_vector_quantizer.input_proj
        sem = sem_in(x).transpose(1, 2)[0] if sem_in is not None else x.transpose(1, 2)[0]
        ac = ac_in(x).transpose(1, 2)[0] if ac_in is not None else x.transpose(1, 2)[0]
        codes = self._rvq(sem, self.sem_embed) + self._rvq(ac, self.ac_embed)
        return torch.stack(codes)[None]


def _export(module, args, path: Path, input_names, output_names, dynamic_axes):
    import onnx

    with torch.no_grad():
        torch.onnx.export(module, args, str(path), input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True,
                          dynamo=False)
    model = onnx.load(str(path))
    if model.ByteSize() > (1 << 30):
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=path.name + ".data")


def export_codec(codec_model, out_dir: Path) -> dict:
    """Writes the three codec graphs into out_dir and returns the manifest facts about them."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    codec_model = codec_model.float().eval()
    dec = codec_model.decoder
    dcfg = dec.config
    spf = int(codec_model.decode_upsample_rate)
    if int(dec.total_upsample) != spf or int(codec_model.encode_downsample_rate) != spf:
        raise ToolError(f"codec: upsample {int(dec.total_upsample)} / rates {spf}, "
                        f"{codec_model.encode_downsample_rate} disagree")
    nq = int(dcfg.num_quantizers)
    if int(codec_model.encoder_valid_num_quantizers) != nq:
        raise ToolError(f"codec: encoder emits {codec_model.encoder_valid_num_quantizers} codebooks, "
                        f"decoder reads {nq}")

    offline = CodecDecoderGraph(dec).eval()
    # Traced at batch 2 so that no step is specialised to a single row.
    _export(offline, (torch.zeros(2, nq, 5, dtype=torch.int64),), out_dir / DECODER_FILE,
            ["codes"], ["wav"], {"codes": {0: "B", 2: "T"}, "wav": {0: "B", 1: "samples"}})

    stream = CodecDecoderStreamGraph(dec).eval()
    state_in = [STATE_IN_PREFIX + n for n in stream.names]
    state_out = [STATE_OUT_PREFIX + n for n in stream.names]
    _export(stream, (torch.zeros(1, nq, 3, dtype=torch.int64), torch.tensor(7, dtype=torch.int64),
                     *stream.initial_state()),
            out_dir / STREAM_FILE, ["codes", "position", *state_in], ["wav", *state_out],
            {"codes": {2: "N"}, "wav": {1: "samples"}})

    encoder = CodecEncoderGraph(codec_model).eval()
    _export(encoder, (torch.zeros(1, 3 * spf + 77, dtype=torch.float32),), out_dir / ENCODER_FILE,
            ["audio"], ["codes"], {"audio": {1: "N"}, "codes": {2: "F"}})

    return {
        "input_sample_rate": int(codec_model.input_sample_rate),
        "output_sample_rate": int(codec_model.output_sample_rate),
        "samples_per_frame": spf,
        "num_quantizers": nq,
        "codebook_size": int(dcfg.codebook_size),
        "dtype": "float32",
        "decoder": {
            "file": DECODER_FILE,
            "inputs": {"codes": {"dtype": "int64", "shape": ["B", nq, "T"]}},
            "outputs": {"wav": {"dtype": "float32", "shape": ["B", f"T*{spf}"]}},
            "sliding_window": int(dcfg.sliding_window),
            "official_chunk_size": OFFICIAL_CHUNK_SIZE,
            "official_left_context": OFFICIAL_LEFT_CONTEXT,
        },
        "decoder_stream": {
            "file": STREAM_FILE,
            "inputs": {"codes": {"dtype": "int64", "shape": [1, nq, "N"]},
                       "position": {"dtype": "int64", "shape": []}},
            "outputs": {"wav": {"dtype": "float32", "shape": [1, f"N*{spf}"]}},
            "state_input_prefix": STATE_IN_PREFIX,
            "state_output_prefix": STATE_OUT_PREFIX,
            "state": [{"name": s["name"], "dtype": "float32", "shape": s["shape"], "kind": s["kind"],
                       "shape_formula": s["shape_formula"], "initial_value": 0.0} for s in stream.spec],
        },
        "encoder": {
            "file": ENCODER_FILE,
            "inputs": {"audio": {"dtype": "float32", "shape": [1, "N"],
                                 "sample_rate": int(codec_model.input_sample_rate)}},
            "outputs": {"codes": {"dtype": "int64", "shape": [1, nq, f"ceil(N/{spf})"]}},
        },
    }


def load_codec(path: Path):
    """The official codec model (fp32, eval) from a speech_tokenizer folder."""
    from qwen_tts import Qwen3TTSTokenizer

    path = Path(path)
    if not (path / "config.json").is_file():
        raise ToolError(f"no codec config.json in {path}")
    return Qwen3TTSTokenizer.from_pretrained(str(path), dtype=torch.float32).model.float().eval()


__all__ = ["export_codec", "load_codec", "CodecDecoderGraph", "CodecDecoderStreamGraph", "CodecEncoderGraph",
           "DECODER_FILE", "STREAM_FILE", "ENCODER_FILE", "OFFICIAL_CHUNK_SIZE", "OFFICIAL_LEFT_CONTEXT"]
