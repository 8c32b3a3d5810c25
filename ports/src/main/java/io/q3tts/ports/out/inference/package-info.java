/**
 * Driven ports for speech synthesis: {@link io.q3tts.ports.out.inference.SpeechSynthesizer} with
 * the request, result and progress types it speaks, and the
 * {@link io.q3tts.ports.out.inference.ClonePromptEncoder} that turns a reference recording into a
 * reusable {@link io.q3tts.ports.out.inference.ClonePrompt}.
 *
 * <p>These types describe a Qwen3-TTS call in model terms (task, text, speaker, instruct,
 * voice-clone reference, sampling) without naming any inference technology.
 */
package io.q3tts.ports.out.inference;
