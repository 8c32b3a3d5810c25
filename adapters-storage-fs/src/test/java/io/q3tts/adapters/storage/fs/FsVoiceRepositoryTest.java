package io.q3tts.adapters.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.StorageException;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsVoiceRepositoryTest extends VoiceRepositoryContract {

    @TempDir
    Path dir;

    @Override
    protected VoiceRepository newRepository() {
        return new FsVoiceRepository(dir.resolve("voices"));
    }

    private List<String> tree() throws IOException {
        Path root = dir.resolve("voices");
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Test
    void usesTheDocumentedLayout() throws IOException {
        repo.create(voice("v", "V"), TestAudio.wav(24_000, 100));
        repo.savePrompt("v", "base-0b6", new byte[] {1});
        assertEquals(List.of("", "v", "v/prompts", "v/prompts/base-0b6.bin", "v/reference.wav", "v/voice.json"), tree());
        String json = Files.readString(dir.resolve("voices/v/voice.json"));
        assertTrue(json.contains("\"transcript\" : \"Hello there.\""), json);
    }

    @Test
    void ignoresAndCleansCrashLeftovers() throws IOException {
        repo.create(voice("kept", "Kept"), TestAudio.wav(24_000, 100));
        Path root = dir.resolve("voices");
        // A create that died after writing its profile, and an update that died before its rename.
        Path half = Files.createDirectories(root.resolve(".tmp-half-1234"));
        Files.write(half.resolve("voice.json"), Json.bytes(FsVoiceRepository.toJson(voice("half", "Half"))));
        Files.writeString(root.resolve("kept/.tmp-voice.json-99"), "{\"version\": 1, \"na");
        assertEquals(List.of("kept"), repo.list().stream().map(VoiceRecord::id).toList());

        VoiceRepository reopened = newRepository();
        assertEquals(List.of("kept"), reopened.list().stream().map(VoiceRecord::id).toList());
        assertEquals(List.of("", "kept", "kept/prompts", "kept/reference.wav", "kept/voice.json"), tree());
    }

    @Test
    void skipsUnreadableProfilesInsteadOfFailing() throws IOException {
        repo.create(voice("good", "Good"), TestAudio.wav(24_000, 100));
        Path root = dir.resolve("voices");
        Files.createDirectories(root.resolve("broken"));
        Files.writeString(root.resolve("broken/voice.json"), "{not json");
        Files.createDirectories(root.resolve("future"));
        Files.writeString(root.resolve("future/voice.json"), "{\"version\": 99}");
        Files.createDirectories(root.resolve("stray"));
        assertEquals(List.of("good"), repo.list().stream().map(VoiceRecord::id).toList());
        assertTrue(repo.find("broken").isEmpty());
    }

    @Test
    void wrapsIoFailuresInStorageException() throws IOException {
        Path root = dir.resolve("voices");
        AtomicFiles.deleteTree(root);
        Files.writeString(root, "not a folder");
        assertThrows(StorageException.class, () -> repo.create(voice("v", "V"), TestAudio.wav(24_000, 100)));
        assertThrows(StorageException.class, () -> repo.list());
        assertEquals("not a folder", Files.readString(root));
    }
}
