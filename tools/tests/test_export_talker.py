"""Talker-side export vs the official PyTorch modules, run through onnxruntime on CPU."""
import hashlib

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from q3tts_tools import export_talker as et

MODELS = ["custom-voice", "voice-design"]
TOL = 1e-4
# HF generate costs ~0.5 s per frame even on the tiny model; the 0.6B-shaped model gets the most frames.
GREEDY_FRAMES = {"custom-voice": 20, "voice-design": 8}


def _session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.log_severity_level = 3
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def _load(path):
    from qwen_tts import Qwen3TTSModel

    return Qwen3TTSModel.from_pretrained(str(path), dtype=torch.float32, attn_implementation="eager").model


@pytest.fixture(scope="module")
def models(reference_checkpoints):
    return {name: _load(reference_checkpoints[name]) for name in MODELS}


class _Bundle:
    def __init__(self, out_dir, facts):
        self.dir = out_dir
        self.facts = facts
        self._sessions = {}

    def session(self, graph):
        if graph not in self._sessions:
            self._sessions[graph] = _session(self.dir / self.facts["graphs"][graph]["file"])
        return self._sessions[graph]


@pytest.fixture(scope="module")
def bundles(models, tmp_path_factory):
    out = {}
    for name, model in models.items():
        d = tmp_path_factory.mktemp(f"talker-{name}")
        out[name] = _Bundle(d, et.export_talker(model, d))
    return out


def _maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def _empty_past(names, kv, d, dtype=np.float32):
    return {n: np.zeros((1, kv, 0, d), dtype) for n in names}


def _cache_kv(cache, i):
    layer = cache.layers[i]
    return layer.keys, layer.values


@pytest.mark.parametrize("name", MODELS)
def test_multimodal_rope_equals_plain_rope(models, name):
    err = et.check_talker_rope(models[name].talker)
    print(f"{name}: |mrope - rope| = {err:.3g}")
    assert err <= 1e-7


@pytest.mark.parametrize("name", MODELS)
def test_tables(models, bundles, name):
    talker = models[name].talker
    b = bundles[name]
    te = np.load(b.dir / et.TEXT_EMBEDDING)
    ce = np.load(b.dir / et.CODEC_EMBEDDING)
    cpe = np.load(b.dir / et.CP_EMBEDDINGS)
    assert te.dtype == ce.dtype == cpe.dtype == np.float32
    assert te.flags.c_contiguous
    np.testing.assert_array_equal(te, talker.model.text_embedding.weight.detach().numpy())
    np.testing.assert_array_equal(ce, talker.model.codec_embedding.weight.detach().numpy())
    assert cpe.shape == (15, 2048, talker.config.hidden_size)
    for j, emb in enumerate(talker.code_predictor.model.codec_embedding):
        np.testing.assert_array_equal(cpe[j], emb.weight.detach().numpy())
    assert b.facts["tables"]["cp_embeddings"]["shape"] == list(cpe.shape)


@pytest.mark.parametrize("name", MODELS)
def test_text_projection(models, bundles, name):
    talker = models[name].talker
    sess = bundles[name].session("text_projection")
    gen = torch.Generator().manual_seed(1)
    worst = 0.0
    for n in (1, 7, 23):
        x = torch.randn(1, n, talker.config.text_hidden_size, generator=gen)
        (got,) = sess.run(None, {"text_embeds": x.numpy()})
        with torch.no_grad():
            ref = talker.text_projection(x)
        assert got.shape == (1, n, talker.config.hidden_size)
        worst = max(worst, _maxdiff(got, ref))
    print(f"{name}: text_projection max abs diff {worst:.3g}")
    assert worst <= TOL


def _ones_feed(x, past):
    """attention_mask and position_ids of one unpadded row after `past` positions."""
    p = next(iter(past.values())).shape[2]
    s = x.shape[1]
    return {"attention_mask": np.ones((x.shape[0], p + s), np.int64),
            "position_ids": np.tile(np.arange(p, p + s, dtype=np.int64), (x.shape[0], 1))}


def _talker_run(sess, facts, x, past, extra=None):
    names = facts["graphs"]["talker"]["outputs"]
    out = sess.run(None, {"inputs_embeds": x, **(extra if extra is not None else _ones_feed(x, past)), **past})
    res = dict(zip(names, out))
    new_past = {n.replace("present", "past"): v for n, v in res.items() if n.startswith("present")}
    return res, new_past


