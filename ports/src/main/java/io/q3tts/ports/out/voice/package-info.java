/**
 * Driven port for the voice library: {@link io.q3tts.ports.out.voice.VoiceRepository} stores
 * voice profiles ({@link io.q3tts.ports.out.voice.VoiceRecord}), their reference clips and their
 * clone-prompt cache.
 */
package io.q3tts.ports.out.voice;
