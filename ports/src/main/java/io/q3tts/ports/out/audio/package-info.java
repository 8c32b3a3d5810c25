/**
 * Driven ports for audio containers: {@link io.q3tts.ports.out.audio.AudioEncoder} (wav, pcm,
 * flac, mp3, opus) and {@link io.q3tts.ports.out.audio.AudioDecoder} (uploads and stored files),
 * and for signal edits of synthesized audio: {@link io.q3tts.ports.out.audio.AudioEffects}.
 */
package io.q3tts.ports.out.audio;
