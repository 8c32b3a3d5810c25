"""Golden parity fixtures: what the official PyTorch pipeline (fp32, greedy) produces on the
random-weight reference checkpoints, recorded so the Java engine can be checked token for token.

Every generation goes through the official wrapper (`Qwen3TTSModel.generate_custom_voice`,
`generate_voice_design`, `create_voice_clone_prompt` + `generate_voice_clone`), so prompt building,
tokenization, stopping and decoding are the official code. Internals are observed, never changed:
- the wrapper's `_tokenize_texts`, `model.generate`, `talker.generate`, `code_predictor.generate`
  and `speech_tokenizer.decode` are wrapped on the instance and pass everything through;
- a LogitsProcessor that returns its input unchanged is appended to the talker's and the code
  predictor's HF generate calls. HF runs custom processors after its own (repetition penalty,
  min-new-tokens, suppress) and, under greedy decoding, there is nothing after them, so it sees
  exactly the scores that argmax sees.

The file format is described in docs/fixtures.md.
"""
from __future__ import annotations

import hashlib
import json
import math
from contextlib import contextmanager
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1

# Absolute, in logit units (about 2e-5 of the largest |logit| the reference models produce, which
# index.json records). A decision whose recorded top-2 margin is below this may legitimately flip
# between fp32 runtimes, so a divergence there is not a bug.
NEAR_TIE_EPSILON = 1e-4

CODEC_DECODE_FRAMES = 350  # > 300 so the official chunked decode uses two chunks
CODEC_DECODE_SEED = 20261124
# The whole 350-frame waveform is 2.7 MB, so only these frame ranges are stored sample by sample:
# the start, where the decoder's 72-frame attention window starts to slide, the chunk boundary at
# 300 (the second chunk re-decodes frames 275..299 as left context) and the end. Every frame
# also gets its mean and mean square.
CODEC_DECODE_SEGMENTS = ((0, 8), (64, 80), (288, 312), (342, 350))
# The official batched decode (one `decode` call on a list of rows, right-padded with -1 inside): rows are slices
# (offset, length) of the 350 random frames above, of lengths that cross the 300-frame chunk boundary, share a
# padded pass, or are a single frame. Stored per row: every frame's mean and a few frames sample by sample (the
# last ones, and for rows past 300 frames the ones around the chunk boundary).
CODEC_BATCH_ROWS = ((0, 330), (10, 320), (49, 301), (200, 40), (300, 34), (77, 1))
CODEC_BATCH_SEGMENTS = ((299, 301), (318, 320), (299, 301), (38, 40), (32, 34), (0, 1))

# The wrapper's clip names; the brief's short names are accepted too.
_CLIP_ALIASES = {
    "ref_24k_mono": ("ref_24k_mono", "ref_24k"),
    "ref_16k_mono": ("ref_16k_mono", "ref_16k"),
    "ref_44k1_stereo": ("ref_44k1_stereo", "ref_44k_stereo"),
}

GREEDY = {"do_sample": False, "subtalker_dosample": False}

EN = "Hello there, how are you today?"
ZH = "你好，今天天气怎么样？我们去公园散步吧。"
JA = "東京は今日も晴れです。散歩に行きましょう。"
MIXED = "我今天用 Java 写了一个 TTS engine, it's great!"
NUMBERS = "On 2026-11-24 at 10:30, pay $1,234.56 — 50% off!"
NEWLINE = "\n\nHello there."
LONG_EN = ("This sentence is deliberately long so that the reference text plus the target text "
           "has more tokens than the reference audio has frames.")
REF_TEXT = "The quick brown fox jumps over the lazy dog."

