"""Random-initialised checkpoints of the real Qwen3-TTS architecture, built with the official classes.

Real weights cannot be downloaded here, so parity is proven on these. Dimensions are tiny, but
everything that shapes the computation is real: the text vocabulary and special ids (so the real
tokenizer works), the codec vocabulary and control ids, the speaker/language/dialect maps, 16 code
groups, q width != hidden (as in 0.6B), small_to_mtp_projection present (1.7B-shaped) or absent
(0.6B-shaped), every codec layer type, the codec's 1920 samples per frame and its 72-frame window.

Weights are re-randomised after construction with a fan-in scaled normal for matrices and non-trivial
values for norms, biases, layer scales, SnakeBeta and codebook statistics: the official init zeroes
biases and sets norms to one, which would let an exporter that drops a bias still "match".
"""
import copy
import json
import math
import shutil
from pathlib import Path

import torch
from torch import nn

from .errors import ToolError
from .tokenizer_files import write_checkpoint_tokenizer_files

MARKER_FILE = "q3tts_reference.json"

SPEAKERS = {
    "vivian": 3065, "serena": 3066, "uncle_fu": 3010, "dylan": 2878, "eric": 2875,
    "ryan": 3061, "aiden": 2861, "ono_anna": 2873, "sohee": 2864,
}
SPEAKER_DIALECT = {
    "vivian": False, "serena": False, "uncle_fu": False, "dylan": "beijing_dialect",
    "eric": "sichuan_dialect", "ryan": False, "aiden": False, "ono_anna": False, "sohee": False,
}
LANGUAGES = {
    "english": 2050, "german": 2053, "spanish": 2054, "chinese": 2055, "japanese": 2058,
    "french": 2061, "korean": 2064, "russian": 2069, "italian": 2070, "portuguese": 2071,
}
DIALECTS = {"sichuan_dialect": 2062, "beijing_dialect": 2074}

GENERATION_CONFIG = {
    "do_sample": True, "repetition_penalty": 1.05, "temperature": 0.9, "top_p": 1.0, "top_k": 50,
    "subtalker_dosample": True, "subtalker_temperature": 0.9, "subtalker_top_p": 1.0,
    "subtalker_top_k": 50, "max_new_tokens": 8192,
}

# Tiny shapes. "real" keeps the published 0.6B numbers for the benchmark bundle.
TINY = {
    "head_dim": 8, "heads": 4, "kv_heads": 2, "layers": 2, "cp_hidden": 16, "cp_layers": 2,
    "text_hidden": 16, "mrope_section": [2, 1, 1],
}
FULL_06B = {
    "head_dim": 128, "heads": 16, "kv_heads": 8, "layers": 28, "cp_hidden": 1024, "cp_layers": 5,
    "text_hidden": 2048, "mrope_section": [24, 20, 20],
}

# name -> (model type, size label, talker hidden, talker ffn, shape set, eos head scale)
REFERENCE_MODELS = {
    "custom-voice": ("custom_voice", "0b6", 16, 48, TINY, 1.0),
    "voice-design": ("voice_design", "1b7", 24, 64, TINY, 2.5),
    "base": ("base", "1b7", 24, 64, TINY, 1.0),
}


def talker_config(hidden, ffn, shape, model_type):
    is_cv = model_type == "custom_voice"
    lang = dict(LANGUAGES)
    if is_cv:
        lang.update(DIALECTS)
    return {
        "vocab_size": 3072, "hidden_size": hidden, "intermediate_size": ffn,
        "num_hidden_layers": shape["layers"], "num_attention_heads": shape["heads"],
        "num_key_value_heads": shape["kv_heads"], "head_dim": shape["head_dim"],
        "hidden_act": "silu", "max_position_embeddings": 32768, "rms_norm_eps": 1e-6,
        "rope_theta": 1000000, "attention_bias": False, "use_sliding_window": False,
        "sliding_window": None, "position_id_per_seconds": 13,
        "rope_scaling": {"interleaved": True, "mrope_section": shape["mrope_section"],
                         "rope_type": "default", "type": "default"},
        "num_code_groups": 16, "text_hidden_size": shape["text_hidden"], "text_vocab_size": 151936,
        "codec_eos_token_id": 2150, "codec_think_id": 2154, "codec_nothink_id": 2155,
        "codec_think_bos_id": 2156, "codec_think_eos_id": 2157, "codec_pad_id": 2148,
        "codec_bos_id": 2149,
        "spk_id": dict(SPEAKERS) if is_cv else {},
        "spk_is_dialect": dict(SPEAKER_DIALECT) if is_cv else {},
        "codec_language_id": lang,
        "code_predictor_config": {
            "vocab_size": 2048, "hidden_size": shape["cp_hidden"], "intermediate_size": 3 * shape["cp_hidden"],
            "num_hidden_layers": shape["cp_layers"], "num_attention_heads": shape["heads"],
            "num_key_value_heads": shape["kv_heads"], "head_dim": shape["head_dim"],
            "hidden_act": "silu", "max_position_embeddings": 65536, "rms_norm_eps": 1e-6,
            "rope_theta": 1000000, "rope_scaling": None, "attention_bias": False,
            "use_sliding_window": False, "sliding_window": None, "num_code_groups": 16,
            "layer_types": ["full_attention"] * shape["cp_layers"],
        },
    }


