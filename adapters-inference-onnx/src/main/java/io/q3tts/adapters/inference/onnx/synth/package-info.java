/**
 * The inference ports implemented on the ONNX engine: {@link
 * io.q3tts.adapters.inference.onnx.synth.OnnxSpeechSynthesizer} (text to speech with streamed audio;
 * for Base models also the clone-prompt encoder) and {@link
 * io.q3tts.adapters.inference.onnx.synth.OnnxSpeechTokenizer} (the speech tokenizer), plus the
 * saved-voice format ({@link io.q3tts.adapters.inference.onnx.synth.VoicePromptFile}) and where
 * saved voices come from ({@link io.q3tts.adapters.inference.onnx.synth.SavedVoices}).
 *
 * <p>This is the adapter boundary: below it are the engine's own types, above it only the ports'
 * requests, results and exceptions.
 */
package io.q3tts.adapters.inference.onnx.synth;