def _talker_parity(model, bundle, seqs, graph_session=None):
    """Prefill (P=0) then KV-cached steps; returns max diffs of logits, last_hidden and the cache."""
    from transformers import DynamicCache

    talker = model.talker
    cfg = talker.config
    facts = bundle.facts
    sess = graph_session or bundle.session("talker")
    past_names = [n for n in facts["graphs"]["talker"]["inputs"] if n.startswith("past")]
    gen = torch.Generator().manual_seed(2)
    diffs = {"logits": 0.0, "last_hidden": 0.0, "kv": 0.0}
    kv_type = {i.name: i.type for i in sess.get_inputs()}[past_names[0]]
    past = _empty_past(past_names, cfg.num_key_value_heads, cfg.head_dim,
                       np.float16 if kv_type == "tensor(float16)" else np.float32)
    cache = DynamicCache()
    total = 0
    for s in seqs:
        x = torch.randn(1, s, cfg.hidden_size, generator=gen)
        res, past = _talker_run(sess, facts, x.numpy(), past)
        with torch.no_grad():
            out = talker.model(inputs_embeds=x, past_key_values=cache, use_cache=True)
            hidden = out.last_hidden_state[:, -1]
            logits = talker.codec_head(hidden)
        total += s
        assert res["logits"].shape == (1, cfg.vocab_size)
        assert res["present_key.0"].shape == (1, cfg.num_key_value_heads, total, cfg.head_dim)
        diffs["logits"] = max(diffs["logits"], _maxdiff(res["logits"], logits))
        diffs["last_hidden"] = max(diffs["last_hidden"], _maxdiff(res["last_hidden"], hidden))
        for i in range(cfg.num_hidden_layers):
            k, v = _cache_kv(cache, i)
            diffs["kv"] = max(diffs["kv"], _maxdiff(res[f"present_key.{i}"], k), _maxdiff(res[f"present_value.{i}"], v))
    return diffs


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("prefill", [9, 17, 30])
def test_talker_prefill_and_decode(models, bundles, name, prefill):
    diffs = _talker_parity(models[name], bundles[name], [prefill, 1, 1, 1, 3, 1, 1])
    print(f"{name} S={prefill}: talker max abs diffs {diffs}")
    assert max(diffs.values()) <= TOL


@pytest.mark.parametrize("name", MODELS)
def test_code_predictor_step(models, bundles, name):
    from transformers import DynamicCache

    model = models[name]
    talker = model.talker
    cp = talker.code_predictor
    cc = cp.config
    b = bundles[name]
    sess = b.session("code_predictor_step")
    facts = b.facts["graphs"]["code_predictor_step"]
    past_names = [n for n in facts["inputs"] if n.startswith("past")]
    cpe = np.load(b.dir / et.CP_EMBEDDINGS)
    gen = torch.Generator().manual_seed(3)
    worst = 0.0
    for _ in range(3):
        h = torch.randn(1, 1, talker.config.hidden_size, generator=gen)
        e0 = talker.model.codec_embedding.weight[torch.randint(0, 2048, (1,), generator=gen)].detach().view(1, 1, -1)
        x = torch.cat([h, e0], dim=1)
        past = _empty_past(past_names, cc.num_key_value_heads, cc.head_dim)
        cache = DynamicCache()
        code = None
        for step in range(cc.num_code_groups - 1):
            with torch.no_grad():
                if step == 0:
                    out = cp(inputs_embeds=x, past_key_values=cache, use_cache=True)
                else:
                    out = cp(input_ids=torch.tensor([[code]]), generation_steps=step, past_key_values=cache, use_cache=True)
            ref = out.logits[:, -1]
            feed = x.numpy() if step == 0 else cpe[step - 1][code].reshape(1, 1, -1)
            res = dict(zip(facts["outputs"], sess.run(None, {"inputs_embeds": feed, "step": np.array(step, np.int64), **past})))
            past = {n.replace("present", "past"): v for n, v in res.items() if n.startswith("present")}
            worst = max(worst, _maxdiff(res["logits"], ref))
            code = int(torch.argmax(ref))
    print(f"{name}: code_predictor_step logits max abs diff {worst:.3g}")
    assert worst <= TOL


def _frame_feed(last_hidden, c0_embed, do_sample=False, temperature=1.0, top_k=0, top_p=1.0, uniforms=None):
    """One row of the batched fused graph."""
    return {
        "last_hidden": np.asarray(last_hidden, np.float32).reshape(1, -1),
        "c0_embed": np.asarray(c0_embed, np.float32).reshape(1, -1),
        "do_sample": np.array([do_sample]), "temperature": np.array([temperature], np.float32),
        "top_k": np.array([top_k], np.int64), "top_p": np.array([top_p], np.float32),
        "uniforms": (np.zeros(15, np.float32) if uniforms is None else np.asarray(uniforms, np.float32)).reshape(1, 15),
    }


def _frame_run(sess, feed):
    codes, embed_sum = sess.run(None, feed)
    return codes[0], embed_sum


