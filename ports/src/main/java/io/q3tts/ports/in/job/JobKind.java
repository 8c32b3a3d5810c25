package io.q3tts.ports.in.job;

/** What a job does; one per synthesis use case. */
public enum JobKind {
    /** {@code SynthesizeCustomVoiceCommand}. */
    CUSTOM_VOICE,
    /** {@code SynthesizeVoiceDesignCommand}. */
    VOICE_DESIGN,
    /** {@code SynthesizeVoiceCloneCommand}. */
    VOICE_CLONE,
    /** {@code DesignThenCloneCommand}: design a voice, then save it as a clone prompt. */
    DESIGN_THEN_CLONE
}
