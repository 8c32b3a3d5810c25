package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.model.CancellationToken;

/**
 * Use case: speak a text in a cloned voice (saved or uploaded), blocking until done. Same
 * contract as {@link SynthesizeCustomVoiceUseCase}; an uploaded reference that cannot be decoded
 * fails at admission with {@code UnsupportedMediaException} (field {@code ref_audio}), an unknown
 * saved voice with {@code NotFoundException} (field {@code voice}). Thread-safe.
 */
public interface SynthesizeVoiceCloneUseCase {

    /**
     * @param command the validated command, never null
     * @param listener hears the job's events, never null
     * @param cancellation cancels the job when it fires, never null
     * @return the finished job, its output and the audio
     */
    SynthesisOutcome synthesizeVoiceClone(SynthesizeVoiceCloneCommand command, JobListener listener,
                                          CancellationToken cancellation);
}
