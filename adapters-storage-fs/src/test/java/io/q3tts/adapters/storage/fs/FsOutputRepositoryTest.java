package io.q3tts.adapters.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.out.output.OutputQuery;
import io.q3tts.ports.out.output.OutputRecord;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.output.OutputRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsOutputRepositoryTest extends OutputRepositoryContract {

    @TempDir
    Path dir;

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T12:00:00Z"));

    @Override
    protected OutputRepository newRepository() {
        return new FsOutputRepository(dir.resolve("outputs"), now::get);
    }

    private List<String> tree() throws IOException {
        Path root = dir.resolve("outputs");
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void idsCarryTheTimeAndASequence() {
        assertEquals("20260101-120000-0000", save(ModelTask.CUSTOM_VOICE));
        assertEquals("20260101-120000-0001", save(ModelTask.CUSTOM_VOICE));
        now.set(Instant.parse("2026-01-01T12:00:01Z"));
        assertEquals("20260101-120001-0000", save(ModelTask.CUSTOM_VOICE));
        now.set(Instant.parse("2026-01-01T11:00:00Z"));
        assertEquals("20260101-120001-0001", save(ModelTask.CUSTOM_VOICE), "a clock stepping back keeps the order");
    }

    @Test
    void writesAudioAndMetadataWithTimings() throws IOException {
        String id = save(ModelTask.CUSTOM_VOICE);
        assertEquals(List.of("", id, id + "/audio.wav", id + "/metadata.json"), tree());
        String json = Files.readString(dir.resolve("outputs").resolve(id).resolve("metadata.json"));
        assertTrue(json.contains("\"real_time_factor\" : 0.5"), json);
        assertTrue(json.contains("\"seed\" : \"42\""), json);
        assertTrue(json.contains("\"model_id\" : \"demo-custom-voice\""), json);
    }

    @Test
    void crashLeftoversAreIgnoredThenCleaned() throws IOException {
        String kept = save(ModelTask.CUSTOM_VOICE);
        Path root = dir.resolve("outputs");
        // A run that crashed before completing, and a metadata rename that never happened.
        Files.createDirectories(root.resolve("20250101-000000-0000"));
        Files.write(root.resolve("20250101-000000-0000/audio.wav"), TestAudio.wav(24_000, 10).bytes());
        Files.writeString(root.resolve("20250101-000000-0000/.tmp-metadata.json-1"), "{");
        Files.createDirectories(root.resolve(".tmp-del-x-1/sub"));
        assertEquals(List.of(kept), repo.list(new OutputQuery(10, null, null)).stream().map(OutputRecord::id).toList());

        OutputRepository reopened = newRepository();
        assertEquals(1, reopened.list(new OutputQuery(10, null, null)).size());
        assertEquals(List.of("", kept, kept + "/audio.wav", kept + "/metadata.json"), tree());
    }

    @Test
    void unreadableMetadataIsSkipped() throws IOException {
        String good = save(ModelTask.CUSTOM_VOICE);
        String bad = save(ModelTask.CUSTOM_VOICE);
        Files.writeString(dir.resolve("outputs").resolve(bad).resolve("metadata.json"), "{\"version\": 7}");
        assertEquals(List.of(good), repo.list(new OutputQuery(10, null, null)).stream().map(OutputRecord::id).toList());
    }

    @Test
    void reservedAndUnsafeInputNamesWriteNothing() throws IOException {
        try (OutputRun run = repo.begin()) {
            assertThrows(InvalidArgumentException.class, () -> run.writeInput("audio.wav", TestAudio.wav(16_000, 1)));
            assertThrows(InvalidArgumentException.class, () -> run.writeInput("../../evil.wav", TestAudio.wav(16_000, 1)));
            assertEquals(List.of("", run.id()), tree());
        }
        assertEquals(List.of(""), tree());
        assertEquals("before", assertThrows(InvalidArgumentException.class,
                () -> repo.list(new OutputQuery(1, "../x", null))).field());
    }
}
