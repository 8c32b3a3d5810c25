package io.q3tts.adapters.audio;

/**
 * Mono samples at their own rate, as a codec produced them.
 *
 * @param samples mono PCM
 * @param sampleRate samples per second
 */
record Decoded(float[] samples, int sampleRate) {
}
