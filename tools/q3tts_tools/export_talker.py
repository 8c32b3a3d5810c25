"""Talker-side export of a q3tts bundle: text tables, text projection, talker and code predictor graphs.

Bundle version 2: every talker and code-predictor graph has a dynamic batch dimension. The talker
takes the official batched path's left padding as an `attention_mask` [B, P+S] (1 = real position,
0 = padding) and per-row `position_ids` [B, S] (the official `get_rope_index` gives each row the
positions of its own unpadded sequence); the code predictor rows are always the same length and
need no mask. The fused code predictor takes its sampling settings per row.

The graphs re-express the official forward passes with explicit KV tensors (the official code keeps
them in a transformers Cache object, which does not trace), but every numeric piece is an official
module or function: the decoder layers' Linear/RMSNorm/MLP modules, the official rotary modules and
`apply_rotary_pos_emb`. Attention is `eager_attention_forward`'s arithmetic (the same products, scaling,
mask, fp32 softmax and weighted sum, in that order) with one change of layout: the query heads that
share a KV head are stacked against it instead of `repeat_kv` copying the KV cache once per query
head (`_grouped_attention`; `tests/test_export_talker.py` checks it against the official function).
"""
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from . import export_int8
from .errors import ToolError

OPSET = 17
EXTERNAL_DATA_THRESHOLD = 1 << 30

TEXT_EMBEDDING = "text_embedding.npy"
CODEC_EMBEDDING = "codec_embedding.npy"
CP_EMBEDDINGS = "cp_embeddings.npy"
TEXT_PROJECTION = "text_projection.onnx"
TALKER = "talker.onnx"
TALKER_STATIC = "talker_static.onnx"
CODE_PREDICTOR_STEP = "code_predictor_step.onnx"
CODE_PREDICTOR_FRAME = "code_predictor_frame.onnx"


def _modeling():
    from qwen_tts.core.models import modeling_qwen3_tts

    return modeling_qwen3_tts


def _causal_mask(past_len, seq_len, dtype):
    """Additive mask [1, 1, S, P+S] as the official eager path builds it (0 or dtype min)."""
    q_pos = torch.arange(seq_len) + past_len
    k_pos = torch.arange(past_len + seq_len)
    allowed = k_pos.unsqueeze(0) <= q_pos.unsqueeze(1)
    zero = torch.zeros((), dtype=dtype)
    low = torch.full((), torch.finfo(dtype).min, dtype=dtype)
    return torch.where(allowed, zero, low).unsqueeze(0).unsqueeze(0)


def _padded_causal_mask(attention_mask, past_len, seq_len, dtype):
    """Additive mask [B, 1, S, P+S]: causal within the padded layout and no padded key (0 or dtype min).

    The official batched path masks the same keys; a query row that sees no key at all (a left pad
    in the prefill) gets a uniform softmax, which only ever feeds other pad positions.
    """
    q_pos = torch.arange(seq_len) + past_len
    k_pos = torch.arange(past_len + seq_len)
    causal = (k_pos.unsqueeze(0) <= q_pos.unsqueeze(1)).unsqueeze(0).unsqueeze(0)
    allowed = causal & (attention_mask != 0).unsqueeze(1).unsqueeze(1)
    zero = torch.zeros((), dtype=dtype)
    low = torch.full((), torch.finfo(dtype).min, dtype=dtype)
    return torch.where(allowed, zero, low)


class _TalkerRope(nn.Module):
    """cos/sin [B, S, D] for per-row positions via the official multimodal rotary module.

    The talker feeds three identical position rows; `check_talker_rope` proves that the interleaved
    multimodal application then equals plain RoPE with row 0, which is what the graph uses. Kept as
    its own module so the fp16 conversion can find (and keep in fp32) everything under `/rope/`.
    """

    def __init__(self, rotary_emb):
        super().__init__()
        self.rotary_emb = rotary_emb

    def forward(self, x, position_ids):
        cos, sin = self.rotary_emb(x, position_ids.unsqueeze(0).expand(3, -1, -1))
        return cos[0], sin[0]


class _PlainRope(nn.Module):
    def __init__(self, rotary_emb):
        super().__init__()
        self.rotary_emb = rotary_emb

    def forward(self, x, past_len, seq_len):
        pos = torch.arange(seq_len) + past_len
        return self.rotary_emb(x, pos.view(1, -1))


