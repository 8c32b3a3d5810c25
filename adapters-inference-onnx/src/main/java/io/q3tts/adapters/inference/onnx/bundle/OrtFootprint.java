package io.q3tts.adapters.inference.onnx.bundle;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Keeps ONNX Runtime from writing outside the configured folders.
 *
 * <p>Telemetry. On Linux, ONNX Runtime 1.29 starts Microsoft's 1DS telemetry
 * client when its environment is created: it opens {@code ~/.cache/Microsoft/DeveloperTools/.onnxruntime/
 * onnxruntime.db} (events and a device id) and leaves a {@code mat-debug-<pid>.log} and a {@code .ses}
 * file in {@code $TMPDIR} (or {@code /tmp}). {@code OrtEnvironment.setTelemetry(false)} comes too late
 * for that (the client is already running once there is an environment to call it on); the one switch
 * read before is the {@code ORT_DISABLE_TELEMETRY} environment variable. Java cannot change its own
 * environment, so this sets it through libc's {@code setenv} (the foreign-function API, no JNI code of
 * ours), before the first {@code OrtEnvironment} exists.
 *
 * <p>Called once under {@link OrtRuntime}'s lock before the environment is created; idempotent. Where
 * there is no {@code setenv} (Windows, whose telemetry is ETW and is switched off by
 * {@code setTelemetry(false)}), nothing happens.
 *
 * <p>Extraction folder. ONNX Runtime's Java loader unpacks its native libraries into a fresh
 * {@code onnxruntime-java<random>} folder under {@code java.io.tmpdir} and deletes the files, but
 * leaves the folder behind, one per start. Provider libraries (CUDA) may still be unpacked there
 * later, so {@link #removeExtractionFolderAtExit()} removes it only when the JVM exits, and only the
 * folder this process made (the loader's own field names it).
 */
final class OrtFootprint {

    /** The variable ONNX Runtime's POSIX telemetry reads at environment creation. */
    static final String VARIABLE = "ORT_DISABLE_TELEMETRY";

    private static volatile boolean done;

    private OrtFootprint() {
    }

    /**
     * Sets {@code ORT_DISABLE_TELEMETRY=1} in the process environment.
     *
     * @return whether the variable is now set for native code
     */
    static synchronized boolean disableBeforeEnvironment() {
        if (done) {
            return true;
        }
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> setenv = linker.defaultLookup().find("setenv");
        if (setenv.isEmpty()) {
            return false;
        }
        MethodHandle h = linker.downcallHandle(setenv.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            // setenv copies both strings, so the arena may free them afterwards.
            int rc = (int) h.invokeExact(arena.allocateFrom(VARIABLE), arena.allocateFrom("1"), 1);
            done = rc == 0;
            return done;
        } catch (Throwable t) {
            return false;
        }
    }

    private static boolean hookInstalled;

    /** Registers (once) a shutdown hook that removes this process's extraction folder. */
    static synchronized void removeExtractionFolderAtExit() {
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("q3tts-ort-cleanup")
                    .unstarted(OrtFootprint::removeExtractionFolder));
        }
    }

    /** Removes this process's native-library extraction folder, if ONNX Runtime left one. */
    static void removeExtractionFolder() {
        try {
            Class<?> loader = Class.forName("ai.onnxruntime.OnnxRuntime");
            java.lang.reflect.Field f = loader.getDeclaredField("tempDirectory");
            f.setAccessible(true);
            if (f.get(null) instanceof java.nio.file.Path dir && java.nio.file.Files.isDirectory(dir)) {
                // The loader marked its libraries delete-on-exit, which runs after the shutdown hooks, and
                // never the folder. On POSIX a loaded library may be unlinked; where it may not (Windows)
                // the delete fails, and the non-empty folder stays.
                try (var files = java.nio.file.Files.list(dir)) {
                    for (java.nio.file.Path file : files.toList()) {
                        java.nio.file.Files.deleteIfExists(file);
                    }
                }
                java.nio.file.Files.deleteIfExists(dir);
            }
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            // Another ONNX Runtime version or layout: the empty folder stays, nothing else happens.
        }
    }
}
