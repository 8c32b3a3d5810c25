package io.q3tts.ports.in.job;

/**
 * What a finished job produced: references, not data (read the audio with
 * {@code GetOutputAudioUseCase}, the voice with {@code GetVoiceUseCase}).
 *
 * @param outputId the output (run folder) with the generated audio, never null
 * @param voiceId the voice the job created ({@link JobKind#DESIGN_THEN_CLONE}), else null
 */
public record JobResult(String outputId, String voiceId) {

    /** @throws NullPointerException if {@code outputId} is null */
    public JobResult {
        java.util.Objects.requireNonNull(outputId, "outputId");
    }
}