def _grouped_attention(attn, q, k, v, mask):
    """`eager_attention_forward` (official, eval mode) without `repeat_kv`.

    The official function expands K and V from the KV heads to the query heads (query head h reads
    KV head h // n_rep) and so materialises a copy of the whole cache in every layer at every step:
    the graph's largest memory traffic after the weights, growing with batch x length (a quarter of
    the talker's step at batch 16 on the CPU). Viewing the queries [B, H, S, D] as [B, KV, n_rep * S, D]
    pairs every query head with its KV head without copying the cache; each score and each weighted sum
    is the same dot product over the same elements.
    """
    b, heads, s, d = q.shape
    kv_heads = k.shape[1]
    rep = heads // kv_heads
    t = k.shape[2]
    w = torch.matmul(q.reshape(b, kv_heads, rep * s, d), k.transpose(2, 3)) * attn.scaling
    w = w.reshape(b, heads, s, t)
    if mask is not None:
        w = w + mask[:, :, :, :t]
    w = nn.functional.softmax(w, dim=-1, dtype=torch.float32).to(q.dtype)
    out = torch.matmul(w.reshape(b, kv_heads, rep * s, t), v)
    return out.reshape(b, heads, s, d).transpose(1, 2).contiguous()


def _decoder_layer(layer, h, cos, sin, mask, past_k, past_v, index=None):
    """Qwen3TTSTalkerDecoderLayer / Qwen3TTSDecoderLayer forward with an explicit KV cache: the new
    keys/values are appended to `past_*`, or, given `index`, written into the fixed-size `past_*` at
    those columns (ScatterElements, whose output is the updated cache; attention then reads the whole
    buffer, masked)."""
    m = _modeling()
    attn = layer.self_attn
    residual = h
    x = layer.input_layernorm(h)
    input_shape = x.shape[:-1]
    hidden_shape = (*input_shape, -1, attn.head_dim)
    q = attn.q_norm(attn.q_proj(x).view(hidden_shape)).transpose(1, 2)
    k = attn.k_norm(attn.k_proj(x).view(hidden_shape)).transpose(1, 2)
    v = attn.v_proj(x).view(hidden_shape).transpose(1, 2)
    q, k = m.apply_rotary_pos_emb(q, k, cos, sin)
    if index is not None:
        k = past_k.scatter(2, index.expand_as(k), k.to(past_k.dtype))
        v = past_v.scatter(2, index.expand_as(v), v.to(past_v.dtype))
    elif past_k is not None:
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
    out = _grouped_attention(attn, q, k, v, mask)
    out = attn.o_proj(out.reshape(*input_shape, -1).contiguous())
    h = residual + out
    h = h + layer.mlp(layer.post_attention_layernorm(h))
    return h, k, v


def _run_layers(layers, h, cos, sin, mask, past):
    presents = []
    for i, layer in enumerate(layers):
        pk = past[2 * i] if past else None
        pv = past[2 * i + 1] if past else None
        h, k, v = _decoder_layer(layer, h, cos, sin, mask, pk, pv)
        presents += [k, v]
    return h, presents


class _LastNorm(nn.Module):
    """Final RMSNorm of the last position; a named scope so fp16 export keeps it (and its pick) in fp32."""

    def __init__(self, norm):
        super().__init__()
        self.norm = norm

    def forward(self, h):
        return self.norm(h)[:, -1, :]


class TalkerGraph(nn.Module):
    def __init__(self, talker):
        super().__init__()
        self.layers = talker.model.layers
        self.last_norm = _LastNorm(talker.model.norm)
        self.codec_head = talker.codec_head
        self.rope = _TalkerRope(talker.model.rotary_emb)

    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        past_len = past[0].shape[2]
        seq_len = inputs_embeds.shape[1]
        cos, sin = self.rope(inputs_embeds, position_ids)
        mask = _padded_causal_mask(attention_mask, past_len, seq_len, inputs_embeds.dtype)
        h, presents = _run_layers(self.layers, inputs_embeds, cos, sin, mask, past)
        last = self.last_norm(h)
        return (self.codec_head(last), last, *presents)


