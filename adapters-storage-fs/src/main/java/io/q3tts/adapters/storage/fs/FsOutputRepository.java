package io.q3tts.adapters.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.StorageException;
import io.q3tts.ports.out.output.OutputQuery;
import io.q3tts.ports.out.output.OutputRecord;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.output.OutputRun;
import io.q3tts.ports.out.time.Clock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The output history in a folder: one folder per run, {@code <root>/<id>/audio.wav} +
 * {@code metadata.json} (+ inputs such as {@code reference.wav}, + a pipeline's extra files such as
 * {@code lines/0001-alice.wav}, listed in the metadata's {@code files}).
 *
 * <p>A run's folder exists from {@link #begin()} on (so that inputs written during the run keep
 * their path after completion), but an output is visible only once its {@code metadata.json}
 * exists, and that file is written last, through a temporary sibling and a rename. A run closed
 * without completing is deleted; a run folder without metadata found at construction is the
 * leftover of a crash and is deleted too.
 *
 * <p>Ids are {@code yyyyMMdd-HHmmss-xxxx} (UTC time of {@link #begin()}, then a hexadecimal
 * sequence within that second), so they sort by creation time and {@link #list} pages by id.
 */
public final class FsOutputRepository implements OutputRepository {

    /** The version written into {@code metadata.json}; files from another version are skipped. */
    public static final int FORMAT_VERSION = 1;

    static final String AUDIO = "audio.wav";
    static final String METADATA = "metadata.json";
    private static final Set<String> RESERVED = Set.of(AUDIO, METADATA);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final System.Logger LOG = System.getLogger(FsOutputRepository.class.getName());

    private final Path root;
    private final Clock clock;
    private final Object idLock = new Object();
    private String lastStamp = "";
    private int sequence;

    /**
     * Opens (and creates) the outputs folder and deletes unfinished runs left by a crash.
     *
     * @param root the outputs folder, e.g. {@code outputs/}
     * @param clock the time source for ids, never null
     * @throws StorageException if the folder cannot be created or read
     */
    public FsOutputRepository(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            AtomicFiles.createPrivateRoot(this.root);
            AtomicFiles.cleanTemporaries(this.root);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(this.root, Files::isDirectory)) {
                for (Path dir : dirs) {
                    if (Ids.isSafe(dir.getFileName().toString()) && !Files.exists(dir.resolve(METADATA))) {
                        AtomicFiles.deleteTree(dir);
                    } else {
                        AtomicFiles.cleanTemporaries(dir);
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("The outputs folder cannot be opened.", e);
        }
    }

    /**
     * Uses the system clock.
     *
     * @param root the outputs folder
     */
    public FsOutputRepository(Path root) {
        this(root, Clock.system());
    }

    /** @return the folder this repository stores outputs in (absolute) */
    public Path root() {
        return root;
    }

    @Override
    public OutputRun begin() {
        synchronized (idLock) {
            String stamp = STAMP.format(clock.now());
            if (stamp.compareTo(lastStamp) > 0) {
                lastStamp = stamp;
                sequence = 0;
            }
            // Ids keep sorting after the last one even if the clock steps back.
            while (true) {
                String id = lastStamp + "-" + String.format("%04x", sequence++);
                try {
                    AtomicFiles.createDirectory(root.resolve(id));
                    return new FsRun(id, root.resolve(id));
                } catch (FileAlreadyExistsException e) {
                    // Another run (or process) took this id; try the next one.
                } catch (IOException e) {
                    throw new StorageException("A new output folder could not be created.", e);
                }
            }
        }
    }

    @Override
    public List<OutputRecord> list(OutputQuery query) {
        Objects.requireNonNull(query, "query");
        String before = query.beforeId() == null ? null : Ids.requireSafe(query.beforeId(), "before");
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (Ids.isSafe(id) && (before == null || id.compareTo(before) < 0)) {
                    ids.add(id);
                }
            }
        } catch (IOException e) {
            throw new StorageException("The output history cannot be read.", e);
        }
        ids.sort(Comparator.reverseOrder());
        List<OutputRecord> page = new ArrayList<>();
        for (String id : ids) {
            if (page.size() >= query.limit()) {
                break;
            }
            Optional<OutputRecord> record = read(id);
            if (record.isPresent() && query.matches(record.get())) {
                page.add(record.get());
            }
        }
        return page;
    }

    @Override
    public Optional<OutputRecord> find(String outputId) {
        return read(Ids.requireSafe(outputId, "output_id"));
    }

    @Override
    public EncodedAudio readAudio(String outputId) {
        String id = Ids.requireSafe(outputId, "output_id");
        OutputRecord record = read(id).orElseThrow(() -> new NotFoundException("output_id", "There is no output '" + id + "'."));
        try {
            byte[] bytes = Files.readAllBytes(root.resolve(id).resolve(AUDIO));
            return new EncodedAudio(AudioFormat.WAV, bytes, record.sampleRate(), record.durationSeconds());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("output_id", "There is no output '" + id + "'.");
        } catch (IOException e) {
            throw new StorageException("The audio of output '" + id + "' cannot be read.", e);
        }
    }

    @Override
    public byte[] readFile(String outputId, String relativePath) {
        String id = Ids.requireSafe(outputId, "output_id");
        OutputRecord record = read(id).orElseThrow(() -> new NotFoundException("output_id", "There is no output '" + id + "'."));
        if (relativePath == null || !record.files().contains(relativePath)) {
            throw new NotFoundException("file", "Output '" + id + "' has no file '" + relativePath + "'.");
        }
        try {
            return Files.readAllBytes(fileIn(root.resolve(id), relativePath));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("file", "Output '" + id + "' has no file '" + relativePath + "'.");
        } catch (IOException e) {
            throw new StorageException("A file of output '" + id + "' cannot be read.", e);
        }
    }

    /** Resolves a checked relative path inside a run folder; never leaves it. */
    private static Path fileIn(Path dir, String relativePath) {
        if (!Ids.isSafeRelativePath(relativePath) || RESERVED.contains(relativePath)) {
            throw new InvalidArgumentException("file", "A file path must be path-safe segments separated by '/', other than "
                    + AUDIO + " and " + METADATA + "; got '" + relativePath + "'.");
        }
        Path file = dir.resolve(relativePath).normalize();
        if (!file.startsWith(dir)) {
            throw new InvalidArgumentException("file", "The file path leaves the output folder: '" + relativePath + "'.");
        }
        return file;
    }

    @Override
    public boolean delete(String outputId) {
        String id = Ids.requireSafe(outputId, "output_id");
        try {
            return AtomicFiles.removeFolder(root.resolve(id));
        } catch (IOException e) {
            throw new StorageException("The output '" + id + "' could not be deleted.", e);
        }
    }

    private Optional<OutputRecord> read(String id) {
        byte[] data;
        try {
            data = Files.readAllBytes(root.resolve(id).resolve(METADATA));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("The output '" + id + "' cannot be read.", e);
        }
        try {
            return Optional.of(fromJson(id, Json.parse(data)));
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Skipping output folder '" + id + "': " + e.getMessage());
            return Optional.empty();
        }
    }

    static ObjectNode toJson(OutputRecord r) {
        ObjectNode n = Json.object();
        n.put("version", FORMAT_VERSION);
        n.put("id", r.id());
        n.put("job_id", r.jobId());
        n.put("task", r.task().key());
        n.put("model_id", r.modelId());
        n.put("random_weights", r.randomWeights());
        ObjectNode request = n.putObject("request");
        request.put("text", r.text());
        request.put("language", r.language());
        request.put("speaker", r.speaker());
        request.put("instruct", r.instruct());
        request.put("voice_id", r.voiceId());
        ObjectNode params = n.putObject("parameters");
        new java.util.TreeMap<>(r.parameters()).forEach(params::put);
        ObjectNode audio = n.putObject("audio");
        audio.put("file", AUDIO);
        audio.put("sample_rate", r.sampleRate());
        audio.put("duration_seconds", r.durationSeconds());
        audio.put("frames", r.frames());
        audio.put("finish_reason", r.finishReason());
        if (r.pipeline() != null) {
            n.put("pipeline", r.pipeline());
        }
        if (!r.files().isEmpty()) {
            com.fasterxml.jackson.databind.node.ArrayNode files = n.putArray("files");
            r.files().forEach(files::add);
        }
        ObjectNode timings = n.putObject("timings");
        timings.put("created_at", r.createdAt().toString());
        timings.put("elapsed", r.elapsed().toString());
        timings.put("elapsed_seconds", r.elapsed().toNanos() / 1e9);
        // Real-time factor: seconds of compute per second of audio (below 1 is faster than real time).
        if (r.durationSeconds() > 0) {
            timings.put("real_time_factor", r.elapsed().toNanos() / 1e9 / r.durationSeconds());
        } else {
            timings.putNull("real_time_factor");
        }
        return n;
    }

    static OutputRecord fromJson(String folderId, JsonNode n) throws IOException {
        if (n.path("version").asInt(-1) != FORMAT_VERSION) {
            throw new IOException("unsupported metadata.json version " + n.get("version"));
        }
        String id = Json.text(n, "id");
        if (!id.equals(folderId)) {
            throw new IOException("id '" + id + "' does not match the folder name");
        }
        JsonNode request = n.path("request");
        JsonNode audio = n.path("audio");
        JsonNode timings = n.path("timings");
        Map<String, String> params = new LinkedHashMap<>();
        n.path("parameters").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        ModelTask task;
        try {
            task = ModelTask.parse(Json.text(n, "task"), "task");
        } catch (InvalidArgumentException e) {
            throw new IOException("unknown task " + n.get("task"), e);
        }
        List<String> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(f.asText()));
        return new OutputRecord(id, Json.text(n, "job_id"), task, Json.text(n, "model_id"),
                n.path("random_weights").asBoolean(false), Json.text(request, "text"), Json.text(request, "language"),
                Json.optText(request, "speaker"), Json.optText(request, "instruct"), Json.optText(request, "voice_id"),
                params, (int) Json.number(audio, "sample_rate"), Json.number(audio, "duration_seconds"),
                (int) Json.number(audio, "frames"), Json.text(audio, "finish_reason"),
                Json.instant(timings, "created_at"), Json.duration(timings, "elapsed"), Json.optText(n, "pipeline"), files);
    }

    /** One run's folder; see the class comment for how it becomes visible. */
    private final class FsRun implements OutputRun {

        private final String id;
        private final Path dir;
        private final java.util.Set<String> written = new java.util.HashSet<>();
        private boolean completed;
        private boolean closed;

        FsRun(String id, Path dir) {
            this.id = id;
            this.dir = dir;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Path writeInput(String name, EncodedAudio audio) {
            Objects.requireNonNull(audio, "audio");
            if (!Ids.isSafe(name) || RESERVED.contains(name)) {
                throw new InvalidArgumentException("name", "An input file name must be a plain, path-safe file name"
                        + " other than " + AUDIO + " and " + METADATA + "; got '" + name + "'.");
            }
            requireOpen();
            Path file = dir.resolve(name);
            try {
                AtomicFiles.write(file, audio.bytes());
            } catch (IOException e) {
                throw new StorageException("An input of output '" + id + "' could not be stored.", e);
            }
            return file;
        }

        @Override
        public void writeFile(String relativePath, byte[] content) {
            Objects.requireNonNull(content, "content");
            requireOpen();
            Path file = fileIn(dir, relativePath);
            try {
                AtomicFiles.createDirectories(file.getParent());
                AtomicFiles.write(file, content);
            } catch (IOException e) {
                throw new StorageException("A file of output '" + id + "' could not be stored.", e);
            }
            written.add(relativePath);
        }

        @Override
        public OutputRecord complete(OutputRecord record, EncodedAudio audio) {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(audio, "audio");
            requireOpen();
            if (!record.id().equals(id)) {
                throw new IllegalArgumentException("record id " + record.id() + " is not the run id " + id);
            }
            if (audio.format() != AudioFormat.WAV) {
                throw new IllegalArgumentException("outputs are stored as WAV, got " + audio.format());
            }
            for (String f : record.files()) {
                if (!written.contains(f)) {
                    throw new IllegalArgumentException("the record lists a file that was not written: " + f);
                }
            }
            try {
                AtomicFiles.write(dir.resolve(AUDIO), audio.bytes());
                AtomicFiles.write(dir.resolve(METADATA), Json.bytes(toJson(record)));
            } catch (IOException e) {
                throw new StorageException("The output '" + id + "' could not be saved.", e);
            }
            completed = true;
            return record;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!completed) {
                try {
                    AtomicFiles.removeFolder(dir);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Could not remove unfinished output " + id + ": " + e);
                }
            }
        }

        private void requireOpen() {
            if (completed || closed) {
                throw new IllegalStateException("output run " + id + " is already " + (completed ? "completed" : "closed"));
            }
        }
    }
}
