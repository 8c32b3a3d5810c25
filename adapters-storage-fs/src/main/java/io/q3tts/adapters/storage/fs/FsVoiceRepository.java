package io.q3tts.adapters.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.StorageException;
import io.q3tts.ports.model.VoiceOrigin;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The voice library in a folder: {@code <root>/<id>/voice.json}, {@code reference.wav} and
 * {@code prompts/<cacheKey>.bin}.
 *
 * <p>A new voice is assembled in a hidden folder {@code .tmp-<id>-<uuid>} and renamed into place
 * in one step, so {@link #list()} sees all of it or nothing. Metadata updates and prompts are
 * written to a hidden sibling and renamed over the old file. Mutations are serialized by one lock
 * (they are rare and small); reads take no lock, since every visible file is complete.
 * Constructing the repository removes the hidden leftovers of a crash.
 *
 * <p>Ids and cache keys are checked with {@link Ids#requireSafe}: a value such as {@code "../x"},
 * {@code "a/b"}, an absolute path or a NUL fails with {@link InvalidArgumentException} naming
 * {@code voice_id} (or {@code cache_key}) before anything touches the disk.
 */
public final class FsVoiceRepository implements VoiceRepository {

    /** The version written into {@code voice.json}; files from a newer version are skipped. */
    public static final int FORMAT_VERSION = 1;

    static final String PROFILE = "voice.json";
    static final String CLIP = "reference.wav";
    static final String PROMPTS = "prompts";

    private static final System.Logger LOG = System.getLogger(FsVoiceRepository.class.getName());

    private final Path root;
    private final Object writeLock = new Object();

    /**
     * Opens (and creates, if missing) the voice folder and removes crash leftovers.
     *
     * @param root the voices folder, e.g. {@code voices/}
     * @throws StorageException if the folder cannot be created or read
     */
    public FsVoiceRepository(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        try {
            AtomicFiles.createPrivateRoot(this.root);
            AtomicFiles.cleanTemporaries(this.root);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(this.root, Files::isDirectory)) {
                for (Path dir : dirs) {
                    AtomicFiles.cleanTemporaries(dir);
                    if (Files.isDirectory(dir.resolve(PROMPTS))) {
                        AtomicFiles.cleanTemporaries(dir.resolve(PROMPTS));
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("The voice folder cannot be opened.", e);
        }
    }

    /** @return the folder this repository stores voices in (absolute) */
    public Path root() {
        return root;
    }

    @Override
    public List<VoiceRecord> list() {
        List<VoiceRecord> voices = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!Ids.isSafe(name) || !Files.isDirectory(dir)) {
                    continue;
                }
                readProfile(name).ifPresent(voices::add);
            }
        } catch (IOException e) {
            throw new StorageException("The voice library cannot be read.", e);
        }
        voices.sort(Comparator.comparing((VoiceRecord v) -> v.name().toLowerCase(Locale.ROOT)).thenComparing(VoiceRecord::id));
        return voices;
    }

    @Override
    public Optional<VoiceRecord> find(String voiceId) {
        return readProfile(Ids.requireSafe(voiceId, "voice_id"));
    }

    @Override
    public VoiceRecord create(VoiceRecord voice, EncodedAudio referenceClip) {
        Objects.requireNonNull(voice, "voice");
        Objects.requireNonNull(referenceClip, "referenceClip");
        if (referenceClip.format() != AudioFormat.WAV) {
            throw new IllegalArgumentException("the reference clip must be WAV, got " + referenceClip.format());
        }
        String id = Ids.requireSafe(voice.id(), "voice_id");
        synchronized (writeLock) {
            Path target = root.resolve(id);
            if (Files.exists(target)) {
                throw new ConflictException("name", "A voice with the id '" + id + "' already exists.");
            }
            requireNameFree(voice.name(), null);
            Path temp = root.resolve(AtomicFiles.TEMP_PREFIX + id + "-" + UUID.randomUUID());
            try {
                AtomicFiles.createDirectory(temp);
                AtomicFiles.writeDurably(temp.resolve(CLIP), referenceClip.bytes());
                AtomicFiles.createDirectory(temp.resolve(PROMPTS));
                AtomicFiles.writeDurably(temp.resolve(PROFILE), Json.bytes(toJson(voice)));
                AtomicFiles.syncDirectory(temp);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.syncDirectory(root);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                throw new ConflictException("name", "A voice with the id '" + id + "' already exists.");
            } catch (IOException e) {
                throw new StorageException("The voice '" + id + "' could not be saved.", e);
            } finally {
                deleteQuietly(temp);
            }
            return voice;
        }
    }

    @Override
    public VoiceRecord update(VoiceRecord voice) {
        Objects.requireNonNull(voice, "voice");
        String id = Ids.requireSafe(voice.id(), "voice_id");
        synchronized (writeLock) {
            if (readProfile(id).isEmpty()) {
                throw new NotFoundException("voice_id", "There is no voice '" + id + "'.");
            }
            requireNameFree(voice.name(), id);
            try {
                AtomicFiles.write(root.resolve(id).resolve(PROFILE), Json.bytes(toJson(voice)));
            } catch (IOException e) {
                throw new StorageException("The voice '" + id + "' could not be updated.", e);
            }
            return voice;
        }
    }

    @Override
    public boolean delete(String voiceId) {
        String id = Ids.requireSafe(voiceId, "voice_id");
        synchronized (writeLock) {
            try {
                return AtomicFiles.removeFolder(root.resolve(id));
            } catch (IOException e) {
                throw new StorageException("The voice '" + id + "' could not be deleted.", e);
            }
        }
    }

    @Override
    public Path referenceClip(String voiceId) {
        String id = Ids.requireSafe(voiceId, "voice");
        Path clip = root.resolve(id).resolve(CLIP);
        if (!Files.isRegularFile(root.resolve(id).resolve(PROFILE)) || !Files.isRegularFile(clip)) {
            throw new NotFoundException("voice", "There is no voice '" + id + "'.");
        }
        return clip;
    }

    @Override
    public EncodedAudio readReferenceClip(String voiceId) {
        String id = Ids.requireSafe(voiceId, "voice_id");
        if (!Files.isRegularFile(root.resolve(id).resolve(PROFILE))) {
            throw new NotFoundException("voice_id", "There is no voice '" + id + "'.");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(root.resolve(id).resolve(CLIP));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("voice_id", "There is no voice '" + id + "'.");
        } catch (IOException e) {
            throw new StorageException("The reference clip of voice '" + id + "' cannot be read.", e);
        }
        try {
            WavHeader h = WavHeader.read(bytes);
            return new EncodedAudio(AudioFormat.WAV, bytes, h.sampleRate(), h.durationSeconds());
        } catch (IllegalArgumentException e) {
            throw new StorageException("The reference clip of voice '" + id + "' is damaged.", e);
        }
    }

    @Override
    public Optional<byte[]> loadPrompt(String voiceId, String cacheKey) {
        Path file = promptFile(voiceId, cacheKey);
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("A cached voice prompt cannot be read.", e);
        }
    }

    @Override
    public void savePrompt(String voiceId, String cacheKey, byte[] data) {
        Objects.requireNonNull(data, "data");
        Path file = promptFile(voiceId, cacheKey);
        synchronized (writeLock) {
            if (!Files.isRegularFile(file.getParent().resolveSibling(PROFILE))) {
                throw new NotFoundException("voice", "There is no voice '" + voiceId + "'.");
            }
            try {
                AtomicFiles.createDirectories(file.getParent());
                AtomicFiles.write(file, data);
            } catch (IOException e) {
                throw new StorageException("A voice prompt could not be cached.", e);
            }
        }
    }

    @Override
    public void clearPrompts(String voiceId) {
        String id = Ids.requireSafe(voiceId, "voice_id");
        synchronized (writeLock) {
            Path dir = root.resolve(id);
            if (!Files.isRegularFile(dir.resolve(PROFILE))) {
                return;
            }
            try {
                AtomicFiles.removeFolder(dir.resolve(PROMPTS));
                AtomicFiles.createDirectories(dir.resolve(PROMPTS));
            } catch (IOException e) {
                throw new StorageException("The cached prompts of voice '" + id + "' could not be cleared.", e);
            }
        }
    }

    private Path promptFile(String voiceId, String cacheKey) {
        String id = Ids.requireSafe(voiceId, "voice_id");
        String key = Ids.requireSafe(cacheKey, "cache_key");
        return root.resolve(id).resolve(PROMPTS).resolve(key + ".bin");
    }

    /** Must hold the write lock, so that no other writer takes the name in between. */
    private void requireNameFree(String name, String exceptId) {
        String wanted = name.strip();
        for (VoiceRecord other : list()) {
            if (!other.id().equals(exceptId) && other.name().strip().equalsIgnoreCase(wanted)) {
                throw new ConflictException("name", "A voice named '" + other.name() + "' already exists.");
            }
        }
    }

    /** A missing profile is "no voice"; an unreadable one is logged and skipped, so one bad file cannot hide the library. */
    private Optional<VoiceRecord> readProfile(String id) {
        Path file = root.resolve(id).resolve(PROFILE);
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("The voice '" + id + "' cannot be read.", e);
        }
        try {
            return Optional.of(fromJson(id, Json.parse(data)));
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Skipping voice folder '" + id + "': " + e.getMessage());
            return Optional.empty();
        }
    }

    static ObjectNode toJson(VoiceRecord v) {
        ObjectNode n = Json.object();
        n.put("version", FORMAT_VERSION);
        n.put("id", v.id());
        n.put("name", v.name());
        n.put("description", v.description());
        n.put("origin", v.origin().name().toLowerCase(Locale.ROOT));
        n.put("language", v.language());
        n.put("transcript", v.transcript());
        n.put("x_vector_only", v.xVectorOnly());
        n.put("design_instruct", v.designInstruct());
        n.put("source_model_id", v.sourceModelId());
        n.put("clip_seconds", v.clipSeconds());
        n.put("created_at", v.createdAt().toString());
        n.put("updated_at", v.updatedAt().toString());
        return n;
    }

    static VoiceRecord fromJson(String folderId, JsonNode n) throws IOException {
        int version = n.path("version").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new IOException("unsupported voice.json version " + n.get("version"));
        }
        String id = Json.text(n, "id");
        if (!id.equals(folderId)) {
            throw new IOException("id '" + id + "' does not match the folder name");
        }
        VoiceOrigin origin;
        try {
            origin = VoiceOrigin.valueOf(Json.text(n, "origin").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown origin " + n.get("origin"), e);
        }
        return new VoiceRecord(id, Json.text(n, "name"), Json.optText(n, "description"), origin,
                Json.text(n, "language"), Json.optText(n, "transcript"), n.path("x_vector_only").asBoolean(false),
                Json.optText(n, "design_instruct"), Json.optText(n, "source_model_id"), Json.number(n, "clip_seconds"),
                Json.instant(n, "created_at"), Json.instant(n, "updated_at"));
    }

    private static void deleteQuietly(Path p) {
        try {
            AtomicFiles.deleteTree(p);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not remove temporary folder " + p.getFileName() + ": " + e);
        }
    }
}
