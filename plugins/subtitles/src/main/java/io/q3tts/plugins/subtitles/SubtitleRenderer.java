package io.q3tts.plugins.subtitles;

import io.q3tts.lib.dsp.Resampler;
import io.q3tts.lib.dsp.TimeStretch;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Speaks cues and lays them into one track: cue {@code i} starts at sample
 * {@code round(start_ms * 24)} of a 24 kHz track. Speech longer than its window
 * ({@code round(end_ms * 24) - start sample}) is sped up by WSOLA time stretch, by at most
 * {@code maxSpeedup}; what still does not fit runs over into the next window and is reported, never cut.
 * Overlapping cues are mixed by summing. Thread-safe if the {@link Speaker} is.
 */
public final class SubtitleRenderer {

    /** The track's sample rate (the model's rate). */
    public static final int SAMPLE_RATE = 24_000;
    /** Largest default speed-up: beyond about a third faster, speech starts to sound hurried. */
    public static final double DEFAULT_MAX_SPEEDUP = 1.35;

    /** Speaks one cue. */
    @FunctionalInterface
    public interface Speaker {
        /**
         * @param cue the cue
         * @param voice the voice reference mapped to its speaker (see {@link VoiceMapping})
         * @return the speech, never null
         */
        Speech speak(Cue cue, String voice);
    }

    /**
     * Speech for one cue.
     *
     * @param samples mono PCM, never null
     * @param sampleRate its rate, &gt; 0 (resampled to {@value #SAMPLE_RATE} when different)
     * @param outputId the stored output the core made of it, or null
     */
    public record Speech(float[] samples, int sampleRate, String outputId) {
        /** @throws NullPointerException if samples is null */
        public Speech {
            Objects.requireNonNull(samples, "samples");
        }
    }

    /**
     * How one cue was placed.
     *
     * @param cue the cue
     * @param voice the voice reference used
     * @param startSample where its speech starts in the track
     * @param windowSamples the samples between its start and end
     * @param synthesizedSamples the length as spoken, at {@value #SAMPLE_RATE} Hz
     * @param placedSamples the length after stretching
     * @param speed the stretch factor applied (1 when it fit)
     * @param outputId the stored output of the cue's synthesis, or null
     */
    public record Placement(Cue cue, String voice, long startSample, long windowSamples, int synthesizedSamples,
                            int placedSamples, double speed, String outputId) {

        /** @return how far the speech runs past the cue's end, in milliseconds, 0 if it fits */
        public double overrunMs() {
            return Math.max(0, placedSamples - windowSamples) * 1000.0 / SAMPLE_RATE;
        }
    }

    /**
     * @param track the mixed track at {@value #SAMPLE_RATE} Hz (values may exceed [-1, 1] where cues overlap)
     * @param placements one per cue, in cue order
     * @param cueAudio each cue's speech as placed (after any stretch), in cue order
     */
    public record Result(float[] track, List<Placement> placements, List<float[]> cueAudio) {
    }

    private final double maxSpeedup;
    private final long maxTrackSamples;

    /**
     * @param maxSpeedup largest stretch factor, 1..4 (field {@code max_speedup})
     * @param maxTrackSeconds longest track rendered, &gt; 0 (bounds the memory of one request)
     * @throws InvalidArgumentException naming {@code max_speedup} if out of range
     */
    public SubtitleRenderer(double maxSpeedup, int maxTrackSeconds) {
        if (!(maxSpeedup >= 1.0 && maxSpeedup <= 4.0)) {
            throw new InvalidArgumentException("max_speedup", "max_speedup must be between 1 and 4, got " + maxSpeedup + ".");
        }
        if (maxTrackSeconds <= 0) {
            throw new IllegalArgumentException("maxTrackSeconds must be positive");
        }
        this.maxSpeedup = maxSpeedup;
        this.maxTrackSamples = (long) maxTrackSeconds * SAMPLE_RATE;
    }

