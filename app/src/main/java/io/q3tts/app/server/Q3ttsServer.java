package io.q3tts.app.server;

import io.q3tts.adapters.http.HttpServer;
import io.q3tts.adapters.http.HttpServerConfig;
import io.q3tts.adapters.http.PluginRoutes;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.synth.OnnxModelLoader;
import io.q3tts.adapters.inference.onnx.synth.SavedVoices;
import io.q3tts.adapters.inference.onnx.synth.SynthesizerOptions;
import io.q3tts.app.plugins.PluginHost;
import io.q3tts.app.plugins.PluginStatus;
import io.q3tts.domain.Q3ttsCore;
import io.q3tts.domain.cluster.ClusterModelLoader;
import io.q3tts.ports.out.catalog.ModelLoader;
import io.q3tts.ports.out.cluster.StepQueue;
import io.q3tts.domain.voice.UploadLimits;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.plugin.TaskPlugin;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: the core over the ONNX engine and the given storage and audio ports, the
 * plugins, and the HTTP server. {@link #close()} stops it in reverse order: no new requests, plugins
 * stopped, jobs cancelled and every model closed, then the ONNX runtime.
 */
public final class Q3ttsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Q3ttsServer.class);

    private final OrtRuntime runtime;
    private final ExecutorService jobs;
    private final Q3ttsCore core;
    private final ScheduledExecutorService maintenance;
    private final PluginHost plugins;
    private final HttpServer http;
    private final String host;
    private final DrivenPorts ports;
    private final StepQueue cluster;
    private final List<AutoCloseable> attached = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean closed;

    private Q3ttsServer(ServerSettings settings, DrivenPorts ports, StepQueue cluster) {
        runtime = new OrtRuntime(new OnnxRuntimeConfig(settings.device(), 0, 0, 0));
        SynthesizerOptions options = settings.synthesizer().withVoices(SavedVoices.repository(ports.voices()));
        jobs = Executors.newVirtualThreadPerTaskExecutor();
        this.cluster = cluster;
        ModelLoader onnx = new OnnxModelLoader(runtime, options, ports.bundleDirs());
        core = Q3ttsCore.builder()
                .catalog(ports.catalog())
                // Cluster mode: generation runs on the workers; this process keeps jobs, pipelines and outputs.
                .loader(cluster == null ? onnx : new ClusterModelLoader(cluster, ports.voices(), onnx))
                .voices(ports.voices())
                .outputs(ports.outputs())
                .encoder(ports.encoder())
                .decoder(ports.decoder())
                .effects(ports.effects())
                .executor(jobs)
                .schedulerPolicy(settings.scheduler())
                .residencyPolicy(settings.residency())
                .uploadLimits(uploadLimits(settings.maxUploadBytes()))
                .pipelineRuns(ports.pipelineRuns())
                .jobStore(ports.jobStore())
                .pipelinePolicy(settings.pipelines())
                .build();
        maintenance = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("q3tts-maintenance").factory());
        long every = Q3ttsCore.MAINTENANCE_INTERVAL.toMillis();
        maintenance.scheduleAtFixedRate(core::runMaintenance, every, every, TimeUnit.MILLISECONDS);
        plugins = new PluginHost(settings.pluginDirs(), true,
                id -> settings.pluginConfigs().getOrDefault(id, Map.of()), core::useCase);
        List<TaskPlugin> started = plugins.start();
        // After the plugins, whose start registers their pipelines: runs a crash or shutdown interrupted go on.
        core.resumeInterruptedPipelines();
        core.restoreJobs();
        host = settings.host();
        this.ports = ports;
        http = new HttpServer(core::useCase, started.stream().map(PluginRoutes::of).toList(), UiMount.routes(plugins, settings.uiApiUrl()),
                new HttpServerConfig(settings.host(), settings.port(), settings.maxUploadBytes(), settings.maxBodyBytes(),
                        settings.corsOrigins(), settings.access()));
    }

    /** The configured size limit with the domain's reference and tokenizer duration limits. */
    private static UploadLimits uploadLimits(long maxBytes) {
        UploadLimits d = UploadLimits.defaults();
        return new UploadLimits(maxBytes, d.minReferenceSeconds(), d.maxReferenceSeconds(), d.maxTokenizerSeconds());
    }

    /**
     * Builds everything and starts listening.
     *
     * @param settings where to listen, the device, the GPU policy, the plugin folders
     * @param ports the storage and audio adapters
     * @return the running server
     */
    public static Q3ttsServer start(ServerSettings settings, DrivenPorts ports) {
        return start(settings, ports, null);
    }

    /**
     * Builds everything and starts listening, sending GPU work to a cluster's workers.
     *
     * @param settings where to listen, the device, the GPU policy (in cluster mode its slots bound the
     *     steps dispatched at once), the plugin folders
     * @param ports the storage and audio adapters
     * @param cluster the work queue every synthesis goes to, or null to run it in this process;
     *     the server closes it
     * @return the running server
     */
    public static Q3ttsServer start(ServerSettings settings, DrivenPorts ports, StepQueue cluster) {
        HttpServer.requireSafeBind(Objects.requireNonNull(settings, "settings").host(), settings.access());
        Q3ttsServer server = new Q3ttsServer(Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(ports, "ports"),
                cluster);
        try {
            server.http.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("q3tts listening on {} (ONNX Runtime: {})", server.url(), server.runtime.providerDescription());
        return server;
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:8080/} */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + http.port() + "/";
    }

    /** @return the bound port */
    public int port() {
        return http.port();
    }

    /** @return the installed models, as the catalog lists them */
    public List<ModelDescriptor> models() {
        return ports.catalog().list();
    }

    /** @return the bundle folders that cannot be offered, each {@code "folder: reason"} */
    public List<String> unusableBundles() {
        return ports.unusableBundles().get();
    }

    /** @return where ONNX Runtime runs and why, e.g. {@code "CPU (configured)"} */
    public String device() {
        return runtime.providerDescription();
    }

    /** @return what became of each plugin */
    public List<PluginStatus> plugins() {
        return plugins.statuses();
    }

    /**
     * Ties a resource's life to the server's: it is closed first when the server closes (a local
     * cluster worker drains before the queue connection goes).
     *
     * @param resource the resource
     */
    public void attach(AutoCloseable resource) {
        attached.add(Objects.requireNonNull(resource, "resource"));
    }

    /** Stops serving and frees every model. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable a : attached) {
            step("attached " + a.getClass().getSimpleName(), () -> {
                try {
                    a.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        step("HTTP server", http::close);
        step("plugins", plugins::close);
        step("maintenance", maintenance::shutdownNow);
        step("core", core::close);
        if (cluster != null) {
            step("cluster queue", cluster::close);
        }
        step("job threads", jobs::shutdown);
        step("ONNX runtime", runtime::close);
    }

    private static void step(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("Stopping the {} failed: {}", what, e.toString());
        }
    }
}
