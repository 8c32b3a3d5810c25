package io.q3tts.ports.out.inference;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import java.util.ArrayList;
import java.util.List;

/**
 * Driven port: turns text into speech with one loaded Qwen3-TTS model.
 *
 * <p>Implementations are thread-safe. Whether concurrent calls run in parallel, queue, or are
 * refused with {@link OverloadedException} is the implementation's policy. The implementation
 * owns its model resources; whoever created it closes it (this port does not expose a lifecycle).
 */
public interface SpeechSynthesizer {

    /** @return what the loaded model supports; never null, cheap, and constant for the instance's lifetime */
    SynthesizerInfo info();

    /**
     * Synthesizes one request, blocking until the audio is complete.
     *
     * @param request the validated request, never null
     * @param listener receives progress and audio chunks before this method returns, never null
     *     (use {@link SynthesisListener#NONE})
     * @param cancellation polled between generation steps, never null
     * @return the complete audio, never null
     * @throws InvalidArgumentException if a field is invalid for this model (unknown speaker or
     *     language, a missing or too short reference clip, an unusable saved voice)
     * @throws UnsupportedMediaException if the reference clip is not a readable audio file
     * @throws NotFoundException if a {@link VoicePrompt.Saved} voice does not exist
     * @throws UnsupportedException if the model does not serve {@link SynthesisRequest#task()}
     * @throws CancelledException if {@code cancellation} was cancelled before the audio was complete
     * @throws OverloadedException if the implementation refuses more concurrent work
     * @throws ModelException if inference fails
     */
    SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken cancellation);

    /**
     * Synthesizes one request that cannot be cancelled; otherwise as
     * {@link #synthesize(SynthesisRequest, SynthesisListener, CancellationToken)}.
     *
     * @param request the validated request, never null
     * @param listener never null
     * @return the complete audio, never null
     */
    default SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener) {
        return synthesize(request, listener, CancellationToken.none());
    }

    /**
     * What batching the loaded model supports.
     *
     * @return never null; {@link BatchCapabilities#SINGLE} unless the implementation batches
     */
    default BatchCapabilities batchCapabilities() {
        return BatchCapabilities.SINGLE;
    }

    /**
     * Synthesizes several requests together, blocking until every row (the initial ones and all
     * that joined from {@code feed}) has received its outcome.
     *
     * <p>Each row ends alone: a row's failure (invalid voice, runaway guard, non-finite scores) or
     * cancellation gives that row a {@link BatchOutcome.Failed} and its neighbours go on. A row's
     * codes, and with a seed its sampled codes, are the ones {@link #synthesize} gives the same
     * request run alone. Rows beyond {@link BatchCapabilities#maxBatch()} wait for room. This
     * method itself throws only for a broken contract (a null argument); every row failure goes to
     * that row's {@link BatchItem#onDone()}.
     *
     * <p>The default runs the rows one after another through {@link #synthesize}, then drains
     * {@code feed}: correct for any implementation, batched for none.
     *
     * @param rows the rows to start with, never null, possibly empty
     * @param feed rows that may join later, never null (use {@link BatchFeed#NONE})
     */
    default void synthesizeBatch(List<BatchItem> rows, BatchFeed feed) {
        List<BatchItem> pending = new ArrayList<>(rows);
        while (true) {
            if (pending.isEmpty()) {
                pending.addAll(feed.poll(1));
                if (pending.isEmpty()) {
                    return;
                }
            }
            BatchItem row = pending.removeFirst();
            BatchOutcome outcome;
            try {
                outcome = new BatchOutcome.Done(synthesize(row.request(), row.listener(), row.cancellation()));
            } catch (RuntimeException e) {
                outcome = new BatchOutcome.Failed(e);
            }
            row.onDone().accept(outcome);
        }
    }
}
