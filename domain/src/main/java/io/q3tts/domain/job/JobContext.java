package io.q3tts.domain.job;

import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.model.CancellationToken;

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
     * @param samples decoded audio (shared with listeners; do not write it again)
     * @param sampleRate its rate
     * @param startSample index of the first sample in the whole output
     * @param last whether this is the final chunk
     */
    void audio(float[] samples, int sampleRate, long startSample, boolean last);
}
