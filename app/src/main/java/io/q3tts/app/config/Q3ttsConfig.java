package io.q3tts.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated configuration, one record per YAML section. Built by {@link ConfigLoader}; the
 * composition root maps it onto the adapters' and the domain's own settings.
 *
 * @param server where the HTTP server listens
 * @param paths the data folders, absolute
 * @param engine the inference device
 * @param scheduler the GPU policy's lanes
 * @param pipelines the pipeline jobs' lane
 * @param residency how many models stay loaded
 * @param limits request limits
 * @param generation generation safeguards and streaming
 * @param log logging
 * @param ui the web UI
 * @param http cross-origin access and the host names the HTTP API answers to
 * @param auth API keys
 */
public record Q3ttsConfig(Server server, Paths paths, Engine engine, Scheduler scheduler, Pipelines pipelines,
        Residency residency,
        Limits limits, Generation generation, Log log, Ui ui, Http http, Auth auth, Cluster cluster) {

    /**
     * @param host the interface to bind ({@code 127.0.0.1} by default: local only)
     * @param port the TCP port, 1-65535
     */
    public record Server(String host, int port) {
    }

    /**
     * @param models the model bundles folder
     * @param voices the saved voices folder
     * @param outputs the output history folder
     * @param plugins the third-party plugin jars folder
     */
    public record Paths(Path models, Path voices, Path outputs, Path plugins) {
    }

    /** Where inference runs. */
    public enum Device {
        /** CUDA when a GPU and the CUDA provider are available, else CPU. */
        AUTO,
        /** CPU only. */
        CPU,
        /** CUDA; failing to start is an error rather than a silent fall-back. */
        CUDA
    }

    /**
     * @param device where inference runs (a bundle's precision is chosen when it is exported, so
     *     there is no precision setting here)
     * @param deviceKv keep the talker's KV cache on the device between steps (I/O binding through the
     *     ONNX Runtime C API) instead of the Java binding's host round trip; same codes, faster on a GPU
     * @param staticKv run the talker over its fixed-size KV buffer ({@code talker_static.onnx}, exported
     *     with {@code tools/export --static-kv N}) through I/O binding, with CUDA graphs on a GPU;
     *     implies the device-resident cache, and a bundle without that graph runs as {@code deviceKv}
     */
    public record Engine(Device device, boolean deviceKv, boolean staticKv) {

        /**
         * Without the fixed-size KV talker.
         *
         * @param device where inference runs
         * @param deviceKv keep the KV cache on the device
         */
        public Engine(Device device, boolean deviceKv) {
            this(device, deviceKv, false);
        }
    }

    /**
     * @param maxRunning pipeline jobs running at once, 1-16 (their steps still take the GPU one at a time)
     * @param queueCapacity pipeline jobs waiting at most, 0-1000
     */
    public record Pipelines(int maxRunning, int queueCapacity) {
    }

    /**
     * @param gpuSlots generation jobs running at once, 1-16
     * @param queueCapacity jobs waiting at most, 1-10000
     * @param tokenizerSlots tokenizer jobs at once in their own lane, 0-16 (0: they share the GPU lane)
     * @param maxBatch jobs of one model generated together in one slot, 1-32 (1: no batching)
     * @param kvBudgetMb KV-cache memory of one batch at its rows' expected lengths, in MiB, 16-65536
     */
    public record Scheduler(int gpuSlots, int queueCapacity, int tokenizerSlots, int maxBatch, int kvBudgetMb) {

        /**
         * The scheduler settings with the default batching (8 rows, 1024 MiB).
         *
         * @param gpuSlots generation jobs running at once
         * @param queueCapacity jobs waiting at most
         * @param tokenizerSlots tokenizer jobs at once in their own lane
         */
        public Scheduler(int gpuSlots, int queueCapacity, int tokenizerSlots) {
            this(gpuSlots, queueCapacity, tokenizerSlots, 8, 1024);
        }

        /** @return the KV budget in bytes */
        public long kvBudgetBytes() {
            return (long) kvBudgetMb << 20;
        }
    }

    /**
     * @param maxResident generation models loaded at once, 1-16
     * @param idleUnloadMinutes minutes a model may stay idle before it is unloaded, 0 = never
     */
    public record Residency(int maxResident, int idleUnloadMinutes) {

        /** @return the idle time before unloading, or {@link Duration#ZERO} for never */
        public Duration idleUnloadAfter() {
            return Duration.ofMinutes(idleUnloadMinutes);
        }
    }

    /** @param uploadLimitMb the largest accepted upload (audio, JSON body), 1-2048 MB */
    public record Limits(int uploadLimitMb) {

        /** @return the upload limit in bytes */
        public long uploadLimitBytes() {
            return uploadLimitMb * 1024L * 1024L;
        }
    }

    /**
     * @param runawayGuard stop generations that loop instead of ending (not in the official code: off
     *     for parity runs; a run it stops ends with finish reason {@code LENGTH_LIMIT} in its metadata)
     * @param streamingFirstChunkFrames codec frames in the first streamed chunk (smaller: lower latency), 1-64
     * @param runawayGuardMinFrames frames the guard always allows, 1-100000
     * @param runawayGuardFramesPerToken frames the guard allows per text token on top, 0-1000
     */
    public record Generation(boolean runawayGuard, int streamingFirstChunkFrames, int runawayGuardMinFrames,
                             int runawayGuardFramesPerToken) {

        /** The guard's defaults (100 frames + 10 per token) with the given switch and chunk size. */
        public Generation(boolean runawayGuard, int streamingFirstChunkFrames) {
            this(runawayGuard, streamingFirstChunkFrames, 100, 10);
        }
    }

    /** Log levels, lowest first. */
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    /** @param level the root log level */
    public record Log(Level level) {
    }

    /**
     * @param apiUrl the q3tts server the web UI's pages call, as {@code http(s)://host[:port]} without a
     *     trailing slash; empty: this server (the default)
     */
    public record Ui(String apiUrl) {

        /** @return whether the pages call another server */
        public boolean remote() {
            return !apiUrl.isEmpty();
        }
    }

    /**
     * @param corsOrigins origins ({@code http(s)://host[:port]}, or {@code *} for any) whose browser
     *     pages may call this server's API; empty: same-origin only (the default)
     * @param allowedHosts host names besides loopback names and IP addresses that requests may address
     *     this server by ({@code name}, {@code .domain} for it and its sub-domains, {@code *} for any)
     */
    public record Http(List<String> corsOrigins, List<String> allowedHosts) {

        /** Copies the lists. */
        public Http {
            corsOrigins = List.copyOf(corsOrigins);
            allowedHosts = List.copyOf(allowedHosts);
        }
    }

    /**
     * @param apiKeys keys a client must present ({@code Authorization: Bearer}); empty: none needed
     * @param allowUnauthenticatedRemote start on a non-loopback address without keys
     */
    public record Auth(List<String> apiKeys, boolean allowUnauthenticatedRemote) {

        /** Copies the list. */
        public Auth {
            apiKeys = List.copyOf(apiKeys);
        }

        /** Never prints the keys. */
        @Override
        public String toString() {
            return "Auth[apiKeys=" + apiKeys.size() + " configured, allowUnauthenticatedRemote=" + allowUnauthenticatedRemote + "]";
        }
    }

    /**
     * Scale-out over NATS JetStream (docs/scale-out.md). Off unless {@code natsUrl} is set.
     *
     * @param natsUrl the NATS server(s), or empty for the single-process default
     * @param credentials a NATS {@code .creds} file, or null
     * @param workerId this worker's id, or empty for host name and process id
     * @param localWorker whether {@code serve} also runs a worker on this machine's models (its GPU as one more worker)
     * @param ackWaitSeconds how long a step may go unacknowledged before it is redelivered
     * @param maxDeliver deliveries of a step before it fails
     * @param maxInFlight steps the server keeps dispatched at once (its GPU lane's slots in cluster mode)
     * @param resultTtlHours how long step results stay in the object store
     */
    public record Cluster(String natsUrl, Path credentials, String workerId, boolean localWorker, int ackWaitSeconds, int maxDeliver,
                          int maxInFlight, int resultTtlHours) {

        /** @return whether jobs go to the cluster */
        public boolean enabled() {
            return !natsUrl.isEmpty();
        }
    }
}
