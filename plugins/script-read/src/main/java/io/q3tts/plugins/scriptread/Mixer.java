package io.q3tts.plugins.scriptread;

import io.q3tts.lib.dsp.Loudness;
import java.util.ArrayList;
import java.util.List;

/**
 * Places spoken lines one after another in one 24 kHz mono track: silence before the first line
 * (lead-in), then after each line its explicit pause, or else the default gap (shorter when the
 * same speaker goes on). Lines never overlap, so each line's place in the track is exact to the
 * sample. Optionally normalises the whole to a loudness target (EBU R128, peaks kept under -1 dBFS).
 * Pure Java; thread-safe.
 */
public final class Mixer {

    /** The track's sample rate (the Qwen3-TTS codec's). */
    public static final int SAMPLE_RATE = 24_000;
    /** Largest sample value after normalisation (-1 dBFS): gain is reduced rather than clipping. */
    static final float PEAK_CEILING = 0.891f;

    /**
     * @param gap seconds between lines of different speakers, 0..60
     * @param sameSpeakerGap seconds between consecutive lines of the same speaker, 0..60
     */
    public record Settings(double gap, double sameSpeakerGap) {

        /** @throws IllegalArgumentException if a gap is out of range */
        public Settings {
            if (!(gap >= 0 && gap <= ScriptParser.MAX_PAUSE && sameSpeakerGap >= 0 && sameSpeakerGap <= ScriptParser.MAX_PAUSE)) {
                throw new IllegalArgumentException("gaps must be 0..60 s");
            }
        }

        /** @return 0.35 s between speakers, 0.2 s within one speaker's run */
        public static Settings defaults() {
            return new Settings(0.35, 0.2);
        }
    }

    /**
     * One line's audio.
     *
     * @param speakerKey who speaks it (to choose the gap)
     * @param samples mono at {@link #SAMPLE_RATE}
     * @param pauseAfter seconds of silence after it, or null for the default gap
     */
    public record Take(String speakerKey, float[] samples, Double pauseAfter) {
    }

    /**
     * @param start first sample of the line in the track
     * @param end one past its last sample
     */
    public record Placement(int start, int end) {
        /** @return the start in seconds */
        public double startSeconds() {
            return start / (double) SAMPLE_RATE;
        }

        /** @return the end in seconds */
        public double endSeconds() {
            return end / (double) SAMPLE_RATE;
        }
    }

    /**
     * @param samples the track
     * @param placements one per take, in order
     * @param measuredLufs loudness before the gain ({@link Loudness#SILENCE} for silence)
     * @param finalLufs loudness after it
     * @param gainDb the gain applied (0 when not normalised)
     * @param peakLimited whether the gain was lowered to keep peaks at -1 dBFS
     */
    public record Result(float[] samples, List<Placement> placements, double measuredLufs, double finalLufs,
                         double gainDb, boolean peakLimited) {
        /** @return the track length in seconds */
        public double durationSeconds() {
            return samples.length / (double) SAMPLE_RATE;
        }
    }

    private final Settings settings;

    /** @param settings the gaps */
    public Mixer(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param takes the lines in order
     * @param leadIn seconds of silence before the first line
     * @param targetLufs the loudness target, or null to leave levels as spoken
     * @return the track and where each line is
     */
    public Result mix(List<Take> takes, double leadIn, Double targetLufs) {
        long total = samples(leadIn);
        long[] starts = new long[takes.size()];
        for (int i = 0; i < takes.size(); i++) {
            starts[i] = total;
            total += takes.get(i).samples().length + samples(gapAfter(takes, i));
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("track too long: " + total + " samples");
        }
        float[] out = new float[(int) total];
        List<Placement> placements = new ArrayList<>();
        for (int i = 0; i < takes.size(); i++) {
            float[] t = takes.get(i).samples();
            System.arraycopy(t, 0, out, (int) starts[i], t.length);
            placements.add(new Placement((int) starts[i], (int) starts[i] + t.length));
        }
        if (targetLufs == null) {
            double measured = Loudness.integrated(out, SAMPLE_RATE);
            return new Result(out, placements, measured, measured, 0, false);
        }
        Loudness.Normalisation n = Loudness.normalise(out, SAMPLE_RATE, targetLufs, PEAK_CEILING);
        return new Result(out, placements, n.measured(), n.loudness(), n.gainDb(), n.limited());
    }

    /**
     * @param takes the lines
     * @param i one of them
     * @return the silence after line {@code i}: its pause, or the default gap before the next line (none after the last)
     */
    double gapAfter(List<Take> takes, int i) {
        Take t = takes.get(i);
        if (t.pauseAfter() != null) {
            return t.pauseAfter();
        }
        if (i + 1 >= takes.size()) {
            return 0;
        }
        return t.speakerKey().equals(takes.get(i + 1).speakerKey()) ? settings.sameSpeakerGap() : settings.gap();
    }

    private static long samples(double seconds) {
        return Math.round(seconds * SAMPLE_RATE);
    }
}
