package io.q3tts.adapters.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.inference.GenerationDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the contract on the repository's demo bundles, then checks how broken bundles are reported. */
class FsModelCatalogTest extends ModelCatalogContract {

    /** The demo bundles shipped in the repository (tests run in the module folder). */
    static final Path DEMO_MODELS = Path.of("..", "models");

    private final FsModelCatalog demo = new FsModelCatalog(DEMO_MODELS);

    @TempDir
    Path dir;

    @Override
    protected ModelCatalog catalog() {
        return demo;
    }

    @Test
    void describesTheDemoBundles() {
        assertEquals(List.of("demo-base", "demo-codec", "demo-custom-voice", "demo-voice-design"),
                demo.list().stream().map(ModelDescriptor::id).toList());
        ModelDescriptor cv = demo.find("demo-custom-voice").orElseThrow();
        assertEquals(Set.of(ModelTask.CUSTOM_VOICE, ModelTask.TOKENIZER), cv.tasks());
        assertEquals("0.6B", cv.size());
        assertEquals("fp32", cv.precision());
        assertTrue(cv.randomWeights());
        assertTrue(cv.speakers().containsAll(List.of("ryan", "vivian", "uncle_fu")), cv.speakers().toString());
        assertEquals("auto", cv.languages().getFirst());
        assertTrue(cv.languages().contains("english"));
        assertFalse(cv.supportsInstruct());
        assertEquals(24_000, cv.sampleRate());
        assertTrue(cv.approxMemoryBytes() > 0);

        ModelDescriptor vd = demo.find("demo-voice-design").orElseThrow();
        assertEquals("1.7B", vd.size());
        assertTrue(vd.supportsInstruct());
        assertTrue(vd.speakers().isEmpty());

        ModelDescriptor codec = demo.find("demo-codec").orElseThrow();
        assertEquals(Set.of(ModelTask.TOKENIZER), codec.tasks());
        assertEquals(null, codec.size());
        assertTrue(codec.languages().isEmpty());
        assertFalse(codec.generates());
        assertTrue(demo.unusable().isEmpty());
    }

    private void bundle(String folder, String manifest) throws IOException {
        Files.createDirectories(dir.resolve(folder));
        Files.writeString(dir.resolve(folder).resolve("manifest.json"), manifest);
    }

    @Test
    void generationDefaultsComeFromTheBundlesGenerationConfigElseTheManifestElseTheOfficialOnes() throws IOException {
        ModelDescriptor cv = demo.find("demo-custom-voice").orElseThrow();
        // The demo checkpoints' generation_config.json, like the released ones, says 8192 tokens and sampling.
        assertEquals(8192, cv.generation().maxNewTokens());
        assertTrue(cv.generation().sampling().doSample());
        assertEquals(GenerationDefaults.official(), demo.find("demo-codec").orElseThrow().generation());

        String manifest = """
                {"format": "q3tts-bundle", "bundle_version": 1, "tasks": ["custom_voice"],
                 "generation": {"do_sample": true, "max_new_tokens": 4096, "min_new_tokens": 2, "suppress_range": [2048, 3072]}}""";
        bundle("from-file", manifest);
        Files.writeString(dir.resolve("from-file/generation_config.json"), """
                {"do_sample": false, "subtalker_dosample": false, "repetition_penalty": 1.5, "max_new_tokens": 12}""");
        bundle("from-manifest", manifest);
        bundle("bad-config", manifest);
        Files.writeString(dir.resolve("bad-config/generation_config.json"), "{\"top_k\": \"many\"}");

        FsModelCatalog catalog = new FsModelCatalog(dir);
        GenerationDefaults file = catalog.find("from-file").orElseThrow().generation();
        assertFalse(file.sampling().doSample());
        assertFalse(file.sampling().subtalkerDoSample());
        assertEquals(1.5, file.sampling().repetitionPenalty());
        assertEquals(12, file.maxNewTokens());
        assertEquals(0.9, file.sampling().temperature(), "keys the file lacks keep the official default");
        GenerationDefaults fromManifest = catalog.find("from-manifest").orElseThrow().generation();
        assertEquals(4096, fromManifest.maxNewTokens());
        assertTrue(fromManifest.sampling().doSample());
        assertEquals(List.of("bad-config"), catalog.unusable().stream().map(UnusableBundle::folder).toList());
        assertTrue(catalog.unusable().getFirst().reason().contains("top_k"), catalog.unusable().getFirst().reason());
    }

    @Test
    void listsBrokenBundlesAsUnusableWithAReason() throws IOException {
        bundle("good", """
                {"format": "q3tts-bundle", "bundle_version": 1, "tasks": ["tokenizer"],
                 "model": {"name": "Good codec", "random_weights": false}}""");
        bundle("future", """
                {"format": "q3tts-bundle", "bundle_version": 3, "tasks": ["tokenizer"]}""");
        bundle("garbled", "{\"format\": ");
        bundle("odd-task", """
                {"bundle_version": 1, "tasks": ["sing"]}""");
        bundle("no-tasks", """
                {"bundle_version": 1, "tasks": []}""");
        bundle("bad name!", """
                {"bundle_version": 1, "tasks": ["tokenizer"]}""");
        Files.createDirectories(dir.resolve("not-a-bundle"));
        bundle(".hidden", "{}");

        FsModelCatalog catalog = new FsModelCatalog(dir);
        assertEquals(List.of("good"), catalog.list().stream().map(ModelDescriptor::id).toList());
        assertEquals("Good codec", catalog.find("good").orElseThrow().displayName());
        assertEquals(List.of("bad name!", "future", "garbled", "no-tasks", "odd-task"),
                catalog.unusable().stream().map(UnusableBundle::folder).toList());
        String future = catalog.unusable().get(1).reason();
        assertTrue(future.contains("version 3"), future);
        assertTrue(catalog.unusable().get(4).reason().contains("'sing'"));
    }

    @Test
    void refreshPicksUpNewBundlesAndAMissingFolderIsEmpty() throws IOException {
        FsModelCatalog catalog = new FsModelCatalog(dir.resolve("models"));
        assertTrue(catalog.list().isEmpty());
        Files.createDirectories(dir.resolve("models"));
        Path target = dir.resolve("models");
        Files.createDirectories(target.resolve("late"));
        Files.copy(DEMO_MODELS.resolve("demo-codec/manifest.json"), target.resolve("late/manifest.json"));
        assertTrue(catalog.list().isEmpty(), "cached until refresh");
        catalog.refresh();
        assertEquals(List.of("late"), catalog.list().stream().map(ModelDescriptor::id).toList());
    }
}
