package io.q3tts.domain;

import io.q3tts.domain.cluster.ClusterModelLoader;
import io.q3tts.domain.cluster.StepRunner;
import io.q3tts.ports.out.cluster.StepExecutor;

import io.q3tts.domain.job.JobService;
import io.q3tts.domain.output.AudioConversion;
import io.q3tts.domain.pipeline.PipelinePolicy;
import io.q3tts.domain.pipeline.PipelineService;
import io.q3tts.domain.output.OutputService;
import io.q3tts.domain.residency.ModelResidencyManager;
import io.q3tts.domain.residency.ModelResolver;
import io.q3tts.domain.residency.ModelService;
import io.q3tts.domain.residency.ResidencyPolicy;
import io.q3tts.domain.scheduling.SchedulerPolicy;
import io.q3tts.domain.scheduling.WorkScheduler;
import io.q3tts.domain.synthesis.SynthesisJobRunner;
import io.q3tts.domain.synthesis.SynthesisService;
import io.q3tts.domain.tokenizer.TokenizerService;
import io.q3tts.domain.voice.UploadLimits;
import io.q3tts.domain.voice.VoiceService;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.audio.AudioEffects;
import io.q3tts.ports.out.audio.AudioEncoder;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.catalog.ModelLoader;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.pipeline.PipelineRunStore;
import io.q3tts.ports.out.time.Clock;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The assembled core: every domain service wired to the driven ports the composition root passes
 * in, exposed through the driving-port interfaces ({@link #useCase(Class)}).
 *
 * <p>The app builds one with {@link #builder()}, hands {@link #useCase(Class)} to the driving
 * adapters (HTTP, CLI, the plugins' {@code PluginContext}), calls {@link #runMaintenance()} every
 * {@link #MAINTENANCE_INTERVAL} (deadlines, idle unloading) and {@link #close()} on shutdown.
 *
 * <p>Thread-safe.
 */
public final class Q3ttsCore implements AutoCloseable {

    /** How often the composition root should call {@link #runMaintenance()}. */
    public static final Duration MAINTENANCE_INTERVAL = Duration.ofSeconds(1);

    private final WorkScheduler scheduler;
    private final ModelResidencyManager residency;
    private final JobService jobs;
    private final PipelineService pipelines;
    private final Map<Class<?>, Object> useCases;
    private final VoiceRepository voiceRepository;
    private final AudioDecoder audioDecoder;
    private final Clock clock;

    private Q3ttsCore(Builder b) {
        AudioConversion conversion = new AudioConversion(b.encoder, b.decoder);
        scheduler = new WorkScheduler(b.schedulerPolicy, b.clock, b.executor);
        residency = new ModelResidencyManager(b.catalog, b.loader, b.residencyPolicy, b.clock);
        // A dispatching core's "resident" models hold nothing; preferring them would only make the choice history-dependent.
        ModelResolver resolver = new ModelResolver(b.catalog, residency, !(b.loader instanceof ClusterModelLoader));
        VoiceService voices = new VoiceService(b.voices, b.encoder, b.decoder, b.uploadLimits, b.clock);
        OutputService outputs = new OutputService(b.outputs, conversion);
        SynthesisJobRunner runner = new SynthesisJobRunner(resolver, residency, b.voices, voices, b.outputs, b.encoder,
                b.decoder, b.effects, b.uploadLimits, b.clock);
        jobs = new JobService(scheduler, runner, b.clock, b.retainedJobs, b.jobStore);
        SynthesisService synthesis = new SynthesisService(jobs, outputs, voices);
        ModelService models = new ModelService(b.catalog, residency);
        TokenizerService tokenizer = new TokenizerService(scheduler, resolver, residency, b.encoder, b.decoder, b.uploadLimits);
        pipelines = new PipelineService(jobs, resolver, b.outputs, b.pipelineRuns, b.clock, b.pipelinePolicy);
        pipelines.stepsAtOnce(scheduler::batchSize);
        Map<Class<?>, Object> map = new LinkedHashMap<>();
        for (Object service : new Object[] {synthesis, jobs, voices, outputs, models, tokenizer, pipelines}) {
            for (Class<?> type : service.getClass().getInterfaces()) {
                if (type.getPackageName().startsWith("io.q3tts.ports.in")) {
                    map.put(type, service);
                }
            }
        }
        useCases = Collections.unmodifiableMap(map);
        voiceRepository = b.voices;
        audioDecoder = b.decoder;
        clock = b.clock;
    }

    /**
     * The executor a cluster worker hands to its {@code StepQueue}: delivered steps run in this
     * core's GPU lane on its models, and arriving voices are kept in this core's voice repository
     * (on a worker, a cache folder).
     *
     * @param workerId the worker's id, reported with each result
     * @return the executor
     */
    public StepExecutor stepExecutor(String workerId) {
        return new StepRunner(scheduler, residency, voiceRepository, audioDecoder, clock, workerId);
    }

    /** @return a builder; every driven port must be set, policies default to their {@code defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param type a driving-port interface from {@code io.q3tts.ports.in}
     * @param <T> its type
     * @return the implementation
     * @throws UnsupportedException if the core does not implement it
     */
    public <T> T useCase(Class<T> type) {
        Object service = useCases.get(type);
        if (service == null) {
            throw new UnsupportedException("No use case " + type.getSimpleName() + " is offered.");
        }
        return type.cast(service);
    }

    /** @return every driving-port interface {@link #useCase} answers */
    public Set<Class<?>> useCaseTypes() {
        return useCases.keySet();
    }

    /** Enforces job deadlines and unloads idle models. Call every {@link #MAINTENANCE_INTERVAL}. Never throws. */
    public void runMaintenance() {
        scheduler.checkDeadlines();
        residency.unloadIdle();
    }

    /**
     * Restarts the pipeline runs a crash or shutdown interrupted. Call once, after the plugins have
     * registered their pipelines. Never throws.
     *
     * @return the restarted jobs' ids
     */
    public List<JobId> resumeInterruptedPipelines() {
        return pipelines.resumeInterrupted();
    }

    /**
     * Reads back the asynchronous jobs recorded in the job store: they are queryable again, and those a
     * crash left queued or running are reported as interrupted, with their requests kept. Call once at
     * start, before serving.
     *
     * @return the interrupted jobs' ids
     */
    public List<JobId> restoreJobs() {
        return jobs.restoreJobs();
    }

    /**
     * Refuses new work, cancels queued and running jobs (pipelines stay stored and resume at the
     * next start), then unloads every model, waiting for in-flight work at most the scheduler's
     * cancel grace period (a stuck worker cannot hold up shutdown longer).
     */
    @Override
    public void close() {
        pipelines.close();
        scheduler.shutdown();
        residency.close(scheduler.policy().cancelGrace());
    }

    /** Collects the driven ports and policies. Not thread-safe. */
    public static final class Builder {
        private ModelCatalog catalog;
        private ModelLoader loader;
        private VoiceRepository voices;
        private OutputRepository outputs;
        private AudioEncoder encoder;
        private AudioDecoder decoder;
        private AudioEffects effects;
        private Clock clock = Clock.system();
        private Executor executor;
        private SchedulerPolicy schedulerPolicy = SchedulerPolicy.defaults();
        private ResidencyPolicy residencyPolicy = ResidencyPolicy.defaults();
        private UploadLimits uploadLimits = UploadLimits.defaults();
        private int retainedJobs = 500;
        private PipelineRunStore pipelineRuns;
        private io.q3tts.ports.out.job.JobStore jobStore;
        private PipelinePolicy pipelinePolicy = PipelinePolicy.defaults();

        private Builder() {
        }

        /**
         * @param v the installed bundles
         * @return this
         */
        public Builder catalog(ModelCatalog v) { catalog = v; return this; }
        /**
         * @param v loads bundles
         * @return this
         */
        public Builder loader(ModelLoader v) { loader = v; return this; }
        /**
         * @param v the voice library
         * @return this
         */
        public Builder voices(VoiceRepository v) { voices = v; return this; }
        /**
         * @param v the output history
         * @return this
         */
        public Builder outputs(OutputRepository v) { outputs = v; return this; }
        /**
         * @param v encodes audio
         * @return this
         */
        public Builder encoder(AudioEncoder v) { encoder = v; return this; }
        /**
         * @param v decodes audio
         * @return this
         */
        public Builder decoder(AudioDecoder v) { decoder = v; return this; }
        /**
         * @param v changes the tempo of synthesized audio ({@code speed})
         * @return this
         */
        public Builder effects(AudioEffects v) { effects = v; return this; }
        /**
         * @param v the clock (default: system)
         * @return this
         */
        public Builder clock(Clock v) { clock = v; return this; }
        /**
         * @param v runs jobs; a virtual-thread-per-task executor is recommended
         * @return this
         */
        public Builder executor(Executor v) { executor = v; return this; }
        /**
         * @param v the GPU policy
         * @return this
         */
        public Builder schedulerPolicy(SchedulerPolicy v) { schedulerPolicy = v; return this; }
        /**
         * @param v the residency policy
         * @return this
         */
        public Builder residencyPolicy(ResidencyPolicy v) { residencyPolicy = v; return this; }
        /**
         * @param v upload limits
         * @return this
         */
        public Builder uploadLimits(UploadLimits v) { uploadLimits = v; return this; }
        /**
         * @param v finished jobs kept queryable (default 500)
         * @return this
         */
        public Builder retainedJobs(int v) { retainedJobs = v; return this; }
        /**
         * @param v keeps unfinished pipeline runs across restarts
         * @return this
         */
        public Builder pipelineRuns(PipelineRunStore v) { pipelineRuns = v; return this; }
        /**
         * @param v records asynchronous jobs so they survive a crash; optional (without it they live in memory)
         * @return this
         */
        public Builder jobStore(io.q3tts.ports.out.job.JobStore v) { jobStore = v; return this; }
        /**
         * @param v pipeline lane size and limits
         * @return this
         */
        public Builder pipelinePolicy(PipelinePolicy v) { pipelinePolicy = v; return this; }

        /**
         * @return the core
         * @throws NullPointerException naming the first missing port
         */
        public Q3ttsCore build() {
            Objects.requireNonNull(catalog, "catalog");
            Objects.requireNonNull(loader, "loader");
            Objects.requireNonNull(voices, "voices");
            Objects.requireNonNull(outputs, "outputs");
            Objects.requireNonNull(encoder, "encoder");
            Objects.requireNonNull(decoder, "decoder");
            Objects.requireNonNull(effects, "effects");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(schedulerPolicy, "schedulerPolicy");
            Objects.requireNonNull(residencyPolicy, "residencyPolicy");
            Objects.requireNonNull(uploadLimits, "uploadLimits");
            Objects.requireNonNull(pipelineRuns, "pipelineRuns");
            Objects.requireNonNull(pipelinePolicy, "pipelinePolicy");
            return new Q3ttsCore(this);
        }
    }
}