def tts_config(model_type, size, hidden, ffn, shape):
    cfg = {
        "architectures": ["Qwen3TTSForConditionalGeneration"],
        "model_type": "qwen3_tts",
        "assistant_token_id": 77091, "im_start_token_id": 151644, "im_end_token_id": 151645,
        "tts_pad_token_id": 151671, "tts_bos_token_id": 151672, "tts_eos_token_id": 151673,
        "tokenizer_type": "qwen3_tts_tokenizer_12hz",
        "tts_model_size": size, "tts_model_type": model_type,
        "talker_config": talker_config(hidden, ffn, shape, model_type),
    }
    if model_type == "base":
        small = shape is TINY
        cfg["speaker_encoder_config"] = {
            "mel_dim": 128, "enc_dim": hidden,
            "enc_channels": [32, 32, 32, 32, 96] if small else [512, 512, 512, 512, 1536],
            "enc_kernel_sizes": [5, 3, 3, 3, 1], "enc_dilations": [1, 2, 3, 4, 1],
            "enc_attention_channels": 16 if small else 128, "enc_res2net_scale": 8,
            "enc_se_channels": 16 if small else 128, "sample_rate": 24000,
        }
    return cfg


def codec_config(tiny=True):
    """Speech tokenizer (Qwen3-TTS-Tokenizer-12Hz) config; tiny keeps every layer type and rate."""
    if not tiny:
        return {
            "model_type": "qwen3_tts_tokenizer_12hz",
            "encoder_valid_num_quantizers": 16, "input_sample_rate": 24000, "output_sample_rate": 24000,
            "decode_upsample_rate": 1920, "encode_downsample_rate": 1920,
            "decoder_config": {
                "codebook_size": 2048, "codebook_dim": 512, "hidden_size": 512, "latent_dim": 1024,
                "max_position_embeddings": 8000, "rope_theta": 10000, "num_attention_heads": 16,
                "num_key_value_heads": 16, "head_dim": 64, "attention_bias": False, "sliding_window": 72,
                "intermediate_size": 1024, "hidden_act": "silu", "layer_scale_initial_scale": 0.01,
                "rms_norm_eps": 1e-5, "num_hidden_layers": 8, "num_quantizers": 16,
                "upsample_rates": [8, 5, 4, 3], "upsampling_ratios": [2, 2], "decoder_dim": 1536,
            },
            "encoder_config": {
                "sampling_rate": 24000, "frame_rate": 12.5, "audio_channels": 1, "hidden_size": 512,
                "num_filters": 64, "num_residual_layers": 1, "upsampling_ratios": [8, 6, 5, 4],
                "kernel_size": 7, "last_kernel_size": 3, "residual_kernel_size": 3,
                "dilation_growth_rate": 2, "use_causal_conv": True, "pad_mode": "constant",
                "compress": 2, "trim_right_ratio": 1.0, "codebook_size": 2048, "codebook_dim": 256,
                "num_quantizers": 32, "use_conv_shortcut": False,
                "vector_quantization_hidden_dimension": 256, "num_semantic_quantizers": 1,
                "upsample_groups": 512, "num_hidden_layers": 8, "intermediate_size": 2048,
                "num_attention_heads": 8, "num_key_value_heads": 8, "head_dim": 64,
                "hidden_act": "gelu", "max_position_embeddings": 8000, "rope_theta": 10000,
                "norm_eps": 1e-5, "sliding_window": 250, "layer_scale_initial_scale": 0.01,
                "use_streaming": False,
            },
        }
    return {
        "model_type": "qwen3_tts_tokenizer_12hz",
        "encoder_valid_num_quantizers": 16, "input_sample_rate": 24000, "output_sample_rate": 24000,
        "decode_upsample_rate": 1920, "encode_downsample_rate": 1920,
        "decoder_config": {
            "codebook_size": 2048, "codebook_dim": 16, "hidden_size": 32, "latent_dim": 32,
            "max_position_embeddings": 8000, "rope_theta": 10000, "num_attention_heads": 4,
            "num_key_value_heads": 4, "head_dim": 16, "attention_bias": False, "sliding_window": 72,
            "intermediate_size": 64, "hidden_act": "silu", "layer_scale_initial_scale": 0.01,
            "rms_norm_eps": 1e-5, "num_hidden_layers": 2, "num_quantizers": 16,
            "upsample_rates": [8, 5, 4, 3], "upsampling_ratios": [2, 2], "decoder_dim": 32,
        },
        "encoder_config": {
            "sampling_rate": 24000, "frame_rate": 12.5, "audio_channels": 1, "hidden_size": 32,
            "num_filters": 4, "num_residual_layers": 1, "upsampling_ratios": [8, 6, 5, 4],
            "kernel_size": 7, "last_kernel_size": 3, "residual_kernel_size": 3,
            "dilation_growth_rate": 2, "use_causal_conv": True, "pad_mode": "constant",
            "compress": 2, "trim_right_ratio": 1.0, "codebook_size": 2048, "codebook_dim": 16,
            "num_quantizers": 32, "use_conv_shortcut": False,
            "vector_quantization_hidden_dimension": 16, "num_semantic_quantizers": 1,
            "upsample_groups": 32, "num_hidden_layers": 2, "intermediate_size": 64,
            "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 8,
            "hidden_act": "gelu", "max_position_embeddings": 8000, "rope_theta": 10000,
            "norm_eps": 1e-5, "sliding_window": 250, "layer_scale_initial_scale": 0.01,
            "use_streaming": False,
        },
    }


