package io.q3tts.adapters.inference.onnx.io;

import io.q3tts.lib.dsp.ReferenceResampler;
import io.q3tts.ports.model.UnsupportedException;

/**
 * The one way a reference clip reaches 24 kHz on its way to the codec encoder and the speaker
 * encoder: the official {@code librosa.resample} (soxr HQ) through {@link ReferenceResampler}.
 *
 * <p>Policy: a clip that is already at the target rate is used as it is; any other rate needs
 * libsoxr, and without it the request fails with an {@link UnsupportedException} (HTTP 422) that
 * names the field and says how to install the library. There is deliberately no approximate
 * fallback: a resampler that differs by one sample in length can cost the reference a codec frame
 * and change every generated token after it. Stateless and thread-safe.
 */
public final class ReferenceAudio {

    private ReferenceAudio() {
    }

    /**
     * @param samples mono samples as {@link WavReader} returns them
     * @param sampleRate their rate
     * @param field the request field to name in an error
     * @return the samples at 24 kHz
     */
    public static float[] to24k(float[] samples, int sampleRate, String field) {
        return resample(samples, sampleRate, 24_000, field);
    }

    /**
     * @param samples mono samples
     * @param from their rate
     * @param to the target rate
     * @param field the request field to name in an error
     * @return {@code librosa.resample(samples, orig_sr=from, target_sr=to)}; the input itself when the rates match
     */
    public static float[] resample(float[] samples, int from, int to, String field) {
        if (from == to) {
            return samples;
        }
        try {
            return ReferenceResampler.resample(samples, from, to);
        } catch (ReferenceResampler.UnavailableException e) {
            throw new UnsupportedException(field, e.getMessage());
        }
    }
}
