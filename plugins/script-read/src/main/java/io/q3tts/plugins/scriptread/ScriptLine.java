package io.q3tts.plugins.scriptread;

/**
 * One spoken line of a script.
 *
 * @param sourceLine the 1-based line of the input it starts on (for errors and the manifest)
 * @param speaker the speaker as written (e.g. {@code "ALICE"}), or null for an action line read by the narrator
 * @param text what is said, never blank
 * @param instruct a per-line style instruction (a parenthetical such as {@code whispering}), or null
 * @param pause seconds of silence after this line, replacing the default gap; null for the default
 */
public record ScriptLine(int sourceLine, String speaker, String text, String instruct, Double pause) {

    /** @return whether the narrator reads this line (it has no speaker) */
    public boolean action() {
        return speaker == null;
    }

    /**
     * @param seconds silence to add after this line
     * @return this line with the pause after it extended by {@code seconds} (a marker replaces the default gap)
     */
    ScriptLine plusPause(double seconds) {
        return new ScriptLine(sourceLine, speaker, text, instruct, (pause == null ? 0 : pause) + seconds);
    }
}
