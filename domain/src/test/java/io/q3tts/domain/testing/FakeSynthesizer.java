package io.q3tts.domain.testing;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.inference.AudioChunk;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisProgress;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.SynthesizerInfo;
import io.q3tts.ports.out.inference.TaskType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Generates 4 frames of silence in 2 chunks. If {@link #gates} holds a gate, the next call passes it
 * (honouring cancellation) before generating.
 */
public final class FakeSynthesizer implements SpeechSynthesizer {

    public static final int FRAMES = 4;
    public static final int SAMPLES_PER_FRAME = 1920;

    public final ConcurrentLinkedQueue<Gate> gates = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<SynthesisRequest> requests = new ConcurrentLinkedQueue<>();
    private final ModelDescriptor model;

    public FakeSynthesizer(ModelDescriptor model) {
        this.model = model;
    }

    @Override
    public SynthesizerInfo info() {
        EnumSet<TaskType> tasks = EnumSet.noneOf(TaskType.class);
        model.tasks().stream().filter(t -> t.isGeneration()).forEach(t -> tasks.add(TaskType.valueOf(t.name())));
        return new SynthesizerInfo(model.id(), tasks, model.speakers(), model.languages(), false, 24_000);
    }

    @Override
    public SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken cancellation) {
        requests.add(request);
        if (request.voicePrompt() instanceof io.q3tts.ports.out.inference.VoicePrompt.Saved saved
                && saved.voiceId().equals("missing")) {
            throw new NotFoundException("voice", "no voice");
        }
        Gate gate = gates.poll();
        if (gate != null) {
            gate.pass(cancellation, true);
        }
        for (int f = 1; f <= FRAMES; f++) {
            cancellation.throwIfCancelled();
            listener.onProgress(new SynthesisProgress(f, request.maxNewTokens(), Duration.ofMillis(f)));
        }
        int half = FRAMES / 2 * SAMPLES_PER_FRAME;
        listener.onAudio(new AudioChunk(new float[half], 24_000, 0, false));
        listener.onAudio(new AudioChunk(new float[half], 24_000, half, true));
        int[][] codes = new int[FRAMES][16];
        for (int f = 0; f < FRAMES; f++) {
            for (int q = 0; q < 16; q++) {
                codes[f][q] = (f * 16 + q) % 2048;
            }
        }
        return new SynthesisResult(new float[2 * half], 24_000, FRAMES, FinishReason.END_OF_SPEECH, Duration.ofMillis(5),
                codes);
    }

    /** @return the requests seen, in order */
    public List<SynthesisRequest> seen() {
        return List.copyOf(requests);
    }
}