def _random_frame_inputs(model, n, seed):
    talker = model.talker
    gen = torch.Generator().manual_seed(seed)
    for _ in range(n):
        h = torch.randn(1, 1, talker.config.hidden_size, generator=gen)
        c0 = int(torch.randint(0, 2048, (1,), generator=gen))
        yield h, talker.model.codec_embedding.weight[c0].detach().view(1, 1, -1)


@pytest.mark.parametrize("name", MODELS)
def test_frame_greedy_matches_official_generate(models, bundles, name):
    model = models[name]
    talker = model.talker
    cp = talker.code_predictor
    sess = bundles[name].session("code_predictor_frame")
    worst = 0.0
    for h, e0 in _random_frame_inputs(model, GREEDY_FRAMES[name], 4):
        codes, embed_sum = _frame_run(sess, _frame_feed(h.numpy(), e0.numpy()))
        with torch.no_grad():
            r = cp.generate(inputs_embeds=torch.cat([h, e0], dim=1), max_new_tokens=15, do_sample=False,
                            output_hidden_states=True, return_dict_in_generate=True)
            seq = r.sequences
            ref_sum = torch.cat(
                [e0] + [cp.get_input_embeddings()[i](seq[..., i:i + 1]) for i in range(15)], dim=1
            ).sum(1)
        assert codes.dtype == np.int64 and codes.shape == (15,)
        np.testing.assert_array_equal(codes, seq[0].numpy())
        worst = max(worst, _maxdiff(embed_sum, ref_sum))
    print(f"{name}: frame greedy codes identical over {GREEDY_FRAMES[name]} frames; embed_sum max abs diff {worst:.3g}")
    assert worst <= TOL


def _np_softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def np_filter(logits, temperature, top_k, top_p):
    """HF warper order: temperature, top-k (ties kept), top-p (only < 1). Filtered entries are -inf."""
    s = (np.asarray(logits, np.float32) / np.float32(temperature)).astype(np.float32)
    vocab = s.size
    if top_k > 0:
        kth = np.sort(s)[::-1][min(top_k, vocab) - 1]
        s = np.where(s < kth, np.float32(-np.inf), s)
    if top_p < 1.0:
        order = np.argsort(s, kind="stable")
        cum = np.cumsum(_np_softmax(s[order]))
        remove = cum <= np.float32(1.0) - np.float32(top_p)
        remove[-1] = False
        s = s.copy()
        s[order[remove]] = -np.inf
    return s


def np_choose(logits, do_sample, temperature, top_k, top_p, u):
    if not do_sample:
        return int(np.argmax(logits))
    cdf = np.cumsum(_np_softmax(np_filter(logits, temperature, top_k, top_p)).astype(np.float32), dtype=np.float32)
    total = cdf[-1]
    return int(np.argmax((cdf > np.float32(u) * total) | (cdf >= total)))


def test_numpy_reference_filters_like_hf_warpers():
    from transformers.generation.logits_process import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    rng = np.random.default_rng(5)
    checked = 0
    for temperature, top_k, top_p, ties in [(0.9, 50, 1.0, True), (1.0, 1, 1.0, True), (0.7, 5, 1.0, True),
                                            (1.3, 0, 0.8, False), (0.9, 50, 0.5, False), (0.5, 3000, 0.95, False)]:
        for _ in range(20):
            logits = rng.normal(0, 3, 2048).astype(np.float32)
            if ties:
                logits = np.round(logits, 1)
            scores = torch.from_numpy(logits).view(1, -1)
            if temperature != 1.0:
                scores = TemperatureLogitsWarper(temperature)(None, scores)
            if top_k:
                scores = TopKLogitsWarper(top_k)(None, scores)
            if top_p < 1.0:
                scores = TopPLogitsWarper(top_p)(None, scores)
            mine = np_filter(logits, temperature, top_k, top_p)
            np.testing.assert_array_equal(np.isfinite(mine), np.isfinite(scores[0].numpy()))
            checked += 1
    print(f"numpy sampling reference keeps the same token sets as HF warpers in {checked} cases")


