"""The derived vocab/merges/tokenizer_config load in the official processor and give the real ids."""
import pytest


@pytest.fixture(scope="module")
def processor(reference_checkpoints):
    from qwen_tts import Qwen3TTSModel  # noqa: F401  (registers the processor class)
    from qwen_tts.core.models import Qwen3TTSConfig, Qwen3TTSProcessor
    from transformers import AutoConfig, AutoProcessor

    AutoConfig.register("qwen3_tts", Qwen3TTSConfig, exist_ok=True)
    AutoProcessor.register(Qwen3TTSConfig, Qwen3TTSProcessor, exist_ok=True)
    return AutoProcessor.from_pretrained(str(reference_checkpoints["custom-voice"]), fix_mistral_regex=True)


def ids(processor, text):
    return processor(text=text, return_tensors="pt", padding=True)["input_ids"][0].tolist()


def test_spec_example(processor):
    assert ids(processor, "Hello world, 你好世界") == [9707, 1879, 11, 220, 108386, 99489]


def test_tts_special_tokens_have_official_ids(processor):
    text = "<|audio_start|><|audio_end|><tts_pad><tts_text_bos><tts_text_eod><tts_text_bos_single><|audio_pad|>"
    assert ids(processor, text) == list(range(151669, 151676))


def test_chat_wrapping(processor):
    got = ids(processor, "<|im_start|>assistant\nHi<|im_end|>\n<|im_start|>assistant\n")
    assert got[:3] == [151644, 77091, 198]
    assert got[-5:] == [151645, 198, 151644, 77091, 198]
