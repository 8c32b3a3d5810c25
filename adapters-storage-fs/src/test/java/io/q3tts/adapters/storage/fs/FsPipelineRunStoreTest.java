package io.q3tts.adapters.storage.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.out.pipeline.StoredPipelineRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsPipelineRunStoreTest {

    @TempDir
    Path dir;

    @Test
    void aRunAndItsCheckpointsSurviveReopening() {
        FsPipelineRunStore store = new FsPipelineRunStore(dir);
        store.create(new StoredPipelineRun("run-2", "npc-pack", new byte[] {2}, Instant.parse("2026-01-02T00:00:00Z")));
        store.create(new StoredPipelineRun("run-1", "narration", new byte[] {1, 2, 3}, Instant.parse("2026-01-01T00:00:00Z")));
        store.writeCheckpoint("run-1", "chunk-0001", new byte[] {9});
        store.writeCheckpoint("run-1", "chunk-0001", new byte[] {10});
        store.writeCheckpoint("run-1", "chunk-0002", new byte[] {11});

        FsPipelineRunStore reopened = new FsPipelineRunStore(dir);
        List<StoredPipelineRun> runs = reopened.list();
        assertEquals(List.of("run-1", "run-2"), runs.stream().map(StoredPipelineRun::runId).toList());
        assertEquals("narration", runs.get(0).pipelineId());
        assertArrayEquals(new byte[] {1, 2, 3}, runs.get(0).payload());
        assertArrayEquals(new byte[] {10}, reopened.readCheckpoint("run-1", "chunk-0001").orElseThrow());
        assertEquals(2, reopened.checkpointCount("run-1"));
        assertTrue(reopened.readCheckpoint("run-1", "chunk-0003").isEmpty());

        assertFalse(reopened.find("run-1").orElseThrow().failed());
        reopened.markFailed("run-1", true);
        assertTrue(new FsPipelineRunStore(dir).find("run-1").orElseThrow().failed(), "the mark survives a restart");
        reopened.markFailed("run-1", false);
        assertFalse(reopened.find("run-1").orElseThrow().failed());

        reopened.delete("run-1");
        assertEquals(List.of("run-2"), reopened.list().stream().map(StoredPipelineRun::runId).toList());
        assertTrue(reopened.find("run-1").isEmpty());
        reopened.delete("run-1");
    }

    @Test
    void aRunWhoseCreationDidNotFinishIsRemovedAtStart() throws Exception {
        Files.createDirectories(dir.resolve("half").resolve("checkpoints"));
        Files.write(dir.resolve("half").resolve("payload.bin"), new byte[] {1});
        FsPipelineRunStore store = new FsPipelineRunStore(dir);
        assertTrue(store.list().isEmpty());
        assertFalse(Files.exists(dir.resolve("half")));
    }

    @Test
    void unsafeKeysAndUnknownRunsAreRefused() {
        FsPipelineRunStore store = new FsPipelineRunStore(dir);
        store.create(new StoredPipelineRun("r", "narration", new byte[0], Instant.EPOCH));
        assertThrows(InvalidArgumentException.class, () -> store.writeCheckpoint("r", "../x", new byte[1]));
        assertThrows(InvalidArgumentException.class, () -> store.readCheckpoint("../r", "k"));
        assertThrows(IllegalStateException.class, () -> store.writeCheckpoint("missing", "k", new byte[1]));
        assertThrows(IllegalStateException.class,
                () -> store.create(new StoredPipelineRun("r", "narration", new byte[0], Instant.EPOCH)));
        assertTrue(store.find("../r").isEmpty());
    }
}
