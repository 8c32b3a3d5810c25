package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find demo bundles and parity fixtures. Defaults are the repository's
 * {@code models/} and {@code fixtures/}; override with {@code -Dq3tts.models=DIR} and
 * {@code -Dq3tts.fixtures=DIR}.
 *
 * <p>Both are committed, so a missing one is a broken checkout and the {@code require*} methods
 * fail the test. {@code -Dq3tts.allowMissingFixtures=true} turns that into a skip, for working on
 * code that does not need them.
 */
public final class TestPaths {

    /** The system property that turns missing bundles or fixtures from a failure into a skip. */
    public static final String ALLOW_MISSING = "q3tts.allowMissingFixtures";

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

    /**
     * @param model {@code custom-voice}, {@code voice-design}, {@code base} or {@code codec}
     * @return the demo bundle folder, which holds a manifest
     */
    public static Path requireBundle(String model) {
        Path dir = bundle(model);
        require(Files.isRegularFile(dir.resolve("manifest.json")), "the demo bundle " + dir);
        return dir;
    }

    /**
     * @param relative a path inside the fixtures folder, e.g. {@code index.json}
     * @return the fixture file, which exists
     */
    public static Path requireFixture(String relative) {
        Path file = fixtures().resolve(relative);
        require(Files.isRegularFile(file), "the fixture " + file);
        return file;
    }

    /**
     * Fails the running test when a committed test input is missing, or skips it under
     * {@code -Dq3tts.allowMissingFixtures=true}.
     *
     * @param present whether the input is there
     * @param what what is missing, for the message
     */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        String message = what + " is missing. models/demo-* and fixtures/ are committed (tools/make-reference "
                + "rebuilds them); point -Dq3tts.models / -Dq3tts.fixtures elsewhere, or pass -D" + ALLOW_MISSING
                + "=true to skip instead of failing.";
        if (Boolean.getBoolean(ALLOW_MISSING)) {
            assumeTrue(false, message);
        }
        fail(message);
    }
}
