package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.model.EncodedAudio;
import java.util.Objects;

/**
 * The result of a blocking synthesis call.
 *
 * @param job the finished job (DONE), never null
 * @param output the stored output, never null
 * @param audio the audio in the requested format, never null
 */
public record SynthesisOutcome(JobView job, OutputView output, EncodedAudio audio) {

    /** @throws NullPointerException if a field is null */
    public SynthesisOutcome {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(audio, "audio");
    }
}
