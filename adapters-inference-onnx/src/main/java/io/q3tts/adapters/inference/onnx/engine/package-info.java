/**
 * The Qwen3-TTS generation engine: prompt construction exactly as the official
 * {@code Qwen3TTSForConditionalGeneration.generate} builds it, the official logits processors and
 * samplers, and the talker / code-predictor frame loop over ONNX Runtime with the KV cache kept in
 * native tensors.
 */
package io.q3tts.adapters.inference.onnx.engine;
