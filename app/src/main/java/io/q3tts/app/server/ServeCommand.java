package io.q3tts.app.server;

import io.q3tts.app.cluster.ClusterConnection;
import io.q3tts.app.cluster.WorkerCommand;
import io.q3tts.app.config.ConfigException;
import io.q3tts.app.config.ConfigLoader;
import io.q3tts.app.config.LoadedConfig;
import io.q3tts.app.config.Q3ttsConfig;
import io.q3tts.app.plugins.PluginStatus;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.cluster.StepQueue;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code q3tts serve} (and {@code q3tts} alone): loads the configuration, starts the server on the
 * installed models, prints its URL and a one-line summary on stdout, and serves until the process
 * is interrupted (Ctrl-C) or terminated, when a shutdown hook closes the server cleanly.
 *
 * <p>Exit statuses: 2 when the configuration is invalid (every problem is printed), 1 when the
 * server cannot start (a folder cannot be opened, the port is taken).
 */
public final class ServeCommand {

    /** The logger the engine (JDK logging) writes under; held so the level set here sticks. */
    private static final Logger ENGINE_LOG = Logger.getLogger("io.q3tts");
    private static final String SLF4J_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String SLF4J_Q3TTS_LEVEL = "org.slf4j.simpleLogger.log.io.q3tts";

    private final ConfigLoader loader;
    private final PrintStream out;
    private final PrintStream err;

    /** Why the server did not start; the message is already one user-facing text. */
    public static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        StartException(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        /** @return the exit status: 2 for an invalid configuration, 1 otherwise */
        public int status() {
            return status;
        }
    }

