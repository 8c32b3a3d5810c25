package io.q3tts.ports.in.job;

/**
 * How far a job is.
 *
 * @param queuePosition 1-based place in the wait queue while {@link JobState#QUEUED} (1 = next to
 *     start), else 0
 * @param frames codec frames generated so far, &gt;= 0 (12.5 frames per second of audio)
 * @param maxFrames the most frames the job may generate, &gt;= frames; 0 before it starts
 * @param fraction completion in [0, 1]: {@code frames / maxFrames} while generating (a lower bound,
 *     since speech usually ends before the cap), 1 when done
 */
public record JobProgress(int queuePosition, int frames, int maxFrames, double fraction) {

    /** Nothing done yet, not queued. */
    public static final JobProgress NONE = new JobProgress(0, 0, 0, 0);

    /** @throws IllegalArgumentException if a field is out of range */
    public JobProgress {
        if (queuePosition < 0 || frames < 0 || maxFrames < 0 || (maxFrames > 0 && frames > maxFrames)) {
            throw new IllegalArgumentException("bad progress " + queuePosition + " " + frames + "/" + maxFrames);
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1]: " + fraction);
        }
    }
}
