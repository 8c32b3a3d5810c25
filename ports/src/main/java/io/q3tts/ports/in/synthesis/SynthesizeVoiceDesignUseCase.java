package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.model.CancellationToken;

/**
 * Use case: speak a text in a voice invented from a description, blocking until done. Same
 * contract as {@link SynthesizeCustomVoiceUseCase}. Thread-safe.
 */
public interface SynthesizeVoiceDesignUseCase {

    /**
     * @param command the validated command, never null
     * @param listener hears the job's events, never null
     * @param cancellation cancels the job when it fires, never null
     * @return the finished job, its output and the audio
     */
    SynthesisOutcome synthesizeVoiceDesign(SynthesizeVoiceDesignCommand command, JobListener listener,
                                           CancellationToken cancellation);
}
