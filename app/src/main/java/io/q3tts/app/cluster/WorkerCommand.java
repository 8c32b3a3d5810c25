package io.q3tts.app.cluster;

import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.synth.OnnxModelLoader;
import io.q3tts.adapters.inference.onnx.synth.SavedVoices;
import io.q3tts.app.config.ConfigException;
import io.q3tts.app.config.ConfigLoader;
import io.q3tts.app.config.LoadedConfig;
import io.q3tts.app.config.Q3ttsConfig;
import io.q3tts.app.server.DrivenPorts;
import io.q3tts.app.server.ServeCommand;
import io.q3tts.app.server.ServerSettings;
import io.q3tts.domain.Q3ttsCore;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.cluster.StepQueue;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code q3tts worker}: one process per GPU that serves the generation models in its
 * {@code paths.models} from the cluster's queue ({@code cluster.nats_url}). Steps run through a
 * local core, so the worker applies the configured GPU policy ({@code scheduler.gpu_slots} steps at
 * once, residency); it pulls no more steps than it has slots. Voices arrive with the steps and are
 * cached in {@code <voices>-worker-cache}; the worker writes no outputs.
 *
 * <p>SIGTERM or Ctrl-C drains: no new steps, running ones finish and store their results (at most
 * {@link #DRAIN_GRACE}), the rest go back to the queue. Exit statuses: 2 for an invalid
 * configuration, 1 when it cannot start (NATS unreachable, no models).
 */
public final class WorkerCommand {

    /** How long running steps may take to finish when the worker is told to stop. */
    public static final Duration DRAIN_GRACE = Duration.ofSeconds(30);

    private final ConfigLoader loader;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param loader reads the configuration
     * @param out the start-up line
     * @param err errors and logs
     */
    public WorkerCommand(ConfigLoader loader, PrintStream out, PrintStream err) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /**
     * Runs until SIGTERM or Ctrl-C.
     *
     * @return the exit status
     */
    public int run() {
        LoadedConfig loaded;
        try {
            loaded = loader.load();
        } catch (ConfigException e) {
            err.println("q3tts worker: error: " + e.getMessage());
            return 2;
        }
        Q3ttsConfig config = loaded.config();
        loaded.warnings().forEach(w -> err.println("q3tts: warning: " + w));
        ServeCommand.applyLogLevel(config.log().level());
        if (!config.cluster().enabled()) {
            err.println("q3tts worker: error: cluster.nats_url is not set (Q3TTS_CLUSTER_NATS_URL); a worker takes its steps "
                    + "from a NATS JetStream server, see docs/scale-out.md");
            return 2;
        }
        Worker worker;
        try {
            worker = Worker.start(config, workerId(config.cluster()));
        } catch (Q3ttsException | IllegalStateException e) {
            err.println("q3tts worker: error: " + e.getMessage());
            return 1;
        }
        out.println("q3tts worker " + worker.id + ": serving " + String.join(", ", worker.models) + " from "
                + worker.queue.describe() + " (" + config.scheduler().gpuSlots() + " at once, ONNX Runtime on "
                + worker.runtime.providerDescription() + "); SIGTERM or Ctrl-C drains");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("q3tts-worker-drain").unstarted(() -> {
            err.println("q3tts worker: draining...");
            worker.close();
            err.println("q3tts worker: stopped");
            err.flush();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.close();
        }
        return 0;
    }

    /**
     * Starts a worker inside the accepting server's process ({@code cluster.local_worker}): its own
     * core, engine and queue connection on this machine's models, so the local GPU takes steps from
     * the queue like any other worker.
     *
     * @param config the configuration, cluster enabled
     * @return the worker; closing it drains it
     * @throws io.q3tts.ports.model.Q3ttsException if NATS cannot be reached
     * @throws IllegalStateException if there are no generation models
     */
    public static AutoCloseable startLocal(Q3ttsConfig config) {
        String id = workerId(config.cluster());
        return Worker.start(config, config.cluster().workerId().isEmpty() ? id + "-local" : id);
    }

    private static String workerId(Q3ttsConfig.Cluster cluster) {
        if (!cluster.workerId().isEmpty()) {
            return cluster.workerId();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        String safe = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        String id = safe + "-" + ProcessHandle.current().pid();
        return id.length() > 64 ? id.substring(id.length() - 64) : id;
    }

    /** A running worker: its engine, core, queue subscription. */
    static final class Worker implements AutoCloseable {
        final String id;
        final Set<String> models;
        final OrtRuntime runtime;
        final StepQueue queue;
        private final ExecutorService jobs;
        private final Q3ttsCore core;
        private final ScheduledExecutorService maintenance;
        private final StepQueue.Subscription subscription;
        private boolean closed;

        private Worker(String id, Set<String> models, OrtRuntime runtime, ExecutorService jobs, Q3ttsCore core,
                       ScheduledExecutorService maintenance, StepQueue queue, StepQueue.Subscription subscription) {
            this.id = id;
            this.models = models;
            this.runtime = runtime;
            this.jobs = jobs;
            this.core = core;
            this.maintenance = maintenance;
            this.queue = queue;
            this.subscription = subscription;
        }

        static Worker start(Q3ttsConfig config, String id) {
            Path cache = config.paths().voices().resolveSibling(config.paths().voices().getFileName() + "-worker-cache");
            // The worker's own folders: arriving voices; outputs and pipeline runs are never written.
            DrivenPorts ports = DrivenPorts.onDisk(new Q3ttsConfig.Paths(config.paths().models(), cache.resolve("voices"),
                    cache.resolve("outputs"), config.paths().plugins()));
            Set<String> models = new LinkedHashSet<>();
            for (ModelDescriptor m : ports.catalog().list()) {
                if (m.tasks().stream().anyMatch(t -> t != ModelTask.TOKENIZER)) {
                    models.add(m.id());
                }
            }
            if (models.isEmpty()) {
                throw new IllegalStateException("no generation models in " + config.paths().models()
                        + "; a worker serves the models in its own models folder");
            }
            ServerSettings settings = ServerSettings.from(config);
            StepQueue queue = ClusterConnection.connect(config.cluster());
            OrtRuntime runtime = new OrtRuntime(new OnnxRuntimeConfig(settings.device(), 0, 0, 0));
            ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
            Q3ttsCore core = Q3ttsCore.builder()
                    .catalog(ports.catalog())
                    .loader(new OnnxModelLoader(runtime, settings.synthesizer().withVoices(SavedVoices.repository(ports.voices())),
                            ports.bundleDirs()))
                    .voices(ports.voices())
                    .outputs(ports.outputs())
                    .encoder(ports.encoder())
                    .decoder(ports.decoder())
                    .effects(ports.effects())
                    .executor(jobs)
                    .schedulerPolicy(settings.scheduler())
                    .residencyPolicy(settings.residency())
                    .pipelineRuns(ports.pipelineRuns())
                    .build();
            ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("q3tts-maintenance").factory());
            long every = Q3ttsCore.MAINTENANCE_INTERVAL.toMillis();
            maintenance.scheduleAtFixedRate(core::runMaintenance, every, every, TimeUnit.MILLISECONDS);
            StepQueue.Subscription subscription = queue.serve(id, models, settings.scheduler().gpuSlots(),
                    core.stepExecutor(id));
            return new Worker(id, models, runtime, jobs, core, maintenance, queue, subscription);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            subscription.drain(DRAIN_GRACE);
            queue.close();
            maintenance.shutdownNow();
            core.close();
            jobs.shutdown();
            runtime.close();
        }
    }
}