    /**
     * @param ms a time in milliseconds
     * @return the track sample it falls on: {@code round(ms * 24)}
     */
    public static long sampleAt(long ms) {
        return Math.round(ms * (SAMPLE_RATE / 1000.0));
    }

    /**
     * Checks the track length before any synthesis, so a too-long file fails fast.
     *
     * @param cues the cues
     * @throws InvalidArgumentException (field {@code subtitles}) if the last cue ends past the track limit
     */
    public void checkLength(List<Cue> cues) {
        long end = cues.stream().mapToLong(Cue::endMs).max().orElse(0);
        if (sampleAt(end) > maxTrackSamples) {
            throw new InvalidArgumentException(SubtitleParser.FIELD, "the subtitles run " + end / 1000 + " s; at most "
                    + maxTrackSamples / SAMPLE_RATE + " s are rendered in one request; split the file.");
        }
    }

    /**
     * @param cues the cues to speak, never empty
     * @param voices which voice speaks which cue
     * @param speaker speaks a cue
     * @param cancellation checked between cues
     * @return the track and the placements
     * @throws CancelledException if cancelled
     */
    public Result render(List<Cue> cues, VoiceMapping voices, Speaker speaker, CancellationToken cancellation) {
        return render(cues, voices, speaker, cancellation, (done, total, cue) -> { });
    }

    /** Hears which cue is about to be spoken. */
    @FunctionalInterface
    public interface CueListener {
        /**
         * @param done cues finished
         * @param total all cues
         * @param cue the next one
         */
        void starting(int done, int total, Cue cue);
    }

    /**
     * As {@link #render(List, VoiceMapping, Speaker, CancellationToken)}, reporting each cue before it is spoken.
     *
     * @param cues the cues, in order
     * @param voices the speaker mapping
     * @param speaker speaks one cue
     * @param cancellation checked between cues
     * @param listener hears each cue
     * @return the track and the placements
     */
    public Result render(List<Cue> cues, VoiceMapping voices, Speaker speaker, CancellationToken cancellation,
                         CueListener listener) {
        checkLength(cues);
        List<Placement> placements = new ArrayList<>();
        List<float[]> audio = new ArrayList<>();
        long trackLength = 0;
        for (Cue cue : cues) {
            listener.starting(placements.size(), cues.size(), cue);
            if (cancellation.isCancelled()) {
                throw new CancelledException("subtitle rendering cancelled at cue " + cue.index() + ".");
            }
            String voice = voices.voiceFor(cue.speaker());
            Speech speech = speaker.speak(cue, voice);
            float[] samples = speech.sampleRate() == SAMPLE_RATE ? speech.samples()
                    : Resampler.resample(speech.samples(), speech.sampleRate(), SAMPLE_RATE);
            long start = sampleAt(cue.startMs());
            long window = sampleAt(cue.endMs()) - start;
            double speed = 1.0;
            float[] placed = samples;
            if (samples.length > window && window > 0) {
                speed = Math.min(maxSpeedup, samples.length / (double) window);
                placed = TimeStretch.stretch(samples, SAMPLE_RATE, speed);
            }
            placements.add(new Placement(cue, voice, start, window, samples.length, placed.length, speed, speech.outputId()));
            audio.add(placed);
            trackLength = Math.max(trackLength, Math.max(sampleAt(cue.endMs()), start + placed.length));
        }
        if (trackLength > maxTrackSamples + (long) SAMPLE_RATE * 60) {
            throw new InvalidArgumentException(SubtitleParser.FIELD, "the rendered speech runs past the track limit.");
        }
        float[] track = new float[(int) trackLength];
        for (int i = 0; i < placements.size(); i++) {
            float[] a = audio.get(i);
            int offset = (int) placements.get(i).startSample();
            for (int k = 0; k < a.length; k++) {
                track[offset + k] += a[k];
            }
        }
        return new Result(track, placements, List.copyOf(audio));
    }
}