# (name, model, api arguments). Each api's other arguments keep the official defaults; max_new_tokens
# is small to keep the files small.
CASES = [
    ("cv_en_ryan_ns", "custom-voice", dict(text=EN, speaker="ryan", language="english", non_streaming_mode=True, max_new_tokens=16)),
    ("cv_en_ryan_st", "custom-voice", dict(text=EN, speaker="ryan", language="english", non_streaming_mode=False, max_new_tokens=9)),
    ("cv_zh_vivian_ns", "custom-voice", dict(text=ZH, speaker="vivian", language="chinese", non_streaming_mode=True, max_new_tokens=9)),
    ("cv_ja_onoanna_st", "custom-voice", dict(text=JA, speaker="ono_anna", language="japanese", non_streaming_mode=False, max_new_tokens=9)),
    ("cv_mixed_aiden_auto_ns", "custom-voice", dict(text=MIXED, speaker="aiden", language="auto", non_streaming_mode=True, max_new_tokens=9)),
    ("cv_numbers_serena_st", "custom-voice", dict(text=NUMBERS, speaker="serena", language="english", non_streaming_mode=False, max_new_tokens=9)),
    ("cv_newline_unclefu_ns", "custom-voice", dict(text=NEWLINE, speaker="uncle_fu", language="english", non_streaming_mode=True, max_new_tokens=9)),
    ("cv_newline_unclefu_st", "custom-voice", dict(text=NEWLINE, speaker="uncle_fu", language="english", non_streaming_mode=False, max_new_tokens=9)),
    ("cv_dialect_eric_chinese_ns", "custom-voice", dict(text=ZH, speaker="eric", language="chinese", non_streaming_mode=True, max_new_tokens=9)),
    ("cv_dialect_dylan_auto_st", "custom-voice", dict(text=ZH, speaker="dylan", language="auto", non_streaming_mode=False, max_new_tokens=9)),
    ("cv_instruct_dropped_sohee_ns", "custom-voice", dict(text="안녕하세요, 만나서 반갑습니다.", speaker="sohee", language="korean", instruct="Speak very happily, like a radio host.", non_streaming_mode=True, max_new_tokens=9)),
    ("vd_en_ns", "voice-design", dict(text=EN, instruct="A warm, deep male voice, speaking slowly.", language="english", non_streaming_mode=True, max_new_tokens=28)),
    ("vd_en_st", "voice-design", dict(text=EN, instruct="A warm, deep male voice, speaking slowly.", language="english", non_streaming_mode=False, max_new_tokens=28)),
    ("vd_zh_ns", "voice-design", dict(text=ZH, instruct="一个年轻女性的声音，语速较快，语气欢快。", language="chinese", non_streaming_mode=True, max_new_tokens=28)),
    ("vd_de_st", "voice-design", dict(text="Guten Morgen! Wie geht es dir?", instruct="An old man with a raspy voice.", language="german", non_streaming_mode=False, max_new_tokens=28)),
    ("vd_fr_cap_ns", "voice-design", dict(text="Bonjour tout le monde, je suis très content.", instruct="A cheerful child.", language="french", non_streaming_mode=True, max_new_tokens=9)),
    ("vd_no_instruct_auto_ns", "voice-design", dict(text="Just a short line.", instruct="", language="auto", non_streaming_mode=True, max_new_tokens=9)),
    ("vd_ja_st", "voice-design", dict(text="東京は今日も晴れです。", instruct="Soft whisper.", language="japanese", non_streaming_mode=False, max_new_tokens=9)),
    ("base_xvec_24k_ns", "base", dict(text=EN, language="english", ref_audio="ref_24k_mono", x_vector_only_mode=True, non_streaming_mode=True, max_new_tokens=9)),
    ("base_xvec_16k_st", "base", dict(text=ZH, language="chinese", ref_audio="ref_16k_mono", x_vector_only_mode=True, non_streaming_mode=False, max_new_tokens=9)),
    ("base_xvec_44k_st", "base", dict(text=NUMBERS, language="auto", ref_audio="ref_44k1_stereo", x_vector_only_mode=True, non_streaming_mode=False, max_new_tokens=9)),
    ("base_icl_24k_st", "base", dict(text=EN, language="english", ref_audio="ref_24k_mono", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=False, max_new_tokens=9)),
    ("base_icl_24k_long_st", "base", dict(text=LONG_EN, language="english", ref_audio="ref_24k_mono", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=False, max_new_tokens=9)),
    ("base_icl_24k_ns", "base", dict(text=EN, language="english", ref_audio="ref_24k_mono", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=True, max_new_tokens=9)),
    ("base_icl_16k_st", "base", dict(text=JA, language="japanese", ref_audio="ref_16k_mono", ref_text="今日はいい天気ですね。", x_vector_only_mode=False, non_streaming_mode=False, max_new_tokens=9)),
    ("base_icl_44k_ns", "base", dict(text=MIXED, language="auto", ref_audio="ref_44k1_stereo", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=True, max_new_tokens=9)),
]

# References at other rates, through the official loader and resampler (librosa.load + soxr HQ):
# the engine must reproduce x-vector, reference codes and the generation from the clip file alone.
# The two 44.1 kHz lengths sit on both sides of a codec frame boundary after resampling.
RATE_CASES = [
    ("base_xvec_8k_ns", "base", dict(text=EN, language="english", ref_audio="ref_8k_mono", x_vector_only_mode=True, non_streaming_mode=True, max_new_tokens=9)),
    ("base_icl_8k_st", "base", dict(text=EN, language="english", ref_audio="ref_8k_mono", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=False, max_new_tokens=9)),
    ("base_icl_22k05_st", "base", dict(text=EN, language="english", ref_audio="ref_22k05_mono", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=False, max_new_tokens=9)),
    ("base_icl_48k_stereo_ns", "base", dict(text=MIXED, language="auto", ref_audio="ref_48k_stereo", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=True, max_new_tokens=9)),
    ("base_xvec_48k_stereo_st", "base", dict(text=EN, language="english", ref_audio="ref_48k_stereo", x_vector_only_mode=True, non_streaming_mode=False, max_new_tokens=9)),
    ("base_icl_44k1_n77615_ns", "base", dict(text=EN, language="english", ref_audio="ref_44k1_n77615", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=True, max_new_tokens=9)),
    ("base_icl_44k1_n77616_ns", "base", dict(text=EN, language="english", ref_audio="ref_44k1_n77616", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=True, max_new_tokens=9)),
    ("base_icl_44k1_n77616_st", "base", dict(text=EN, language="english", ref_audio="ref_44k1_n77616", ref_text=REF_TEXT, x_vector_only_mode=False, non_streaming_mode=False, max_new_tokens=9)),
]

# Batched cases: one official wrapper call with lists (left padding + attention mask inside the
# official generate), greedy. Rows differ in text length, speaker/instruct/language and, on Base,
# clone mode (x-vector and ICL rows together). They run after every single case of their model, so
# the single cases above are made exactly as before. A list-valued argument is per row; a scalar is
# the batch's (the official API takes one text layout and one max_new_tokens per call).
BATCH_CASES = [
    ("batch_cv_ns", "custom-voice", dict(
        text=[EN, "Short.", ZH, NUMBERS], speaker=["ryan", "aiden", "vivian", "serena"],
        language=["english", "english", "chinese", "auto"], non_streaming_mode=True, max_new_tokens=14)),
    ("batch_vd_st", "voice-design", dict(
        text=[EN, "Guten Morgen! Wie geht es dir?", "Just a short line."],
        instruct=["A warm, deep male voice, speaking slowly.", "An old man with a raspy voice.", "A cheerful child."],
        language=["english", "german", "auto"], non_streaming_mode=False, max_new_tokens=28)),
    ("batch_base_mixed_st", "base", dict(
        text=[EN, LONG_EN, JA, "Short."], language=["english", "english", "japanese", "auto"],
        ref_audio=["ref_24k_mono", "ref_24k_mono", "ref_16k_mono", "ref_44k1_stereo"],
        ref_text=[None, REF_TEXT, "今日はいい天気ですね。", None],
        x_vector_only_mode=[True, False, False, True], non_streaming_mode=False, max_new_tokens=12)),
]

