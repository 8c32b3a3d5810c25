package io.q3tts.adapters.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.StorageException;
import io.q3tts.ports.out.job.JobStore;
import io.q3tts.ports.out.job.StoredJob;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * {@link JobStore} as one {@code <job id>.json} per asynchronous job in a hidden folder of the outputs
 * folder ({@code outputs/.jobs/}), written atomically (temporary file, fsync, rename) and owner-only.
 * A crash leaves either the previous record or the new one, never a torn file; leftover temporary
 * files are removed at start. Thread-safe: each save writes its own temporary file.
 */
public final class FsJobStore implements JobStore {

    private static final System.Logger LOG = System.getLogger(FsJobStore.class.getName());
    private static final String SUFFIX = ".json";

    private final Path root;

    /**
     * Opens (and creates) the folder.
     *
     * @param root the folder, e.g. {@code outputs/.jobs}
     * @throws StorageException if it cannot be created or read
     */
    public FsJobStore(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        try {
            AtomicFiles.createPrivateRoot(this.root);
            AtomicFiles.cleanTemporaries(this.root);
        } catch (IOException e) {
            throw new StorageException("The job records folder " + this.root + " cannot be opened.", e);
        }
    }

    @Override
    public void save(StoredJob job) {
        Path file = file(job.id());
        ObjectNode n = Json.object();
        n.put("version", 1);
        n.put("id", job.id());
        n.put("kind", job.kind());
        n.put("model", job.modelId());
        n.put("random_weights", job.randomWeights());
        n.put("summary", job.summary());
        n.put("request", job.request());
        n.put("state", job.state());
        n.put("submitted_at", job.submittedAt().toString());
        n.put("started_at", job.startedAt() == null ? null : job.startedAt().toString());
        n.put("finished_at", job.finishedAt() == null ? null : job.finishedAt().toString());
        n.put("output_id", job.outputId());
        n.put("voice_id", job.voiceId());
        n.put("error_type", job.errorType() == null ? null : job.errorType().name());
        n.put("error", job.errorMessage());
        n.put("field", job.errorField());
        n.put("worker", job.worker());
        try {
            AtomicFiles.write(file, Json.bytes(n));
        } catch (IOException e) {
            throw new StorageException("The job record of '" + job.id() + "' could not be written.", e);
        }
    }

    @Override
    public List<StoredJob> list() {
        List<StoredJob> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - SUFFIX.length());
                if (Ids.isSafe(id)) {
                    StoredJob j = read(f, id);
                    if (j != null) {
                        out.add(j);
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("The job records cannot be read.", e);
        }
        out.sort(Comparator.comparing(StoredJob::submittedAt).thenComparing(StoredJob::id));
        return out;
    }

    private static StoredJob read(Path f, String id) {
        try {
            JsonNode n = Json.parse(Files.readAllBytes(f));
            if (n.path("version").asInt(-1) != 1 || !id.equals(n.path("id").asText())) {
                throw new IOException("the file does not describe job " + id);
            }
            String type = Json.optText(n, "error_type");
            return new StoredJob(id, Json.text(n, "kind"), Json.text(n, "model"), n.path("random_weights").asBoolean(),
                    Json.text(n, "summary"), Json.text(n, "request"), Json.text(n, "state"), Json.instant(n, "submitted_at"),
                    instantOrNull(n, "started_at"), instantOrNull(n, "finished_at"), Json.optText(n, "output_id"),
                    Json.optText(n, "voice_id"), type == null ? null : ErrorType.valueOf(type), Json.optText(n, "error"),
                    Json.optText(n, "field"), Json.optText(n, "worker"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Skipping unreadable job record '" + id + "': " + e.getMessage());
            return null;
        }
    }

    private static Instant instantOrNull(JsonNode n, String key) {
        String t = Json.optText(n, key);
        return t == null ? null : Instant.parse(t);
    }

    @Override
    public void delete(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new StorageException("The job record of '" + id + "' could not be deleted.", e);
        }
    }

    private Path file(String id) {
        if (!Ids.isSafe(id)) {
            throw new IllegalArgumentException("not a path-safe job id: " + id);
        }
        return root.resolve(id + SUFFIX);
    }
}
