package io.q3tts.ports.model;

/** How a saved voice came to be. */
public enum VoiceOrigin {
    /** From a reference recording a user uploaded. */
    UPLOADED,
    /** Invented by a VoiceDesign model from a description, then frozen as a clone prompt (design-then-clone). */
    DESIGNED
}
