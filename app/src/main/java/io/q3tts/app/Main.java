package io.q3tts.app;

import io.q3tts.adapters.inference.onnx.bundle.ExecutionProvider;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.synth.SynthesizerOptions;
import io.q3tts.app.cli.Cli;
import io.q3tts.app.cluster.WorkerCommand;
import io.q3tts.app.config.ConfigLoader;
import io.q3tts.app.server.ServeCommand;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of the {@code q3tts} command. */
public final class Main {

    /**
     * The engine logs its provider choice at INFO, which the JDK's default logging prints as two lines
     * on stderr; the command line reports what matters itself. Held here because the JDK keeps loggers
     * only weakly, which would drop the level. {@code Q3TTS_LOG=info} (or {@code debug}) shows them.
     */
    private static final Logger ENGINE_LOG = Logger.getLogger("io.q3tts");

    private Main() {
    }

    /**
     * Runs the command line and exits with its status: 0 success, 1 failure, 2 usage error.
     * {@code Q3TTS_DEVICE} ({@code auto}, {@code cuda} or {@code cpu}) picks the execution provider of
     * the file commands; the server ({@code q3tts} alone or {@code q3tts serve}) reads the
     * configuration ({@code engine.device}) instead.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        ENGINE_LOG.setLevel(logLevel(System.getenv("Q3TTS_LOG")));
        ExecutionProvider device;
        try {
            device = ExecutionProvider.parse(System.getenv("Q3TTS_DEVICE"));
        } catch (IllegalArgumentException e) {
            System.err.println("q3tts: error: Q3TTS_DEVICE: " + e.getMessage());
            System.exit(Cli.USAGE);
            return;
        }
        if (args.length > 0 && args[0].equals("worker")) {
            // The worker reads the configuration, like serve; it needs no file-command engine.
            int status = new WorkerCommand(new ConfigLoader(Path.of(""), System.getenv()), System.out, System.err).run();
            System.out.flush();
            System.exit(status);
            return;
        }
        int status;
        ServeCommand serve = new ServeCommand(new ConfigLoader(Path.of(""), System.getenv()), System.out, System.err);
        try (OnnxEngineProvider engine = engine(new OnnxRuntimeConfig(device, 0, 0, 0))) {
            status = new Cli(engine, serve::run, System.out, System.err).run(args);
        }
        System.out.flush();
        System.exit(status);
    }

    /**
     * @param config the ONNX runtime settings
     * @return the production engine: the ONNX adapter with its default options (runaway guard on,
     *     saved voices named by file path)
     */
    static OnnxEngineProvider engine(OnnxRuntimeConfig config) {
        return new OnnxEngineProvider(config, SynthesizerOptions.defaults());
    }

    private static Level logLevel(String value) {
        if (value == null) {
            return Level.WARNING;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "error" -> Level.SEVERE;
            default -> Level.WARNING;
        };
    }
}
