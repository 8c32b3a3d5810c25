package io.q3tts.ports.in.job;

import java.util.Objects;

/**
 * What a {@link JobListener} hears about a job. One shape end to end: the WebSocket and SSE
 * adapters serialize these as they are.
 */
public sealed interface JobEvent {

    /** @return the job this event is about, never null */
    JobId jobId();

    /**
     * The job's state or queue position changed: admitted (QUEUED), moved up the queue, started
     * (RUNNING), or ended (DONE, FAILED, CANCELLED; always the last event of a job).
     *
     * @param job the new snapshot, never null
     */
    record StateChanged(JobView job) implements JobEvent {
        /** @throws NullPointerException if {@code job} is null */
        public StateChanged {
            Objects.requireNonNull(job, "job");
        }

        @Override
        public JobId jobId() {
            return job.id();
        }

        /** @return whether this is the job's final event */
        public boolean isTerminal() {
            return job.state().isTerminal();
        }
    }

    /**
     * Generation advanced (at most once per generated frame; adapters may throttle).
     *
     * @param jobId the job, never null
     * @param progress the new progress, never null
     */
    record Progress(JobId jobId, JobProgress progress) implements JobEvent {
        /** @throws NullPointerException if a field is null */
        public Progress {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(progress, "progress");
        }
    }

    /**
     * Decoded audio while the job runs. Concatenating a job's chunks in order gives its output
     * audio. The array is shared between listeners: read-only.
     *
     * @param jobId the job, never null
     * @param samples mono PCM in [-1, 1], never null
     * @param sampleRate samples per second, &gt; 0
     * @param startSample index of {@code samples[0]} in the whole output, &gt;= 0
     * @param last whether this is the final chunk
     */
    record Audio(JobId jobId, float[] samples, int sampleRate, long startSample, boolean last) implements JobEvent {
        /** @throws IllegalArgumentException if a field is null or out of range */
        public Audio {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(samples, "samples");
            if (sampleRate <= 0 || startSample < 0) {
                throw new IllegalArgumentException("bad audio chunk: rate " + sampleRate + ", start " + startSample);
            }
        }
    }
}
