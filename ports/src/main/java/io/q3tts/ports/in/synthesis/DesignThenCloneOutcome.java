package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.in.voice.VoiceView;
import java.util.Objects;

/**
 * The result of design-then-clone.
 *
 * @param job the finished job (DONE), never null
 * @param voice the new saved voice (origin DESIGNED, clone prompt cached), never null
 * @param sample the designed sample as an output (it is also the voice's reference clip), never null
 */
public record DesignThenCloneOutcome(JobView job, VoiceView voice, OutputView sample) {

    /** @throws NullPointerException if a field is null */
    public DesignThenCloneOutcome {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(voice, "voice");
        Objects.requireNonNull(sample, "sample");
    }
}
