package io.q3tts.plugins.subtitles;

import java.util.Objects;

/**
 * One subtitle cue, or one voice's part of a cue that several voices speak, as parsed.
 *
 * @param index the cue's position in the file, 1-based (the file's own numbering is not trusted)
 * @param part 0 for a whole cue; 1.. for the parts of a cue split per voice ({@code <v Bob>..</v> <v Ann>..})
 * @param line the 1-based line of its timing line, for messages
 * @param startMs when it is shown, in milliseconds, &gt;= 0
 * @param endMs when it is hidden, in milliseconds, &gt; {@code startMs}
 * @param text the spoken text: styling removed, lines joined with spaces, never blank
 * @param speaker the speaker named by a WebVTT voice span ({@code <v Name>}), or null
 */
public record Cue(int index, int part, int line, long startMs, long endMs, String text, String speaker) {

    /** @throws IllegalArgumentException if the times are out of order or the text is blank */
    public Cue {
        Objects.requireNonNull(text, "text");
        if (startMs < 0 || endMs <= startMs) {
            throw new IllegalArgumentException("cue times out of order: " + startMs + " --> " + endMs);
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("cue text is blank");
        }
    }

    /** @return the window length in milliseconds */
    public long durationMs() {
        return endMs - startMs;
    }

    /**
     * What one voice says inside a cue, while the cue is being read.
     *
     * @param speaker the voice span's name, or null
     * @param text the words, cleaned
     */
    record Part(String speaker, String text) {
    }
}