class StaticTalkerGraph(nn.Module):
    """The talker over a fixed-size KV buffer (`--static-kv N`), for CUDA graphs.

    in: inputs_embeds [B, S, H], attention_mask [B, N] (1 = a real position written so far or now,
    0 = padding or not yet written), position_ids [B, S], write_index [1] (the first column this run
    writes; the S new positions go to write_index..write_index+S-1), past_* [B, KV, N, D].
    out: logits, last_hidden as the talker graph; present_* [B, KV, N, D] = past_* with the new
    columns written. A runtime binds the same buffer as past and present, so the cache is updated
    in place and every run has the same shapes and addresses. Query s sees key column j when
    j <= write_index + s and attention_mask[b, j] is 1: the padded causal mask of the talker graph
    with unwritten columns masked like padding.
    """

    def __init__(self, talker):
        super().__init__()
        self.layers = talker.model.layers
        self.last_norm = _LastNorm(talker.model.norm)
        self.codec_head = talker.codec_head
        self.rope = _TalkerRope(talker.model.rotary_emb)

    def forward(self, inputs_embeds, attention_mask, position_ids, write_index, *past):
        seq_len = inputs_embeds.shape[1]
        max_len = past[0].shape[2]
        cos, sin = self.rope(inputs_embeds, position_ids)
        q_pos = torch.arange(seq_len) + write_index
        k_pos = torch.arange(max_len)
        causal = (k_pos.unsqueeze(0) <= q_pos.unsqueeze(1)).unsqueeze(0).unsqueeze(0)
        allowed = causal & (attention_mask != 0).unsqueeze(1).unsqueeze(1)
        dtype = inputs_embeds.dtype
        mask = torch.where(allowed, torch.zeros((), dtype=dtype), torch.full((), torch.finfo(dtype).min, dtype=dtype))
        index = q_pos.view(1, 1, seq_len, 1)
        h = inputs_embeds
        presents = []
        for i, layer in enumerate(self.layers):
            h, k, v = _decoder_layer(layer, h, cos, sin, mask, past[2 * i], past[2 * i + 1], index=index)
            presents += [k, v]
        last = self.last_norm(h)
        return (self.codec_head(last), last, *presents)


class TextProjectionGraph(nn.Module):
    def __init__(self, talker):
        super().__init__()
        self.text_projection = talker.text_projection

    def forward(self, text_embeds):
        return self.text_projection(text_embeds)


class CodePredictorStepGraph(nn.Module):
    def __init__(self, cp):
        super().__init__()
        self.proj = cp.small_to_mtp_projection
        self.layers = cp.model.layers
        self.norm = cp.model.norm
        self.rope = _PlainRope(cp.model.rotary_emb)
        # [heads, hidden, vocab]: the step input picks the head with one Gather.
        self.register_buffer(
            "heads_t", torch.stack([h.weight.detach().t().contiguous() for h in cp.lm_head]), persistent=False
        )

    def forward(self, inputs_embeds, step, *past):
        x = self.proj(inputs_embeds)
        past_len = past[0].shape[2]
        seq_len = x.shape[1]
        cos, sin = self.rope(x, past_len, seq_len)
        mask = _causal_mask(past_len, seq_len, x.dtype)
        h, presents = _run_layers(self.layers, x, cos, sin, mask, past)
        last = self.norm(h)[:, -1, :]
        return (torch.matmul(last, self.heads_t[step]), *presents)


