package io.q3tts.adapters.storage.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.VoiceOrigin;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link VoiceRepository} contract; each implementation's test extends it. */
abstract class VoiceRepositoryContract {

    static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    protected VoiceRepository repo;

    /** @return a new, empty repository */
    protected abstract VoiceRepository newRepository();

    @BeforeEach
    void open() {
        repo = newRepository();
    }

    static VoiceRecord voice(String id, String name) {
        return new VoiceRecord(id, name, "desc", VoiceOrigin.UPLOADED, "english", "Hello there.", false, null, null,
                1.5, T0, T0);
    }

    @Test
    void createsFindsAndListsByNameIgnoringCase() {
        EncodedAudio clip = TestAudio.wav(24_000, 2400);
        repo.create(voice("zed", "zed"), clip);
        repo.create(voice("alpha", "Alpha"), clip);
        repo.create(voice("mid", "Mid"), clip);
        assertEquals(List.of("alpha", "mid", "zed"), repo.list().stream().map(VoiceRecord::id).toList());
        assertEquals(voice("mid", "Mid"), repo.find("mid").orElseThrow());
        assertTrue(repo.find("nope").isEmpty());
    }

    @Test
    void storesTheReferenceClip() throws Exception {
        EncodedAudio clip = TestAudio.wav(16_000, 8000);
        repo.create(voice("v", "V"), clip);
        EncodedAudio read = repo.readReferenceClip("v");
        assertArrayEquals(clip.bytes(), read.bytes());
        assertEquals(16_000, read.sampleRate());
        assertEquals(0.5, read.durationSeconds(), 1e-9);
        assertArrayEquals(clip.bytes(), Files.readAllBytes(repo.referenceClip("v")));
    }

    @Test
    void rejectsADuplicateIdOrName() {
        EncodedAudio clip = TestAudio.wav(24_000, 100);
        repo.create(voice("v", "Wizard"), clip);
        ConflictException byId = assertThrows(ConflictException.class, () -> repo.create(voice("v", "Other"), clip));
        assertEquals("name", byId.field());
        ConflictException byName = assertThrows(ConflictException.class, () -> repo.create(voice("w", "WIZARD"), clip));
        assertEquals("name", byName.field());
        assertEquals(1, repo.list().size());
    }

    @Test
    void updatesAndRenamesKeepingTheClip() {
        EncodedAudio clip = TestAudio.wav(24_000, 100);
        repo.create(voice("a", "A"), clip);
        repo.create(voice("b", "B"), clip);
        VoiceRecord renamed = new VoiceRecord("a", "Renamed", "new", VoiceOrigin.UPLOADED, "german", "Hallo.", false,
                null, null, 1.5, T0, T0.plusSeconds(5));
        assertEquals(renamed, repo.update(renamed));
        assertEquals(renamed, repo.find("a").orElseThrow());
        assertArrayEquals(clip.bytes(), repo.readReferenceClip("a").bytes());
        assertEquals("name", assertThrows(ConflictException.class, () -> repo.update(voice("a", "b"))).field());
        assertEquals("voice_id", assertThrows(NotFoundException.class, () -> repo.update(voice("c", "C"))).field());
        repo.update(voice("a", "RENAMED"));
    }

    @Test
    void deletesEverything() {
        repo.create(voice("v", "V"), TestAudio.wav(24_000, 100));
        repo.savePrompt("v", "base-1b7", new byte[] {1, 2});
        assertTrue(repo.delete("v"));
        assertFalse(repo.delete("v"));
        assertTrue(repo.find("v").isEmpty());
        assertTrue(repo.loadPrompt("v", "base-1b7").isEmpty());
        assertEquals("voice", assertThrows(NotFoundException.class, () -> repo.referenceClip("v")).field());
        assertEquals("voice_id", assertThrows(NotFoundException.class, () -> repo.readReferenceClip("v")).field());
        repo.create(voice("v", "V"), TestAudio.wav(24_000, 100));
        assertTrue(repo.loadPrompt("v", "base-1b7").isEmpty(), "a re-created voice starts without prompts");
    }

    @Test
    void cachesPromptsPerKey() {
        repo.create(voice("v", "V"), TestAudio.wav(24_000, 100));
        assertTrue(repo.loadPrompt("v", "k1").isEmpty());
        repo.savePrompt("v", "k1", new byte[] {1});
        repo.savePrompt("v", "k2", new byte[] {2});
        repo.savePrompt("v", "k1", new byte[] {3, 3});
        assertArrayEquals(new byte[] {3, 3}, repo.loadPrompt("v", "k1").orElseThrow());
        assertArrayEquals(new byte[] {2}, repo.loadPrompt("v", "k2").orElseThrow());
        repo.clearPrompts("v");
        assertTrue(repo.loadPrompt("v", "k1").isEmpty());
        assertTrue(repo.loadPrompt("v", "k2").isEmpty());
        repo.savePrompt("v", "k1", new byte[] {4});
        assertArrayEquals(new byte[] {4}, repo.loadPrompt("v", "k1").orElseThrow());
        assertEquals("voice", assertThrows(NotFoundException.class, () -> repo.savePrompt("x", "k1", new byte[1])).field());
        assertTrue(repo.loadPrompt("x", "k1").isEmpty());
        repo.clearPrompts("x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "/etc/passwd", "..", ".", "a\u0000b", "", " ", "a\\b", ".hidden",
        "x123456789x123456789x123456789x123456789x123456789x123456789x12345"})
    void rejectsPathTricksNamingTheField(String bad) {
        assertEquals("voice_id", assertThrows(InvalidArgumentException.class, () -> repo.find(bad)).field());
        assertEquals("voice_id", assertThrows(InvalidArgumentException.class, () -> repo.delete(bad)).field());
        assertEquals("voice_id", assertThrows(InvalidArgumentException.class, () -> repo.readReferenceClip(bad)).field());
        assertEquals("voice", assertThrows(InvalidArgumentException.class, () -> repo.referenceClip(bad)).field());
        assertEquals("voice_id", assertThrows(InvalidArgumentException.class, () -> repo.clearPrompts(bad)).field());
        repo.create(voice("v", "V"), TestAudio.wav(24_000, 100));
        assertEquals("cache_key", assertThrows(InvalidArgumentException.class,
                () -> repo.savePrompt("v", bad, new byte[1])).field());
        assertEquals("cache_key", assertThrows(InvalidArgumentException.class, () -> repo.loadPrompt("v", bad)).field());
        assertEquals(List.of("v"), repo.list().stream().map(VoiceRecord::id).toList());
    }

    @Test
    void concurrentCreatorsOfOneNameLeaveExactlyOneVoice() throws Exception {
        EncodedAudio clip = TestAudio.wav(24_000, 1000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String id = "v" + i;
                tasks.add(() -> {
                    try {
                        repo.create(voice(id, "Same Name"), clip);
                        return true;
                    } catch (ConflictException e) {
                        return false;
                    }
                });
            }
            int created = 0;
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                created += f.get() ? 1 : 0;
            }
            assertEquals(1, created);
            assertEquals(1, repo.list().size());
        } finally {
            pool.shutdownNow();
        }
    }
}
