package io.q3tts.plugins.narration;

import io.q3tts.lib.dsp.Loudness;
import io.q3tts.lib.dsp.Resampler;
import io.q3tts.ports.model.CancellationToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Speaks a chunked document and stitches one track: every chunk in the same voice under a seed policy,
 * a runaway guard per chunk, silence per {@link Pause}, short crossfades where a sentence was cut, and
 * gain to a loudness target over the whole. Pure Java (the voice is behind {@link Voice}); thread-safe.
 */
public final class Narrator {

    /** The track's sample rate (the Qwen3-TTS codec's). */
    public static final int SAMPLE_RATE = 24_000;
    /** Largest sample value after normalisation (-1 dBFS): gain is reduced rather than clipping. */
    static final float PEAK_CEILING = 0.891f;

    private final Settings settings;

    /** @param settings the tunables, never null */
    public Narrator(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * The tunables of a render.
     *
     * @param sentenceGap seconds of silence between sentences, &gt;= 0
     * @param paragraphGap seconds between paragraphs, &gt;= 0
     * @param headingGap seconds around a heading, &gt;= 0
     * @param crossfade seconds of overlap where chunks abut without a gap, &gt;= 0
     * @param charsPerSecond expected speaking rate at speed 1, &gt; 0 (CJK characters count 3, as one is about a syllable)
     * @param runawayRatio how many times longer than expected a chunk may be before it is retried, &gt; 1
     * @param targetLufs the loudness target of the whole track, -70..0
     */
    public record Settings(double sentenceGap, double paragraphGap, double headingGap, double crossfade,
                           double charsPerSecond, double runawayRatio, double targetLufs) {

        /** @throws IllegalArgumentException on an out-of-range value */
        public Settings {
            if (!(sentenceGap >= 0 && paragraphGap >= 0 && headingGap >= 0 && crossfade >= 0 && crossfade < 1)) {
                throw new IllegalArgumentException("gaps must be >= 0 and crossfade in [0, 1)");
            }
            if (!(charsPerSecond > 0) || !(runawayRatio > 1) || !(targetLufs >= -70 && targetLufs <= 0)) {
                throw new IllegalArgumentException("charsPerSecond > 0, runawayRatio > 1, targetLufs in [-70, 0]");
            }
        }

        /** @return 0.35 s / 0.8 s / 1.4 s gaps, 10 ms crossfade, 15 chars/s, ratio 3, -16 LUFS */
        public static Settings defaults() {
            return new Settings(0.35, 0.8, 1.4, 0.010, 15, 3, -16);
        }

        /**
         * @param lufs the new target
         * @return these settings with another loudness target
         */
        public Settings withTarget(double lufs) {
            return new Settings(sentenceGap, paragraphGap, headingGap, crossfade, charsPerSecond, runawayRatio, lufs);
        }

        double gap(Pause p) {
            return switch (p) {
                case NONE -> 0;
                case SENTENCE -> sentenceGap;
                case PARAGRAPH -> paragraphGap;
                case HEADING -> headingGap;
            };
        }
    }

    /** How each chunk's seed follows from the document's. */
    public enum SeedPolicy {
        /** Every chunk uses the document's seed. */
        FIXED,
        /** Chunk {@code i} uses the document's seed plus {@code i}. */
        PER_CHUNK;

        long seedFor(long documentSeed, int chunk) {
            return this == FIXED ? documentSeed : documentSeed + chunk;
        }
    }

    /** Speaks one chunk in the document's voice. */
    @FunctionalInterface
    public interface Voice {
        /**
         * @param text the chunk
         * @param seed the sampling seed
         * @return the speech
         */
        Speech speak(String text, long seed);

        /**
         * Speaks a chunk knowing the one before it, for voices that continue from the previous
         * chunk's audio (in-context cloning); by default the previous chunk is ignored.
         *
         * @param text the chunk
         * @param seed the sampling seed
         * @param previous the previous chunk and its kept take, or null for the first chunk
         * @return the speech
         */
        default Speech speak(String text, long seed, Previous previous) {
            return speak(text, seed);
        }
    }

    /**
     * The chunk spoken just before, as it was kept.
     *
     * @param text its text
     * @param speech its kept take
     */
    public record Previous(String text, Speech speech) {
    }

    /**
     * @param samples mono audio
     * @param sampleRate its rate
     * @param outputId the stored output it came from, or null
     */
    public record Speech(float[] samples, int sampleRate, String outputId) {
    }

    /**
     * @param chunk the chunk
     * @param start its start in the track, seconds
     * @param end its end, seconds
     * @param seed the seed of the kept take
     * @param retries how many extra takes were spoken (0 or 1)
     * @param runaway whether the kept take is still longer than the guard allows
     * @param outputId the stored output of the kept take, or null
     */
    public record ChunkResult(Chunk chunk, double start, double end, long seed, int retries, boolean runaway,
                              String outputId) {
    }

    /**
     * @param chapter the heading
     * @param start where its heading is spoken, seconds
     */
    public record ChapterMark(Chapter chapter, double start) {
    }

    /**
     * @param samples the track, mono, at {@link #SAMPLE_RATE}
     * @param chunks one result per chunk, in order
     * @param chapters one mark per heading
     * @param measuredLufs loudness before the gain
     * @param finalLufs loudness after it
     * @param gainDb the gain applied
     * @param peakLimited whether the gain was lowered to keep peaks at -1 dBFS (the target was then missed)
     */
    public record Result(float[] samples, List<ChunkResult> chunks, List<ChapterMark> chapters, double measuredLufs,
                         double finalLufs, double gainDb, boolean peakLimited) {

        /** @return the track length in seconds */
        public double durationSeconds() {
            return samples.length / (double) SAMPLE_RATE;
        }
    }

    /**
     * @param chunkText a chunk
     * @return the longest plausible speech for it, seconds: {@code runawayRatio} times the expected length
     *     (at least one second expected, so short chunks are not flagged for a breath)
     */
    double runawayLimit(String chunkText) {
        double weighted = 0;
        for (int i = 0; i < chunkText.length(); i++) {
            weighted += Chunker.isCjk(chunkText.charAt(i)) ? 3 : 1;
        }
        return Math.max(1.0, weighted / settings.charsPerSecond()) * settings.runawayRatio();
    }

    /**
     * @param document the chunks to speak
     * @param voice speaks one chunk
     * @param documentSeed the document's seed
     * @param policy how chunk seeds follow from it
     * @param cancellation checked between chunks
     * @return the track and its report
     */
    public Result render(NarrationDocument document, Voice voice, long documentSeed, SeedPolicy policy,
                         CancellationToken cancellation) {
        return render(document, voice, documentSeed, policy, cancellation, (done, chunk) -> { });
    }

    /** Hears which chunk is about to be spoken. */
    @FunctionalInterface
    public interface ChunkListener {
        /**
         * @param done chunks finished so far
         * @param chunk the chunk about to be spoken
         */
        void starting(int done, Chunk chunk);
    }

    /**
     * As {@link #render(NarrationDocument, Voice, long, SeedPolicy, CancellationToken)}, reporting each chunk.
     *
     * @param document the chunked document
     * @param voice speaks one chunk
     * @param documentSeed the document's seed
     * @param policy how chunk seeds follow from it
     * @param cancellation checked between chunks
     * @param listener hears each chunk before it is spoken
     * @return the track and its report
     */
    public Result render(NarrationDocument document, Voice voice, long documentSeed, SeedPolicy policy,
                         CancellationToken cancellation, ChunkListener listener) {
        List<float[]> takes = new ArrayList<>();
        List<ChunkResult> partial = new ArrayList<>();
        Previous previous = null;
        for (Chunk c : document.chunks()) {
            cancellation.throwIfCancelled();
            listener.starting(takes.size(), c);
            long seed = policy.seedFor(documentSeed, c.index());
            Speech take = voice.speak(c.text(), seed, previous);
            float[] audio = at24k(take);
            int retries = 0;
            double limit = runawayLimit(c.text());
            if (audio.length / (double) SAMPLE_RATE > limit) {
                // One more take with an unrelated seed; a runaway is a sampling accident, rarely repeated.
                long retrySeed = seed ^ 0x9E3779B97F4A7C15L;
                cancellation.throwIfCancelled();
                Speech again = voice.speak(c.text(), retrySeed, previous);
                float[] audio2 = at24k(again);
                retries = 1;
                if (audio2.length < audio.length) {
                    audio = audio2;
                    take = again;
                    seed = retrySeed;
                }
            }
            takes.add(audio);
            previous = new Previous(c.text(), take);
            partial.add(new ChunkResult(c, 0, 0, seed, retries, audio.length / (double) SAMPLE_RATE > limit,
                    take.outputId()));
        }
        return stitch(document, takes, partial);
    }

    private static float[] at24k(Speech s) {
        return s.sampleRate() == SAMPLE_RATE ? s.samples() : Resampler.resample(s.samples(), s.sampleRate(), SAMPLE_RATE);
    }

    private Result stitch(NarrationDocument document, List<float[]> takes, List<ChunkResult> partial) {
        int fade = (int) Math.round(settings.crossfade() * SAMPLE_RATE);
        long total = 0;
        for (int i = 0; i < takes.size(); i++) {
            total += takes.get(i).length;
            if (i + 1 < takes.size()) {
                Pause p = document.chunks().get(i).pauseAfter();
                total += p == Pause.NONE ? -Math.min(fade, Math.min(takes.get(i).length, takes.get(i + 1).length))
                        : Math.round(settings.gap(p) * SAMPLE_RATE);
            }
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("track too long: " + total + " samples");
        }
        float[] out = new float[(int) total];
        List<ChunkResult> results = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i < takes.size(); i++) {
            float[] t = takes.get(i);
            int overlap = 0;
            if (i > 0 && document.chunks().get(i - 1).pauseAfter() == Pause.NONE) {
                overlap = Math.min(fade, Math.min(takes.get(i - 1).length, t.length));
                pos -= overlap;
            }
            for (int j = 0; j < t.length; j++) {
                float v = t[j];
                if (j < overlap) {
                    // Equal-gain linear crossfade: the previous take's tail was faded out below.
                    v *= (j + 0.5f) / overlap;
                }
                out[pos + j] += v;
            }
            int nextOverlap = 0;
            if (i + 1 < takes.size() && document.chunks().get(i).pauseAfter() == Pause.NONE) {
                nextOverlap = Math.min(fade, Math.min(t.length, takes.get(i + 1).length));
                for (int j = 0; j < nextOverlap; j++) {
                    out[pos + t.length - nextOverlap + j] *= 1f - (j + 0.5f) / nextOverlap;
                }
            }
            ChunkResult r = partial.get(i);
            results.add(new ChunkResult(r.chunk(), pos / (double) SAMPLE_RATE, (pos + t.length) / (double) SAMPLE_RATE,
                    r.seed(), r.retries(), r.runaway(), r.outputId()));
            pos += t.length;
            if (i + 1 < takes.size() && document.chunks().get(i).pauseAfter() != Pause.NONE) {
                pos += (int) Math.round(settings.gap(document.chunks().get(i).pauseAfter()) * SAMPLE_RATE);
            }
        }
        List<ChapterMark> marks = document.chapters().stream()
                .map(ch -> new ChapterMark(ch, results.get(ch.firstChunk()).start())).toList();
        return normalise(out, results, marks);
    }

    private Result normalise(float[] out, List<ChunkResult> results, List<ChapterMark> marks) {
        Loudness.Normalisation n = Loudness.normalise(out, SAMPLE_RATE, settings.targetLufs(), PEAK_CEILING);
        return new Result(out, results, marks, n.measured(), n.loudness(), n.gainDb(), n.limited());
    }
}
