package io.q3tts.adapters.inference.onnx.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.out.catalog.LoadedModel;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The loader on the demo bundles: each task opens the capability it needs and nothing else. */
class OnnxModelLoaderTest {

    private final OrtRuntime runtime = new OrtRuntime(OnnxRuntimeConfig.cpu());

    private OnnxModelLoader loader() {
        return new OnnxModelLoader(runtime, SynthesizerOptions.defaults(),
                id -> id.startsWith("demo-") ? TestPaths.requireBundle(id.substring(5)) : null);
    }

    private static ModelDescriptor descriptor(String id, Set<ModelTask> tasks) {
        return new ModelDescriptor(id, id, tasks, null, "fp32", true, List.of(), List.of("auto"), false, 24_000, 0);
    }

    @Test
    void givenABaseBundle_thenItSynthesizesAndEncodesClonePromptsButHasNoTokenizer() {
        try (LoadedModel model = loader().load(descriptor("demo-base", Set.of(ModelTask.VOICE_CLONE)))) {
            assertTrue(model.synthesizer().isPresent());
            assertTrue(model.clonePromptEncoder().isPresent());
            assertFalse(model.speechTokenizer().isPresent());
        }
    }

    @Test
    void givenACustomVoiceBundle_thenItHasNoClonePromptEncoder() {
        try (LoadedModel model = loader().load(descriptor("demo-custom-voice", Set.of(ModelTask.CUSTOM_VOICE)))) {
            assertTrue(model.synthesizer().isPresent());
            assertFalse(model.clonePromptEncoder().isPresent());
        }
    }

    @Test
    void givenTheCodecBundle_thenOnlyTheTokenizerIsOpenedAndItRoundTrips() {
        try (LoadedModel model = loader().load(descriptor("demo-codec", Set.of(ModelTask.TOKENIZER)))) {
            assertFalse(model.synthesizer().isPresent());
            PcmAudio silence = new PcmAudio(new float[24_000], 24_000);
            var codes = model.speechTokenizer().orElseThrow().encode(silence, CancellationToken.none());
            assertEquals(16, codes.codebooks());
        }
    }

    @Test
    void givenTheCodecBundle_thenItsMemoryGrowsWithTheGraphsItOpensAndEndsAtClose() throws IOException {
        Path dir = TestPaths.requireBundle("codec");
        LoadedModel model = loader().load(descriptor("demo-codec", Set.of(ModelTask.TOKENIZER)));
        try {
            long before = model.memoryBytes();
            PcmAudio silence = new PcmAudio(new float[24_000], 24_000);
            var codes = model.speechTokenizer().orElseThrow().encode(silence, CancellationToken.none());
            long encoderOpen = model.memoryBytes();
            assertEquals(before + Files.size(dir.resolve("codec_encoder.onnx")), encoderOpen,
                    "the encoder graph's weights count once it is open");
            model.speechTokenizer().orElseThrow().decode(codes, CancellationToken.none());
            assertEquals(encoderOpen + Files.size(dir.resolve("codec_decoder.onnx")), model.memoryBytes());
        } finally {
            model.close();
        }
        assertEquals(0, model.memoryBytes(), "nothing is held after close");
    }

    @Test
    void givenACustomVoiceBundle_thenItsTablesAndVocabularyCountFromTheStart() throws IOException {
        Path dir = TestPaths.requireBundle("custom-voice");
        try (LoadedModel model = loader().load(descriptor("demo-custom-voice", Set.of(ModelTask.CUSTOM_VOICE)))) {
            long memory = model.memoryBytes();
            assertTrue(memory >= Files.size(dir.resolve("codec_embedding.npy")) + Files.size(dir.resolve("tokenizer.json")),
                    "the codec embedding is mapped at load: " + memory);
            try (var files = Files.list(dir)) {
                long all = files.mapToLong(f -> f.toFile().length()).sum();
                assertTrue(memory < all, "not every graph is open yet: " + memory + " of " + all);
            }
        }
    }

    @Test
    void givenAnUnknownId_thenNotFoundNamingTheModelField() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> loader().load(descriptor("gone", Set.of(ModelTask.TOKENIZER))));
        assertEquals("model", e.field());
    }
}
