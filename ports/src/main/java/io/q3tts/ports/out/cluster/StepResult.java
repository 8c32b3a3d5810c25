package io.q3tts.ports.out.cluster;

import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.SynthesisResult;
import java.util.Objects;

/** What a worker made of a {@link Step}. */
public sealed interface StepResult {

    /** @return the id of the worker that ran the step, never null */
    String worker();

    /**
     * The audio of a {@link StepWork.Synthesize} step.
     *
     * @param result the audio, bit for bit what the worker's engine produced
     * @param worker the worker's id
     */
    record Synthesized(SynthesisResult result, String worker) implements StepResult {
        /** @throws NullPointerException if a field is missing */
        public Synthesized {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(worker, "worker");
        }
    }

    /**
     * The prompt of a {@link StepWork.EncodePrompt} step.
     *
     * @param prompt the clone prompt
     * @param worker the worker's id
     */
    record Encoded(ClonePrompt prompt, String worker) implements StepResult {
        /** @throws NullPointerException if a field is missing */
        public Encoded {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(worker, "worker");
        }
    }
}
