/**
 * The voice library: {@link io.q3tts.domain.voice.VoiceService} implements the voice use cases;
 * {@link io.q3tts.domain.voice.UploadLimits} bounds uploaded audio.
 */
package io.q3tts.domain.voice;
