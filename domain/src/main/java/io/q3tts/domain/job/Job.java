package io.q3tts.domain.job;

import io.q3tts.domain.scheduling.Ticket;
import io.q3tts.ports.in.job.JobError;
import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobProgress;
import io.q3tts.ports.in.job.JobResult;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobTimings;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.model.Q3ttsException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One job's state machine and listeners. Every transition and every event delivery happens under
 * the job's monitor, so a job's listeners hear its events in order and never concurrently; events
 * after the terminal one are dropped. Transitions out of a terminal state are ignored (a worker
 * returning after it was abandoned changes nothing).
 */
final class Job {

    private static final System.Logger LOG = System.getLogger(Job.class.getName());

    final JobId id;
    final JobKind kind;
    final String modelId;
    final boolean randomWeights;
    final String summary;
    /** The pipeline id for {@link JobKind#PIPELINE} jobs, else null. */
    final String pipeline;
    /** The pipeline job this job is a step of, or null. */
    final JobId parent;
    final CompletableFuture<JobView> finished = new CompletableFuture<>();
    /** The request as the client sent it, for a job kept on disk; else null. */
    final String request;

    private final List<JobListener> listeners = new ArrayList<>();
    private JobState state = JobState.QUEUED;
    private JobProgress progress = JobProgress.NONE;
    private final Instant submittedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private JobResult result;
    private JobError error;
    private Q3ttsException failure;
    private long positionVersion = -1;
    private Ticket ticket;
    /** Cancels a job that runs outside the scheduler (a pipeline); null for scheduled jobs. */
    private CancellationToken ownToken;
    /** Cluster mode: the worker running this job's synthesis, or a pipeline's latest step's; else null. */
    private String worker;
    /** A pipeline's finished steps per worker that ran them, in order of first use. */
    private final java.util.Map<String, Integer> stepWorkers = new java.util.LinkedHashMap<>();

    Job(JobId id, JobKind kind, PreparedJob prepared, String summary, Instant submittedAt, String request, JobId parent) {
        this(id, kind, null, prepared.modelId(), prepared.randomWeights(), summary, submittedAt, request, parent);
    }

    Job(JobId id, JobKind kind, String pipeline, String modelId, boolean randomWeights, String summary, Instant submittedAt) {
        this(id, kind, pipeline, modelId, randomWeights, summary, submittedAt, null, null);
    }

    private Job(JobId id, JobKind kind, String pipeline, String modelId, boolean randomWeights, String summary,
                Instant submittedAt, String request, JobId parent) {
        this.request = request;
        this.id = id;
        this.parent = parent;
        this.kind = kind;
        this.pipeline = pipeline;
        this.modelId = modelId;
        this.randomWeights = randomWeights;
        this.summary = summary;
        this.submittedAt = submittedAt;
    }

    synchronized JobView view() {
        return new JobView(id, kind, modelId, randomWeights, summary, state, progress,
                new JobTimings(submittedAt, startedAt, finishedAt), result, error, pipeline, request, parent, worker);
    }

    /**
     * A cluster worker took this job's synthesis (again, after a redelivery): shown on the job from now on.
     *
     * @param id the worker's id
     */
    synchronized void worker(String id) {
        if (!state.isTerminal()) {
            worker = id;
        }
    }

    synchronized String worker() {
        return worker;
    }

    /**
     * One of this pipeline's steps finished on a worker.
     *
     * @param id the worker that ran it
     */
    synchronized void stepRanOn(String id) {
        stepWorkers.merge(id, 1, Integer::sum);
    }

