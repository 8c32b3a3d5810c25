package io.q3tts.adapters.inference.onnx.bundle;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.ports.model.ModelException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process-wide ONNX Runtime environment plus the execution-provider decision, shared by every
 * bundle.
 *
 * <p>The provider is decided once, on the first session: CUDA is tried by actually adding it to
 * session options (never by trusting {@code getAvailableProviders()}, which lists what the jar was
 * built with, not what the machine has); if that throws, the CPU is used. With {@code auto} on a
 * Linux machine without an NVIDIA driver ({@code /proc/driver/nvidia}) CUDA is not tried at all, so a
 * CPU machine neither extracts the 580 MB CUDA provider library nor logs its loader error. One short
 * log line says which provider runs and why; a failed CUDA load is reduced to the missing library
 * (the full native message is logged at DEBUG).
 *
 * <p>CPU threads: by default every session runs on one process-wide intra-op pool
 * ({@link OnnxRuntimeConfig#sharedThreadPool()}), created with the environment by the first runtime
 * of the process; otherwise each session gets its own pool.
 *
 * <p>Profiling ({@link OnnxRuntimeConfig#profileDir()}, off by default): every session, through
 * either binding, gets its own file prefix {@code <graph>.<java|capi>-<n>} in the folder, to which
 * ONNX Runtime appends the start time and {@code .json}; the number keeps two sessions of one graph
 * that start in the same second apart. Off, no option is set and nothing changes.
 *
 * <p>Telemetry: off before the environment exists ({@link OrtFootprint}), and off again through the
 * Java API once it does, so nothing is written outside the configured folders.
 *
 * <p>Thread-safe. {@link #close()} does not close the JVM-wide {@link OrtEnvironment} (ONNX Runtime
 * allows only one per process and it lives until exit); it only marks this runtime closed.
 */
public final class OrtRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OrtRuntime.class.getName());
    private static final Object ENV_LOCK = new Object();
    /** Whether this process's environment was created here with a shared thread pool; guarded by ENV_LOCK. */
    private static boolean globalPool;
    private static boolean envCreated;
    private static final AtomicInteger PROFILES = new AtomicInteger();

    private final OrtEnvironment env;
    private final OnnxRuntimeConfig config;
    private volatile Boolean cuda;
    private volatile String providerReason = "not decided yet";
    private volatile boolean closed;

    /** @param config session settings, never null */
    public OrtRuntime(OnnxRuntimeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.env = environment(config);
    }

    private static OrtEnvironment environment(OnnxRuntimeConfig config) {
        synchronized (ENV_LOCK) {
            if (!envCreated && !OrtFootprint.disableBeforeEnvironment()) {
                LOG.log(Level.WARNING, "could not set " + OrtFootprint.VARIABLE + "; ONNX Runtime's telemetry may run");
            }
            OrtEnvironment env = createEnvironment(config);
            OrtFootprint.removeExtractionFolderAtExit();
            try {
                env.setTelemetry(false);
            } catch (OrtException e) {
                LOG.log(Level.DEBUG, "setTelemetry(false) failed: {0}", e.getMessage());
            }
            return env;
        }
    }

    private static OrtEnvironment createEnvironment(OnnxRuntimeConfig config) {
        synchronized (ENV_LOCK) {
            if (!envCreated && config.sharedThreadPool()) {
                try (OrtEnvironment.ThreadingOptions threads = new OrtEnvironment.ThreadingOptions()) {
                    if (config.intraOpThreads() > 0) {
                        threads.setGlobalIntraOpNumThreads(config.intraOpThreads());
                    }
                    if (config.interOpThreads() > 0) {
                        threads.setGlobalInterOpNumThreads(config.interOpThreads());
                    }
                    threads.setGlobalSpinControl(config.spinning());
                    // getEnvironment()'s own level and name, so later plain calls get this environment.
                    OrtEnvironment e = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                            OrtEnvironment.DEFAULT_NAME, threads);
                    envCreated = true;
                    globalPool = true;
                    return e;
                } catch (IllegalStateException | OrtException e) {
                    LOG.log(Level.DEBUG, "no shared ONNX Runtime thread pool ({0}); sessions get their own", e.getMessage());
                }
            }
            envCreated = true;
            return OrtEnvironment.getEnvironment();
        }
    }

    private static boolean globalPool() {
        synchronized (ENV_LOCK) {
            return globalPool;
        }
    }

    /**
     * Options for a session created through the C API ({@code ffm}), equal to what
     * {@link #createSession} gives the Java binding.
     *
     * @param file the graph the session will load (names its profile file when profiling is on)
     * @return the options; decides the provider if not done yet
     * @throws ModelException if the profile folder cannot be created
     */
    public NativeSession.Options nativeOptions(Path file) {
        decide();
        return new NativeSession.Options(cuda, config.cudaDeviceId(), config.intraOpThreads(), config.interOpThreads(),
                config.sharedThreadPool() && globalPool(), config.spinning(), false, profilePrefix(file, "capi"));
    }

    /**
     * @param graph the graph file
     * @param binding {@code java} or {@code capi}
     * @return the profile file prefix of a new session of {@code graph}, or null when profiling is off
     */
    private Path profilePrefix(Path graph, String binding) {
        Path dir = config.profileDir();
        if (dir == null) {
            return null;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ModelException("cannot create the ONNX Runtime profile folder " + dir + ": " + e.getMessage(), e);
        }
        String name = graph.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return dir.resolve(stem + "." + binding + "-" + PROFILES.incrementAndGet());
    }

    /** @return whether sessions created from this runtime profile themselves */
    public boolean profiling() {
        return config.profileDir() != null;
    }

    /** @return the shared environment */
    public OrtEnvironment env() {
        return env;
    }

    /** @return the configuration */
    public OnnxRuntimeConfig config() {
        return config;
    }

    /** @return whether sessions run on CUDA; decides the provider if not done yet */
    public boolean usesCuda() {
        decide();
        return cuda;
    }

    /** @return a short human-readable description of the provider choice */
    public String providerDescription() {
        decide();
        return (cuda ? "CUDA device " + config.cudaDeviceId() : "CPU") + " (" + providerReason + ")";
    }

    /**
     * Creates a session for a graph file; the file is opened by path so that an external-data side
     * file next to it is found.
     *
     * @param file the {@code .onnx} file
     * @return a new session; the caller closes it
     * @throws ModelException if ONNX Runtime cannot load the graph
     */
    public OrtSession createSession(Path file) {
        if (closed) {
            throw new IllegalStateException("the ONNX runtime is closed");
        }
        decide();
        try (OrtSession.SessionOptions options = newOptions(cuda)) {
            Path profile = profilePrefix(file, "java");
            if (profile != null) {
                options.enableProfiling(profile.toString());
            }
            return env.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime cannot load " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private OrtSession.SessionOptions newOptions(boolean withCuda) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (config.sharedThreadPool() && globalPool()) {
                options.disablePerSessionThreads();
            } else {
                if (config.intraOpThreads() > 0) {
                    options.setIntraOpNumThreads(config.intraOpThreads());
                }
                if (config.interOpThreads() > 0) {
                    options.setInterOpNumThreads(config.interOpThreads());
                }
                if (!config.spinning()) {
                    options.addConfigEntry("session.intra_op.allow_spinning", "0");
                    options.addConfigEntry("session.inter_op.allow_spinning", "0");
                }
            }
            if (withCuda) {
                try (OrtCUDAProviderOptions cudaOptions = new OrtCUDAProviderOptions(config.cudaDeviceId())) {
                    // HEURISTIC avoids the slow exhaustive cuDNN search on the first codec call.
                    cudaOptions.add("cudnn_conv_algo_search", "HEURISTIC");
                    options.addCUDA(cudaOptions);
                }
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private void decide() {
        if (cuda != null) {
            return;
        }
        synchronized (this) {
            if (cuda != null) {
                return;
            }
            if (config.provider() == ExecutionProvider.CPU) {
                providerReason = "configured";
                cuda = false;
                LOG.log(Level.INFO, "ONNX Runtime runs on the CPU (configured)");
                return;
            }
            if (config.provider() == ExecutionProvider.AUTO && !nvidiaDriverPresent()) {
                providerReason = "no NVIDIA GPU found";
                cuda = false;
                LOG.log(Level.INFO, "ONNX Runtime runs on the CPU (no NVIDIA GPU found)");
                return;
            }
            try {
                newOptions(true).close();
                providerReason = config.provider() == ExecutionProvider.CUDA ? "configured" : "detected";
                cuda = true;
                LOG.log(Level.INFO, "ONNX Runtime runs on CUDA device {0} ({1})", config.cudaDeviceId(), providerReason);
            } catch (OrtException | RuntimeException e) {
                String why = cudaFailure(e.getMessage());
                providerReason = "CUDA unavailable: " + why;
                cuda = false;
                Level level = config.provider() == ExecutionProvider.CUDA ? Level.WARNING : Level.INFO;
                LOG.log(level, "ONNX Runtime runs on the CPU: CUDA was {0} but cannot be used ({1})",
                        config.provider() == ExecutionProvider.CUDA ? "requested" : "tried", why);
                LOG.log(Level.DEBUG, "CUDA provider error: {0}", e.getMessage());
            }
        }
    }

    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("([\\w.+-]+\\.so[\\w.]*): cannot open shared object file");

    /**
     * @param message ONNX Runtime's error from adding the CUDA provider
     * @return one short clause: the missing library and the fix, or the message's first line cut to 160 characters
     */
    static String cudaFailure(String message) {
        if (message != null) {
            Matcher m = MISSING_LIBRARY.matcher(message);
            if (m.find()) {
                String lib = m.group(1);
                String what = lib.startsWith("libcudnn") ? "cuDNN 9" : lib.startsWith("libcuda.so") ? "the NVIDIA driver"
                        : "CUDA 12";
                return lib + " not found: " + what + " runtime libraries missing (./q3tts installs them on a machine "
                        + "with an NVIDIA GPU)";
            }
        }
        String first = firstLine(message);
        return first.length() > 160 ? first.substring(0, 157) + "..." : first;
    }

    /** @return false only where the absence of an NVIDIA driver is certain (Linux without /proc/driver/nvidia) */
    static boolean nvidiaDriverPresent() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return true;
        }
        return Files.exists(Path.of("/proc/driver/nvidia/version"))
                || Files.exists(Path.of("/dev/nvidia0"));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Marks the runtime closed; sessions created from it must be closed by their owners. */
    @Override
    public void close() {
        closed = true;
    }
}