def _choose(logits, do_sample, temperature, top_k, top_p, u):
    """One token per row from logits [B, V]: greedy or HF-warper sampling with an inverse-CDF pick.

    Every setting is per row ([B]). Sampling follows transformers' order: logits / temperature,
    TopKLogitsWarper (keeps every logit >= the k-th largest, ties included; top_k <= 0 disables it),
    TopPLogitsWarper only when top_p < 1 (ascending sort, drop cumulative prob <= 1 - top_p, always
    keep the largest), softmax. The pick is the first index whose running sum exceeds u * total, or
    failing that (rounding) the first index whose running sum reaches the total; it never lands on a
    filtered token. A row's result depends on its own inputs only.
    """
    vocab = logits.shape[-1]
    greedy = torch.argmax(logits, dim=-1)
    scores = logits / temperature.unsqueeze(1)
    neg_inf = torch.full((), float("-inf"))
    desc, _ = torch.sort(scores, dim=-1, descending=True)
    k = torch.where(top_k > 0, torch.clamp(top_k, max=vocab), torch.full_like(top_k, vocab))
    kth = torch.gather(desc, 1, (k - 1).unsqueeze(1))
    scores = torch.where(scores < kth, neg_inf, scores)
    asc, asc_idx = torch.sort(scores, dim=-1, descending=False)
    cum = torch.softmax(asc, dim=-1).cumsum(dim=-1)
    keep_last = torch.arange(vocab) == vocab - 1
    remove_sorted = (cum <= (1 - top_p).unsqueeze(1)) & ~keep_last
    remove = torch.zeros_like(remove_sorted).scatter(1, asc_idx, remove_sorted)
    scores = torch.where(remove & (top_p < 1.0).unsqueeze(1), neg_inf, scores)
    cdf = torch.softmax(scores, dim=-1).cumsum(dim=-1)
    total = cdf[:, -1:]
    hit = (cdf > u.unsqueeze(1) * total) | (cdf >= total)
    pick = torch.argmax(hit.to(torch.int32), dim=-1)
    return torch.where(do_sample, pick, greedy)


class CodePredictorFrameGraph(nn.Module):
    """All residual steps of one frame for B rows, unrolled, as the official code predictor `generate` runs them.

    last_hidden, c0_embed [B, H]; do_sample, temperature, top_k, top_p [B]; uniforms [B, steps];
    outputs codes [B, steps] and embed_sum [B, H].
    """

    def __init__(self, cp):
        super().__init__()
        self.proj = cp.small_to_mtp_projection
        self.layers = cp.model.layers
        self.norm = cp.model.norm
        self.rope = _PlainRope(cp.model.rotary_emb)
        self.lm_head = cp.lm_head
        self.codec_embedding = cp.model.codec_embedding

    def forward(self, last_hidden, c0_embed, do_sample, temperature, top_k, top_p, uniforms):
        n_steps = len(self.lm_head)
        x = torch.stack([last_hidden, c0_embed], dim=1)
        # Positions are static here (0..n_steps); one rotary table serves every step.
        cos_all, sin_all = self.rope(x, 0, n_steps + 1)
        past = None
        past_len = 0
        embeds = [c0_embed]
        codes = []
        for j in range(n_steps):
            x = self.proj(x)
            seq_len = 2 if j == 0 else 1
            cos = cos_all[:, past_len:past_len + seq_len]
            sin = sin_all[:, past_len:past_len + seq_len]
            # A single query sees the whole cache: the official all-zero additive mask is a no-op.
            mask = _causal_mask(past_len, seq_len, x.dtype) if seq_len > 1 else None
            h, past = _run_layers(self.layers, x, cos, sin, mask, past)
            past_len += seq_len
            logits = self.lm_head[j](self.norm(h)[:, -1, :])
            code = _choose(logits, do_sample, temperature, top_k, top_p, uniforms[:, j])
            codes.append(code)
            e = self.codec_embedding[j](code)
            embeds.append(e)
            x = e.unsqueeze(1)
        embed_sum = torch.stack(embeds, dim=1).sum(1)
        return torch.stack(codes, dim=1), embed_sum


def check_talker_rope(talker, positions=64) -> float:
    """Max |multimodal interleaved RoPE - plain RoPE| for identical position rows (expected 0)."""
    m = _modeling()
    cfg = talker.config
    d = cfg.head_dim
    gen = torch.Generator().manual_seed(0)
    q = torch.randn(1, cfg.num_attention_heads, positions, d, generator=gen)
    k = torch.randn(1, cfg.num_key_value_heads, positions, d, generator=gen)
    pos = torch.arange(positions).view(1, 1, -1).expand(3, 1, -1)
    with torch.no_grad():
        cos, sin = talker.model.rotary_emb(q, pos)
        rs = cfg.rope_scaling
        mq, mk = m.apply_multimodal_rotary_pos_emb(q, k, cos, sin, rs["mrope_section"], rs.get("interleaved", False))
        pq, pk = m.apply_rotary_pos_emb(q, k, cos[0], sin[0])
    return max((mq - pq).abs().max().item(), (mk - pk).abs().max().item())