@pytest.mark.parametrize("name", MODELS)
def test_frame_sampling(models, bundles, name):
    from transformers import DynamicCache

    model = models[name]
    cp = model.talker.code_predictor
    sess = bundles[name].session("code_predictor_frame")
    rng = np.random.default_rng(6)
    picks = 0
    settings = [(0.9, 50, 1.0), (1.0, 0, 0.8), (1.3, 5, 0.5), (0.6, 0, 1.0), (2.0, 100, 0.9)]
    for i, (h, e0) in enumerate(_random_frame_inputs(model, len(settings), 7)):
        greedy, _ = _frame_run(sess, _frame_feed(h.numpy(), e0.numpy()))
        top1, _ = _frame_run(sess, _frame_feed(h.numpy(), e0.numpy(), True, 0.9, 1, 1.0, rng.random(15)))
        np.testing.assert_array_equal(top1, greedy)
        temperature, top_k, top_p = settings[i % len(settings)]
        u = rng.random(15).astype(np.float32)
        codes, embed_sum = _frame_run(sess, _frame_feed(h.numpy(), e0.numpy(), True, temperature, top_k, top_p, u))
        cache = DynamicCache()
        with torch.no_grad():
            for step in range(15):
                if step == 0:
                    out = cp(inputs_embeds=torch.cat([h, e0], dim=1), past_key_values=cache, use_cache=True)
                else:
                    out = cp(input_ids=torch.tensor([[int(codes[step - 1])]]), generation_steps=step,
                             past_key_values=cache, use_cache=True)
                want = np_choose(out.logits[0, -1].numpy(), True, temperature, top_k, top_p, u[step])
                assert int(codes[step]) == want, (step, temperature, top_k, top_p)
                picks += 1
        cpe = np.load(bundles[name].dir / et.CP_EMBEDDINGS)
        ref_sum = e0.numpy().reshape(-1) + sum(cpe[j][codes[j]] for j in range(15))
        assert _maxdiff(embed_sum.reshape(-1), ref_sum) <= TOL
    print(f"{name}: {picks} sampled picks equal the numpy inverse-CDF reference; top_k=1 equals greedy")


def test_uniform_extremes_stay_on_kept_tokens(models, bundles):
    """u close to 1 must not pick a filtered token (the rounding fallback)."""
    model = models["custom-voice"]
    sess = bundles["custom-voice"].session("code_predictor_frame")
    for h, e0 in _random_frame_inputs(model, 3, 8):
        for u in (0.0, np.nextafter(np.float32(1), np.float32(0))):
            codes_k1, _ = _frame_run(sess, _frame_feed(h.numpy(), e0.numpy(), True, 1.0, 1, 1.0, np.full(15, u)))
            greedy, _ = _frame_run(sess, _frame_feed(h.numpy(), e0.numpy()))
            np.testing.assert_array_equal(codes_k1, greedy)


@pytest.mark.parametrize("name", MODELS)
def test_manifest_facts_match_graphs(models, bundles, name):
    b = bundles[name]
    cfg = models[name].talker.config
    assert b.facts["talker"]["hidden_size"] == cfg.hidden_size
    assert b.facts["code_predictor"]["input_projection"] == (name == "voice-design")
    for graph, g in b.facts["graphs"].items():
        sess = b.session(graph)
        assert [i.name for i in sess.get_inputs()] == g["inputs"]
        assert [o.name for o in sess.get_outputs()] == g["outputs"]
        assert g["precision"] == "fp32" and g["external_data"] is None
    assert len(b.facts["graphs"]["talker"]["inputs"]) == 3 + 2 * cfg.num_hidden_layers


