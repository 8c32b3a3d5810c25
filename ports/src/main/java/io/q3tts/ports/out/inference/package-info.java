/**
 * Driven port for speech synthesis: {@link io.q3tts.ports.out.inference.SpeechSynthesizer} and
 * the request, result and progress types it speaks.
 *
 * <p>These types describe a Qwen3-TTS call in model terms (task, text, speaker, instruct,
 * voice-clone reference, sampling) without naming any inference technology.
 */
package io.q3tts.ports.out.inference;
