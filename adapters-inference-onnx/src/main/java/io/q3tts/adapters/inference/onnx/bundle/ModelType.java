package io.q3tts.adapters.inference.onnx.bundle;

/** The kind of checkpoint a bundle was exported from ({@code model.type} in the manifest). */
public enum ModelType {
    /** Preset speakers, optional instruct on 1.7B. */
    CUSTOM_VOICE("custom_voice"),
    /** A voice from a description. */
    VOICE_DESIGN("voice_design"),
    /** Voice cloning; carries the speaker encoder. */
    BASE("base"),
    /** The 12 Hz speech tokenizer only. */
    CODEC("codec");

    private final String key;

    ModelType(String key) {
        this.key = key;
    }

    /** @return the manifest spelling */
    public String key() {
        return key;
    }

    /** @return whether the bundle holds the talker (every type but the codec) */
    public boolean isTts() {
        return this != CODEC;
    }

    static ModelType fromKey(String key) {
        for (ModelType t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        return null;
    }
}