def _randomise(model: nn.Module, gen: torch.Generator, skip_prefixes=()) -> None:
    """Deterministically overwrites every parameter (module order is fixed by the class)."""
    for mname, module in model.named_modules():
        if any(mname.startswith(p) for p in skip_prefixes):
            continue
        for pname, p in module.named_parameters(recurse=False):
            full = f"{mname}.{pname}" if mname else pname
            with torch.no_grad():
                t = torch.empty(p.shape, dtype=torch.float32)
                if pname == "cluster_usage":
                    t.uniform_(0.5, 2.0, generator=gen)
                elif pname == "embedding_sum":
                    t.normal_(0.0, 1.0, generator=gen)
                elif pname in ("alpha", "beta"):  # SnakeBeta, log space
                    t.normal_(0.0, 0.3, generator=gen)
                elif pname == "scale":  # layer scale
                    t.normal_(0.1, 0.02, generator=gen)
                elif isinstance(module, nn.Embedding):
                    t.normal_(0.0, 1.0, generator=gen)
                elif p.dim() == 1 and pname == "weight":  # RMSNorm / LayerNorm / q_norm, k_norm
                    t.normal_(1.0, 0.1, generator=gen)
                elif p.dim() == 1:  # biases
                    t.normal_(0.0, 0.05, generator=gen)
                else:
                    fan_in = p[0].numel() if not isinstance(module, nn.ConvTranspose1d) else p.shape[0] * p.shape[2]
                    t.normal_(0.0, 1.0 / math.sqrt(max(fan_in, 1)), generator=gen)
                p.copy_(t.to(p.dtype))
            del full


def _calibrate_decoder_output(model, seed, target_std=0.25) -> None:
    """Scales the decoder's last conv so random codes give audio mostly inside [-1, 1].

    Random SnakeBeta stacks grow the signal; unscaled, most samples hit the final clamp and a
    waveform comparison would prove little. The factor is rounded to two significant digits so
    that thread-count rounding noise in the measurement cannot change the saved weights.
    """
    codes = torch.randint(0, 2048, (1, 16, 40), generator=torch.Generator().manual_seed(seed))
    last = model.decoder.decoder[-1]
    seen = {}
    handle = last.register_forward_hook(lambda m, i, o: seen.__setitem__("wav", o))
    with torch.no_grad():
        model.decoder(codes)
    handle.remove()
    std = float(seen["wav"].std())
    factor = float(f"{target_std / std:.2g}")
    with torch.no_grad():
        for p in last.parameters():
            p.mul_(factor)


