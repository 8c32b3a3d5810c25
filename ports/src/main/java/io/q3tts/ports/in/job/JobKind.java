package io.q3tts.ports.in.job;

/** What a job does: one kind per synthesis use case, and {@link #PIPELINE} for a plugin's pipeline. */
public enum JobKind {
    /** {@code SynthesizeCustomVoiceCommand}. */
    CUSTOM_VOICE,
    /** {@code SynthesizeVoiceDesignCommand}. */
    VOICE_DESIGN,
    /** {@code SynthesizeVoiceCloneCommand}. */
    VOICE_CLONE,
    /** {@code DesignThenCloneCommand}: design a voice, then save it as a clone prompt. */
    DESIGN_THEN_CLONE,
    /**
     * A plugin's pipeline ({@code io.q3tts.ports.in.pipeline}): many synthesis steps, one output.
     * Holds no GPU slot itself; {@link JobView#pipeline()} names the pipeline.
     */
    PIPELINE
}