    /** @return this pipeline's finished steps per worker, in order of first use */
    synchronized java.util.Map<String, Integer> stepWorkers() {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stepWorkers));
    }

    /**
     * A job read back from the job store after a restart, already in its recorded terminal state.
     *
     * @param v the recorded view (terminal)
     * @return the job, finished
     */
    static Job restored(JobView v) {
        Job job = new Job(v.id(), v.kind(), null, v.modelId(), v.randomWeights(), v.summary(), v.timings().submittedAt(),
                v.request(), v.parent());
        synchronized (job) {
            job.state = v.state();
            job.startedAt = v.timings().startedAt();
            job.finishedAt = v.timings().finishedAt();
            job.result = v.result();
            job.error = v.error();
            job.worker = v.worker();
            job.progress = v.state() == JobState.DONE ? new JobProgress(0, 0, 0, 1.0) : JobProgress.NONE;
            job.finished.complete(job.view());
        }
        return job;
    }

    synchronized CancellationToken ownToken() {
        return ownToken;
    }

    /** Admits a job that runs on its own token (not through the scheduler): QUEUED, no queue position. */
    synchronized void admittedOwn(CancellationToken token) {
        ownToken = token;
        if (state == JobState.QUEUED) {
            emit(new JobEvent.StateChanged(view()));
        }
    }

    /**
     * A pipeline's progress: finished steps, and the running step's share of the next one.
     *
     * @param done finished steps
     * @param total all steps
     * @param stage what happens now, or null
     * @param withinStep how far the running step is, in [0, 1]
     */
    synchronized void stepProgress(int done, int total, String stage, double withinStep) {
        if (state != JobState.RUNNING) {
            return;
        }
        int steps = Math.max(1, total);
        int finished = Math.max(0, Math.min(done, steps));
        double fraction = Math.min(1.0, (finished + (finished < steps ? Math.max(0, Math.min(1, withinStep)) : 0)) / steps);
        progress = new JobProgress(0, progress.frames(), progress.maxFrames(), fraction, steps, finished, stage);
        emit(new JobEvent.Progress(id, progress));
    }

    synchronized JobState state() {
        return state;
    }

    synchronized Ticket ticket() {
        return ticket;
    }

    synchronized Q3ttsException failure() {
        return failure;
    }

    synchronized void admitted(Ticket t, int position, long version) {
        ticket = t;
        if (state == JobState.QUEUED) {
            applyPosition(position, version);
            emit(new JobEvent.StateChanged(view()));
        }
    }

    synchronized void queuePosition(int position, long version) {
        if (state == JobState.QUEUED && ticket != null && version > positionVersion) {
            applyPosition(position, version);
            emit(new JobEvent.StateChanged(view()));
        }
    }

    synchronized boolean markRunning(Instant now) {
        if (state != JobState.QUEUED) {
            return false;
        }
        state = JobState.RUNNING;
        startedAt = now;
        progress = JobProgress.NONE;
        emit(new JobEvent.StateChanged(view()));
        return true;
    }

    synchronized void progress(int frames, int maxFrames) {
        if (state != JobState.RUNNING) {
            return;
        }
        int max = Math.max(maxFrames, frames);
        double fraction = max == 0 ? 0 : Math.min(1.0, frames / (double) max);
        progress = new JobProgress(0, frames, max, fraction);
        emit(new JobEvent.Progress(id, progress));
    }

    synchronized void audio(float[] samples, int sampleRate, long startSample, boolean last) {
        if (state == JobState.RUNNING) {
            emit(new JobEvent.Audio(id, samples, sampleRate, startSample, last));
        }
    }

    synchronized void markDone(JobResult r, Instant now) {
        if (!state.isTerminal()) {
            result = r;
            progress = new JobProgress(0, progress.frames(), progress.maxFrames(), 1.0, progress.steps(), progress.steps(),
                    progress.stage());
            finish(JobState.DONE, now);
        }
    }

    synchronized void markFailed(Q3ttsException e, Instant now) {
        if (!state.isTerminal()) {
            failure = e;
            error = JobError.of(e);
            finish(JobState.FAILED, now);
        }
    }

    synchronized void markCancelled(Q3ttsException e, Instant now) {
        if (!state.isTerminal()) {
            failure = e;
            error = JobError.of(e);
            finish(JobState.CANCELLED, now);
        }
    }

    synchronized boolean addListener(JobListener listener) {
        if (state.isTerminal()) {
            return false;
        }
        listeners.add(listener);
        return true;
    }

    synchronized void removeListener(JobListener listener) {
        listeners.remove(listener);
    }

    /** Delivers one event to one listener under the monitor (used for the first event of a watch). */
    synchronized void deliver(JobListener listener, JobEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A listener of job " + id + " threw; it is detached", e);
            listeners.remove(listener);
        }
    }

    private void applyPosition(int position, long version) {
        positionVersion = version;
        progress = new JobProgress(position, 0, 0, 0);
    }

    private void finish(JobState terminal, Instant now) {
        state = terminal;
        finishedAt = now;
        progress = new JobProgress(0, progress.frames(), progress.maxFrames(), progress.fraction(), progress.steps(),
                progress.stepsDone(), progress.stage());
        JobView v = view();
        emit(new JobEvent.StateChanged(v));
        listeners.clear();
        finished.complete(v);
    }

    private void emit(JobEvent event) {
        for (JobListener l : List.copyOf(listeners)) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A listener of job " + id + " threw; it is detached", e);
                listeners.remove(l);
            }
        }
    }
}
