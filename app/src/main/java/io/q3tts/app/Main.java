package io.q3tts.app;

import io.q3tts.app.cli.Cli;
import io.q3tts.ports.model.UnsupportedException;

/** Entry point of the {@code q3tts} command. */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command line and exits with its status: 0 success, 1 failure, 2 usage error.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        int status = new Cli(engine(), System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** The engine is wired here once the ONNX synthesizer exists; until then commands that need it fail cleanly. */
    static SynthesizerProvider engine() {
        return bundleDir -> {
            throw new UnsupportedException("The ONNX inference engine is not wired into this build yet.");
        };
    }
}
