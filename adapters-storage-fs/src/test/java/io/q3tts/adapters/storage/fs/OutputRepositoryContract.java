package io.q3tts.adapters.storage.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.out.output.OutputQuery;
import io.q3tts.ports.out.output.OutputRecord;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.output.OutputRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link OutputRepository} contract; each implementation's test extends it. */
abstract class OutputRepositoryContract {

    protected OutputRepository repo;

    /** @return a new, empty repository */
    protected abstract OutputRepository newRepository();

    @BeforeEach
    void open() {
        repo = newRepository();
    }

    static OutputRecord record(String id, ModelTask task) {
        return new OutputRecord(id, "job-1", task, "demo-custom-voice", true, "Hello.", "english",
                task == ModelTask.CUSTOM_VOICE ? "ryan" : null, null, null, Map.of("seed", "42", "temperature", "0.9"),
                24_000, 0.5, 6, "END_OF_SPEECH", Instant.parse("2026-01-01T12:00:00Z"), Duration.ofMillis(250));
    }

    String save(ModelTask task) {
        try (OutputRun run = repo.begin()) {
            run.complete(record(run.id(), task), TestAudio.wav(24_000, 12_000));
            return run.id();
        }
    }

    @Test
    void aCompletedRunIsListedWithItsAudio() {
        EncodedAudio audio = TestAudio.wav(24_000, 12_000);
        String id;
        try (OutputRun run = repo.begin()) {
            id = run.id();
            assertTrue(Ids.isSafe(id));
            assertTrue(repo.list(new OutputQuery(10, null, null)).isEmpty(), "hidden until complete");
            assertTrue(repo.find(id).isEmpty());
            assertEquals(record(id, ModelTask.CUSTOM_VOICE), run.complete(record(id, ModelTask.CUSTOM_VOICE), audio));
            assertThrows(IllegalStateException.class, () -> run.complete(record(run.id(), ModelTask.CUSTOM_VOICE), audio));
        }
        assertEquals(List.of(record(id, ModelTask.CUSTOM_VOICE)), repo.list(new OutputQuery(10, null, null)));
        assertEquals(record(id, ModelTask.CUSTOM_VOICE), repo.find(id).orElseThrow());
        EncodedAudio read = repo.readAudio(id);
        assertArrayEquals(audio.bytes(), read.bytes());
        assertEquals(24_000, read.sampleRate());
        assertEquals(0.5, read.durationSeconds(), 1e-9);
    }

    @Test
    void aRunClosedWithoutCompletingLeavesNothing() throws Exception {
        String id;
        Path input;
        try (OutputRun run = repo.begin()) {
            id = run.id();
            input = run.writeInput("reference.wav", TestAudio.wav(16_000, 100));
            assertTrue(Files.exists(input));
        }
        assertFalse(Files.exists(input));
        assertTrue(repo.find(id).isEmpty());
        assertTrue(repo.list(new OutputQuery(10, null, null)).isEmpty());
        assertEquals("output_id", assertThrows(NotFoundException.class, () -> repo.readAudio(id)).field());
    }

    @Test
    void inputsKeepTheirPathAfterCompletion() throws Exception {
        EncodedAudio ref = TestAudio.wav(16_000, 100);
        Path input;
        try (OutputRun run = repo.begin()) {
            input = run.writeInput("reference.wav", ref);
            run.complete(record(run.id(), ModelTask.VOICE_CLONE), TestAudio.wav(24_000, 100));
        }
        assertArrayEquals(ref.bytes(), Files.readAllBytes(input));
    }

