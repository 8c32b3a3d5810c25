package io.q3tts.plugins.subtitles;

import java.util.List;

/**
 * A parsed subtitle file.
 *
 * @param format {@code "srt"} or {@code "vtt"}
 * @param encoding the encoding the file was read in (e.g. {@code UTF-8}, {@code UTF-16LE}, {@code windows-1250})
 * @param cues the cues (and per-voice parts) in file order, never empty
 * @param skipped the cues and blocks left out, each with its line and the reason
 * @param warnings everything a user should know, skips included, each naming its line where it has one
 */
public record SubtitleDocument(String format, String encoding, List<Cue> cues, List<Skipped> skipped,
                               List<String> warnings) {

    /** Copies the lists. */
    public SubtitleDocument {
        cues = List.copyOf(cues);
        skipped = List.copyOf(skipped);
        warnings = List.copyOf(warnings);
    }

    /**
     * A cue or block that is not spoken.
     *
     * @param line the 1-based line of its timing line (or of the block)
     * @param reason why, in words
     * @param text its text as far as it was read (shortened), possibly empty
     */
    public record Skipped(int line, String reason, String text) {
    }
}
