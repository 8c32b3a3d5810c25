package io.q3tts.adapters.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.out.job.StoredJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job records: written whole and owner-only, read back in submission order, torn or foreign files skipped. */
class FsJobStoreTest {

    @TempDir
    Path dir;

    private static StoredJob job(String id, Instant at, String state) {
        return new StoredJob(id, "CUSTOM_VOICE", "demo-custom-voice", true, "Hello", "{\"input\":\"Hello\"}", state, at,
                null, null, null, null, null, null, null);
    }

    @Test
    void recordsRoundTripInSubmissionOrderAndOwnerOnly() throws Exception {
        Path root = dir.resolve(".jobs");
        FsJobStore store = new FsJobStore(root);
        Instant t = Instant.parse("2026-12-06T10:00:00Z");
        store.save(job("b", t.plusSeconds(1), "QUEUED"));
        store.save(job("a", t, "RUNNING"));
        StoredJob done = new StoredJob("a", "CUSTOM_VOICE", "demo-custom-voice", true, "Hello", "{\"input\":\"Hello\"}",
                "CANCELLED", t, t.plusSeconds(2), t.plusSeconds(3), null, null, ErrorType.CANCELLED, "Interrupted.", null,
                "worker-7");
        store.save(done);
        assertEquals(List.of(done, job("b", t.plusSeconds(1), "QUEUED")), store.list(), "the newer save replaced the older");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a.json"))));

        Files.writeString(root.resolve("torn.json"), "{\"version\": 1, \"id\": \"torn\", \"kind\"");
        Files.writeString(root.resolve(".tmp-a.json-123"), "half");
        FsJobStore reopened = new FsJobStore(root);
        assertEquals(2, reopened.list().size(), "an unreadable record is skipped");
        assertTrue(Files.notExists(root.resolve(".tmp-a.json-123")), "crash leftovers are removed at start");
        reopened.delete("a");
        reopened.delete("never-there");
        assertEquals(List.of("b"), reopened.list().stream().map(StoredJob::id).toList());
    }
}