    @Test
    void listsNewestFirstWithPagingAndTaskFilter() {
        String a = save(ModelTask.CUSTOM_VOICE);
        String b = save(ModelTask.VOICE_DESIGN);
        String c = save(ModelTask.CUSTOM_VOICE);
        String d = save(ModelTask.VOICE_CLONE);
        assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0 && c.compareTo(d) < 0, "ids sort by creation");
        assertEquals(List.of(d, c), ids(repo.list(new OutputQuery(2, null, null))));
        assertEquals(List.of(b, a), ids(repo.list(new OutputQuery(2, c, null))));
        assertEquals(List.of(), ids(repo.list(new OutputQuery(2, a, null))));
        assertEquals(List.of(c, a), ids(repo.list(new OutputQuery(10, null, ModelTask.CUSTOM_VOICE))));
        assertEquals(List.of(a), ids(repo.list(new OutputQuery(10, c, ModelTask.CUSTOM_VOICE))));
    }

    @Test
    void deletes() {
        String id = save(ModelTask.CUSTOM_VOICE);
        String other = save(ModelTask.CUSTOM_VOICE);
        assertNotEquals(id, other);
        assertTrue(repo.delete(id));
        assertFalse(repo.delete(id));
        assertEquals(List.of(other), ids(repo.list(new OutputQuery(10, null, null))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "/etc/passwd", "..", "a\u0000b", "", ".hidden",
        "x123456789x123456789x123456789x123456789x123456789x123456789x12345"})
    void rejectsPathTricksNamingTheField(String bad) {
        assertEquals("output_id", assertThrows(InvalidArgumentException.class, () -> repo.find(bad)).field());
        assertEquals("output_id", assertThrows(InvalidArgumentException.class, () -> repo.readAudio(bad)).field());
        assertEquals("output_id", assertThrows(InvalidArgumentException.class, () -> repo.delete(bad)).field());
        try (OutputRun run = repo.begin()) {
            assertEquals("name", assertThrows(InvalidArgumentException.class,
                    () -> run.writeInput(bad, TestAudio.wav(16_000, 10))).field());
        }
        assertTrue(repo.list(new OutputQuery(10, null, null)).isEmpty());
    }

    private static List<String> ids(List<OutputRecord> records) {
        return records.stream().map(OutputRecord::id).toList();
    }

    @Test
    void aPipelineRunKeepsItsFilesAndFiltersFindIt() {
        String id;
        try (OutputRun run = repo.begin()) {
            run.writeFile("lines/0001-alice.wav", TestAudio.wav(24_000, 2_400).bytes());
            run.writeFile("manifest.json", "{}".getBytes());
            OutputRecord r = record(run.id(), ModelTask.VOICE_CLONE).withPipeline("script-read",
                    List.of("lines/0001-alice.wav", "manifest.json"));
            run.complete(r, TestAudio.wav(24_000, 12_000));
            id = run.id();
        }
        save(ModelTask.CUSTOM_VOICE);
        OutputRecord found = repo.find(id).orElseThrow();
        assertEquals("script-read", found.pipeline());
        assertEquals(List.of("lines/0001-alice.wav", "manifest.json"), found.files());
        assertArrayEquals("{}".getBytes(), repo.readFile(id, "manifest.json"));
        assertEquals(List.of(id), repo.list(new OutputQuery(10, null, null, null, null, "script-read", null, null))
                .stream().map(OutputRecord::id).toList());
        assertEquals(2, repo.list(new OutputQuery(10, null, null, null, "demo-custom-voice", null, null, null)).size());
        assertEquals(0, repo.list(new OutputQuery(10, null, null, null, null, null,
                Instant.parse("2026-01-02T00:00:00Z"), null)).size());
        assertThrows(NotFoundException.class, () -> repo.readFile(id, "other.json"));
        assertThrows(InvalidArgumentException.class, () -> repo.readFile("../x", "manifest.json"));
    }

    @Test
    void unsafeOrUnwrittenFilesAreRefused() {
        try (OutputRun run = repo.begin()) {
            assertThrows(RuntimeException.class, () -> run.writeFile("../escape.wav", new byte[1]));
            assertThrows(RuntimeException.class, () -> run.writeFile("metadata.json", new byte[1]));
            assertThrows(IllegalArgumentException.class, () -> run.complete(
                    record(run.id(), ModelTask.CUSTOM_VOICE).withPipeline("npc-pack", List.of("never.wav")),
                    TestAudio.wav(24_000, 100)));
        }
        assertEquals(0, repo.list(new OutputQuery(10, null, null)).size());
    }
}
