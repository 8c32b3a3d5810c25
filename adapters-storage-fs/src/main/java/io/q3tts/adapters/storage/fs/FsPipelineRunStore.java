package io.q3tts.adapters.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.StorageException;
import io.q3tts.ports.out.pipeline.PipelineRunStore;
import io.q3tts.ports.out.pipeline.StoredPipelineRun;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Unfinished pipeline runs in a folder: {@code <root>/<run-id>/run.json} (pipeline id, creation
 * time), {@code payload.bin} (the request as submitted), {@code checkpoints/<key>} (one file per
 * finished step) and, while the last attempt has failed, an empty {@code failed} file.
 *
 * <p>A run folder becomes visible when {@code run.json} exists; it is written last, through a
 * temporary sibling and a rename, so a crash during {@link #create} leaves a folder that the next
 * start deletes. Checkpoints are written the same way, so a crash mid-write leaves the previous
 * state. Deletion renames the folder away first, so a half-deleted run is never resumed.
 */
public final class FsPipelineRunStore implements PipelineRunStore {

    static final String RUN = "run.json";
    static final String PAYLOAD = "payload.bin";
    static final String CHECKPOINTS = "checkpoints";
    /** Present while the run's last attempt has failed. */
    static final String FAILED = "failed";
    private static final System.Logger LOG = System.getLogger(FsPipelineRunStore.class.getName());

    private final Path root;

    /**
     * Opens (and creates) the folder and removes runs whose creation never finished.
     *
     * @param root the folder, e.g. {@code outputs/.pipelines}
     * @throws StorageException if it cannot be created or read
     */
    public FsPipelineRunStore(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        try {
            AtomicFiles.createPrivateRoot(this.root);
            AtomicFiles.cleanTemporaries(this.root);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(this.root, Files::isDirectory)) {
                for (Path dir : dirs) {
                    if (Ids.isSafe(dir.getFileName().toString()) && !Files.exists(dir.resolve(RUN))) {
                        AtomicFiles.deleteTree(dir);
                    } else if (Files.isDirectory(dir.resolve(CHECKPOINTS))) {
                        AtomicFiles.cleanTemporaries(dir.resolve(CHECKPOINTS));
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("The pipeline runs folder cannot be opened.", e);
        }
    }

    @Override
    public void create(StoredPipelineRun run) {
        Objects.requireNonNull(run, "run");
        Path dir = root.resolve(run.runId());
        try {
            AtomicFiles.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IllegalStateException("pipeline run " + run.runId() + " exists");
        } catch (IOException e) {
            throw new StorageException("The pipeline run could not be stored.", e);
        }
        try {
            AtomicFiles.createDirectories(dir.resolve(CHECKPOINTS));
            AtomicFiles.write(dir.resolve(PAYLOAD), run.payload());
            ObjectNode n = Json.object();
            n.put("version", 1);
            n.put("run_id", run.runId());
            n.put("pipeline", run.pipelineId());
            n.put("created_at", run.createdAt().toString());
            AtomicFiles.write(dir.resolve(RUN), Json.bytes(n));
        } catch (IOException e) {
            try {
                AtomicFiles.deleteTree(dir);
            } catch (IOException ignored) {
                // The next start removes a folder without run.json.
            }
            throw new StorageException("The pipeline run could not be stored.", e);
        }
    }

    @Override
    public List<StoredPipelineRun> list() {
        List<StoredPipelineRun> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (Ids.isSafe(id)) {
                    read(id).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new StorageException("The pipeline runs cannot be read.", e);
        }
        out.sort(Comparator.comparing(StoredPipelineRun::createdAt).thenComparing(StoredPipelineRun::runId));
        return out;
    }

    @Override
    public Optional<StoredPipelineRun> find(String runId) {
        return Ids.isSafe(runId) ? read(runId) : Optional.empty();
    }

    private Optional<StoredPipelineRun> read(String id) {
        Path dir = root.resolve(id);
        try {
            JsonNode n = Json.parse(Files.readAllBytes(dir.resolve(RUN)));
            if (n.path("version").asInt(-1) != 1 || !id.equals(n.path("run_id").asText())) {
                throw new IOException("run.json does not describe run " + id);
            }
            return Optional.of(new StoredPipelineRun(id, Json.text(n, "pipeline"), Files.readAllBytes(dir.resolve(PAYLOAD)),
                    Json.instant(n, "created_at"), Files.exists(dir.resolve(FAILED))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Skipping unreadable pipeline run '" + id + "': " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public Optional<byte[]> readCheckpoint(String runId, String key) {
        try {
            return Optional.of(Files.readAllBytes(checkpoint(runId, key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("A checkpoint of pipeline run '" + runId + "' cannot be read.", e);
        }
    }

    @Override
    public void writeCheckpoint(String runId, String key, byte[] data) {
        Objects.requireNonNull(data, "data");
        Path file = checkpoint(runId, key);
        if (!Files.isDirectory(file.getParent())) {
            throw new IllegalStateException("pipeline run " + runId + " is not stored");
        }
        try {
            AtomicFiles.write(file, data);
        } catch (IOException e) {
            throw new StorageException("A checkpoint of pipeline run '" + runId + "' could not be saved.", e);
        }
    }

    @Override
    public int checkpointCount(String runId) {
        Path dir = root.resolve(Ids.requireSafe(runId, "job_id")).resolve(CHECKPOINTS);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            int n = 0;
            for (Path f : files) {
                if (Ids.isSafe(f.getFileName().toString())) {
                    n++;
                }
            }
            return n;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new StorageException("The checkpoints of pipeline run '" + runId + "' cannot be read.", e);
        }
    }

    @Override
    public void markFailed(String runId, boolean failed) {
        Path dir = root.resolve(Ids.requireSafe(runId, "job_id"));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("pipeline run " + runId + " is not stored");
        }
        try {
            if (failed) {
                AtomicFiles.write(dir.resolve(FAILED), new byte[0]);
            } else {
                Files.deleteIfExists(dir.resolve(FAILED));
            }
        } catch (IOException e) {
            throw new StorageException("The state of pipeline run '" + runId + "' could not be saved.", e);
        }
    }

    @Override
    public void delete(String runId) {
        try {
            AtomicFiles.removeFolder(root.resolve(Ids.requireSafe(runId, "job_id")));
        } catch (IOException e) {
            throw new StorageException("The pipeline run '" + runId + "' could not be deleted.", e);
        }
    }

    private Path checkpoint(String runId, String key) {
        return root.resolve(Ids.requireSafe(runId, "job_id")).resolve(CHECKPOINTS).resolve(Ids.requireSafe(key, "key"));
    }
}