def _kv_names(prefix, n):
    names = []
    for i in range(n):
        names += [f"{prefix}_key.{i}", f"{prefix}_value.{i}"]
    return names


def _torch_export(module, args, path, input_names, output_names, dynamic_axes):
    with torch.no_grad():
        torch.onnx.export(
            module, args, str(path), dynamo=False, opset_version=OPSET, do_constant_folding=True,
            input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes,
        )


def _external_arrays(model, base_dir):
    """Pulls every initializer's data out into numpy arrays, leaving data-less placeholders.

    Shape inference serialises the proto, so it runs on the placeholders: a 1.7B talker in fp32
    exceeds the 2 GiB protobuf limit.
    """
    arrays = {}
    for t in model.graph.initializer:
        arrays[t.name] = numpy_helper.to_array(t, base_dir=str(base_dir))
        name, dims, dtype = t.name, list(t.dims), t.data_type
        t.Clear()
        t.name = name
        t.dims.extend(dims)
        t.data_type = dtype
    return arrays


def _restore_arrays(model, arrays):
    for t in model.graph.initializer:
        t.raw_data = np.ascontiguousarray(arrays.pop(t.name)).tobytes()


_NORM_SCOPE = re.compile(r".*norm(_\d+)?$")
_FP32_SCOPE = re.compile(r"(rope|codec_head)(_\d+)?$")


def _fp16_block_list(model):
    """Node names kept in fp32: every RMSNorm, the rotary tables, the last-position pick, the codec head.

    TorchScript names a node after the module scope it ran in; a repeated scope gets a `_N` suffix.
    """
    blocked = []
    for n in model.graph.node:
        scopes = n.name.strip("/").split("/")[:-1]
        if any(_NORM_SCOPE.match(s) or _FP32_SCOPE.match(s) for s in scopes):
            blocked.append(n.name)
    return blocked


def _drop_fp16_round_trips(model):
    """Removes the fp32 -> fp16 -> fp32 Cast pairs the converter puts between two blocked nodes.

    The converter casts every blocked node's output to fp16 and back before the next blocked node,
    which would round the rotary angles and the codec logits to fp16 after all.
    """
    producer = {o: n for n in model.graph.node for o in n.output}
    graph_outputs = {o.name for o in model.graph.output}
    bypass = {}
    for n in model.graph.node:
        if n.op_type != "Cast" or n.attribute[0].i != onnx.TensorProto.FLOAT:
            continue
        src = producer.get(n.input[0])
        if src is None or src.op_type != "Cast" or not src.name.endswith("_cast_to_fp16_node"):
            continue
        if n.output[0] in graph_outputs:
            n.op_type = "Identity"
            del n.attribute[:]
            n.input[0] = src.input[0]
        else:
            bypass[n.output[0]] = src.input[0]
    for n in model.graph.node:
        for i, name in enumerate(n.input):
            if name in bypass:
                n.input[i] = bypass[name]
    while True:
        used = {i for n in model.graph.node for i in n.input} | graph_outputs
        dead = [n for n in model.graph.node if n.op_type == "Cast" and n.output[0] not in used]
        if not dead:
            break
        for n in dead:
            model.graph.node.remove(n)


# Talker inputs/outputs that stay fp32 in an fp16 bundle; the KV (past_*/present_*) is fp16.
TALKER_FP32_IO = ["inputs_embeds", "logits", "last_hidden"]

FP16_OP_BLOCK = ["Softmax", "Pow", "ReduceMean", "Sqrt", "Reciprocal", "Div"]


def _save(model, path: Path) -> str | None:
    """Writes the graph; graphs over 1 GiB get their weights in one `<name>.onnx.data` side file."""
    size = sum(len(t.raw_data) for t in model.graph.initializer)
    data_name = path.name + ".data"
    if (path.parent / data_name).exists():
        (path.parent / data_name).unlink()
    if size > EXTERNAL_DATA_THRESHOLD:
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data_name, size_threshold=0)
        # onnx creates the side file owner-only; give it the graph file's permissions.
        shutil.copymode(path, path.parent / data_name)
        return data_name
    onnx.save_model(model, str(path))
    return None


