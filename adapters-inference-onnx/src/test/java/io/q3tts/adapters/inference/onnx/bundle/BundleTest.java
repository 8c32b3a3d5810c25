package io.q3tts.adapters.inference.onnx.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.UnsupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {

    private static final OrtRuntime RUNTIME = new OrtRuntime(OnnxRuntimeConfig.cpu());

    @Test
    void givenAMissingFolder_whenOpened_thenTheErrorNamesIt(@TempDir Path tmp) {
        ModelException e = assertThrows(ModelException.class, () -> Bundle.open(tmp.resolve("nope"), RUNTIME));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertEquals(ErrorType.MODEL_ERROR, e.errorType());
    }

    @Test
    void givenAFolderWithoutManifest_whenOpened_thenItSaysItIsNotABundle(@TempDir Path tmp) {
        ModelException e = assertThrows(ModelException.class, () -> Bundle.open(tmp, RUNTIME));
        assertTrue(e.getMessage().contains("manifest.json is missing"), e.getMessage());
    }

    @Test
    void givenAnUnknownVersion_whenOpened_thenItAsksForAReExport(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("manifest.json"), "{\"bundle_version\": 7, \"model\": {\"type\": \"codec\"}}");
        ModelException e = assertThrows(ModelException.class, () -> Bundle.open(tmp, RUNTIME));
        assertEquals("bundle version 7 is not supported by this q3tts (supports 1 to 2); re-export with tools/export", e.getMessage());
    }

    @Test
    void givenAManifestNamingAMissingGraph_whenOpened_thenTheMissingFileIsListed(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("manifest.json"), """
                {"bundle_version": 1, "model": {"type": "codec", "name": "c"}, "tasks": ["tokenizer"],
                 "codec": {"decoder": {"file": "codec_decoder.onnx"}}}""");
        ModelException e = assertThrows(ModelException.class, () -> Bundle.open(tmp, RUNTIME));
        assertTrue(e.getMessage().contains("missing codec_decoder.onnx"), e.getMessage());
    }

    @Test
    void givenACustomVoiceBundle_whenAskedForVoiceClone_thenUnsupported() {
        Path dir = TestPaths.requireBundle("custom-voice");
        try (Bundle b = Bundle.open(dir, RUNTIME)) {
            b.requireTask("custom_voice");
            UnsupportedException e = assertThrows(UnsupportedException.class, () -> b.requireTask("voice_clone"));
            assertTrue(e.getMessage().contains("is a custom_voice model and cannot run voice_clone"), e.getMessage());
            assertEquals(ModelType.CUSTOM_VOICE, b.manifest().type());
            assertFalse(b.manifest().instructSupported());
            assertEquals(2150, b.manifest().codecTokens().eos());
            // sessions are created once and reused
            assertTrue(b.session(GraphKind.TALKER) == b.session(GraphKind.TALKER));
        }
    }

    @Test
    void givenARunningLease_whenUnloaded_thenCloseWaitsForIt() throws Exception {
        Path dir = TestPaths.requireBundle("codec");
        ModelHandle handle = new ModelHandle(Bundle.open(dir, RUNTIME));
        ModelHandle.Lease lease = handle.acquire();
        lease.bundle().session(GraphKind.CODEC_DECODER);
        CountDownLatch closed = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            handle.close();
            closed.countDown();
        });
        t.start();
        assertFalse(closed.await(200, TimeUnit.MILLISECONDS), "close must wait for the lease");
        assertThrows(ModelException.class, handle::acquire, "no new leases while unloading");
        lease.close();
        assertTrue(closed.await(5, TimeUnit.SECONDS));
        AtomicBoolean threw = new AtomicBoolean();
        try {
            lease.bundle();
        } catch (IllegalStateException e) {
            threw.set(true);
        }
        assertTrue(threw.get());
    }

    @Test
    void givenTheCpuConfig_thenTheProviderIsTheCpu() {
        assertFalse(RUNTIME.usesCuda());
        assertTrue(RUNTIME.providerDescription().startsWith("CPU"));
        assertEquals(ExecutionProvider.CUDA, ExecutionProvider.parse("CUDA"));
        assertThrows(IllegalArgumentException.class, () -> ExecutionProvider.parse("tpu"));
    }

    @Test
    void generationDefaultsComeFromTheBundlesGenerationConfigElseTheManifest(@TempDir Path tmp) throws Exception {
        Path demo = TestPaths.requireBundle("custom-voice");
        try (Bundle b = Bundle.open(demo, RUNTIME)) {
            // The demo checkpoint's generation_config.json, like the released ones: 8192 tokens, sampling on.
            assertEquals(8192, b.generationDefaults().maxNewTokens());
            assertTrue(b.generationDefaults().sampling().doSample());
        }
        Path copy = tmp.resolve("bundle");
        Files.createDirectories(copy);
        try (var files = Files.list(demo)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals(Bundle.GENERATION_CONFIG)) {
                    Files.createSymbolicLink(copy.resolve(f.getFileName()), f);
                }
            }
        }
        try (Bundle b = Bundle.open(copy, RUNTIME)) {
            assertEquals(8192, b.generationDefaults().maxNewTokens(), "without the file: the manifest's merged section");
        }
        Files.writeString(copy.resolve(Bundle.GENERATION_CONFIG), "{\"do_sample\": false, \"max_new_tokens\": 12}");
        try (Bundle b = Bundle.open(copy, RUNTIME)) {
            assertFalse(b.generationDefaults().sampling().doSample());
            assertEquals(12, b.generationDefaults().maxNewTokens());
            assertEquals(1.05, b.generationDefaults().sampling().repetitionPenalty(), "absent key: the official default");
        }
        Files.writeString(copy.resolve(Bundle.GENERATION_CONFIG), "{\"top_p\": 7}");
        try (Bundle b = Bundle.open(copy, RUNTIME)) {
            ModelException e = assertThrows(ModelException.class, b::generationDefaults);
            assertTrue(e.getMessage().contains("top_p") && e.getMessage().contains(Bundle.GENERATION_CONFIG), e.getMessage());
        }
    }
}
