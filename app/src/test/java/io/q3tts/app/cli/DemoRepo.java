package io.q3tts.app.cli;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed demo bundles and fixtures, as the adapter's {@code TestPaths} finds them:
 * {@code models/} and {@code fixtures/} of the repository, or {@code -Dq3tts.models} /
 * {@code -Dq3tts.fixtures}. Missing ones fail the test unless {@code -Dq3tts.allowMissingFixtures=true}.
 */
final class DemoRepo {

    private DemoRepo() { }

    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("app")) ? here : here.getParent();
    }

    static Path bundle(String model) {
        String p = System.getProperty("q3tts.models");
        Path dir = (p != null ? Path.of(p) : repo().resolve("models")).resolve("demo-" + model);
        require(Files.isRegularFile(dir.resolve("manifest.json")), "the demo bundle " + dir);
        return dir;
    }

    static Path fixture(String relative) {
        String p = System.getProperty("q3tts.fixtures");
        Path file = (p != null ? Path.of(p) : repo().resolve("fixtures")).resolve(relative);
        require(Files.isRegularFile(file), "the fixture " + file);
        return file;
    }

    private static void require(boolean present, String what) {
        if (present) {
            return;
        }
        String message = what + " is missing. models/demo-* and fixtures/ are committed (tools/make-reference "
                + "rebuilds them); pass -Dq3tts.allowMissingFixtures=true to skip instead of failing.";
        if (Boolean.getBoolean("q3tts.allowMissingFixtures")) {
            assumeTrue(false, message);
        }
        fail(message);
    }
}
