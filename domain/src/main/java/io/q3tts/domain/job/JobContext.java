package io.q3tts.domain.job;

import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;

/** What a running job reports to and learns from its {@link JobService}. Used on the worker thread only. */
public interface JobContext {

    /** @return the job's id */
    JobId jobId();

    /** @return fires when the job is cancelled, times out, or the service shuts down */
    CancellationToken cancellation();

    /**
     * @param frames frames generated so far
     * @param maxFrames the cap
     */
    void progress(int frames, int maxFrames);

    /**
     * Cluster mode: a worker took the job's synthesis. The job shows it, and so does its pipeline
     * (as the worker of its latest step).
     *
     * @param worker the worker's id
     */
    default void worker(String worker) {
    }

    /**
     * @param samples decoded audio (shared with listeners; do not write it again)
     * @param sampleRate its rate
     * @param startSample index of the first sample in the whole output
     * @param last whether this is the final chunk
     */
    void audio(float[] samples, int sampleRate, long startSample, boolean last);

    /**
     * Synthesizes the job's speech: as one row of the job's batch when the scheduler batches it
     * (see {@code WorkScheduler}), else directly. Cancelled by {@link #cancellation()}.
     *
     * @param synthesizer the leased model's synthesizer; hold the lease until this returns
     * @param request the validated request
     * @param listener the row's progress and audio
     * @return the audio
     */
    default SynthesisResult synthesize(SpeechSynthesizer synthesizer, SynthesisRequest request, SynthesisListener listener) {
        return synthesizer.synthesize(request, listener, cancellation());
    }
}
