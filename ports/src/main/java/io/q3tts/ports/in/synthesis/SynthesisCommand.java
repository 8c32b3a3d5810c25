package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobRequest;

/**
 * A synthesis command that can run as a job: the four task commands of this package. Sealed, so
 * the domain handles every kind exhaustively.
 */
public sealed interface SynthesisCommand extends JobRequest
        permits SynthesizeCustomVoiceCommand, SynthesizeVoiceDesignCommand, SynthesizeVoiceCloneCommand,
                DesignThenCloneCommand {

    /** @return the decoding overrides, never null */
    GenerationOptions options();
}