def _export_graph(module, args, path: Path, input_names, output_names, dynamic_axes, fp16: bool,
                  int8: dict | None = None, keep_io=True, fp32_nodes=()):
    """Exports, converts and saves one graph; returns its side-file name or None.

    `int8`, when given, receives the quantization counts of this graph (the graph is then saved
    with 8-bit MatMul weights). With `fp16`, `keep_io` is True (every float input/output stays
    fp32) or the list of input/output names that stay fp32 (the others become fp16), and
    `fp32_nodes` names extra nodes to keep in fp32 (the activation probe's findings).
    """
    from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST, convert_float_to_float16

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / path.name
        _torch_export(module, args, raw, input_names, output_names, dynamic_axes)
        model = onnx.load(str(raw), load_external_data=False)
        arrays = _external_arrays(model, tmp)
    # Node doc strings hold Python source locations; without them the bytes do not change when
    # unrelated code moves.
    model.doc_string = ""
    for n in model.graph.node:
        n.doc_string = ""
    if fp16:
        model = onnx.shape_inference.infer_shapes(model)
        _restore_arrays(model, arrays)
        model = convert_float_to_float16(
            model, keep_io_types=keep_io, disable_shape_infer=True,
            op_block_list=list(DEFAULT_OP_BLOCK_LIST) + FP16_OP_BLOCK,
            node_block_list=_fp16_block_list(model) + [n for n in fp32_nodes],
        )
        del model.graph.value_info[:]
        _drop_fp16_round_trips(model)
    else:
        _restore_arrays(model, arrays)
        if int8 is not None:
            model, counts = export_int8.quantize_graph(model)
            int8.update(counts)
    return _save(model, path)


def _graph_facts(file, precision, external, inputs, outputs):
    return {"file": file, "precision": precision, "external_data": external, "inputs": inputs, "outputs": outputs}


