package io.q3tts.plugins.npcpack;

/**
 * One line of a pack.
 *
 * @param index 0-based position in the pack (the order of the preview track)
 * @param character the speaking character's id
 * @param id the engine-friendly line id (file name without extension), unique per character
 * @param text what is said
 * @param emotion a short emotion label (e.g. {@code angry}), or null
 * @param instruct a free-form style instruction, or null
 * @param where where it was defined, for errors (e.g. {@code "input line 7"})
 */
record PackLine(int index, String character, String id, String text, String emotion, String instruct, String where) {

    /**
     * @param extension the file extension
     * @return the file's path in the pack, {@code character/id.extension}
     */
    String file(String extension) {
        return character + "/" + id + "." + extension;
    }

    /** @return the instruct for a preset speaker: the explicit one, else the emotion, else null */
    String styleInstruct() {
        return instruct != null ? instruct : emotion;
    }
}
