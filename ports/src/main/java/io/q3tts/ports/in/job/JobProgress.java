package io.q3tts.ports.in.job;

/**
 * How far a job is.
 *
 * @param queuePosition 1-based place in the wait queue while {@link JobState#QUEUED} (1 = next to
 *     start), else 0
 * @param frames codec frames generated so far, &gt;= 0 (12.5 frames per second of audio)
 * @param maxFrames the most frames the job may generate, &gt;= frames; 0 before it starts
 * @param fraction completion in [0, 1]: {@code frames / maxFrames} while generating (a lower bound,
 *     since speech usually ends before the cap), 1 when done; for a pipeline, finished steps plus the
 *     running step's share
 * @param steps a pipeline's step count (lines, cues, chunks), else 0
 * @param stepsDone a pipeline's finished steps, 0..steps
 * @param stage a pipeline's current activity for people (e.g. "cue 4 of 12"), or null
 */
public record JobProgress(int queuePosition, int frames, int maxFrames, double fraction, int steps, int stepsDone,
                          String stage) {

    /** Nothing done yet, not queued. */
    public static final JobProgress NONE = new JobProgress(0, 0, 0, 0);

    /**
     * Progress of a single synthesis (no steps).
     *
     * @param queuePosition as above
     * @param frames as above
     * @param maxFrames as above
     * @param fraction as above
     */
    public JobProgress(int queuePosition, int frames, int maxFrames, double fraction) {
        this(queuePosition, frames, maxFrames, fraction, 0, 0, null);
    }

    /** @throws IllegalArgumentException if a field is out of range */
    public JobProgress {
        if (queuePosition < 0 || frames < 0 || maxFrames < 0 || (maxFrames > 0 && frames > maxFrames)) {
            throw new IllegalArgumentException("bad progress " + queuePosition + " " + frames + "/" + maxFrames);
        }
        if (steps < 0 || stepsDone < 0 || stepsDone > steps) {
            throw new IllegalArgumentException("bad steps " + stepsDone + "/" + steps);
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1]: " + fraction);
        }
    }
}