def _digests(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def test_export_is_deterministic(models, bundles, tmp_path):
    et.export_talker(models["custom-voice"], tmp_path)
    assert _digests(tmp_path) == _digests(bundles["custom-voice"].dir)


@pytest.mark.parametrize("name", ["custom-voice"])
def test_fp16_talker(models, bundles, name, tmp_path):
    facts = et.export_talker(models[name], tmp_path, fp16=True)
    assert facts["graphs"]["talker"]["precision"] == "fp16"
    assert facts["graphs"]["code_predictor_frame"]["precision"] == "fp32"
    fp32 = _digests(bundles[name].dir)
    fp16 = _digests(tmp_path)
    for f in (et.CODE_PREDICTOR_STEP, et.CODE_PREDICTOR_FRAME, et.TEXT_EMBEDDING, et.CP_EMBEDDINGS):
        assert fp16[f] == fp32[f]
    g = onnx.load(str(tmp_path / et.TALKER))
    types = {t.name: t.data_type for t in g.graph.initializer}
    assert onnx.TensorProto.FLOAT16 in types.values()
    assert all(types[n] == onnx.TensorProto.FLOAT for n in types if "norm" in n)
    # fp16 KV I/O; only the step input, logits and last hidden state stay fp32 (mask and positions are int64).
    io_types = {io.name: io.type.tensor_type.elem_type for io in list(g.graph.input) + list(g.graph.output)}
    assert set(et.TALKER_FP32_IO) < io_types.keys()
    for n, t in io_types.items():
        if n in ("attention_mask", "position_ids"):
            want = onnx.TensorProto.INT64
        else:
            want = onnx.TensorProto.FLOAT if n in et.TALKER_FP32_IO else onnx.TensorProto.FLOAT16
        assert t == want, f"{n}: {t}"
    assert any(n.startswith("present_key.") for n in io_types) and any(n.startswith("past_value.") for n in io_types)
    tp = onnx.load(str(tmp_path / et.TEXT_PROJECTION))
    assert all(io.type.tensor_type.elem_type == onnx.TensorProto.FLOAT for io in list(tp.graph.input) + list(tp.graph.output))
    producers = {o: n for n in g.graph.node for o in n.output}
    casts16 = [n for n in g.graph.node if n.op_type == "Cast" and n.attribute[0].i == onnx.TensorProto.FLOAT16]
    assert all(producers[n.input[0]].op_type not in ("Cos", "Sin", "MatMul") for n in casts16 if n.input[0] in producers)
    head = [n for n in g.graph.node if n.op_type == "MatMul" and "codec_head" in n.name]
    assert len(head) == 1 and all(producers.get(i) is None or producers[i].op_type != "Cast" for i in head[0].input)

    bundle16 = _Bundle(tmp_path, facts)
    diffs = _talker_parity(models[name], bundle16, [30, 1, 1, 1, 3])
    logits_scale = float(np.abs(models[name].talker.codec_head.weight.detach().numpy()).sum(1).max())
    tp16 = bundle16.session("text_projection")
    x = np.random.default_rng(9).normal(size=(1, 7, models[name].talker.config.text_hidden_size)).astype(np.float32)
    with torch.no_grad():
        tp_ref = models[name].talker.text_projection(torch.from_numpy(x))
    tp_diff = _maxdiff(tp16.run(None, {"text_embeds": x})[0], tp_ref)
    print(f"{name}: fp16 talker max abs diffs {diffs}; text_projection {tp_diff:.3g} (logit bound {logits_scale:.3g})")
    assert diffs["logits"] <= 0.05 and diffs["last_hidden"] <= 0.05 and tp_diff <= 0.02


def test_large_graph_weights_go_to_one_side_file(models, tmp_path, monkeypatch):
    """The >1 GiB rule, exercised on the text projection with the threshold lowered."""
    talker = models["voice-design"].talker
    monkeypatch.setattr(et, "EXTERNAL_DATA_THRESHOLD", 1000)
    path = tmp_path / et.TEXT_PROJECTION
    x = torch.randn(1, 4, talker.config.text_hidden_size, generator=torch.Generator().manual_seed(10))
    ext = et._export_graph(et.TextProjectionGraph(talker).eval(), (x,), path, ["text_embeds"], ["hidden"],
                           {"text_embeds": {1: "L"}, "hidden": {1: "L"}}, False)
    assert ext == et.TEXT_PROJECTION + ".data"
    assert sorted(p.name for p in tmp_path.iterdir()) == [et.TEXT_PROJECTION, ext]
    assert (tmp_path / ext).stat().st_mode == path.stat().st_mode
    (got,) = _session(path).run(None, {"text_embeds": x.numpy()})
    with torch.no_grad():
        assert _maxdiff(got, talker.text_projection(x)) <= TOL


# ---------------------------------------------------------------------------------------------
# batch > 1 with left padding (bundle version 2)


@pytest.mark.parametrize("name", MODELS)
def test_talker_batch_with_left_padding_equals_each_row_alone(models, bundles, name):
    """Rows of different prompt lengths, left-padded as the official batched path pads them, then
    KV-cached steps: each row's logits, last_hidden and real KV positions equal the official talker
    run on that row alone; padded positions do not leak into any row."""
    from transformers import DynamicCache

    talker = models[name].talker
    cfg = talker.config
    b = bundles[name]
    facts = b.facts
    sess = b.session("talker")
    past_names = [n for n in facts["graphs"]["talker"]["inputs"] if n.startswith("past")]
    gen = torch.Generator().manual_seed(11)
    lengths = [9, 17, 4]
    steps = 4
    bsz, width = len(lengths), max(lengths)
    rows = [torch.randn(1, n, cfg.hidden_size, generator=gen) for n in lengths]
    step_inputs = [torch.randn(bsz, 1, cfg.hidden_size, generator=gen) for _ in range(steps)]

    x = np.zeros((bsz, width, cfg.hidden_size), np.float32)
    mask = np.zeros((bsz, width), np.int64)
    pos = np.ones((bsz, width), np.int64)
    for r, n in enumerate(lengths):
        x[r, width - n:] = rows[r][0].numpy()
        mask[r, width - n:] = 1
        pos[r, width - n:] = np.arange(n)
    past = {n: np.zeros((bsz, cfg.num_key_value_heads, 0, cfg.head_dim), np.float32) for n in past_names}
    batched = []
    res, past = _talker_run(sess, facts, x, past, {"attention_mask": mask, "position_ids": pos})
    batched.append(res)
    for t in range(steps):
        mask = np.concatenate([mask, np.ones((bsz, 1), np.int64)], axis=1)
        pos_t = np.array([[n + t] for n in lengths], np.int64)
        res, past = _talker_run(sess, facts, step_inputs[t].numpy(), past, {"attention_mask": mask, "position_ids": pos_t})
        batched.append(res)

    worst = {"logits": 0.0, "last_hidden": 0.0, "kv": 0.0}
    for r, n in enumerate(lengths):
        cache = DynamicCache()
        feeds = [rows[r]] + [step_inputs[t][r:r + 1] for t in range(steps)]
        for t, xt in enumerate(feeds):
            with torch.no_grad():
                out = talker.model(inputs_embeds=xt, past_key_values=cache, use_cache=True)
                hidden = out.last_hidden_state[:, -1]
                logits = talker.codec_head(hidden)
            got = batched[t]
            worst["logits"] = max(worst["logits"], _maxdiff(got["logits"][r], logits[0]))
            worst["last_hidden"] = max(worst["last_hidden"], _maxdiff(got["last_hidden"][r], hidden[0]))
        total = width + steps
        for i in range(cfg.num_hidden_layers):
            k, v = _cache_kv(cache, i)
            real = slice(width - n, total)
            worst["kv"] = max(worst["kv"], _maxdiff(batched[-1][f"present_key.{i}"][r, :, real], k[0]),
                              _maxdiff(batched[-1][f"present_value.{i}"][r, :, real], v[0]))
    print(f"{name}: batched talker (lengths {lengths}, left padded) vs each row alone {worst}")
    assert max(worst.values()) <= TOL


@pytest.mark.parametrize("name", MODELS)
def test_talker_batch_matches_official_batched_forward(models, bundles, name):
    """The official batched prefill (attention mask + get_rope_index positions) gives the graph's logits."""
    talker = models[name].talker
    cfg = talker.config
    b = bundles[name]
    sess = b.session("talker")
    past_names = [n for n in b.facts["graphs"]["talker"]["inputs"] if n.startswith("past")]
    gen = torch.Generator().manual_seed(12)
    lengths = [6, 11, 3]
    width = max(lengths)
    x = torch.zeros(len(lengths), width, cfg.hidden_size)
    mask = torch.zeros(len(lengths), width, dtype=torch.int64)
    for r, n in enumerate(lengths):
        x[r, width - n:] = torch.randn(n, cfg.hidden_size, generator=gen)
        mask[r, width - n:] = 1
    talker.rope_deltas = None
    with torch.no_grad():
        position_ids, _ = talker.get_rope_index(mask)
        out = talker.model(inputs_embeds=x, attention_mask=mask, position_ids=position_ids, use_cache=False)
        ref = talker.codec_head(out.last_hidden_state[:, -1])
    past = {n: np.zeros((len(lengths), cfg.num_key_value_heads, 0, cfg.head_dim), np.float32) for n in past_names}
    res, _ = _talker_run(sess, b.facts, x.numpy(), past,
                         {"attention_mask": mask.numpy(), "position_ids": position_ids[0].numpy().astype(np.int64)})
    d = _maxdiff(res["logits"], ref)
    print(f"{name}: batched talker vs official batched forward, logits max abs diff {d:.3g}")
    assert d <= TOL


@pytest.mark.parametrize("name", MODELS)
def test_code_predictor_step_batch_equals_rows_alone(models, bundles, name):
    b = bundles[name]
    cc = models[name].talker.code_predictor.config
    sess = b.session("code_predictor_step")
    facts = b.facts["graphs"]["code_predictor_step"]
    past_names = [n for n in facts["inputs"] if n.startswith("past")]
    rng = np.random.default_rng(13)
    hidden = models[name].talker.config.hidden_size
    bsz = 3
    x0 = rng.standard_normal((bsz, 2, hidden), dtype=np.float32)
    xs = [rng.standard_normal((bsz, 1, hidden), dtype=np.float32) for _ in range(3)]

    def run(rows):
        past = {n: np.zeros((len(rows), cc.num_key_value_heads, 0, cc.head_dim), np.float32) for n in past_names}
        out = []
        for step, x in enumerate([x0] + xs):
            res = dict(zip(facts["outputs"], sess.run(None, {"inputs_embeds": x[rows], "step": np.array(step, np.int64), **past})))
            past = {n.replace("present", "past"): v for n, v in res.items() if n.startswith("present")}
            out.append(res["logits"])
        return out

    together = run(list(range(bsz)))
    worst = 0.0
    for r in range(bsz):
        alone = run([r])
        worst = max(worst, max(_maxdiff(a[0], t[r]) for a, t in zip(alone, together)))
    print(f"{name}: code_predictor_step batch of {bsz} vs rows alone, logits max abs diff {worst:.3g}")
    assert worst <= TOL


@pytest.mark.parametrize("name", MODELS)
def test_frame_batch_rows_are_independent(models, bundles, name):
    """A batch of rows with different sampling settings: each row's codes equal that row run alone,
    and greedy rows equal the official code predictor generate."""
    model = models[name]
    sess = bundles[name].session("code_predictor_frame")
    inputs = list(_random_frame_inputs(model, 4, 14))
    rng = np.random.default_rng(15)
    settings = [(False, 1.0, 0, 1.0), (True, 0.9, 50, 1.0), (True, 1.3, 5, 0.5), (False, 1.0, 0, 1.0)]
    u = rng.random((4, 15)).astype(np.float32)
    feed = {
        "last_hidden": np.concatenate([h.numpy().reshape(1, -1) for h, _ in inputs]),
        "c0_embed": np.concatenate([e.numpy().reshape(1, -1) for _, e in inputs]),
        "do_sample": np.array([s[0] for s in settings]),
        "temperature": np.array([s[1] for s in settings], np.float32),
        "top_k": np.array([s[2] for s in settings], np.int64),
        "top_p": np.array([s[3] for s in settings], np.float32),
        "uniforms": u,
    }
    codes, embed_sum = sess.run(None, feed)
    assert codes.shape == (4, 15) and embed_sum.shape == (4, model.talker.config.hidden_size)
    worst = 0.0
    for r, ((h, e0), s) in enumerate(zip(inputs, settings)):
        alone, alone_sum = _frame_run(sess, _frame_feed(h.numpy(), e0.numpy(), *s, u[r]))
        np.testing.assert_array_equal(codes[r], alone)
        worst = max(worst, _maxdiff(embed_sum[r], alone_sum[0]))
    print(f"{name}: fused frame batch of 4 (mixed sampling) equals each row alone; embed_sum max abs diff {worst:.3g}")
    assert worst <= TOL


def test_fp16_probe_keeps_overflowing_nodes_in_fp32(models, tmp_path):
    """With a limit every MatMul output exceeds, the probe must keep those MatMuls (and their weights) fp32."""
    model = models["custom-voice"]
    facts = et.export_talker(model, tmp_path, fp16=True, probe={"frames": 6, "limit": 1e-3})
    report = facts["graphs"]["talker"]["probe"]
    assert report["frames"] == 6 and report["kept_fp32"] == len(report["nodes"]) > 0
    g = onnx.load(str(tmp_path / et.TALKER))
    init_type = {t.name: t.data_type for t in g.graph.initializer}
    kept = set(report["nodes"])
    matmuls = [n for n in g.graph.node if n.op_type == "MatMul" and any(i in init_type for i in n.input)]
    kept_mm = [n for n in matmuls if n.name in kept]
    assert kept_mm, "a low limit must catch weight MatMuls"
    for n in kept_mm:
        assert all(init_type[i] == onnx.TensorProto.FLOAT for i in n.input if i in init_type), n.name


def test_fp16_probe_on_a_tame_model_keeps_nothing_extra(models, tmp_path):
    from q3tts_tools.export_probe import probe_talker

    model = models["custom-voice"]
    d = tmp_path / "fp32"
    facts = et.export_talker(model, d)
    keep, report = probe_talker(model, d / facts["graphs"]["talker"]["file"], frames=20)
    assert keep == [] and report["max_abs"] < report["limit"] and report["largest"]


def _static_run(sess, bufs, x, mask, pos, write_index):
    """One run of the fixed-size KV talker with each cache buffer bound as its past and its present (in place)."""
    io = sess.io_binding()
    io.bind_cpu_input("inputs_embeds", x)
    io.bind_cpu_input("attention_mask", mask)
    io.bind_cpu_input("position_ids", pos)
    io.bind_cpu_input("write_index", np.array([write_index], np.int64))
    io.bind_output("logits")
    io.bind_output("last_hidden")
    for n, v in bufs.items():
        io.bind_ortvalue_input(n, v)
        io.bind_ortvalue_output(n.replace("past", "present"), v)
    sess.run_with_iobinding(io)
    out = io.get_outputs()
    return out[0].numpy(), out[1].numpy()


@pytest.mark.parametrize("name", MODELS)
def test_static_kv_talker_in_place_matches_official(models, bundles, name, tmp_path):
    """--static-kv N: the fixed-size talker, its buffers updated in place, computes the official talker."""
    from transformers import DynamicCache

    n_max = 48
    facts = et.export_talker(models[name], tmp_path, static_kv=n_max)
    st = facts["graphs"]["talker_static"]
    assert st["file"] == et.TALKER_STATIC and st["max_length"] == n_max and st["precision"] == "fp32"
    assert st["inputs"][:4] == ["inputs_embeds", "attention_mask", "position_ids", "write_index"]
    # The other graphs and tables are the same bytes as without the option.
    plain, static = _digests(bundles[name].dir), _digests(tmp_path)
    assert {f: d for f, d in static.items() if f != et.TALKER_STATIC} == plain

    talker = models[name].talker
    cfg = talker.config
    sess = _session(tmp_path / et.TALKER_STATIC)
    past_names = [n for n in st["inputs"] if n.startswith("past")]
    bufs = {n: ort.OrtValue.ortvalue_from_numpy(np.zeros((1, cfg.num_key_value_heads, n_max, cfg.head_dim), np.float32))
            for n in past_names}
    mask = np.zeros((1, n_max), np.int64)
    cache = DynamicCache()
    gen = torch.Generator().manual_seed(4)
    total = 0
    worst = 0.0
    for s in [9, 1, 1, 1, 1, 1, 1, 1]:
        x = torch.randn(1, s, cfg.hidden_size, generator=gen)
        mask[0, total:total + s] = 1
        pos = np.arange(total, total + s, dtype=np.int64)[None]
        logits, last = _static_run(sess, bufs, x.numpy(), mask, pos, total)
        with torch.no_grad():
            out = talker.model(inputs_embeds=x, past_key_values=cache, use_cache=True)
            hidden = out.last_hidden_state[:, -1]
            ref = talker.codec_head(hidden)
        total += s
        worst = max(worst, _maxdiff(logits, ref), _maxdiff(last, hidden))
        for i in range(cfg.num_hidden_layers):
            k, v = _cache_kv(cache, i)
            kb = bufs[f"past_key.{i}"].numpy()
            vb = bufs[f"past_value.{i}"].numpy()
            worst = max(worst, _maxdiff(kb[:, :, :total], k), _maxdiff(vb[:, :, :total], v))
            # Unwritten columns keep their zeros.
            assert not kb[:, :, total:].any() and not vb[:, :, total:].any()
    print(f"{name}: static KV talker max abs diff {worst:.3g}")
    assert worst <= TOL


def test_static_kv_options_are_checked(models, reference_checkpoints, tmp_path):
    from q3tts_tools.errors import ToolError
    from q3tts_tools.export import export

    with pytest.raises(ToolError, match="at least 2"):
        et.export_talker(models["custom-voice"], tmp_path / "a", static_kv=1)
    with pytest.raises(ToolError, match="codec-only"):
        export(reference_checkpoints["codec"], tmp_path / "b", static_kv=64)


def test_fp16_static_kv_talker_keeps_the_kv_in_fp16(models, tmp_path):
    facts = et.export_talker(models["custom-voice"], tmp_path, fp16=True, static_kv=32)
    assert facts["graphs"]["talker_static"]["precision"] == "fp16"
    g = onnx.load(str(tmp_path / et.TALKER_STATIC))
    io_types = {io.name: io.type.tensor_type.elem_type for io in list(g.graph.input) + list(g.graph.output)}
    for n, t in io_types.items():
        if n in ("attention_mask", "position_ids", "write_index"):
            want = onnx.TensorProto.INT64
        else:
            want = onnx.TensorProto.FLOAT if n in et.TALKER_FP32_IO else onnx.TensorProto.FLOAT16
        assert t == want, f"{n}: {t}"


@pytest.mark.parametrize("name", MODELS)
def test_grouped_attention_equals_official_eager_attention(models, name):
    """The graphs' attention (KV heads not copied per query head) against the official function,
    with a padded causal mask, for a prefill and a decode step of a batch."""
    m = et._modeling()
    for attn in (models[name].talker.model.layers[0].self_attn,
                 models[name].talker.code_predictor.model.layers[0].self_attn):
        heads = attn.config.num_attention_heads
        kv_heads = attn.config.num_key_value_heads
        assert heads % kv_heads == 0
        g = torch.Generator().manual_seed(7)
        for s, past in ((5, 0), (1, 9)):
            q = torch.randn(3, heads, s, attn.head_dim, generator=g)
            k = torch.randn(3, kv_heads, past + s, attn.head_dim, generator=g)
            v = torch.randn(3, kv_heads, past + s, attn.head_dim, generator=g)
            keep = torch.ones(3, past + s, dtype=torch.long)
            keep[1, :2] = 0
            mask = et._padded_causal_mask(keep, past, s, torch.float32)
            want, _ = m.eager_attention_forward(attn, q, k, v, mask, scaling=attn.scaling)
            got = et._grouped_attention(attn, q, k, v, mask)
            assert got.shape == want.shape
            assert _maxdiff(got, want) < 1e-6, (name, s, past)
