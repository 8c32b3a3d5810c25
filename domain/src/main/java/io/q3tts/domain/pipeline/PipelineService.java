package io.q3tts.domain.pipeline;

import io.q3tts.domain.job.JobService;
import io.q3tts.domain.residency.ModelResolver;
import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobResult;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.DismissJobUseCase;
import io.q3tts.ports.in.pipeline.GetPipelineRequestUseCase;
import io.q3tts.ports.in.pipeline.PipelineContext;
import io.q3tts.ports.in.pipeline.PipelineRequest;
import io.q3tts.ports.in.pipeline.PipelineHandler;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.pipeline.PipelineWork;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.PayloadTooLargeException;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.output.OutputRecord;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.output.OutputRun;
import io.q3tts.ports.out.pipeline.PipelineRunStore;
import io.q3tts.ports.out.pipeline.StoredPipelineRun;
import io.q3tts.ports.out.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline use case. A submitted request is validated by its handler, stored, and run as a
 * {@link JobKind#PIPELINE} job on this service's lane. While it runs, each finished step is
 * checkpointed in the store; when it ends:
 * <ul>
 *   <li>DONE: the output (main track, metadata, files) is stored, then the stored run is deleted;</li>
 *   <li>FAILED: the stored run stays (marked failed), so {@link #resumePipeline} goes on from the
 *       checkpoints; it is not restarted by itself at the next start, where it would only fail again;</li>
 *   <li>CANCELLED by a user: the stored run stays (marked like a failed one), so it can be resumed;
 *       {@link #dismissJob} deletes it;</li>
 *   <li>CANCELLED by shutdown, or the process died: the stored run stays and {@link #resumeInterrupted()}
 *       restarts it at the next start.</li>
 * </ul>
 *
 * <p>The steps a run submits are tagged with its id ({@link JobService#PARENT}), so job lists can
 * show one entry per pipeline. In cluster mode the output's parameters name the workers that spoke
 * the run's steps ({@code workers}: {@code "w1: 30 steps, w2: 15 steps"}, the steps this run spoke;
 * steps a resumed run took from its checkpoints are not counted); each step job names its own.
 *
 * <p>Thread-safe.
 */
public final class PipelineService implements PipelineJobsUseCase, DismissJobUseCase, GetPipelineRequestUseCase,
        AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PipelineService.class.getName());

    private final JobService jobs;
    private final ModelResolver resolver;
    private final OutputRepository outputs;
    private final PipelineRunStore store;
    private final Clock clock;
    private final PipelinePolicy policy;
    private final ThreadPoolExecutor lane;
    private final Map<String, PipelineHandler> handlers = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;
    private volatile java.util.function.ToIntFunction<String> stepsAtOnce = model -> 1;

    /**
     * @param jobs hosts the pipeline jobs, never null
     * @param resolver picks and checks the model at submission, never null
     * @param outputs stores results, never null
     * @param store keeps unfinished runs, never null
     * @param clock timestamps, never null
     * @param policy lane size and limits, never null
     */
    public PipelineService(JobService jobs, ModelResolver resolver, OutputRepository outputs, PipelineRunStore store,
                           Clock clock, PipelinePolicy policy) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        // Pipelines mostly wait for their GPU steps, so virtual threads; the pool size is the policy's bound.
        this.lane = new ThreadPoolExecutor(policy.maxRunning(), policy.maxRunning(), 0, TimeUnit.SECONDS,
                policy.queueCapacity() == 0 ? new java.util.concurrent.SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(policy.queueCapacity()),
                Thread.ofVirtual().name("pipeline-", 0).factory());
    }

    /**
     * Sets how many independent steps of a pipeline run at once ({@link PipelineContext#runSteps}).
     *
     * @param stepsAtOnce the number for a model id, &gt;= 1 (the scheduler's batch size for that model),
     *     asked again before each wave of steps; never null
     */
    public void stepsAtOnce(java.util.function.ToIntFunction<String> stepsAtOnce) {
        this.stepsAtOnce = Objects.requireNonNull(stepsAtOnce, "stepsAtOnce");
    }

    @Override
    public void registerPipeline(String pipelineId, PipelineHandler handler) {
        handlers.put(Ids.requireSafe(pipelineId, "pipeline"), Objects.requireNonNull(handler, "handler"));
    }

    @Override
    public JobView submitPipeline(String pipelineId, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        PipelineHandler handler = handler(pipelineId);
        if (payload.length > policy.maxPayloadBytes()) {
            throw new PayloadTooLargeException("file", "The request is " + payload.length + " bytes; pipelines accept at most "
                    + policy.maxPayloadBytes() + " bytes. Split the input.", policy.maxPayloadBytes());
        }
        PipelineWork work = handler.prepare(payload.clone());
        ModelDescriptor model = resolver.resolve(work.modelId(), work.task(), "model");
        String runId = UUID.randomUUID().toString();
        store.create(new StoredPipelineRun(runId, pipelineId, payload.clone(), clock.now()));
        try {
            return start(new JobId(runId), pipelineId, work, model);
        } catch (RuntimeException e) {
            store.delete(runId);
            throw e;
        }
    }

    @Override
    public JobView resumePipeline(JobId jobId) {
        Objects.requireNonNull(jobId, "jobId");
        StoredPipelineRun run = store.find(jobId.value()).orElseThrow(() -> new NotFoundException("job_id",
                "There is no unfinished pipeline run '" + jobId + "' (it finished, was dismissed, or never existed)."));
        try {
            JobView current = jobs.getJob(jobId);
            if (!current.state().isTerminal()) {
                throw new ConflictException("job_id", "Pipeline job '" + jobId + "' is still "
                        + current.state().name().toLowerCase(java.util.Locale.ROOT) + ".");
            }
        } catch (NotFoundException e) {
            // Forgotten by the job history (or from before a restart): resume it all the same.
        }
        PipelineWork work = handler(run.pipelineId()).prepare(run.payload().clone());
        ModelDescriptor model = resolver.resolve(work.modelId(), work.task(), "model");
        // Cleared before the start: a quick run may finish, and delete its state, before start() returns.
        if (run.failed()) {
            store.markFailed(run.runId(), false);
        }
        try {
            return start(jobId, run.pipelineId(), work, model);
        } catch (RuntimeException e) {
            if (run.failed()) {
                store.markFailed(run.runId(), true);
            }
            throw e;
        }
    }

    @Override
    public void dismissJob(JobId jobId) {
        Objects.requireNonNull(jobId, "jobId");
        // Refused while it runs (forget throws) before anything is deleted.
        boolean known = jobs.forget(jobId);
        boolean stored = store.find(jobId.value()).isPresent();
        if (stored) {
            store.delete(jobId.value());
        }
        if (!known && !stored) {
            throw new NotFoundException("job_id", "Job '" + jobId + "' does not exist (finished jobs are forgotten after a while).");
        }
    }

    @Override
    public PipelineRequest getPipelineRequest(JobId jobId) {
        Objects.requireNonNull(jobId, "jobId");
        StoredPipelineRun run = store.find(jobId.value()).orElseThrow(() -> new NotFoundException("job_id",
                "There is no unfinished pipeline run '" + jobId + "' (it finished, was dismissed, or never existed)."));
        return new PipelineRequest(jobId, run.pipelineId(), run.payload());
    }

    /**
     * Restarts every stored run whose pipeline is registered: the runs a crash or a shutdown
     * interrupted. Call once after the plugins have registered their pipelines. Never throws: a run
     * that cannot restart is logged and kept.
     *
     * @return the ids of the runs restarted
     */
    public List<JobId> resumeInterrupted() {
        List<JobId> resumed = new ArrayList<>();
        for (StoredPipelineRun run : store.list()) {
            if (run.failed()) {
                LOG.log(Level.INFO, "Pipeline run " + run.runId() + " failed before the restart; it is kept, not restarted"
                        + " (POST /api/v1/jobs/" + run.runId() + "/resume runs it again from its checkpoints).");
                continue;
            }
            if (!handlers.containsKey(run.pipelineId())) {
                LOG.log(Level.WARNING, "Pipeline run " + run.runId() + " of '" + run.pipelineId()
                        + "' is not resumed: that pipeline is not installed.");
                continue;
            }
            try {
                resumed.add(resumePipeline(new JobId(run.runId())).id());
                LOG.log(Level.INFO, "Resumed pipeline run " + run.runId() + " (" + run.pipelineId() + ").");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Pipeline run " + run.runId() + " could not be resumed: " + e.getMessage());
            }
        }
        return resumed;
    }

    /** Stops accepting pipelines; running ones are cancelled by the job shutdown and stay stored for resuming. */
    @Override
    public void close() {
        shuttingDown = true;
        for (JobView j : jobs.listJobs(new io.q3tts.ports.in.job.ListJobsQuery(
                java.util.Set.of(io.q3tts.ports.in.job.JobState.QUEUED, io.q3tts.ports.in.job.JobState.RUNNING), 1000))) {
            if (j.kind() == JobKind.PIPELINE) {
                jobs.cancelJob(j.id());
            }
        }
        lane.shutdown();
        try {
            lane.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PipelineHandler handler(String pipelineId) {
        Ids.requireSafe(pipelineId, "pipeline");
        PipelineHandler h = handlers.get(pipelineId);
        if (h == null) {
            throw new NotFoundException("pipeline", "No pipeline '" + pipelineId + "' is installed.");
        }
        return h;
    }

    private JobView start(JobId id, String pipelineId, PipelineWork work, ModelDescriptor model) {
        if (shuttingDown) {
            throw new io.q3tts.ports.model.UnavailableException("The service is shutting down.");
        }
        return jobs.submitOwnLane(id, JobKind.PIPELINE, pipelineId, model.id(), model.randomWeights(),
                truncate(work.summary()), lane, new JobService.OwnLaneWork() {
                    @Override
                    public JobResult run(JobId jobId, CancellationToken token, JobService.StepProgress progress) {
                        return PipelineService.this.run(jobId, pipelineId, work, model.id(), token, progress);
                    }

                    @Override
                    public void cancelledBeforeStart(JobId jobId) {
                        if (!shuttingDown) {
                            // Kept for a resume, but not restarted by itself at the next start.
                            store.markFailed(jobId.value(), true);
                        }
                    }
                });
    }

    private JobResult run(JobId jobId, String pipelineId, PipelineWork work, String modelId, CancellationToken token,
                          JobService.StepProgress progress) {
        String runId = jobId.value();
        Instant started = clock.now();
        Context context = new Context(jobId, modelId, token, progress, store.checkpointCount(runId));
        PipelineOutput out;
        try {
            out = ScopedValue.where(JobService.PARENT, jobId).call(() -> work.run(context));
        } catch (CancelledException e) {
            if (!shuttingDown) {
                // A user's cancel keeps the checkpoints for a resume, marked so no restart picks it up.
                store.markFailed(runId, true);
                throw e;
            }
            throw new CancelledException("The service is shutting down; the pipeline will resume at the next start.");
        } catch (RuntimeException e) {
            store.markFailed(runId, true);
            throw e;
        }
        token.throwIfCancelled();
        String outputId = store(jobId, pipelineId, out, Duration.between(started, clock.now()));
        store.delete(runId);
        return new JobResult(outputId, null);
    }

    private String store(JobId jobId, String pipelineId, PipelineOutput out, Duration elapsed) {
        try (OutputRun run = outputs.begin()) {
            for (Map.Entry<String, byte[]> f : out.files().entrySet()) {
                run.writeFile(f.getKey(), f.getValue());
            }
            Map<String, String> parameters = out.parameters();
            Map<String, Integer> workers = jobs.stepWorkers(jobId);
            if (!workers.isEmpty()) {
                parameters = new java.util.LinkedHashMap<>(parameters);
                parameters.put("workers", workers.entrySet().stream()
                        .map(w -> w.getKey() + ": " + w.getValue() + (w.getValue() == 1 ? " step" : " steps"))
                        .collect(java.util.stream.Collectors.joining(", ")));
            }
            OutputRecord record = new OutputRecord(run.id(), jobId.value(), out.task(), out.modelId(), out.randomWeights(),
                    out.text(), out.language(), out.speaker(), out.instruct(), out.voiceId(), parameters,
                    out.audio().sampleRate(), out.audio().durationSeconds(), out.frames(), "END_OF_SPEECH", clock.now(),
                    elapsed, pipelineId, List.copyOf(out.files().keySet()));
            run.complete(record, out.audio());
            return run.id();
        }
    }

    private static String truncate(String summary) {
        String s = summary == null ? "" : summary.strip();
        return s.length() <= 120 ? s : s.substring(0, 119) + "…";
    }

    /** One run's view of the core. */
    private final class Context implements PipelineContext {

        private final JobId jobId;
        private final String modelId;
        private final CancellationToken token;
        private final JobService.StepProgress progress;
        private final int resumed;
        private volatile int done;
        private volatile int total = 1;
        private volatile String stage;
        /** Whether a concurrent wave of {@link #runSteps} runs; guarded by this context. */
        private boolean inWave;

        Context(JobId jobId, String modelId, CancellationToken token, JobService.StepProgress progress, int resumed) {
            this.jobId = jobId;
            this.modelId = modelId;
            this.token = token;
            this.progress = progress;
            this.resumed = resumed;
        }

        @Override
        public JobId jobId() {
            return jobId;
        }

        @Override
        public CancellationToken cancellation() {
            return token;
        }

        @Override
        public void progress(int done, int total, String stage) {
            if (total < 1 || done < 0 || done > total) {
                throw new IllegalArgumentException("bad pipeline progress " + done + "/" + total);
            }
            synchronized (this) {
                // In a wave the steps report concurrently: a step starting late must not move the count back.
                int shown = inWave && total == this.total ? Math.max(done, this.done) : done;
                this.done = shown;
                this.total = total;
                this.stage = stage;
                progress.report(shown, total, stage, 0);
            }
        }

        /** A step of a concurrent wave ended well: the count moves on now, not when the plugin reports next. */
        private synchronized void stepEnded(int waveBase, int endedInWave) {
            int shown = Math.min(total, Math.max(done, waveBase + endedInWave));
            done = shown;
            progress.report(shown, total, stage, 0);
        }

        @Override
        public JobListener stepListener() {
            return event -> {
                if (event instanceof JobEvent.Progress p) {
                    progress.report(done, total, stage, p.progress().fraction());
                }
            };
        }

        @Override
        public Optional<byte[]> checkpoint(String key) {
            return store.readCheckpoint(jobId.value(), Ids.requireSafe(key, "key"));
        }

        @Override
        public void saveCheckpoint(String key, byte[] data) {
            store.writeCheckpoint(jobId.value(), Ids.requireSafe(key, "key"), Objects.requireNonNull(data, "data"));
        }

        @Override
        public int resumedCheckpoints() {
            return resumed;
        }

        /**
         * Waves of at most {@code stepsAtOnce(model)} steps, each step on its own virtual thread: the
         * wave's synthesis jobs wait in the GPU queue together, where the scheduler batches them. The
         * size is asked again for every wave, so it follows the model's batch size once the scheduler
         * has learned it (1 for a model that generates one row at a time: no places taken in the queue
         * for nothing).
         */
        @Override
        public <T> List<T> runSteps(List<? extends java.util.function.Supplier<? extends T>> steps) {
            List<T> out = new ArrayList<>(steps.size());
            int next = 0;
            while (next < steps.size()) {
                token.throwIfCancelled();
                int wave = Math.max(1, Math.min(steps.size() - next, stepsAtOnce.applyAsInt(modelId)));
                if (wave == 1) {
                    out.add(steps.get(next++).get());
                    continue;
                }
                List<java.util.concurrent.CompletableFuture<T>> running = new ArrayList<>();
                int waveBase;
                synchronized (this) {
                    inWave = true;
                    waveBase = this.done;
                }
                java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
                // A scoped value does not reach a new thread by itself: the steps must still name this run
                // as their parent, or job lists show them as jobs of their own.
                JobId parent = JobService.PARENT.isBound() ? JobService.PARENT.get() : null;
                for (int i = 0; i < wave; i++) {
                    java.util.function.Supplier<? extends T> step = steps.get(next++);
                    java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
                    Thread.ofVirtual().name("pipeline-step-" + jobId + "-" + (next - 1)).start(() -> {
                        try {
                            T result = parent == null ? step.get()
                                    : ScopedValue.where(JobService.PARENT, parent).call(step::get);
                            stepEnded(waveBase, ended.incrementAndGet());
                            f.complete(result);
                        } catch (Throwable e) {
                            f.completeExceptionally(e);
                        }
                    });
                    running.add(f);
                }
                RuntimeException first = null;
                for (java.util.concurrent.CompletableFuture<T> f : running) {
                    try {
                        out.add(f.join());
                    } catch (java.util.concurrent.CompletionException e) {
                        if (first == null) {
                            first = e.getCause() instanceof RuntimeException re ? re
                                    : e.getCause() instanceof Error err ? rethrow(err)
                                    : new IllegalStateException(e.getCause());
                        }
                    }
                }
                synchronized (this) {
                    inWave = false;
                }
                if (first != null) {
                    throw first;
                }
            }
            return out;
        }

        private static RuntimeException rethrow(Error e) {
            throw e;
        }
    }
}
