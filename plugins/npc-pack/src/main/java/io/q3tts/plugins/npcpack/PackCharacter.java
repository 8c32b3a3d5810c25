package io.q3tts.plugins.npcpack;

/**
 * One character of a pack.
 *
 * @param id the engine-friendly id (folder name in the zip), see {@link Names}
 * @param name the display name as written in the input
 * @param description a voice description to design the voice from, or null
 * @param voice {@code saved:<id>} (a library voice) or a preset speaker, or null
 * @param language the language key of its lines, or null for the pack's default
 * @param sampleText what the designed voice says as its reference clip, or null for the default
 * @param where where it was defined, for errors (e.g. {@code "characters line 3"})
 */
record PackCharacter(String id, String name, String description, String voice, String language, String sampleText,
                     String where) {

    /** Prefix of a library voice in {@link #voice()}. */
    static final String SAVED = "saved:";

    /** How a character's lines are voiced. */
    enum Kind {
        /** Designed once from the description, then every line cloned from the saved result (Base model). */
        DESIGNED,
        /** Every line cloned from a voice of the library (Base model). */
        LIBRARY,
        /** Every line spoken by a preset speaker of a CustomVoice model, with the line's instruct. */
        PRESET
    }

    /** @return how the lines are voiced */
    Kind kind() {
        if (description != null) {
            return Kind.DESIGNED;
        }
        return voice.startsWith(SAVED) ? Kind.LIBRARY : Kind.PRESET;
    }

    /** @return the library voice id, for {@link Kind#LIBRARY} */
    String savedVoiceId() {
        return voice.substring(SAVED.length());
    }
}
