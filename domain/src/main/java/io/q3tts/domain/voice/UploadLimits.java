package io.q3tts.domain.voice;

import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.PayloadTooLargeException;
import io.q3tts.ports.model.PcmAudio;
import java.time.Duration;

/**
 * Limits on uploaded audio (voice references, clone references, tokenizer input).
 *
 * @param maxBytes the largest upload, &gt; 0 (default 10 MiB, as vLLM-Omni)
 * @param minReferenceSeconds the shortest usable voice reference, &gt; 0 (default 1 s)
 * @param maxReferenceSeconds the longest voice reference, &gt; min (default 60 s)
 * @param maxTokenizerSeconds the longest tokenizer input (default 600 s)
 */
public record UploadLimits(long maxBytes, double minReferenceSeconds, double maxReferenceSeconds, double maxTokenizerSeconds) {

    /** @throws IllegalArgumentException on an out-of-range value */
    public UploadLimits {
        if (maxBytes <= 0 || !(minReferenceSeconds > 0) || !(maxReferenceSeconds > minReferenceSeconds)
                || !(maxTokenizerSeconds > 0)) {
            throw new IllegalArgumentException("bad upload limits");
        }
    }

    /** @return 10 MiB, 1..60 s references, 600 s tokenizer input */
    public static UploadLimits defaults() {
        return new UploadLimits(10L * 1024 * 1024, 1.0, 60.0, 600.0);
    }

    /**
     * @param upload an upload
     * @throws PayloadTooLargeException naming the upload's field if it is larger than {@link #maxBytes()}
     */
    public void checkSize(AudioUpload upload) {
        if (upload.size() > maxBytes) {
            throw new PayloadTooLargeException(upload.field(), upload.field() + " is " + upload.size()
                    + " bytes; the limit is " + maxBytes + " bytes.", maxBytes);
        }
    }

    /**
     * @param audio a decoded reference
     * @param field its field
     * @throws InvalidArgumentException naming {@code field} if it is too short or too long
     */
    public void checkReference(PcmAudio audio, String field) {
        double s = audio.durationSeconds();
        if (s < minReferenceSeconds || s > maxReferenceSeconds) {
            throw new InvalidArgumentException(field, String.format(java.util.Locale.ROOT,
                    "%s must be between %.0f and %.0f seconds long, got %.1f s.", field, minReferenceSeconds,
                    maxReferenceSeconds, s));
        }
    }

    /** @return {@link #maxTokenizerSeconds()} as a duration */
    public Duration maxTokenizerDuration() {
        return Duration.ofMillis(Math.round(maxTokenizerSeconds * 1000));
    }
}