API = {"custom-voice": "generate_custom_voice", "voice-design": "generate_voice_design", "base": "generate_voice_clone"}

TOKENIZER_STRINGS = [
    "Hello, world!",
    "你好，世界！今天天气很好。",
    "こんにちは、世界。カタカナとひらがな。",
    "안녕하세요, 세계! 반갑습니다.",
    "Emoji: 😀👍🏽 and a family 👨‍👩‍👧",
    "On 2026-11-24 at 10:30, pay $1,234.56 — 50% off!",
    "1234567890 3.14159 -42 1e-5",
    "CamelCaseWords and XMLHttpRequest getHTTPResponseCode",
    "don't won't it's we're they've I'll she'd",
    "I'M SHOUTING, DON'T YOU SEE? IT'S LOUD.",
    "non\u00a0breaking\u00a0spaces",
    "ideographic\u3000space\u3000中文\u3000空格",
    "tabs\tbetween\t\twords",
    "windows\r\nline\r\nendings\r\n",
    "\n\nleading newlines",
    "trailing newlines\n\n",
    "  two leading spaces and trailing spaces   ",
    "mixed 中文 English 日本語 한국어 text",
    "Ünïcödé àccents: café naïve résumé",
    "e\u0301 combining acute (NFC composes it)",
    "Ελληνικά και Русский текст",
    "عربي و עברית",
    "https://example.com/path?query=1&x=y#frag",
    "user@example.com, #hashtag, @mention",
    "Quotes: “smart” ‘single’ «guillemets» 「括弧」",
    "Ellipsis… em—dash – en-dash",
    "<|im_start|>assistant\nspecial tokens inside<|im_end|>",
    "<tts_pad><tts_text_bos><tts_text_eod>",
    "a",
    "",
]


# ---------------------------------------------------------------------------------------------
# deterministic serialisation


def _f32(x) -> float:
    """The Python float whose repr is the shortest decimal that parses back to the same float32."""
    v = np.float32(x)
    if not np.isfinite(v):
        raise ValueError(f"non-finite value {v} in a fixture")
    return float(str(v))


def _is_scalar(v) -> bool:
    return v is None or isinstance(v, (bool, int, float, str))


def _dump(v, indent: int = 0) -> str:
    """JSON with sorted keys; lists of scalars on one line, lists of lists one row per line."""
    pad = "  " * indent
    if _is_scalar(v):
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("non-finite float in fixture JSON")
        return json.dumps(v, ensure_ascii=True)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f'{pad}  {json.dumps(str(k), ensure_ascii=True)}: {_dump(v[k], indent + 1)}' for k in sorted(v)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, (list, tuple)):
        if all(_is_scalar(x) for x in v):
            return "[" + ", ".join(_dump(x) for x in v) + "]"
        return "[\n" + ",\n".join(f"{pad}  {_dump(x, indent + 1)}" for x in v) + "\n" + pad + "]"
    raise TypeError(f"cannot serialise {type(v)}")


def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dump(obj) + "\n", encoding="ascii")


