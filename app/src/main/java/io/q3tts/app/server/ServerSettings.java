package io.q3tts.app.server;

import io.q3tts.adapters.http.AccessConfig;
import io.q3tts.adapters.inference.onnx.bundle.ExecutionProvider;
import io.q3tts.adapters.inference.onnx.engine.RunawayGuard;
import io.q3tts.adapters.inference.onnx.engine.TalkerPath;
import io.q3tts.adapters.inference.onnx.synth.SynthesizerOptions;
import io.q3tts.app.config.Q3ttsConfig;
import io.q3tts.domain.pipeline.PipelinePolicy;
import io.q3tts.domain.residency.ResidencyPolicy;
import io.q3tts.domain.scheduling.SchedulerPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the server needs, in the adapters' and the domain's own terms. Built from the validated
 * configuration by {@link #from(Q3ttsConfig)} (the one source of truth); the {@code with...} copies
 * let tests tighten a limit without a configuration file.
 *
 * @param host the interface to bind ({@code 127.0.0.1} unless told otherwise)
 * @param port the TCP port, 0 for any free one
 * @param pluginDirs folders whose {@code *.jar} files are third-party plugins
 * @param device where ONNX Runtime runs
 * @param scheduler the GPU policy (slots, queue, grace periods)
 * @param residency how many models stay loaded, and for how long
 * @param maxUploadBytes the largest uploaded audio file, &gt; 0
 * @param synthesizer how the engine generates (runaway guard, streaming chunk sizes); its saved-voice
 *     locator is replaced by the server's voice repository
 * @param pluginConfigs configuration section per plugin id
 * @param uiApiUrl the server the web UI's pages call ({@code http(s)://host[:port]}), or empty for this one
 * @param corsOrigins browser origins allowed to call this server's API cross-origin; empty: none
 * @param pipelines how many pipeline jobs run at once and wait
 * @param access the host names requests may use and the API keys (docs/security.md)
 */
public record ServerSettings(String host, int port, List<Path> pluginDirs, ExecutionProvider device,
                             SchedulerPolicy scheduler, ResidencyPolicy residency, long maxUploadBytes,
                             SynthesizerOptions synthesizer, Map<String, Map<String, String>> pluginConfigs,
                             String uiApiUrl, List<String> corsOrigins, PipelinePolicy pipelines,
                             AccessConfig access) {

    /** Tokenizer calls waiting at most; not a configuration key, the domain's default. */
    private static final int TOKENIZER_QUEUE = SchedulerPolicy.defaults().tokenizerQueueCapacity();

    /** @throws IllegalArgumentException on a port or limit out of range */
    public ServerSettings {
        host = host == null || host.isBlank() ? "127.0.0.1" : host.strip();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("maxUploadBytes must be positive, got " + maxUploadBytes);
        }
        pluginDirs = List.copyOf(pluginDirs);
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(residency, "residency");
        Objects.requireNonNull(synthesizer, "synthesizer");
        pluginConfigs = Map.copyOf(pluginConfigs);
        uiApiUrl = uiApiUrl == null ? "" : uiApiUrl.strip();
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(pipelines, "pipelines");
        Objects.requireNonNull(access, "access");
    }

    /**
     * Maps the configuration onto the server's settings. Values the configuration does not expose
     * (grace periods, the tokenizer queue, eviction timeout, later chunk size) keep the defaults of
     * the domain and the engine.
     *
     * @param config the validated configuration
     * @return the settings
     */
    public static ServerSettings from(Q3ttsConfig config) {
        SchedulerPolicy d = SchedulerPolicy.defaults();
        SchedulerPolicy scheduler = new SchedulerPolicy(config.scheduler().gpuSlots(), config.scheduler().queueCapacity(),
                config.scheduler().tokenizerSlots(), TOKENIZER_QUEUE, d.initialRunEstimate(), d.cancelGrace(), d.maxRunTime(),
                config.scheduler().maxBatch(), config.scheduler().kvBudgetBytes());
        ResidencyPolicy r = ResidencyPolicy.defaults();
        ResidencyPolicy residency = new ResidencyPolicy(config.residency().maxResident(), r.maxResidentTokenizers(),
                config.residency().idleUnloadAfter(), r.evictionTimeout());
        SynthesizerOptions engine = SynthesizerOptions.defaults();
        Q3ttsConfig.Generation g = config.generation();
        engine = engine.withRunawayGuard(g.runawayGuard()
                        ? new RunawayGuard(g.runawayGuardMinFrames(), g.runawayGuardFramesPerToken()) : null)
                .withChunking(config.generation().streamingFirstChunkFrames(), engine.chunkFrames())
                .withTalkerPath(config.engine().staticKv() ? TalkerPath.STATIC_KV
                        : config.engine().deviceKv() ? TalkerPath.IO_BINDING : TalkerPath.JAVA_BINDING)
                // The engine never holds more rows than the scheduler forms: one setting, scheduler.max_batch.
                .withMaxBatch(config.scheduler().maxBatch());
        ExecutionProvider device = switch (config.engine().device()) {
            case AUTO -> ExecutionProvider.AUTO;
            case CPU -> ExecutionProvider.CPU;
            case CUDA -> ExecutionProvider.CUDA;
        };
        return new ServerSettings(config.server().host(), config.server().port(), List.of(config.paths().plugins()),
                device, scheduler, residency, config.limits().uploadLimitBytes(), engine, Map.of(), config.ui().apiUrl(),
                config.http().corsOrigins(), new PipelinePolicy(config.pipelines().maxRunning(),
                        config.pipelines().queueCapacity(), PipelinePolicy.defaults().maxPayloadBytes()),
                new AccessConfig(config.http().allowedHosts(), config.auth().apiKeys(),
                        config.auth().allowUnauthenticatedRemote()));
    }

    /**
     * The largest JSON or form body: an upload may also arrive base64-encoded inside JSON
     * ({@code ref_audio}), which is a third larger, plus room for the other fields.
     *
     * @return the body limit in bytes
     */
    public long maxBodyBytes() {
        return Math.max(1024L * 1024, maxUploadBytes / 3 * 4 + 64 * 1024);
    }

    /**
     * @param newPort a port
     * @return a copy listening there
     */
    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, pluginDirs, device, scheduler, residency, maxUploadBytes, synthesizer,
                pluginConfigs, uiApiUrl, corsOrigins, pipelines, access);
    }

    /**
     * @param policy a GPU policy
     * @return a copy with it
     */
    public ServerSettings withScheduler(SchedulerPolicy policy) {
        return new ServerSettings(host, port, pluginDirs, device, policy, residency, maxUploadBytes, synthesizer,
                pluginConfigs, uiApiUrl, corsOrigins, pipelines, access);
    }

    /**
     * @param bytes the largest upload
     * @return a copy with that limit
     */
    public ServerSettings withMaxUploadBytes(long bytes) {
        return new ServerSettings(host, port, pluginDirs, device, scheduler, residency, bytes, synthesizer, pluginConfigs,
                uiApiUrl, corsOrigins, pipelines, access);
    }

    /**
     * @param options how the engine generates
     * @return a copy with them
     */
    public ServerSettings withSynthesizer(SynthesizerOptions options) {
        return new ServerSettings(host, port, pluginDirs, device, scheduler, residency, maxUploadBytes, options,
                pluginConfigs, uiApiUrl, corsOrigins, pipelines, access);
    }

    /**
     * @param url the API server the web UI's pages call, {@code http(s)://host[:port]}; empty for this one
     * @return a copy whose pages call it
     */
    public ServerSettings withUiApiUrl(String url) {
        return new ServerSettings(host, port, pluginDirs, device, scheduler, residency, maxUploadBytes, synthesizer,
                pluginConfigs, url, corsOrigins, pipelines, access);
    }

    /**
     * @param origins browser origins allowed to call the API cross-origin
     * @return a copy allowing them
     */
    public ServerSettings withCorsOrigins(List<String> origins) {
        return new ServerSettings(host, port, pluginDirs, device, scheduler, residency, maxUploadBytes, synthesizer,
                pluginConfigs, uiApiUrl, origins, pipelines, access);
    }

    /**
     * @param newAccess allowed host names and API keys
     * @return a copy with them
     */
    public ServerSettings withAccess(AccessConfig newAccess) {
        return new ServerSettings(host, port, pluginDirs, device, scheduler, residency, maxUploadBytes, synthesizer,
                pluginConfigs, uiApiUrl, corsOrigins, pipelines, newAccess);
    }

    /**
     * @param newHost the interface to bind
     * @return a copy binding it
     */
    public ServerSettings withHost(String newHost) {
        return new ServerSettings(newHost, port, pluginDirs, device, scheduler, residency, maxUploadBytes, synthesizer,
                pluginConfigs, uiApiUrl, corsOrigins, pipelines, access);
    }

    /**
     * @param policy a residency policy
     * @return a copy with it
     */
    public ServerSettings withResidency(ResidencyPolicy policy) {
        return new ServerSettings(host, port, pluginDirs, device, scheduler, policy, maxUploadBytes, synthesizer,
                pluginConfigs, uiApiUrl, corsOrigins, pipelines, access);
    }
}
