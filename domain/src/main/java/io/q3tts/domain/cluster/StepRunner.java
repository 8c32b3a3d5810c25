package io.q3tts.domain.cluster;

import io.q3tts.domain.residency.ModelLease;
import io.q3tts.domain.residency.ModelResidencyManager;
import io.q3tts.domain.scheduling.Lane;
import io.q3tts.domain.scheduling.WorkScheduler;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.VoiceOrigin;
import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.cluster.Step;
import io.q3tts.ports.out.cluster.StepExecutor;
import io.q3tts.ports.out.cluster.StepObserver;
import io.q3tts.ports.out.cluster.StepResult;
import io.q3tts.ports.out.cluster.StepWork;
import io.q3tts.ports.out.cluster.VoiceClip;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisProgress;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.VoicePrompt;
import io.q3tts.ports.out.time.Clock;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.time.Instant;
import java.util.Objects;

/**
 * A worker's {@link StepExecutor}: runs each delivered step as work in the local {@link Lane#GPU}
 * lane, leasing the model from the local residency manager, so a worker applies the same slots,
 * queue bound and residency as a single process (and any batching the lane does). The step's
 * cancellation cancels the lane work.
 *
 * <p>Voices arrive as bytes ({@link VoiceClip}); they are kept in this worker's own voice folder
 * (a cache, not the library) under their content id, so the engine's usual saved-voice path
 * encodes each reference once per worker and reuses the cached clone prompt afterwards.
 *
 * <p>Thread-safe.
 */
public final class StepRunner implements StepExecutor {

    private final WorkScheduler scheduler;
    private final ModelResidencyManager residency;
    private final VoiceRepository voiceCache;
    private final AudioDecoder decoder;
    private final Clock clock;
    private final String workerId;

    /**
     * @param scheduler the local GPU lane
     * @param residency leases local models
     * @param voiceCache where arriving voices are kept
     * @param decoder reads a clip's length
     * @param clock timestamps
     * @param workerId this worker's id, reported with each result
     */
    public StepRunner(WorkScheduler scheduler, ModelResidencyManager residency, VoiceRepository voiceCache,
                      AudioDecoder decoder, Clock clock, String workerId) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.residency = Objects.requireNonNull(residency, "residency");
        this.voiceCache = Objects.requireNonNull(voiceCache, "voiceCache");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
    }

    @Override
    public StepResult execute(Step step, StepObserver observer, CancellationToken cancellation) {
        return switch (step.work()) {
            case StepWork.Synthesize s -> {
                if (s.voice() != null) {
                    ensureVoice(s.voice());
                }
                yield scheduler.call(Lane.GPU, "step " + step.key(), token -> {
                    try (ModelLease lease = residency.acquire(step.modelId())) {
                        SpeechSynthesizer synthesizer = lease.model().synthesizer().orElseThrow(() -> new UnsupportedException(
                                "model", "Model '" + step.modelId() + "' cannot synthesize speech."));
                        SynthesisResult result = synthesizer.synthesize(s.request(), new SynthesisListener() {
                            @Override
                            public boolean wantsAudioChunks() {
                                return false;
                            }

                            @Override
                            public void onProgress(SynthesisProgress p) {
                                observer.progress(p.frames(), p.maxFrames());
                            }
                        }, token);
                        return new StepResult.Synthesized(result, workerId);
                    }
                }, cancellation);
            }
            case StepWork.EncodePrompt e -> {
                VoiceClip clip = e.reference();
                ensureVoice(clip);
                yield scheduler.call(Lane.GPU, "step " + step.key(), token -> {
                    try (ModelLease lease = residency.acquire(step.modelId())) {
                        ClonePromptEncoder encoder = lease.model().clonePromptEncoder().orElseThrow(() -> new UnsupportedException(
                                "clone_model", "Model '" + step.modelId() + "' cannot create clone prompts."));
                        ClonePrompt prompt = encoder.encode(new VoicePrompt.ReferenceAudio(voiceCache.referenceClip(clip.id()),
                                clip.transcript(), clip.xVectorOnly()), token);
                        voiceCache.savePrompt(clip.id(), prompt.cacheKey(), prompt.data());
                        return new StepResult.Encoded(prompt, workerId);
                    }
                }, cancellation);
            }
        };
    }

    /** Stores an arriving voice under its content id unless this worker has it already. */
    private void ensureVoice(VoiceClip clip) {
        if (voiceCache.find(clip.id()).isPresent()) {
            return;
        }
        PcmAudio pcm = decoder.decode(new AudioUpload("ref_audio", clip.wav(), null, AudioFormat.WAV.mediaType()));
        Instant now = clock.now();
        VoiceRecord record = new VoiceRecord(clip.id(), clip.id(), "cached by the cluster worker", VoiceOrigin.UPLOADED,
                "auto", clip.transcript(), clip.xVectorOnly(), null, null, Math.max(pcm.durationSeconds(), 1e-3), now, now);
        try {
            voiceCache.create(record, new io.q3tts.ports.model.EncodedAudio(AudioFormat.WAV, clip.wav(), pcm.sampleRate(),
                    pcm.durationSeconds()));
        } catch (ConflictException raced) {
            // Another step brought the same voice at the same moment; the content id makes them equal.
            if (voiceCache.find(clip.id()).isEmpty()) {
                throw raced;
            }
        }
    }
}
