package io.q3tts.ports.out.inference;

/** The three Qwen3-TTS generation tasks; which ones a model serves is in {@link SynthesizerInfo#tasks()}. */
public enum TaskType {
    /** A preset speaker of a CustomVoice model, optionally steered by an instruct (1.7B only). */
    CUSTOM_VOICE,
    /** A VoiceDesign model: the instruct describes the voice to invent. */
    VOICE_DESIGN,
    /** A Base model cloning the voice of a reference recording. */
    VOICE_CLONE
}
