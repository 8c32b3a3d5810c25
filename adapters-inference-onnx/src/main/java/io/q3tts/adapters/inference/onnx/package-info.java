/**
 * Driven adapter: the Qwen3-TTS engine on ONNX Runtime, implementing
 * {@link io.q3tts.ports.out.inference.SpeechSynthesizer} from a model bundle.
 *
 * <p>Subpackages hold the bundle-independent front ends: {@code io} (tensor files, WAV, resampling,
 * the speaker-encoder mel) and {@code text} (the BPE tokenizer). Only this adapter may touch
 * {@code ai.onnxruntime}.
 */
package io.q3tts.adapters.inference.onnx;
