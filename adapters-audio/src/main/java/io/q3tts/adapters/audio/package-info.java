/**
 * Audio adapter: {@link io.q3tts.adapters.audio.CodecAudioEncoder} writes WAV, raw PCM, FLAC, MP3
 * and Opus in Ogg; {@link io.q3tts.adapters.audio.CodecAudioDecoder} reads WAV, FLAC, MP3 and
 * Ogg/Opus uploads into mono float PCM; {@link io.q3tts.adapters.audio.WsolaAudioEffects} changes the
 * tempo of synthesized speech. All codecs are pure Java (no ffmpeg, no native code).
 */
package io.q3tts.adapters.audio;
