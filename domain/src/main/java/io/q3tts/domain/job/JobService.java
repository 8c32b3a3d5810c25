package io.q3tts.domain.job;

import io.q3tts.domain.scheduling.BatchHint;
import io.q3tts.domain.scheduling.BatchSlot;
import io.q3tts.domain.scheduling.CancelReason;
import io.q3tts.domain.scheduling.Lane;
import io.q3tts.domain.scheduling.QueuePosition;
import io.q3tts.domain.scheduling.Ticket;
import io.q3tts.domain.scheduling.TicketListener;
import io.q3tts.domain.scheduling.WorkScheduler;
import io.q3tts.ports.in.job.CancelJobUseCase;
import io.q3tts.ports.in.job.GetJobUseCase;
import io.q3tts.ports.in.job.GetQueueStatusUseCase;
import io.q3tts.ports.in.job.JobError;
import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobProgress;
import io.q3tts.ports.in.job.JobResult;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobSubscription;
import io.q3tts.ports.in.job.JobTimings;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.ListJobsQuery;
import io.q3tts.ports.in.job.ListJobsUseCase;
import io.q3tts.ports.in.job.QueueStatus;
import io.q3tts.ports.in.job.SubmitJobCommand;
import io.q3tts.ports.in.job.SubmitJobUseCase;
import io.q3tts.ports.in.job.WatchJobUseCase;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.out.job.JobStore;
import io.q3tts.ports.out.job.StoredJob;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.time.Clock;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The job use cases. Every job runs in the {@link Lane#GPU} lane of the {@link WorkScheduler}, so
 * the GPU policy applies to all synthesis, whoever asks (HTTP, CLI, plugins).
 *
 * <p>Finished jobs are kept for {@code retainFinished} more finished jobs, then forgotten (oldest
 * first). Asynchronous jobs submitted with a {@link SubmitJobCommand#durableRequest()} are also
 * recorded in the {@link JobStore} (when there is one): at admission, before the caller answers 202,
 * and at every state change. A record that a crash left queued or running is reported by
 * {@link #restoreJobs()} as cancelled, "interrupted by a restart", with its request kept to send
 * again; it is not re-run by itself, because a job that was running may be what brought the server
 * down. Thread-safe. Lock order: a job's monitor may be taken before this service's, never the
 * reverse.
 */
public final class JobService implements SubmitJobUseCase, GetJobUseCase, CancelJobUseCase, ListJobsUseCase,
        WatchJobUseCase, GetQueueStatusUseCase {

    private static final System.Logger LOG = System.getLogger(JobService.class.getName());

    /**
     * The pipeline job whose body is running on this thread: jobs submitted inside it are its steps
     * ({@link JobView#parent()}), so lists of current work can show the pipeline once, not every step.
     */
    public static final ScopedValue<JobId> PARENT = ScopedValue.newInstance();

    private final WorkScheduler scheduler;
    private final JobRunner runner;
    private final Clock clock;
    private final int retainFinished;
    private final Map<JobId, Job> jobs = new LinkedHashMap<>();
    private final Deque<JobId> finishedOrder = new ArrayDeque<>();
    private final JobStore store;

    /**
     * @param scheduler the GPU policy, never null
     * @param runner prepares and runs requests, never null
     * @param clock timestamps, never null
     * @param retainFinished how many finished jobs stay queryable, &gt;= 1
     */
    public JobService(WorkScheduler scheduler, JobRunner runner, Clock clock, int retainFinished) {
        this(scheduler, runner, clock, retainFinished, null);
    }

    /**
     * @param scheduler the GPU policy, never null
     * @param runner prepares and runs requests, never null
     * @param clock timestamps, never null
     * @param retainFinished how many finished jobs stay queryable, &gt;= 1
     * @param store where asynchronous jobs are recorded, or null to keep them in memory only
     */
    public JobService(WorkScheduler scheduler, JobRunner runner, Clock clock, int retainFinished, JobStore store) {
        this.store = store;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (retainFinished < 1) {
            throw new IllegalArgumentException("retainFinished must be at least 1: " + retainFinished);
        }
        this.retainFinished = retainFinished;
    }

    @Override
    public JobView submitJob(SubmitJobCommand command) {
        PreparedJob prepared = runner.prepare(command.request());
        JobId id = new JobId(UUID.randomUUID().toString());
        String durable = store == null ? null : command.durableRequest();
        Job job = new Job(id, command.request().kind(), prepared, command.request().summary(), clock.now(), durable,
                PARENT.isBound() ? PARENT.get() : null);
        job.addListener(command.listener());
        if (durable != null) {
            // Recorded before admission: once the caller answers 202 the job survives a crash.
            store.save(stored(job.view()));
            job.addListener(recorder(job));
        }
        job.finished.whenComplete((v, e) -> retire(id));
        synchronized (this) {
            jobs.put(id, job);
        }
        try {
            synchronized (job) {
                // Holding the job's monitor makes the worker's first transition wait for the QUEUED event.
                String label = job.kind + " " + id;
                Ticket ticket = prepared.expectedPositions() > 0
                        ? scheduler.submit(Lane.GPU, label, new BatchHint(prepared.modelId(), prepared.expectedPositions()),
                                (token, slot) -> execute(job, prepared, token, slot), listenerFor(job))
                        : scheduler.submit(Lane.GPU, label, token -> execute(job, prepared, token, BatchSlot.DIRECT),
                                listenerFor(job));
                QueuePosition position = scheduler.position(ticket);
                job.admitted(ticket, position.position(), position.version());
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                jobs.remove(id);
            }
            if (durable != null) {
                store.delete(id.value());
            }
            throw e;
        }
        return job.view();
    }

    /** Records a durable job's state changes (queue-position updates are not state changes). */
    private JobListener recorder(Job job) {
        JobState[] last = {JobState.QUEUED};
        return event -> {
            if (event instanceof JobEvent.StateChanged s && s.job().state() != last[0]) {
                last[0] = s.job().state();
                try {
                    store.save(stored(s.job()));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not record job " + job.id + " (" + s.job().state() + "): " + e.getMessage());
                }
            }
        };
    }

    /**
     * Reads the job store after a start: every recorded job becomes queryable again, and one that a
     * crash left queued or running is marked cancelled, "interrupted by a restart", with its request
     * kept. Call once, before serving. Only the newest {@code retainFinished} records are kept.
     *
     * @return the jobs that were interrupted
     */
    public List<JobId> restoreJobs() {
        if (store == null) {
            return List.of();
        }
        List<JobId> interrupted = new ArrayList<>();
        for (StoredJob r : store.list()) {
            JobView v;
            try {
                v = view(r);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Skipping the unreadable job record " + r.id() + ": " + e.getMessage());
                continue;
            }
            if (!v.state().isTerminal()) {
                String was = v.state() == JobState.RUNNING ? "running" : "queued";
                JobError error = new JobError(io.q3tts.ports.model.ErrorType.CANCELLED, "Interrupted by a server restart: "
                        + "the job was " + was + " when the server stopped, and stored nothing. Its request is kept in "
                        + "'request'; send it to POST /api/v1/jobs again to re-run it.", null);
                v = new JobView(v.id(), v.kind(), v.modelId(), v.randomWeights(), v.summary(), JobState.CANCELLED,
                        JobProgress.NONE, new JobTimings(v.timings().submittedAt(), v.timings().startedAt(), clock.now()),
                        null, error, null, v.request(), v.parent(), v.worker());
                store.save(stored(v));
                interrupted.add(v.id());
            }
            Job job = Job.restored(v);
            synchronized (this) {
                if (!jobs.containsKey(v.id())) {
                    jobs.put(v.id(), job);
                    retire(v.id());
                }
            }
        }
        if (!interrupted.isEmpty()) {
            LOG.log(Level.WARNING, interrupted.size() + " job(s) were interrupted by the restart; they are listed as "
                    + "cancelled with their requests kept.");
        }
        return interrupted;
    }

    private static StoredJob stored(JobView v) {
        JobResult r = v.result();
        JobError e = v.error();
        return new StoredJob(v.id().value(), v.kind().name(), v.modelId(), v.randomWeights(), v.summary(), v.request(),
                v.state().name(), v.timings().submittedAt(), v.timings().startedAt(), v.timings().finishedAt(),
                r == null ? null : r.outputId(), r == null ? null : r.voiceId(), e == null ? null : e.type(),
                e == null ? null : e.message(), e == null ? null : e.field(), v.worker());
    }

    private static JobView view(StoredJob r) {
        JobState state = JobState.valueOf(r.state());
        JobResult result = state == JobState.DONE ? new JobResult(r.outputId(), r.voiceId()) : null;
        JobError error = state == JobState.FAILED || state == JobState.CANCELLED
                ? new JobError(r.errorType() == null ? io.q3tts.ports.model.ErrorType.CANCELLED : r.errorType(),
                        r.errorMessage() == null ? "The job ended." : r.errorMessage(), r.errorField())
                : null;
        return new JobView(JobId.of(r.id()), JobKind.valueOf(r.kind()), r.modelId(), r.randomWeights(), r.summary(), state,
                JobProgress.NONE, new JobTimings(r.submittedAt(), r.startedAt(), r.finishedAt()), result, error, null,
                r.request(), null, r.worker());
    }

    /**
     * The body of a job that runs outside the GPU lane (a pipeline, whose steps are ordinary jobs).
     */
    @FunctionalInterface
    public interface OwnLaneWork {
        /**
         * @param id the job
         * @param token fires when the job is cancelled
         * @param progress reports step progress to the job's listeners
         * @return the result
         */
        JobResult run(JobId id, CancellationToken token, StepProgress progress);

        /**
         * Called instead of {@link #run} when the job was cancelled before it started.
         *
         * @param id the job
         */
        default void cancelledBeforeStart(JobId id) {
        }
    }

    /** Receives a pipeline's step progress. */
    @FunctionalInterface
    public interface StepProgress {
        /**
         * @param done finished steps
         * @param total all steps
         * @param stage what happens now, or null
         * @param withinStep how far the running step is, in [0, 1]
         */
        void report(int done, int total, String stage, double withinStep);
    }

    /**
     * Admits a job that runs on {@code lane} instead of the GPU scheduler: it holds no GPU slot, is
     * cancelled through its own token, and otherwise behaves like any job (listed, watched, cancelled).
     * A finished job with the same id is replaced (a resumed pipeline keeps its id).
     *
     * @param id the id (new, or that of a finished job being resumed)
     * @param kind the kind
     * @param pipeline the pipeline id for {@link JobKind#PIPELINE}, else null
     * @param modelId the model it will use
     * @param randomWeights whether that model has random weights
     * @param summary the job-list description
     * @param lane runs the work; rejecting it means the lane's queue is full
     * @param work the body
     * @return the job as admitted
     * @throws OverloadedException if the lane rejects the job
     * @throws ConflictException if a job with that id is still queued or running
     */
    public JobView submitOwnLane(JobId id, JobKind kind, String pipeline, String modelId, boolean randomWeights,
                                 String summary, Executor lane, OwnLaneWork work) {
        Job job = new Job(id, kind, pipeline, modelId, randomWeights, summary, clock.now());
        CancellationToken token = CancellationToken.create();
        synchronized (this) {
            Job previous = jobs.get(id);
            if (previous != null && !previous.state().isTerminal()) {
                throw new ConflictException("job_id", "Job '" + id + "' is still " + previous.state().name().toLowerCase(java.util.Locale.ROOT) + ".");
            }
            finishedOrder.remove(id);
            jobs.put(id, job);
        }
        job.finished.whenComplete((v, e) -> retire(id));
        synchronized (job) {
            job.admittedOwn(token);
        }
        try {
            lane.execute(() -> executeOwn(job, token, work));
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                jobs.remove(id);
            }
            throw new OverloadedException("Too many pipeline jobs are waiting; try again when one has finished.",
                    scheduler.policy().initialRunEstimate());
        }
        return job.view();
    }

    private void executeOwn(Job job, CancellationToken token, OwnLaneWork work) {
        if (token.isCancelled() || !job.markRunning(clock.now())) {
            job.markCancelled(new CancelledException("The job was cancelled before it started."), clock.now());
            work.cancelledBeforeStart(job.id);
            return;
        }
        finish(job, () -> work.run(job.id, token, job::stepProgress), e -> e);
    }

    /** Runs a started job's body and records how it ended; an unexpected exception becomes a MODEL error. */
    private void finish(Job job, java.util.function.Supplier<JobResult> body,
                        java.util.function.UnaryOperator<CancelledException> cancelled) {
        try {
            JobResult result = body.get();
            job.markDone(Objects.requireNonNull(result, "a job must return a result"), clock.now());
            String worker = job.worker();
            Job pipeline = worker == null || job.parent == null ? null : jobOrNull(job.parent);
            if (pipeline != null) {
                pipeline.stepRanOn(worker);
            }
        } catch (CancelledException e) {
            job.markCancelled(cancelled.apply(e), clock.now());
        } catch (Q3ttsException e) {
            job.markFailed(e, clock.now());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Job " + job.id + " failed unexpectedly", e);
            job.markFailed(new ModelException("The job failed unexpectedly: " + e.getClass().getSimpleName() + ".", e),
                    clock.now());
        }
    }

    @Override
    public JobView getJob(JobId jobId) {
        return find(jobId).view();
    }

    @Override
    public JobView cancelJob(JobId jobId) {
        Job job = find(jobId);
        Ticket ticket = job.ticket();
        if (ticket != null) {
            scheduler.cancel(ticket, CancelReason.USER);
        }
        CancellationToken own = job.ownToken();
        if (own != null && !job.state().isTerminal()) {
            own.cancel();
            if (job.state() == JobState.QUEUED) {
                job.markCancelled(new CancelledException("The job was cancelled before it started."), clock.now());
            }
        }
        return job.view();
    }

    /**
     * Removes a finished job from the history (a user dismissed it).
     *
     * @param jobId the job
     * @return whether the history held it
     * @throws ConflictException (field {@code job_id}) if it is still queued or running
     */
    public synchronized boolean forget(JobId jobId) {
        Job job = jobs.get(Objects.requireNonNull(jobId, "jobId"));
        if (job == null) {
            return false;
        }
        if (!job.state().isTerminal()) {
            throw new ConflictException("job_id", "Job '" + jobId + "' is still "
                    + job.state().name().toLowerCase(java.util.Locale.ROOT) + "; cancel it first.");
        }
        jobs.remove(jobId);
        finishedOrder.remove(jobId);
        return true;
    }

    @Override
    public List<JobView> listJobs(ListJobsQuery query) {
        List<Job> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(jobs.values());
        }
        List<JobView> out = new ArrayList<>();
        for (int i = snapshot.size() - 1; i >= 0 && out.size() < query.limit(); i--) {
            JobView v = snapshot.get(i).view();
            if (query.states().contains(v.state())) {
                out.add(v);
            }
        }
        return out;
    }

    @Override
    public JobSubscription watchJob(JobId jobId, JobListener listener) {
        Objects.requireNonNull(listener, "listener");
        Job job = find(jobId);
        synchronized (job) {
            job.deliver(listener, new JobEvent.StateChanged(job.view()));
            if (!job.addListener(listener)) {
                return () -> { };
            }
        }
        return () -> job.removeListener(listener);
    }

    @Override
    public QueueStatus getQueueStatus() {
        return scheduler.status();
    }

    /**
     * Submits a job and waits for it: the blocking form used by the synthesis use cases.
     *
     * @param command the request and listener
     * @param cancellation firing it cancels the job
     * @return the finished job, DONE
     * @throws Q3ttsException the admission error, or the error the job failed with, or
     *     {@link CancelledException} if it was cancelled
     */
    public JobView runToCompletion(SubmitJobCommand command, CancellationToken cancellation) {
        JobView admitted = submitJob(command);
        Job job = find(admitted.id());
        JobView end;
        try (CancellationToken.Registration _ = cancellation.onCancel(() -> cancelJob(admitted.id()))) {
            end = job.finished.get();
        } catch (InterruptedException e) {
            cancelJob(admitted.id());
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted while waiting for the job.");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a job's completion never fails", e);
        }
        if (end.state() == JobState.DONE) {
            return end;
        }
        throw job.failure();
    }

    private void execute(Job job, PreparedJob prepared, CancellationToken token, BatchSlot slot) {
        if (token.isCancelled()) {
            job.markCancelled(cancellation(job, null), clock.now());
            return;
        }
        if (!job.markRunning(clock.now())) {
            return;
        }
        finish(job, () -> prepared.run(contextFor(job, token, slot)), e -> cancellation(job, e));
    }

    private CancelledException cancellation(Job job, CancelledException thrown) {
        Ticket t = job.ticket();
        CancelReason reason = t == null ? null : t.cancelReason();
        if (reason == CancelReason.TIMEOUT) {
            return new CancelledException("The job ran longer than the limit of "
                    + scheduler.policy().maxRunTime().toSeconds() + " s and was stopped.");
        }
        if (reason == CancelReason.SHUTDOWN) {
            return new CancelledException("The service is shutting down; the job was cancelled.");
        }
        return thrown != null ? thrown : new CancelledException("The job was cancelled.");
    }

    private TicketListener listenerFor(Job job) {
        return new TicketListener() {
            @Override
            public void queuePositionChanged(QueuePosition position) {
                job.queuePosition(position.position(), position.version());
            }

            @Override
            public void cancelledWhileQueued(CancelReason reason) {
                job.markCancelled(reason == CancelReason.SHUTDOWN
                        ? new CancelledException("The service is shutting down; the job was cancelled.")
                        : new CancelledException("The job was cancelled before it started."), clock.now());
            }

            @Override
            public void abandoned() {
                job.markCancelled(new CancelledException("The job did not stop within "
                        + scheduler.policy().cancelGrace().toSeconds() + " s of being cancelled; its slot was released."),
                        clock.now());
            }
        };
    }

    private JobContext contextFor(Job job, CancellationToken token, BatchSlot slot) {
        return new JobContext() {
            @Override
            public JobId jobId() {
                return job.id;
            }

            @Override
            public CancellationToken cancellation() {
                return token;
            }

            @Override
            public void progress(int frames, int maxFrames) {
                job.progress(frames, maxFrames);
            }

            @Override
            public void audio(float[] samples, int sampleRate, long startSample, boolean last) {
                job.audio(samples, sampleRate, startSample, last);
            }

            @Override
            public void worker(String worker) {
                job.worker(worker);
                Job pipeline = job.parent == null ? null : jobOrNull(job.parent);
                if (pipeline != null) {
                    pipeline.worker(worker);
                }
            }

            @Override
            public SynthesisResult synthesize(SpeechSynthesizer synthesizer, SynthesisRequest request,
                                              SynthesisListener listener) {
                return slot.synthesize(synthesizer, request, listener, token);
            }
        };
    }

    private synchronized Job jobOrNull(JobId id) {
        return jobs.get(id);
    }

    /**
     * Cluster mode: how many of a pipeline's steps each worker ran, for the pipeline's output.
     *
     * @param pipelineJob the pipeline's job
     * @return finished steps per worker id, in order of first use; empty when every step ran in
     *     this process (or the job is gone)
     */
    public java.util.Map<String, Integer> stepWorkers(JobId pipelineJob) {
        Job job = jobOrNull(pipelineJob);
        return job == null ? java.util.Map.of() : job.stepWorkers();
    }

    private Job find(JobId id) {
        Objects.requireNonNull(id, "jobId");
        synchronized (this) {
            Job job = jobs.get(id);
            if (job == null) {
                throw new NotFoundException("job_id", "Job '" + id + "' does not exist (finished jobs are forgotten after a while).");
            }
            return job;
        }
    }

    private synchronized void retire(JobId id) {
        if (!jobs.containsKey(id)) {
            return;
        }
        finishedOrder.addLast(id);
        while (finishedOrder.size() > retainFinished) {
            Job gone = jobs.remove(finishedOrder.pollFirst());
            if (gone != null && gone.request != null) {
                try {
                    store.delete(gone.id.value());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not delete the record of job " + gone.id + ": " + e.getMessage());
                }
            }
        }
    }
}