def _write_npy(path: Path, arr) -> None:
    a = np.ascontiguousarray(np.asarray(arr, dtype="<f4"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, a, version=(1, 0), allow_pickle=False)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _ranges(ids) -> list:
    """Sorted ints as inclusive [first, last] runs."""
    out = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


# ---------------------------------------------------------------------------------------------
# observation of the official pipeline


def _recorder_class():
    import torch
    from transformers import LogitsProcessor

    class DecisionRecorder(LogitsProcessor):
        """Sees the final processed scores of each step and returns them unchanged."""

        def __init__(self):
            self.steps = []

        def __call__(self, input_ids, scores):
            s = scores[0].detach().to("cpu")
            top2 = s.topk(2)
            self.steps.append({
                "token": int(s.argmax()),
                "runner_up": int(top2.indices[1]) if int(top2.indices[0]) == int(s.argmax()) else int(top2.indices[0]),
                "margin": (top2.values[0] - top2.values[1]).item(),
                "max_abs_finite": s[torch.isfinite(s)].abs().max().item(),
            })
            return scores

    return DecisionRecorder


@contextmanager
def _instance_patch(obj, name, make):
    """Shadows obj.name with make(original) on the instance only; restores on exit."""
    original = getattr(obj, name)
    object.__setattr__(obj, name, make(original))
    try:
        yield
    finally:
        object.__delattr__(obj, name)


class _Capture:
    def __init__(self, wrapper):
        self.w = wrapper
        self.tokenized = []
        self.model_generate_kwargs = None
        self.talker_generate_kwargs = None
        self.prompt = None
        self.codes = None
        self.talker = None
        self.cp = []
        self.decode_frames = None
        self.decode_samples = None

    @contextmanager
    def active(self):
        from transformers import LogitsProcessorList

        Recorder = _recorder_class()
        model = self.w.model
        talker = model.talker

        def tok(orig):
            def f(texts):
                out = orig(texts)
                for t, ids in zip(texts, out):
                    self.tokenized.append((t, [int(i) for i in ids[0].tolist()]))
                return out
            return f

        def model_generate(orig):
            def f(*args, **kwargs):
                self.model_generate_kwargs = {k: v for k, v in kwargs.items()
                                              if k not in ("input_ids", "instruct_ids", "ref_ids", "voice_clone_prompt")}
                codes_list, hidden_list = orig(*args, **kwargs)
                self.codes = codes_list[0].detach().cpu().numpy().astype(np.int64)
                return codes_list, hidden_list
            return f

        def talker_generate(orig):
            def f(*args, **kwargs):
                if "logits_processor" in kwargs:
                    raise RuntimeError("official talker.generate call now passes logits_processor; update fixtures.py")
                self.talker_generate_kwargs = {k: v for k, v in kwargs.items()
                                               if k not in ("inputs_embeds", "attention_mask", "trailing_text_hidden", "tts_pad_embed")}
                am = kwargs["attention_mask"]
                if int(am.min()) != 1:
                    raise RuntimeError("fixtures are batch size 1: the attention mask must be all ones")
                self.prompt = {
                    "inputs_embeds": kwargs["inputs_embeds"][0].detach().cpu().numpy(),
                    "trailing_text_hidden": kwargs["trailing_text_hidden"][0].detach().cpu().numpy(),
                    "tts_pad_embed": kwargs["tts_pad_embed"].reshape(-1).detach().cpu().numpy(),
                }
                self.talker = Recorder()
                return orig(*args, logits_processor=LogitsProcessorList([self.talker]), **kwargs)
            return f

        def cp_generate(orig):
            def f(*args, **kwargs):
                if "logits_processor" in kwargs:
                    raise RuntimeError("official code_predictor.generate call now passes logits_processor; update fixtures.py")
                rec = Recorder()
                self.cp.append(rec)
                return orig(*args, logits_processor=LogitsProcessorList([rec]), **kwargs)
            return f

        def decode(orig):
            def f(encoded):
                wavs, sr = orig(encoded)
                self.decode_frames = int(encoded[0]["audio_codes"].shape[0])
                self.decode_samples = int(wavs[0].shape[0])
                return wavs, sr
            return f

        with _instance_patch(self.w, "_tokenize_texts", tok), \
                _instance_patch(model, "generate", model_generate), \
                _instance_patch(talker, "generate", talker_generate), \
                _instance_patch(talker.code_predictor, "generate", cp_generate), \
                _instance_patch(model.speech_tokenizer, "decode", decode):
            yield self


def _role(wrapper, text: str, req: dict) -> str:
    if text == wrapper._build_assistant_text(req["text"]):
        return "text"
    if req.get("instruct") and text == wrapper._build_instruct_text(req["instruct"]):
        return "instruct"
    if req.get("ref_text") and text == wrapper._build_ref_text(req["ref_text"]):
        return "ref_text"
    raise RuntimeError(f"unexpected tokenized text {text!r}")


def _jsonable_kwargs(kwargs: dict) -> dict:
    out = {}
    for k, v in kwargs.items():
        if k == "suppress_tokens":
            out["suppress_token_ranges"] = _ranges(v)
        elif isinstance(v, (bool, int, str)) or v is None:
            out[k] = v
        elif isinstance(v, float):
            out[k] = v
        elif isinstance(v, list) and all(isinstance(x, str) for x in v):
            out[k] = list(v)
        else:
            raise TypeError(f"unexpected generate kwarg {k}={type(v)}")
    return out


def _run_case(name, model_name, args, wrapper, clips, clip_rel, out_dir: Path, eos_id: int, audio_vocab: int,
              greedy: bool = True):
    case_dir = out_dir / "cases" / name
    req = dict(args, **GREEDY) if greedy else dict(args)
    call = {k: v for k, v in req.items() if k not in ("ref_audio", "ref_text", "x_vector_only_mode")}
    cap = _Capture(wrapper)
    record = {"name": name, "model": model_name, "api": API[model_name]}
    files = {}
    with cap.active():
        if model_name == "custom-voice":
            wavs, sr = wrapper.generate_custom_voice(**call)
        elif model_name == "voice-design":
            wavs, sr = wrapper.generate_voice_design(**call)
        else:
            items = wrapper.create_voice_clone_prompt(
                ref_audio=str(clips[req["ref_audio"]]), ref_text=req.get("ref_text"),
                x_vector_only_mode=req["x_vector_only_mode"])
            item = items[0]
            _write_npy(case_dir / "ref_spk_embedding.npy", item.ref_spk_embedding.detach().cpu().numpy().reshape(-1))
            files["ref_spk_embedding"] = "ref_spk_embedding.npy"
            record["voice_clone_prompt"] = {
                "x_vector_only_mode": bool(item.x_vector_only_mode),
                "icl_mode": bool(item.icl_mode),
                "ref_text": item.ref_text,
                "ref_code": None if item.ref_code is None else item.ref_code.detach().cpu().numpy().astype(int).tolist(),
                "ref_spk_embedding_dim": int(item.ref_spk_embedding.numel()),
            }
            wavs, sr = wrapper.generate_voice_clone(voice_clone_prompt=items, **call)

    request = dict(req)
    if "ref_audio" in request:
        request["ref_audio"] = {"clip": req["ref_audio"], "file": clip_rel[req["ref_audio"]]}
    record["request"] = request
    record["model_generate_kwargs"] = _jsonable_kwargs(cap.model_generate_kwargs)
    record["talker_generate_kwargs"] = _jsonable_kwargs(cap.talker_generate_kwargs)
    tokens = {}
    for text, ids in cap.tokenized:
        role = _role(wrapper, text, req)
        if role in tokens:
            raise RuntimeError(f"{name}: {role} tokenized twice")
        tokens[role] = {"string": text, "ids": ids}
    record["tokenized"] = tokens

    for key in ("inputs_embeds", "trailing_text_hidden", "tts_pad_embed"):
        _write_npy(case_dir / f"{key}.npy", cap.prompt[key])
        files[key] = f"{key}.npy"
    wav = np.asarray(wavs[0], dtype=np.float32)
    _write_npy(case_dir / "waveform.npy", wav)
    files["waveform"] = "waveform.npy"

    codes = cap.codes
    steps = cap.talker.steps
    frames = int(codes.shape[0])
    max_new = int(cap.talker_generate_kwargs["max_new_tokens"])
    stop = "eos" if steps[-1]["token"] == eos_id else "max_new_tokens"
    if stop == "max_new_tokens" and len(steps) != max_new:
        raise RuntimeError(f"{name}: stopped without EOS after {len(steps)} of {max_new} decisions")
    if frames != len(steps) - 1 or len(cap.cp) != frames:
        raise RuntimeError(f"{name}: {frames} frames, {len(steps)} talker decisions, {len(cap.cp)} predictor runs")
    if [s["token"] for s in steps[:-1]] != codes[:, 0].tolist():
        raise RuntimeError(f"{name}: recorded talker decisions differ from the returned codes")
    if codes.size and (codes.min() < 0 or codes.max() >= audio_vocab):
        raise RuntimeError(f"{name}: code out of range")
    for f, rec in enumerate(cap.cp):
        if [s["token"] for s in rec.steps] != codes[f, 1:].tolist():
            raise RuntimeError(f"{name}: recorded predictor decisions differ from the codes of frame {f}")

    record["prompt"] = {
        "prefill_length": int(cap.prompt["inputs_embeds"].shape[0]),
        "trailing_length": int(cap.prompt["trailing_text_hidden"].shape[0]),
        "hidden_size": int(cap.prompt["inputs_embeds"].shape[1]),
    }
    record["stop_reason"] = stop
    record["frames"] = frames
    record["codes"] = codes.astype(int).tolist()
    record["talker_decisions"] = {
        "tokens": [s["token"] for s in steps],
        "runner_up": [s["runner_up"] for s in steps],
        "margin": [_f32(s["margin"]) for s in steps],
    }
    record["code_predictor_decisions"] = {
        "runner_up": [[s["runner_up"] for s in rec.steps] for rec in cap.cp],
        "margin": [[_f32(s["margin"]) for s in rec.steps] for rec in cap.cp],
    }
    ref_frames = 0
    if record.get("voice_clone_prompt", {}).get("ref_code") is not None:
        ref_frames = len(record["voice_clone_prompt"]["ref_code"])
    record["audio"] = {
        "sample_rate": int(sr),
        "decode_input_frames": cap.decode_frames,
        "decoded_samples": cap.decode_samples,
        "cut_samples": cap.decode_samples - int(wav.shape[0]),
        "samples": int(wav.shape[0]),
        "ref_frames_prepended": ref_frames,
    }
    record["files"] = files
    _write_json(case_dir / "case.json", record)
    all_margins = [s["margin"] for s in steps] + [s["margin"] for rec in cap.cp for s in rec.steps]
    scale = max([s["max_abs_finite"] for s in steps] + [s["max_abs_finite"] for rec in cap.cp for s in rec.steps])
    return record, all_margins, scale


# A checkpoint whose generation_config.json asks for greedy decoding, penalty 1.5 and 12 tokens,
# called with no generation argument at all: the official wrapper fills them from that file
# (_merge_generate_kwargs), and so must the engine when a request leaves them unset.
GENERATION_CONFIG_CASE = ("cv_generation_config_defaults", "custom-voice",
                          dict(text=EN, speaker="ryan", language="english"))
GENERATION_CONFIG_OVERRIDE = {"do_sample": False, "subtalker_dosample": False, "repetition_penalty": 1.5,
                              "max_new_tokens": 12}


def _generation_config_case(checkpoint: Path, clips, clip_rel, out_dir: Path, work: Path) -> dict:
    import shutil

    import torch
    from qwen_tts import Qwen3TTSModel

    name, model_name, args = GENERATION_CONFIG_CASE
    ckpt = work / f"{model_name}-generation-config"
    if ckpt.exists():
        shutil.rmtree(ckpt)
    shutil.copytree(checkpoint, ckpt)
    gen = json.loads((ckpt / "generation_config.json").read_text())
    gen.update(GENERATION_CONFIG_OVERRIDE)
    text = json.dumps(gen, indent=2, sort_keys=True) + "\n"
    (ckpt / "generation_config.json").write_text(text)
    wrapper = Qwen3TTSModel.from_pretrained(str(ckpt), dtype=torch.float32, attn_implementation="eager")
    tc = wrapper.model.config.talker_config
    record, _, _ = _run_case(name, model_name, args, wrapper, clips, clip_rel, out_dir,
                             int(tc.codec_eos_token_id), int(tc.code_predictor_config.vocab_size), greedy=False)
    case_dir = out_dir / "cases" / name
    (case_dir / "generation_config.json").write_text(text)
    record["files"]["generation_config"] = "generation_config.json"
    _write_json(case_dir / "case.json", record)
    return {"name": name, "model": model_name, "api": record["api"], "dir": f"cases/{name}",
            "files": ["case.json"] + sorted(record["files"].values()),
            "stop_reason": record["stop_reason"], "frames": record["frames"]}


# ---------------------------------------------------------------------------------------------
# batched cases


def _batch_recorder_class():
    import torch
    from transformers import LogitsProcessor

    class BatchDecisionRecorder(LogitsProcessor):
        """Per row: the final processed scores' argmax, runner-up and top-2 margin; returns them unchanged."""

        def __init__(self):
            self.steps = []

        def __call__(self, input_ids, scores):
            rows = []
            for b in range(scores.shape[0]):
                s = scores[b].detach().to("cpu")
                top2 = s.topk(2)
                best = int(s.argmax())
                rows.append({
                    "token": best,
                    "runner_up": int(top2.indices[1]) if int(top2.indices[0]) == best else int(top2.indices[0]),
                    "margin": (top2.values[0] - top2.values[1]).item(),
                    "max_abs_finite": s[torch.isfinite(s)].abs().max().item(),
                })
            self.steps.append(rows)
            return scores

    return BatchDecisionRecorder


class _BatchCapture:
    def __init__(self, wrapper):
        self.w = wrapper
        self.codes = None
        self.talker = None
        self.cp = []
        self.mask = None
        self.talker_generate_kwargs = None

    @contextmanager
    def active(self):
        from transformers import LogitsProcessorList

        Recorder = _batch_recorder_class()
        model = self.w.model
        talker = model.talker

        def model_generate(orig):
            def f(*args, **kwargs):
                codes_list, hidden_list = orig(*args, **kwargs)
                self.codes = [c.detach().cpu().numpy().astype(np.int64) for c in codes_list]
                return codes_list, hidden_list
            return f

        def talker_generate(orig):
            def f(*args, **kwargs):
                if "logits_processor" in kwargs:
                    raise RuntimeError("official talker.generate call now passes logits_processor; update fixtures.py")
                self.talker_generate_kwargs = {k: v for k, v in kwargs.items()
                                               if k not in ("inputs_embeds", "attention_mask", "trailing_text_hidden", "tts_pad_embed")}
                self.mask = kwargs["attention_mask"].detach().cpu().numpy().astype(np.int64)
                self.talker = Recorder()
                return orig(*args, logits_processor=LogitsProcessorList([self.talker]), **kwargs)
            return f

        def cp_generate(orig):
            def f(*args, **kwargs):
                rec = Recorder()
                self.cp.append(rec)
                return orig(*args, logits_processor=LogitsProcessorList([rec]), **kwargs)
            return f

        with _instance_patch(model, "generate", model_generate), \
                _instance_patch(talker, "generate", talker_generate), \
                _instance_patch(talker.code_predictor, "generate", cp_generate):
            yield self


def _row_request(args: dict, i: int) -> dict:
    """Row i of a batched call in the single-case request form (the port's view of one row)."""
    return {k: (v[i] if isinstance(v, list) else v) for k, v in args.items()}


def _run_batch_case(name, model_name, args, wrapper, clips, clip_rel, out_dir: Path, eos_id: int, audio_vocab: int):
    case_dir = out_dir / "batch" / name
    req = dict(args, **GREEDY)
    n = len(req["text"])
    call = {k: v for k, v in req.items() if k not in ("ref_audio", "ref_text", "x_vector_only_mode")}
    cap = _BatchCapture(wrapper)
    with cap.active():
        if model_name == "custom-voice":
            wavs, sr = wrapper.generate_custom_voice(**call)
        elif model_name == "voice-design":
            wavs, sr = wrapper.generate_voice_design(**call)
        else:
            items = wrapper.create_voice_clone_prompt(
                ref_audio=[str(clips[c]) for c in req["ref_audio"]], ref_text=req["ref_text"],
                x_vector_only_mode=req["x_vector_only_mode"])
            wavs, sr = wrapper.generate_voice_clone(voice_clone_prompt=items, **call)
    if len(wavs) != n or len(cap.codes) != n:
        raise RuntimeError(f"{name}: {len(wavs)} waveforms, {len(cap.codes)} code lists for {n} rows")
    max_new = int(cap.talker_generate_kwargs["max_new_tokens"])
    width = int(cap.mask.shape[1])
    rows, files, margins, scales = [], [], [], []
    for i in range(n):
        row_req = _row_request(req, i)
        if "ref_audio" in row_req:
            row_req["ref_audio"] = {"clip": row_req["ref_audio"], "file": clip_rel[row_req["ref_audio"]]}
            if row_req.get("ref_text") is None:
                row_req.pop("ref_text")
        codes = cap.codes[i]
        frames = int(codes.shape[0])
        steps = [st[i] for st in cap.talker.steps]
        tokens = [s["token"] for s in steps]
        if eos_id in tokens:
            stop, decisions = "eos", tokens.index(eos_id) + 1
        else:
            stop, decisions = "max_new_tokens", len(tokens)
            if decisions != max_new:
                raise RuntimeError(f"{name} row {i}: stopped without EOS after {decisions} of {max_new} decisions")
        steps = steps[:decisions]
        if frames != decisions - 1 or len(cap.cp) < frames:
            raise RuntimeError(f"{name} row {i}: {frames} frames, {decisions} decisions, {len(cap.cp)} predictor runs")
        if [s["token"] for s in steps[:-1]] != codes[:, 0].tolist():
            raise RuntimeError(f"{name} row {i}: recorded talker decisions differ from the returned codes")
        if codes.size and (codes.min() < 0 or codes.max() >= audio_vocab):
            raise RuntimeError(f"{name} row {i}: code out of range")
        cp = [[st[i] for st in rec.steps] for rec in cap.cp[:frames]]
        for f, rec in enumerate(cp):
            if [s["token"] for s in rec] != codes[f, 1:].tolist():
                raise RuntimeError(f"{name} row {i}: recorded predictor decisions differ from the codes of frame {f}")
        wav = np.asarray(wavs[i], dtype=np.float32)
        fname = f"waveform_{i}.npy"
        _write_npy(case_dir / fname, wav)
        files.append(fname)
        real = int(cap.mask[i].sum())
        rows.append({
            "request": row_req,
            "prefill_length": real,
            "left_padding": width - real,
            "stop_reason": stop,
            "frames": frames,
            "codes": codes.astype(int).tolist(),
            "talker_decisions": {
                "tokens": [s["token"] for s in steps],
                "runner_up": [s["runner_up"] for s in steps],
                "margin": [_f32(s["margin"]) for s in steps],
            },
            "code_predictor_decisions": {
                "runner_up": [[s["runner_up"] for s in rec] for rec in cp],
                "margin": [[_f32(s["margin"]) for s in rec] for rec in cp],
            },
            "samples": int(wav.shape[0]),
            "waveform": fname,
        })
        margins += [s["margin"] for s in steps] + [s["margin"] for rec in cp for s in rec]
        scales += [s["max_abs_finite"] for s in steps] + [s["max_abs_finite"] for rec in cp for s in rec]
    request = dict(req)
    if "ref_audio" in request:
        request["ref_audio"] = [{"clip": c, "file": clip_rel[c]} for c in req["ref_audio"]]
    record = {
        "name": name, "model": model_name, "api": API[model_name], "request": request,
        "talker_generate_kwargs": _jsonable_kwargs(cap.talker_generate_kwargs),
        "batch_size": n, "padded_prefill_length": width, "sample_rate": int(sr), "rows": rows,
    }
    _write_json(case_dir / "case.json", record)
    return record, ["case.json"] + files, margins, max(scales)


def _resolve_clips(clips: dict) -> dict:
    out = {}
    for canon, aliases in _CLIP_ALIASES.items():
        hit = [clips[a] for a in aliases if a in clips]
        if not hit:
            raise KeyError(f"clips must contain {canon!r} (or {aliases[1]!r}); got {sorted(clips)}")
        out[canon] = Path(hit[0])
    known = {a for aliases in _CLIP_ALIASES.values() for a in aliases}
    for name, path in clips.items():
        if name not in known:
            out[name] = Path(path)
    return out


def _clip_rel(path: Path, out_dir: Path) -> str:
    try:
        return Path(path).resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def _codec_fixtures(codec_dir: Path, clips: dict, clip_rel: dict, out_dir: Path) -> dict:
    import torch
    from qwen_tts import Qwen3TTSTokenizer

    tok = Qwen3TTSTokenizer.from_pretrained(str(codec_dir))
    cdir = out_dir / "codec"
    entries = {"encode": {}, "decode": {}}
    for key in sorted(clips):
        enc = tok.encode(str(clips[key]))
        codes = enc.audio_codes[0].detach().cpu().numpy().astype(int)
        info = sf_info(clips[key])
        fname = f"encode_{key}.json"
        _write_json(cdir / fname, {
            "clip": key, "file": clip_rel[key], "clip_sha256": _sha256(Path(clips[key])),
            "clip_sample_rate": info[0], "clip_channels": info[1], "clip_frames": info[2],
            "frames": int(codes.shape[0]), "codes": codes.tolist(),
        })
        entries["encode"][key] = f"codec/{fname}"
    rng = np.random.RandomState(CODEC_DECODE_SEED)
    codes = rng.randint(0, 2048, size=(CODEC_DECODE_FRAMES, 16)).astype(np.int64)
    # The list-of-dicts form is the one the TTS wrapper itself uses.
    wavs, sr = tok.decode([{"audio_codes": torch.from_numpy(codes)}])
    wav = np.asarray(wavs[0], dtype=np.float32)
    spf = int(tok.get_decode_upsample_rate())
    if wav.shape[0] != CODEC_DECODE_FRAMES * spf:
        raise RuntimeError(f"decode gave {wav.shape[0]} samples for {CODEC_DECODE_FRAMES} frames")
    per_frame = wav.astype(np.float64).reshape(CODEC_DECODE_FRAMES, spf)
    segments = [[a * spf, b * spf] for a, b in CODEC_DECODE_SEGMENTS]
    _write_json(cdir / "decode_random.json", {
        "frames": CODEC_DECODE_FRAMES, "sample_rate": int(sr), "samples": int(wav.shape[0]),
        "samples_per_frame": spf, "codes": codes.tolist(),
        "waveform_segments": segments, "waveform_segments_file": "decode_random_segments.npy",
        "frame_mean": [_f32(x) for x in per_frame.mean(axis=1)],
        "frame_mean_square": [_f32(x) for x in (per_frame * per_frame).mean(axis=1)],
    })
    _write_npy(cdir / "decode_random_segments.npy", np.concatenate([wav[a:b] for a, b in segments]))
    entries["decode"]["random_350"] = {"json": "codec/decode_random.json", "segments": "codec/decode_random_segments.npy"}

    batch = [codes[o:o + n] for o, n in CODEC_BATCH_ROWS]
    wavs, _ = tok.decode([{"audio_codes": torch.from_numpy(c)} for c in batch])
    rows, parts, at = [], [], 0
    for (offset, n), (a, b), w in zip(CODEC_BATCH_ROWS, CODEC_BATCH_SEGMENTS, wavs):
        w = np.asarray(w, dtype=np.float32)
        if w.shape[0] != n * spf:
            raise RuntimeError(f"batched decode gave {w.shape[0]} samples for a {n}-frame row")
        parts.append(w[a * spf:b * spf])
        rows.append({"offset": offset, "frames": n, "samples": int(w.shape[0]),
                     "segment": [a * spf, b * spf], "segment_offset": at,
                     "frame_mean": [_f32(x) for x in w.astype(np.float64).reshape(n, spf).mean(axis=1)]})
        at += (b - a) * spf
    _write_json(cdir / "decode_batch.json", {
        "codes_from": "decode_random.json", "samples_per_frame": spf, "rows": rows,
        "waveform_segments_file": "decode_batch_segments.npy",
    })
    _write_npy(cdir / "decode_batch_segments.npy", np.concatenate(parts))
    entries["decode"]["batch_rows"] = {"json": "codec/decode_batch.json", "segments": "codec/decode_batch_segments.npy"}
    return entries


def _resample_fixtures(clips: dict, clip_rel: dict, out_dir: Path) -> dict:
    """What the official code does to a reference clip before its encoders see it, for every clip
    that is not 24 kHz: `librosa.load(path, sr=None, mono=True)` (int -> float32, channels averaged)
    and `librosa.resample(y, orig_sr=sr, target_sr=24000)` (soxr HQ, length ceil(n * 24000 / sr))."""
    import librosa

    entries = {}
    for key in sorted(clips):
        y, sr = librosa.load(str(clips[key]), sr=None, mono=True)
        if int(sr) == 24000:
            continue
        y24 = librosa.resample(y, orig_sr=int(sr), target_sr=24000)
        channels = sf_info(clips[key])[1]
        _write_npy(out_dir / "resample" / f"{key}_24k.npy", y24)
        entries[key] = {
            "file": clip_rel[key], "sample_rate": int(sr), "channels": channels, "loaded_samples": int(y.shape[0]),
            "resampled": f"resample/{key}_24k.npy", "resampled_samples": int(y24.shape[0]),
            # The loaded samples are kept where the loader does more than scale integers (channel
            # mixing); a mono PCM clip loads as q / 2**(bits-1) exactly.
            "loaded": None,
        }
        if channels > 1:
            _write_npy(out_dir / "resample" / f"{key}_loaded.npy", y)
            entries[key]["loaded"] = f"resample/{key}_loaded.npy"
    return entries


def sf_info(path) -> tuple:
    import soundfile as sf

    i = sf.info(str(path))
    return int(i.samplerate), int(i.channels), int(i.frames)


def _tokenizer_fixture(wrapper, out_dir: Path) -> str:
    backend = json.loads(wrapper.processor.tokenizer.backend_tokenizer.to_str())
    entries = []
    for s in TOKENIZER_STRINGS:
        ids = wrapper.processor(text=s, return_tensors="pt", padding=True)["input_ids"][0].tolist()
        entries.append({"text": s, "ids": [int(i) for i in ids]})
    _write_json(out_dir / "tokenizer_ids.json", {
        "normalizer": backend.get("normalizer"),
        "pre_tokenizer": backend.get("pre_tokenizer"),
        "cases": entries,
    })
    return "tokenizer_ids.json"


@contextmanager
def _deterministic():
    import torch

    threads = torch.get_num_threads()
    det = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(det)


def write_fixtures(checkpoints: dict, clips: dict, out_dir: Path, work: Path | None = None) -> None:
    """Writes the parity fixtures for the reference checkpoints into out_dir (see docs/fixtures.md).

    checkpoints: {"codec", "custom-voice", "voice-design", "base"} -> checkpoint folder.
    clips: reference WAVs as returned by audio_clips.write_reference_clips. Existing files in
    out_dir (such as the clips themselves) are left alone.
    """
    import torch
    from qwen_tts import Qwen3TTSModel

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clips = _resolve_clips(clips)
    clip_rel = {k: _clip_rel(p, out_dir) for k, p in clips.items()}

    index = {"format_version": FORMAT_VERSION, "near_tie_epsilon": NEAR_TIE_EPSILON, "cases": []}
    margins, scales, near = [], [], 0
    with _deterministic(), torch.no_grad():
        index["checkpoints"] = {
            k: {"model_sha256": _sha256(Path(p) / "model.safetensors")} for k, p in sorted(checkpoints.items())
        }
        index["clips"] = {k: {"file": clip_rel[k], "sha256": _sha256(clips[k])} for k in sorted(clips)}
        index["codec"] = _codec_fixtures(Path(checkpoints["codec"]), clips, clip_rel, out_dir)
        index["resample"] = _resample_fixtures(clips, clip_rel, out_dir)
        for model_name in ("custom-voice", "voice-design", "base"):
            wrapper = Qwen3TTSModel.from_pretrained(
                str(checkpoints[model_name]), dtype=torch.float32, attn_implementation="eager")
            if model_name == "custom-voice":
                index["tokenizer"] = _tokenizer_fixture(wrapper, out_dir)
            tc = wrapper.model.config.talker_config
            eos_id = int(tc.codec_eos_token_id)
            audio_vocab = int(tc.code_predictor_config.vocab_size)
            for name, m, args in CASES + RATE_CASES:
                if m != model_name:
                    continue
                record, ms, scale = _run_case(name, m, args, wrapper, clips, clip_rel, out_dir, eos_id, audio_vocab)
                n_near = sum(1 for x in ms if x < NEAR_TIE_EPSILON)
                near += n_near
                margins += ms
                scales.append(scale)
                index["cases"].append({
                    "name": name, "model": m, "api": record["api"], "dir": f"cases/{name}",
                    "files": ["case.json"] + sorted(record["files"].values()),
                    "stop_reason": record["stop_reason"], "frames": record["frames"],
                    "near_ties": n_near,
                })
            for name, m, args in BATCH_CASES:
                if m != model_name:
                    continue
                record, files, ms, scale = _run_batch_case(name, m, args, wrapper, clips, clip_rel, out_dir, eos_id,
                                                           audio_vocab)
                n_near = sum(1 for x in ms if x < NEAR_TIE_EPSILON)
                near += n_near
                margins += ms
                scales.append(scale)
                index.setdefault("batch_cases", []).append({
                    "name": name, "model": m, "api": record["api"], "dir": f"batch/{name}", "files": files,
                    "batch_size": record["batch_size"], "stop_reasons": [r["stop_reason"] for r in record["rows"]],
                    "frames": [r["frames"] for r in record["rows"]], "near_ties": n_near,
                })
            del wrapper
        if work is not None:
            index["generation_config_cases"] = [
                _generation_config_case(Path(checkpoints["custom-voice"]), clips, clip_rel, out_dir, Path(work))]
    index["decision_stats"] = {
        "decisions": len(margins),
        "below_near_tie_epsilon": near,
        "min_margin": _f32(min(margins)),
        "median_margin": _f32(float(np.median(np.asarray(margins, dtype=np.float64)))),
        "max_abs_logit": _f32(max(scales)),
    }
    _write_json(out_dir / "index.json", index)
