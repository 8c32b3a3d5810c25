package io.q3tts.adapters.inference.onnx.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find demo bundles and parity fixtures. Defaults are the repository's
 * {@code models/} and {@code fixtures/}; override with {@code -Dq3tts.models=DIR} and
 * {@code -Dq3tts.fixtures=DIR}.
 */
public final class TestPaths {

    private TestPaths() { }

    /** @return the repository root (the module's parent folder) */
    public static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("adapters-inference-onnx")) ? here : here.getParent();
    }

    /** @return the folder holding {@code demo-*} bundles */
    public static Path models() {
        String p = System.getProperty("q3tts.models");
        return p != null ? Path.of(p) : repo().resolve("models");
    }

    /** @return the fixtures folder */
    public static Path fixtures() {
        String p = System.getProperty("q3tts.fixtures");
        return p != null ? Path.of(p) : repo().resolve("fixtures");
    }

    /**
     * @param model {@code custom-voice}, {@code voice-design}, {@code base} or {@code codec}
     * @return the demo bundle folder
     */
    public static Path bundle(String model) {
        return models().resolve("demo-" + model);
    }
}
