package io.q3tts.domain.scheduling;

import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;

/**
 * Where a running job's synthesis goes: straight to the synthesizer for a job that runs alone, or
 * into its batch's next engine call ({@link SpeechSynthesizer#synthesizeBatch}) for a batched job.
 * Used on the job's own worker thread.
 */
@FunctionalInterface
public interface BatchSlot {

    /** Synthesizes directly, without batching (the slot of work that is not batchable). */
    BatchSlot DIRECT = (synthesizer, request, listener, cancellation) -> synthesizer.synthesize(request, listener, cancellation);

    /**
     * Synthesizes one request as this job's row, blocking until the row's audio is complete.
     *
     * @param synthesizer the leased model's synthesizer; the caller holds the lease until this returns
     * @param request the validated request
     * @param listener this row's progress and audio
     * @param cancellation the job's token (cancels this row alone)
     * @return the row's audio
     * @throws CancelledException if the row was cancelled
     * @throws RuntimeException whatever {@link SpeechSynthesizer#synthesize} would throw for this request alone
     */
    SynthesisResult synthesize(SpeechSynthesizer synthesizer, SynthesisRequest request, SynthesisListener listener,
                               io.q3tts.ports.model.CancellationToken cancellation);
}