def build_codec(dest: Path, seed: int, tiny=True) -> None:
    from qwen_tts.core.tokenizer_12hz.configuration_qwen3_tts_tokenizer_v2 import Qwen3TTSTokenizerV2Config
    from qwen_tts.core.tokenizer_12hz.modeling_qwen3_tts_tokenizer_v2 import Qwen3TTSTokenizerV2Model

    torch.manual_seed(seed)
    cfg = Qwen3TTSTokenizerV2Config(**{k: v for k, v in codec_config(tiny).items() if k != "model_type"})
    model = Qwen3TTSTokenizerV2Model(cfg).eval()
    _randomise(model, torch.Generator().manual_seed(seed))
    _calibrate_decoder_output(model, seed)
    dest.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(dest, safe_serialization=True)
    (dest / "preprocessor_config.json").write_text(json.dumps({
        "chunk_length_s": None, "feature_extractor_type": "EncodecFeatureExtractor", "feature_size": 1,
        "overlap": None, "padding_side": "right", "padding_value": 0.0, "return_attention_mask": True,
        "sampling_rate": 24000,
    }, indent=2))


def build_tts(dest: Path, name: str, seed: int, codec_dir: Path, cache_dir: Path, full_06b=False) -> None:
    from qwen_tts.core.models import Qwen3TTSConfig, Qwen3TTSForConditionalGeneration

    if full_06b:
        model_type, size, hidden, ffn, shape, eos_scale = "custom_voice", "0b6", 1024, 3072, FULL_06B, 1.0
    else:
        if name not in REFERENCE_MODELS:
            raise ToolError(f"unknown reference model {name!r}; known: {', '.join(REFERENCE_MODELS)}")
        model_type, size, hidden, ffn, shape, eos_scale = REFERENCE_MODELS[name]
    cfg_dict = tts_config(model_type, size, hidden, ffn, shape)
    torch.manual_seed(seed)
    cfg = Qwen3TTSConfig(**{k: v for k, v in copy.deepcopy(cfg_dict).items() if k not in ("model_type", "architectures")})
    model = Qwen3TTSForConditionalGeneration(cfg).eval()
    # The text embedding comes from one fixed stream for every reference model so the committed
    # demo bundles share one text table file.
    _randomise(model, torch.Generator().manual_seed(seed), skip_prefixes=("talker.model.text_embedding",))
    with torch.no_grad():
        te = model.talker.model.text_embedding.weight
        te.copy_(torch.empty(te.shape).normal_(0.0, 1.0, generator=torch.Generator().manual_seed(1234)))
        if eos_scale != 1.0:
            model.talker.codec_head.weight[2150] *= eos_scale
    dest.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(dest, safe_serialization=True)
    # save_pretrained writes the class defaults for keys not in __init__; rewrite the config the
    # way the official checkpoints carry it.
    cfg_out = dict(cfg_dict, transformers_version="4.57.3")
    (dest / "config.json").write_text(json.dumps(cfg_out, indent=2, ensure_ascii=False))
    (dest / "generation_config.json").write_text(json.dumps(GENERATION_CONFIG, indent=2))
    (dest / "preprocessor_config.json").write_text(json.dumps({
        "padding_side": "left", "padding_value": 0.0, "processor_class": "Qwen3TTSProcessor",
        "return_attention_mask": True,
    }, indent=2))
    write_checkpoint_tokenizer_files(dest, cache_dir)
    if (dest / "speech_tokenizer").exists():
        shutil.rmtree(dest / "speech_tokenizer")
    shutil.copytree(codec_dir, dest / "speech_tokenizer")
    (dest / MARKER_FILE).write_text(json.dumps({
        "random_weights": True, "seed": seed, "name": name if not full_06b else "full-0.6b-custom-voice",
        "made_by": "tools/make-reference",
    }, indent=2))


def build_all(root: Path, cache_dir: Path, seed: int = 20261124) -> dict:
    """Builds the codec and the three TTS reference checkpoints under root; returns name -> path."""
    out = {}
    codec = root / "codec"
    build_codec(codec, seed)
    (codec / MARKER_FILE).write_text(json.dumps({
        "random_weights": True, "seed": seed, "name": "codec", "made_by": "tools/make-reference",
    }, indent=2))
    out["codec"] = codec
    for i, name in enumerate(REFERENCE_MODELS):
        d = root / name
        build_tts(d, name, seed + 1 + i, codec, cache_dir)
        out[name] = d
    return out
