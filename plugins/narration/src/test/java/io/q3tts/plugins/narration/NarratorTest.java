package io.q3tts.plugins.narration;

import io.q3tts.lib.dsp.Loudness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.CancellationToken;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NarratorTest {

    private static final int SR = Narrator.SAMPLE_RATE;
    private final List<Long> seeds = new ArrayList<>();

    /** Speaks a tone at 15 chars/s; text containing RUNAWAY babbles 10x longer unless the seed is a retry seed. */
    private Narrator.Voice voice(boolean runawayAlways) {
        return (text, seed) -> {
            seeds.add(seed);
            double s = Tones.secondsFor(text);
            boolean retrySeed = seed < 0 || seed > 1_000_000;
            if (text.contains("RUNAWAY") && (runawayAlways || !retrySeed)) {
                s *= 10;
            }
            return new Narrator.Speech(Tones.tone(s, 440, 0.05, SR), SR, "out-" + seeds.size());
        };
    }

    private static NarrationDocument doc() {
        return new NarrationDocument(List.of(
                new Chunk(0, "Chapter one", Pause.HEADING, 1, true),
                new Chunk(1, "A first sentence that is thirty.", Pause.SENTENCE, 1, false),
                new Chunk(2, "A paragraph that ends here, ok.", Pause.PARAGRAPH, 1, false),
                new Chunk(3, "A long sentence cut at a comma,", Pause.NONE, 1, false),
                new Chunk(4, "and its second half follows it.", Pause.PARAGRAPH, 1, false)),
                List.of(new Chapter(1, "Chapter one", 1, 0)));
    }

    @Test
    void gapsFollowThePauseTypesAndCutSentencesAreCrossfaded() {
        Narrator.Result r = new Narrator(Narrator.Settings.defaults()).render(doc(), voice(false), 7,
                Narrator.SeedPolicy.FIXED, CancellationToken.none());
        List<Narrator.ChunkResult> c = r.chunks();
        assertEquals(0.0, c.get(0).start(), 1e-9);
        assertEquals(1.4, c.get(1).start() - c.get(0).end(), 1e-3, "heading gap");
        assertEquals(0.35, c.get(2).start() - c.get(1).end(), 1e-3, "sentence gap");
        assertEquals(0.8, c.get(3).start() - c.get(2).end(), 1e-3, "paragraph gap");
        assertEquals(-0.010, c.get(4).start() - c.get(3).end(), 1e-4, "10 ms crossfade");
        assertEquals(c.get(4).end(), r.durationSeconds(), 1e-9, "no trailing silence");
        // The gaps are true silence.
        int from = (int) Math.ceil(c.get(0).end() * SR) + 1;
        int to = (int) Math.floor(c.get(1).start() * SR) - 1;
        for (int i = from; i < to; i++) {
            assertEquals(0f, r.samples()[i]);
        }
        assertEquals(1, r.chapters().size());
        assertEquals(0.0, r.chapters().getFirst().start());
        assertTrue(seeds.stream().allMatch(s -> s == 7));
    }

    @Test
    void theWholeTrackIsNormalisedToWithinOneLuOfTheTarget() {
        for (double target : new double[] {-16, -23}) {
            Narrator.Result r = new Narrator(Narrator.Settings.defaults().withTarget(target)).render(doc(), voice(false),
                    1, Narrator.SeedPolicy.PER_CHUNK, CancellationToken.none());
            assertEquals(target, Loudness.integrated(r.samples(), SR), 1.0);
            assertEquals(target, r.finalLufs(), 1e-9);
            assertFalse(r.peakLimited());
            assertTrue(r.measuredLufs() < -30, "the raw tones are quiet: " + r.measuredLufs());
        }
    }

    @Test
    void aGainThatWouldClipIsLoweredAndReported() {
        Narrator.Voice spiky = (text, seed) -> {
            float[] t = Tones.tone(Tones.secondsFor(text), 440, 0.01, SR);
            t[t.length / 2] = 0.5f;
            return new Narrator.Speech(t, SR, null);
        };
        Narrator.Result r = new Narrator(Narrator.Settings.defaults()).render(doc(), spiky, 1,
                Narrator.SeedPolicy.FIXED, CancellationToken.none());
        assertTrue(r.peakLimited());
        float peak = 0;
        for (float v : r.samples()) {
            peak = Math.max(peak, Math.abs(v));
        }
        assertEquals(Narrator.PEAK_CEILING, peak, 1e-4);
    }

    @Test
    void seedsFollowThePolicy() {
        new Narrator(Narrator.Settings.defaults()).render(doc(), voice(false), 100, Narrator.SeedPolicy.PER_CHUNK,
                CancellationToken.none());
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L), seeds);
    }

    @Test
    void anOverlongChunkIsRetriedOnceWithAnotherSeedAndTheShorterTakeKept() {
        NarrationDocument d = new NarrationDocument(List.of(
                new Chunk(0, "Fine sentence number one is here.", Pause.SENTENCE, 0, false),
                new Chunk(1, "This one goes RUNAWAY on the first seed.", Pause.PARAGRAPH, 0, false)), List.of());
        Narrator.Result r = new Narrator(Narrator.Settings.defaults()).render(d, voice(false), 5,
                Narrator.SeedPolicy.FIXED, CancellationToken.none());
        assertEquals(0, r.chunks().get(0).retries());
        Narrator.ChunkResult runaway = r.chunks().get(1);
        assertEquals(1, runaway.retries());
        assertFalse(runaway.runaway());
        assertEquals(Tones.secondsFor(runaway.chunk().text()), runaway.end() - runaway.start(), 1e-3);
        assertEquals(3, seeds.size());
        assertTrue(runaway.seed() != 5);
        assertEquals("out-3", runaway.outputId());
    }

    @Test
    void aChunkStillTooLongAfterTheRetryIsKeptAndFlagged() {
        NarrationDocument d = new NarrationDocument(List.of(
                new Chunk(0, "This one goes RUNAWAY on every seed.", Pause.PARAGRAPH, 0, false)), List.of());
        Narrator.Result r = new Narrator(Narrator.Settings.defaults()).render(d, voice(true), 5,
                Narrator.SeedPolicy.FIXED, CancellationToken.none());
        assertEquals(1, r.chunks().getFirst().retries());
        assertTrue(r.chunks().getFirst().runaway());
        assertTrue(r.durationSeconds() > 20);
        // Users and files count chunks from 1 (chunks/0001.wav), so the report's warning does too.
        assertEquals(List.of("chunk 1 (chunks/0001.wav) is still much longer than expected after a retry; listen to it."),
                NarrationPlugin.report(r, 5, Narrator.SeedPolicy.FIXED, -16).get("warnings"));
    }

    @Test
    void speechAtAnotherRateIsResampledTo24k() {
        NarrationDocument d = new NarrationDocument(List.of(new Chunk(0, "x".repeat(30), Pause.PARAGRAPH, 0, false)),
                List.of());
        Narrator.Result r = new Narrator(Narrator.Settings.defaults()).render(d,
                (text, seed) -> new Narrator.Speech(Tones.tone(2, 440, 0.1, 12_000), 12_000, null), 1,
                Narrator.SeedPolicy.FIXED, CancellationToken.none());
        assertEquals(2.0, r.durationSeconds(), 0.01);
    }

    @Test
    void theRunawayLimitCountsCjkCharactersAsSyllables() {
        Narrator n = new Narrator(Narrator.Settings.defaults());
        assertEquals(3.0, n.runawayLimit("short"), 1e-9);
        assertEquals(60.0, n.runawayLimit("x".repeat(300)), 1e-9);
        assertEquals(60.0, n.runawayLimit("字".repeat(100)), 1e-9);
    }
}
