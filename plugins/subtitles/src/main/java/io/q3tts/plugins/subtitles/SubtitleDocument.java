package io.q3tts.plugins.subtitles;

import java.util.List;

/**
 * A parsed subtitle file.
 *
 * @param format {@code "srt"} or {@code "vtt"}
 * @param cues the cues in file order, never empty
 * @param warnings what was tolerated (renumbered indices, skipped empty cues, overlaps), each naming its line
 */
public record SubtitleDocument(String format, List<Cue> cues, List<String> warnings) {

    /** Copies the lists. */
    public SubtitleDocument {
        cues = List.copyOf(cues);
        warnings = List.copyOf(warnings);
    }
}
