package io.q3tts.ports.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    @Test
    void givenEveryException_whenThrown_thenItCarriesTypeMessageAndField() {
        Q3ttsException[] all = {
            new InvalidArgumentException("speaker", "m"), new NotFoundException("voice", "m"), new UnsupportedException("m"),
            new ModelException("m"), new CancelledException(), new OverloadedException("m", Duration.ofMillis(1500)),
            new ConflictException("name", "m"), new PayloadTooLargeException("audio_sample", "m", 10),
            new UnsupportedMediaException("ref_audio", "m"), new UnavailableException("m"), new StorageException("m", null)};
        ErrorType[] types = ErrorType.values();
        assertEquals(types.length, all.length, "one exception per error type");
        for (int i = 0; i < all.length; i++) {
            assertEquals(types[i], all[i].errorType());
        }
        assertEquals("speaker", all[0].field());
        assertEquals("voice", all[1].field());
        assertNull(all[2].field());
        assertEquals("audio_sample", all[7].field());
    }

    @Test
    void givenRetryAfter_whenConvertedToSeconds_thenItRoundsUpWithAOneSecondFloor() {
        assertEquals(2, new OverloadedException("m", Duration.ofMillis(1500)).retryAfterSeconds());
        assertEquals(1, new OverloadedException("m", Duration.ZERO).retryAfterSeconds());
        assertEquals(1, new OverloadedException("m").retryAfterSeconds());
        assertTrue(new OverloadedException("m").retryAfter().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new OverloadedException("m", Duration.ofSeconds(-1)));
    }

    @Test
    void givenIds_whenCheckedOrSlugged_thenOnlyPathSafeValuesPass() {
        assertTrue(Ids.isSafe("qwen3-tts-0.6b_custom"));
        assertFalse(Ids.isSafe(".."));
        assertFalse(Ids.isSafe("a/b"));
        assertFalse(Ids.isSafe("-a"));
        assertFalse(Ids.isSafe("a".repeat(65)));
        assertFalse(Ids.isSafe("a..b"));
        assertEquals("grumpy-old-wizard", Ids.slug("  Grumpy Old   Wizard!! ", "name"));
        assertEquals("cafe-creme", Ids.slug("Café Crème", "name"));
        assertEquals("name", assertThrows(InvalidArgumentException.class, () -> Ids.slug("你好", "name")).field());
        assertEquals(64, Ids.slug("x".repeat(100), "name").length());
    }

    @Test
    void givenFormatAndTaskNames_whenParsed_thenApiSpellingsAreAccepted() {
        assertEquals(AudioFormat.MP3, AudioFormat.parse(" MP3 ", "response_format"));
        assertEquals(AudioFormat.WAV, AudioFormat.parse(null, "response_format"));
        assertEquals("response_format", assertThrows(InvalidArgumentException.class,
                () -> AudioFormat.parse("aac", "response_format")).field());
        assertEquals(ModelTask.VOICE_CLONE, ModelTask.parse("voice-clone", "task"));
        assertEquals("voice_design", ModelTask.VOICE_DESIGN.key());
        assertFalse(ModelTask.TOKENIZER.isGeneration());
    }
}