def export_talker(model, out_dir: Path, fp16: bool = False, int8: bool = False, fp32_nodes=(),
                  probe: dict | None = None, static_kv: int | None = None) -> dict:
    """Writes the talker-side tables and graphs of a Qwen3TTSForConditionalGeneration into out_dir.

    `int8` stores the MatMul weights of the talker and both code-predictor graphs as 8-bit
    MatMulNBits (CPU; see export_int8); the text projection, tables and I/O stay fp32.
    Returns the manifest facts: dimensions, file names, per-graph precision and I/O names, and with
    `int8` a `quantization` object (settings and per-graph counts). `fp32_nodes` (fp16 only) names
    talker nodes that stay fp32 beyond the fixed list; `probe` (fp16 only; keys `frames`, `limit`)
    runs the activation probe on the fp32 talker first and adds the nodes it finds (export_probe).
    `static_kv` N also writes `talker_static.onnx`, the talker over a fixed N-position KV buffer
    updated in place (StaticTalkerGraph), with the talker graph's precision.
    """
    if fp16 and int8:
        raise ToolError("--fp16 and --int8 exclude each other (fp16 is for CUDA, int8 for the CPU)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    talker = model.talker
    cp = talker.code_predictor
    tc = talker.config
    cc = cp.config
    if model.training:
        raise ToolError("export_talker needs the model in eval mode")
    rope_err = check_talker_rope(talker)
    if rope_err > 1e-6:
        raise ToolError(f"talker multimodal RoPE differs from plain RoPE for identical rows ({rope_err})")

    H, T = tc.hidden_size, tc.text_hidden_size
    L, KV, D = tc.num_hidden_layers, tc.num_key_value_heads, tc.head_dim
    Lc, KVc, Dc, Hc = cc.num_hidden_layers, cc.num_key_value_heads, cc.head_dim, cc.hidden_size
    n_groups = tc.num_code_groups
    n_steps = n_groups - 1
    V, Vc = tc.vocab_size, cc.vocab_size

    def table(name, t):
        a = np.ascontiguousarray(t.detach().cpu().to(torch.float32).numpy())
        np.save(out_dir / name, a, allow_pickle=False)
        return {"file": name, "dtype": "f32", "shape": list(a.shape)}

    tables = {
        "text_embedding": table(TEXT_EMBEDDING, talker.model.text_embedding.weight),
        "codec_embedding": table(CODEC_EMBEDDING, talker.model.codec_embedding.weight),
        "cp_embeddings": table(CP_EMBEDDINGS, torch.stack([e.weight for e in cp.model.codec_embedding])),
    }

    precision = "fp16" if fp16 else "fp32"
    q_precision = "int8" if int8 else "fp32"
    q_counts = {}

    def q(name):
        if not int8:
            return None
        q_counts[name] = {}
        return q_counts[name]

    graphs = {}
    gen = torch.Generator().manual_seed(0)

    ext = _export_graph(
        TextProjectionGraph(talker).eval(), (torch.randn(1, 5, T, generator=gen),), out_dir / TEXT_PROJECTION,
        ["text_embeds"], ["hidden"], {"text_embeds": {1: "L"}, "hidden": {1: "L"}}, fp16,
    )
    graphs["text_projection"] = _graph_facts(TEXT_PROJECTION, precision, ext, ["text_embeds"], ["hidden"])

    past_in, present_out = _kv_names("past", L), _kv_names("present", L)
    talker_inputs = ["inputs_embeds", "attention_mask", "position_ids", *past_in]
    axes = {"inputs_embeds": {0: "B", 1: "S"}, "attention_mask": {0: "B", 1: "P_plus_S"},
            "position_ids": {0: "B", 1: "S"}, "logits": {0: "B"}, "last_hidden": {0: "B"}}
    axes.update({n: {0: "B", 2: "P"} for n in past_in})
    axes.update({n: {0: "B", 2: "P_plus_S"} for n in present_out})
    # Traced at batch 2 with one left-padded row, so no batch or mask shape is folded into a constant.
    past = tuple(torch.randn(2, KV, 3, D, generator=gen) for _ in past_in)
    trace_mask = torch.tensor([[0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]], dtype=torch.int64)
    trace_pos = torch.tensor([[2, 3, 4, 5], [3, 4, 5, 6]], dtype=torch.int64)
    probe_report = None
    if probe is not None:
        if not fp16:
            raise ToolError("--probe needs --fp16 (it decides which talker nodes stay fp32)")
        from .export_probe import probe_talker

        with tempfile.TemporaryDirectory() as tmp:
            # Its own generator: the probe must not change the random trace inputs of the graphs below.
            pgen = torch.Generator().manual_seed(1)
            p_past = tuple(torch.randn(2, KV, 3, D, generator=pgen) for _ in past_in)
            _export_graph(TalkerGraph(talker).eval(), (torch.randn(2, 4, H, generator=pgen), trace_mask, trace_pos, *p_past),
                          Path(tmp) / TALKER, talker_inputs, ["logits", "last_hidden", *present_out], axes, False)
            keep, probe_report = probe_talker(model, Path(tmp) / TALKER, **probe)
        fp32_nodes = sorted(set(fp32_nodes) | set(keep))
        probe_report["nodes"] = keep
    # fp16: the KV cache is fp16 on both sides of the graph (half the bytes per step, no Cast per
    # layer); the step input, logits and last hidden state stay fp32 for the host.
    ext = _export_graph(
        TalkerGraph(talker).eval(), (torch.randn(2, 4, H, generator=gen), trace_mask, trace_pos, *past),
        out_dir / TALKER, talker_inputs, ["logits", "last_hidden", *present_out], axes, fp16, q("talker"),
        keep_io=TALKER_FP32_IO, fp32_nodes=fp32_nodes,
    )
    graphs["talker"] = _graph_facts(TALKER, "int8" if int8 else precision, ext, talker_inputs,
                                    ["logits", "last_hidden", *present_out])
    if probe_report is not None:
        graphs["talker"]["probe"] = probe_report
    if static_kv is not None:
        if static_kv < 2:
            raise ToolError(f"--static-kv must be at least 2 positions, got {static_kv}")
        static_inputs = ["inputs_embeds", "attention_mask", "position_ids", "write_index", *past_in]
        static_axes = {"inputs_embeds": {0: "B", 1: "S"}, "attention_mask": {0: "B"}, "position_ids": {0: "B", 1: "S"},
                       "logits": {0: "B"}, "last_hidden": {0: "B"}}
        static_axes.update({n: {0: "B"} for n in past_in + present_out})
        # Its own generator, so the graphs after it trace the same random inputs with or without it.
        sgen = torch.Generator().manual_seed(2)
        s_past = tuple(torch.randn(2, KV, static_kv, D, generator=sgen) for _ in past_in)
        s_mask = torch.zeros(2, static_kv, dtype=torch.int64)
        s_mask[0, 1:7] = 1
        s_mask[1, 0:7] = 1
        ext = _export_graph(
            StaticTalkerGraph(talker).eval(),
            (torch.randn(2, 4, H, generator=sgen), s_mask, trace_pos, torch.tensor([3], dtype=torch.int64), *s_past),
            out_dir / TALKER_STATIC, static_inputs, ["logits", "last_hidden", *present_out], static_axes, fp16,
            q("talker_static"), keep_io=TALKER_FP32_IO, fp32_nodes=fp32_nodes,
        )
        graphs["talker_static"] = _graph_facts(TALKER_STATIC, "int8" if int8 else precision, ext, static_inputs,
                                               ["logits", "last_hidden", *present_out])
        graphs["talker_static"]["max_length"] = static_kv

    cp_past_in, cp_present_out = _kv_names("past", Lc), _kv_names("present", Lc)
    axes = {"inputs_embeds": {0: "B", 1: "S"}, "logits": {0: "B"}}
    axes.update({n: {0: "B", 2: "P"} for n in cp_past_in})
    axes.update({n: {0: "B", 2: "P_plus_S"} for n in cp_present_out})
    cp_past = tuple(torch.randn(2, KVc, 2, Dc, generator=gen) for _ in cp_past_in)
    step_inputs = ["inputs_embeds", "step", *cp_past_in]
    ext = _export_graph(
        CodePredictorStepGraph(cp).eval(),
        (torch.randn(2, 1, H, generator=gen), torch.tensor(3, dtype=torch.int64), *cp_past),
        out_dir / CODE_PREDICTOR_STEP, step_inputs, ["logits", *cp_present_out], axes, False,
        q("code_predictor_step"),
    )
    graphs["code_predictor_step"] = _graph_facts(CODE_PREDICTOR_STEP, q_precision, ext, step_inputs,
                                                 ["logits", *cp_present_out])

    frame_inputs = ["last_hidden", "c0_embed", "do_sample", "temperature", "top_k", "top_p", "uniforms"]
    frame_args = (
        torch.randn(2, H, generator=gen), torch.randn(2, H, generator=gen), torch.tensor([True, False]),
        torch.tensor([0.9, 1.0]), torch.tensor([50, 0], dtype=torch.int64), torch.tensor([0.8, 1.0]),
        torch.rand(2, n_steps, generator=gen),
    )
    frame_axes = {n: {0: "B"} for n in frame_inputs + ["codes", "embed_sum"]}
    ext = _export_graph(
        CodePredictorFrameGraph(cp).eval(), frame_args, out_dir / CODE_PREDICTOR_FRAME, frame_inputs,
        ["codes", "embed_sum"], frame_axes, False, q("code_predictor_frame"),
    )
    graphs["code_predictor_frame"] = _graph_facts(CODE_PREDICTOR_FRAME, q_precision, ext, frame_inputs,
                                                  ["codes", "embed_sum"])

    facts = {
        "talker": {
            "hidden_size": H, "num_layers": L, "num_attention_heads": tc.num_attention_heads,
            "num_key_value_heads": KV, "head_dim": D, "vocab_size": V, "num_code_groups": n_groups,
            "text_hidden_size": T, "text_vocab_size": tc.text_vocab_size,
        },
        "code_predictor": {
            "hidden_size": Hc, "num_layers": Lc, "num_attention_heads": cc.num_attention_heads,
            "num_key_value_heads": KVc, "head_dim": Dc, "vocab_size": Vc, "num_steps": n_steps,
            "input_projection": not isinstance(cp.small_to_mtp_projection, nn.Identity),
        },
        "tables": tables,
        "graphs": graphs,
    }
    if int8:
        facts["quantization"] = {**export_int8.settings(), "graphs": q_counts}
    return facts
