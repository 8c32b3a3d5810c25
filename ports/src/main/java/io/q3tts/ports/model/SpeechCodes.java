package io.q3tts.ports.model;

import java.util.Objects;

/**
 * Speech-tokenizer codes: one row per codec frame (12.5 frames per second of audio), one column
 * per codebook (16 for Qwen3-TTS-Tokenizer-12Hz), each value a codebook index.
 *
 * <p>The arrays are handed over, not copied; treat them as read-only.
 *
 * @param frames {@code [frames][codebooks]}, rectangular, never null; may have zero frames
 * @param frameRate frames per second of audio, &gt; 0
 */
public record SpeechCodes(int[][] frames, double frameRate) {

    /**
     * Validates the shape.
     *
     * @throws InvalidArgumentException naming {@code codes} if rows differ in length or are empty
     */
    public SpeechCodes {
        Objects.requireNonNull(frames, "frames");
        if (!(frameRate > 0) || Double.isInfinite(frameRate)) {
            throw new IllegalArgumentException("frameRate must be positive: " + frameRate);
        }
        int width = frames.length == 0 ? 0 : requireRow(frames[0], 0).length;
        for (int i = 0; i < frames.length; i++) {
            if (requireRow(frames[i], i).length != width || width == 0) {
                throw new InvalidArgumentException("codes",
                        "codes must be a rectangular [frames][codebooks] array; row " + i + " has "
                                + frames[i].length + " entries, expected " + width + ".");
            }
        }
    }

    /** @return the number of frames */
    public int frameCount() {
        return frames.length;
    }

    /** @return entries per frame (0 when there are no frames) */
    public int codebooks() {
        return frames.length == 0 ? 0 : frames[0].length;
    }

    /** @return the audio length these codes stand for, in seconds */
    public double durationSeconds() {
        return frames.length / frameRate;
    }

    private static int[] requireRow(int[] row, int i) {
        if (row == null) {
            throw new InvalidArgumentException("codes", "codes row " + i + " is missing.");
        }
        return row;
    }
}
