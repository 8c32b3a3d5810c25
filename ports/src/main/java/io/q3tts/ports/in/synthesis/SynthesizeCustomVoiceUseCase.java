package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.model.CancellationToken;

/**
 * Use case: speak a text with a preset speaker, blocking until the audio is ready (OpenAI
 * {@code /v1/audio/speech}, the CLI). Runs as a job through the GPU queue like any other; the
 * listener hears its events (queue position, progress, audio chunks for streaming responses).
 *
 * <p>Thread-safe. Errors: as {@code SubmitJobUseCase#submitJob} at admission, then whatever the
 * job failed with (the original exception), or {@code CancelledException} if {@code cancellation}
 * fired (the job is cancelled too).
 */
public interface SynthesizeCustomVoiceUseCase {

    /**
     * @param command the validated command, never null
     * @param listener hears the job's events from admission on, never null ({@code JobListener.NONE})
     * @param cancellation cancels the job when it fires (e.g. the client disconnected), never null
     * @return the finished job, its output and the audio in the requested format
     */
    SynthesisOutcome synthesizeCustomVoice(SynthesizeCustomVoiceCommand command, JobListener listener,
                                           CancellationToken cancellation);
}
