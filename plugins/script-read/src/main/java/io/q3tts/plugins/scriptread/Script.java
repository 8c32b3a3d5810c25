package io.q3tts.plugins.scriptread;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed script.
 *
 * @param format the format it was read as ({@code text}, {@code csv}, {@code tsv}, {@code json}, {@code fountain})
 * @param lines the lines in order, never empty
 * @param leadIn seconds of silence before the first line (pause markers above it)
 * @param voices a speaker-to-voice mapping carried by the input itself (JSON {@code voices}), never null
 * @param narrator the narrator voice the input names, or null
 * @param warnings what the parser read in a way the user should check (a "name:" read as text), each naming its line
 */
public record Script(String format, List<ScriptLine> lines, double leadIn, Map<String, String> voices, String narrator,
                     List<String> warnings) {

    /** Copies the collections. */
    public Script {
        Objects.requireNonNull(format, "format");
        lines = List.copyOf(lines);
        voices = Map.copyOf(voices);
        warnings = List.copyOf(warnings);
    }

    /** A script without warnings. */
    public Script(String format, List<ScriptLine> lines, double leadIn, Map<String, String> voices, String narrator) {
        this(format, lines, leadIn, voices, narrator, List.of());
    }
}
