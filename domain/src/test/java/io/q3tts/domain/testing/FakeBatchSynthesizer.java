package io.q3tts.domain.testing;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.out.inference.BatchCapabilities;
import io.q3tts.ports.out.inference.BatchFeed;
import io.q3tts.ports.out.inference.BatchItem;
import io.q3tts.ports.out.inference.BatchOutcome;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisProgress;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.SynthesizerInfo;
import io.q3tts.ports.out.inference.TaskType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A batching engine for scheduler tests: every engine call generates {@link #FRAMES} frames per row,
 * one step at a time; a continuous one polls the feed before each step. A row whose text is
 * {@code "boom"} fails alone at its second frame. If {@link #stepGates} holds a gate, the next step
 * passes it first (the test holds the batch mid-way).
 */
public final class FakeBatchSynthesizer implements SpeechSynthesizer {

    public static final int FRAMES = 3;

    public final BatchCapabilities capabilities;
    /** The texts of the rows each engine call started with, one list per call. */
    public final List<List<String>> calls = new CopyOnWriteArrayList<>();
    /** The texts of rows that joined a running call through the feed. */
    public final List<String> joined = new CopyOnWriteArrayList<>();
    /** The most rows generated in one step. */
    public volatile int widestStep;
    public final ConcurrentLinkedQueue<Gate> stepGates = new ConcurrentLinkedQueue<>();
    /** Calls of the single-row path. */
    public final List<String> singles = new CopyOnWriteArrayList<>();

    public FakeBatchSynthesizer(BatchCapabilities capabilities) {
        this.capabilities = capabilities;
    }

    @Override
    public SynthesizerInfo info() {
        return new SynthesizerInfo("m", EnumSet.of(TaskType.CUSTOM_VOICE), List.of("ryan"), List.of("english"), false, 24_000);
    }

    @Override
    public BatchCapabilities batchCapabilities() {
        return capabilities;
    }

    @Override
    public SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken cancellation) {
        singles.add(request.text());
        for (int f = 1; f <= FRAMES; f++) {
            cancellation.throwIfCancelled();
            if (request.text().equals("boom") && f == 2) {
                throw new ModelException("boom");
            }
            listener.onProgress(new SynthesisProgress(f, request.maxNewTokens(), Duration.ofMillis(f)));
        }
        return result();
    }

    @Override
    public void synthesizeBatch(List<BatchItem> rows, BatchFeed feed) {
        List<BatchItem> start = new ArrayList<>(rows);
        while (!start.isEmpty()) {
            calls.add(start.stream().map(r -> r.request().text()).toList());
            List<BatchItem> active = new ArrayList<>(start);
            List<Integer> frames = new ArrayList<>(start.stream().map(r -> 0).toList());
            while (!active.isEmpty()) {
                if (capabilities.continuous() && active.size() < capabilities.maxBatch()) {
                    for (BatchItem j : feed.poll(capabilities.maxBatch() - active.size())) {
                        joined.add(j.request().text());
                        active.add(j);
                        frames.add(0);
                    }
                }
                Gate gate = stepGates.poll();
                if (gate != null) {
                    gate.pass(CancellationToken.none(), false);
                }
                widestStep = Math.max(widestStep, active.size());
                for (int i = active.size() - 1; i >= 0; i--) {
                    BatchItem row = active.get(i);
                    int f = frames.get(i) + 1;
                    BatchOutcome end = null;
                    if (row.cancellation().isCancelled()) {
                        end = new BatchOutcome.Failed(new CancelledException("cancelled"));
                    } else if (row.request().text().equals("boom") && f == 2) {
                        end = new BatchOutcome.Failed(new ModelException("boom"));
                    } else {
                        row.listener().onProgress(new SynthesisProgress(f, row.request().maxNewTokens(), Duration.ofMillis(f)));
                        if (f == FRAMES) {
                            end = new BatchOutcome.Done(result());
                        }
                    }
                    if (end != null) {
                        active.remove(i);
                        frames.remove(i);
                        row.onDone().accept(end);
                    } else {
                        frames.set(i, f);
                    }
                }
            }
            start = new ArrayList<>(feed.poll(capabilities.maxBatch()));
        }
    }

    private static SynthesisResult result() {
        return new SynthesisResult(new float[FRAMES * 1920], 24_000, FRAMES, FinishReason.END_OF_SPEECH, Duration.ofMillis(3));
    }
}