    /**
     * @param loader reads the configuration (the working directory and the process environment in production)
     * @param out where the URL and the summary go
     * @param err where warnings, errors and logs go
     */
    public ServeCommand(ConfigLoader loader, PrintStream out, PrintStream err) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /**
     * Starts the server and blocks until the JVM shuts down (the shutdown hook closes the server).
     *
     * @return the exit status when the server could not start; 0 after a clean stop
     */
    public int run() {
        Q3ttsServer server;
        try {
            server = start();
        } catch (StartException e) {
            err.println("q3tts serve: error: " + e.getMessage());
            return e.status();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("q3tts-shutdown").unstarted(() -> {
            err.println("q3tts: stopping...");
            server.close();
            err.println("q3tts: stopped");
            err.flush();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return 0;
    }

    /**
     * Loads the configuration, starts the server and prints the URL and the summary.
     *
     * @return the running server; the caller closes it
     * @throws StartException if the configuration is invalid or the server cannot start
     */
    public Q3ttsServer start() throws StartException {
        LoadedConfig loaded;
        try {
            loaded = loader.load();
        } catch (ConfigException e) {
            throw new StartException(2, e.getMessage(), e);
        }
        Q3ttsConfig config = loaded.config();
        loaded.warnings().forEach(w -> err.println("q3tts: warning: " + w));
        applyLogLevel(config.log().level());
        Q3ttsServer server;
        StepQueue cluster = null;
        try {
            ServerSettings settings = ServerSettings.from(config);
            if (config.cluster().enabled()) {
                cluster = ClusterConnection.connect(config.cluster());
                settings = ClusterConnection.dispatchingServer(settings, config.cluster());
            }
            server = Q3ttsServer.start(settings, DrivenPorts.onDisk(config.paths()), cluster);
            if (cluster != null && config.cluster().localWorker()) {
                try {
                    server.attach(WorkerCommand.startLocal(config));
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
            }
        } catch (Q3ttsException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw new StartException(1, e.getMessage(), e);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new StartException(1, "cannot start the server on " + config.server().host() + ":"
                    + config.server().port() + ": " + message, e);
        }
        String url = server.url();
        out.println("q3tts: serving on " + url + " (REST " + url + "api/v1, OpenAI-compatible base_url " + url
                + "v1, WebSocket ws" + url.substring(4) + "api/v1/stream); Ctrl-C stops");
        if (config.ui().remote()) {
            out.println("q3tts: web UI pages use the remote API at " + config.ui().apiUrl() + " (ui.api_url); it must list "
                    + url.substring(0, url.length() - 1) + " in its http.cors_origins");
        }
        if (cluster != null) {
            out.println("q3tts: cluster mode: GPU steps go to the workers on " + cluster.describe()
                    + " (at most " + config.cluster().maxInFlight() + " at once"
                    + (config.cluster().localWorker() ? "; this machine runs one of them" : "") + ")");
        }
        out.println("q3tts: " + summary(server, config));
        out.flush();
        return server;
    }

    /**
     * One line: the models (and whether they speak noise), the unusable bundles with reasons, the
     * plugins, and where ONNX Runtime runs.
     *
     * @param server the running server
     * @param config the configuration
     * @return the line
     */
    static String summary(Q3ttsServer server, Q3ttsConfig config) {
        StringBuilder sb = new StringBuilder();
        List<ModelDescriptor> models = server.models();
        if (models.isEmpty()) {
            sb.append("no models in ").append(config.paths().models())
                    .append(" (export one with tools/export, see README.md)");
        } else {
            sb.append(count(models.size(), "model")).append(" (")
                    .append(String.join(", ", models.stream().map(ModelDescriptor::id).toList()));
            List<String> random = models.stream().filter(ModelDescriptor::randomWeights).map(ModelDescriptor::id).toList();
            if (random.size() == models.size()) {
                sb.append("; all demo bundles with random weights: output is noise, not speech");
            } else if (!random.isEmpty()) {
                sb.append("; random weights, output is noise: ").append(String.join(", ", random));
            }
            sb.append(')');
        }
        List<String> unusable = server.unusableBundles();
        sb.append(", ").append(count(unusable.size(), "unusable bundle"));
        if (!unusable.isEmpty()) {
            sb.append(" (").append(String.join("; ", unusable)).append(')');
        }
        List<PluginStatus> plugins = server.plugins();
        List<String> started = plugins.stream().filter(p -> p.state() == PluginStatus.State.STARTED).map(PluginStatus::id).toList();
        List<String> failed = plugins.stream().filter(p -> p.state() == PluginStatus.State.FAILED)
                .map(p -> p.id() + " from " + p.source() + ": " + p.message()).toList();
        sb.append(", plugins: ").append(started.size()).append(" started");
        if (!started.isEmpty()) {
            sb.append(" (").append(String.join(", ", started)).append(')');
        }
        sb.append(", ").append(failed.size()).append(" failed");
        if (!failed.isEmpty()) {
            sb.append(" (").append(String.join("; ", failed)).append(')');
        }
        // The provider's reason can be a long native error; the log has it in full.
        String device = server.device();
        int cut = device.indexOf("(CUDA unavailable");
        sb.append(", ONNX Runtime on ").append(cut < 0 ? device : device.substring(0, cut) + "(CUDA unavailable, see the log)");
        return sb.toString();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * Applies {@code log.level} to both logging paths: SLF4J, which reads its properties when its
     * first logger is created, so this runs before the server starts; and JDK logging, which the
     * engine writes to. The libraries (Jetty, Javalin, PF4J) log a dozen start-up lines at INFO that
     * say nothing the summary does not, so they stay at WARN unless DEBUG or TRACE is asked for.
     *
     * @param level the configured level
     */
    public static void applyLogLevel(Q3ttsConfig.Level level) {
        String name = level.name().toLowerCase(Locale.ROOT);
        System.setProperty(SLF4J_LEVEL, level.compareTo(Q3ttsConfig.Level.INFO) < 0 ? name : "warn");
        System.setProperty(SLF4J_Q3TTS_LEVEL, name);
        ENGINE_LOG.setLevel(switch (level) {
            case TRACE -> Level.FINEST;
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARN -> Level.WARNING;
            case ERROR -> Level.SEVERE;
        });
    }
}
