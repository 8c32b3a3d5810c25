package io.q3tts.domain.cluster;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.StorageException;
import io.q3tts.ports.out.catalog.LoadedModel;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.catalog.ModelLoader;
import io.q3tts.ports.out.cluster.Step;
import io.q3tts.ports.out.cluster.StepObserver;
import io.q3tts.ports.out.cluster.StepQueue;
import io.q3tts.ports.out.cluster.StepResult;
import io.q3tts.ports.out.cluster.StepWork;
import io.q3tts.ports.out.cluster.VoiceClip;
import io.q3tts.ports.out.inference.AudioChunk;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisProgress;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.SynthesizerInfo;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.VoicePrompt;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The accepting process's engine in cluster mode. A generation model "loads" instantly and holds no
 * memory: its {@link SpeechSynthesizer} and {@link ClonePromptEncoder} turn each call into a
 * {@link Step} on the {@link StepQueue} and block until a worker's result is back. Models that are
 * only speech tokenizers load through the local loader (tokenizer calls stay local).
 *
 * <p>Policy: each call gets a fresh random step key (a retried job is a new step; a redelivered
 * step is not). A clone's reference travels as bytes under a content-derived id (SHA-256 of clip,
 * transcript and mode), so a worker caches one voice, and its clone prompt, per distinct
 * reference, and an edited voice (new transcript) is a new id rather than a stale cache hit. The
 * audio comes back as the worker's exact samples, so the output is byte-identical to a local run;
 * it reaches the job's listeners as one final chunk (progress arrives while it runs).
 *
 * <p>Thread-safe; the loader keeps no state.
 */
public final class ClusterModelLoader implements ModelLoader {

    private static final Set<ModelTask> GENERATION = EnumSet.of(ModelTask.CUSTOM_VOICE, ModelTask.VOICE_DESIGN,
            ModelTask.VOICE_CLONE);

    private final StepQueue queue;
    private final VoiceRepository voices;
    private final ModelLoader local;

    /**
     * @param queue carries the steps, never null
     * @param voices the voice library whose clips travel with clone steps, never null
     * @param local loads models that do not generate (speech tokenizers), never null
     */
    public ClusterModelLoader(StepQueue queue, VoiceRepository voices, ModelLoader local) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.voices = Objects.requireNonNull(voices, "voices");
        this.local = Objects.requireNonNull(local, "local");
    }

    @Override
    public LoadedModel load(ModelDescriptor model) {
        if (model.tasks().stream().noneMatch(GENERATION::contains)) {
            return local.load(model);
        }
        return new RemoteModel(model);
    }

    /**
     * The content id of a reference: the same clip, transcript and mode always give the same id.
     *
     * @param wav the clip
     * @param transcript the transcript or null
     * @param xVectorOnly the mode
     * @return a path-safe id
     */
    static String contentId(byte[] wav, String transcript, boolean xVectorOnly) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(wav);
            sha.update((byte) 0);
            sha.update((transcript == null ? "" : transcript).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) (xVectorOnly ? 1 : 0));
            return "ref-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private VoiceClip clipOf(VoicePrompt prompt) {
        return switch (prompt) {
            case VoicePrompt.Saved saved -> {
                VoiceRecord voice = voices.find(saved.voiceId()).orElseThrow(() -> new NotFoundException("voice",
                        "Voice '" + saved.voiceId() + "' does not exist."));
                byte[] wav = voices.readReferenceClip(saved.voiceId()).bytes();
                yield new VoiceClip(contentId(wav, voice.transcript(), voice.xVectorOnly()), wav, voice.transcript(),
                        voice.xVectorOnly());
            }
            case VoicePrompt.ReferenceAudio ref -> {
                byte[] wav;
                try {
                    wav = Files.readAllBytes(ref.audio());
                } catch (IOException e) {
                    throw new StorageException("The reference clip could not be read.", e);
                }
                String transcript = ref.xVectorOnly() ? null : ref.transcript();
                yield new VoiceClip(contentId(wav, transcript, ref.xVectorOnly()), wav, transcript, ref.xVectorOnly());
            }
        };
    }

    private static String newKey() {
        return "step-" + UUID.randomUUID();
    }

    /** A model whose every call is a step on the queue. */
    private final class RemoteModel implements LoadedModel {
        private final ModelDescriptor descriptor;
        private final SpeechSynthesizer synthesizer;
        private final ClonePromptEncoder encoder;

        RemoteModel(ModelDescriptor descriptor) {
            this.descriptor = descriptor;
            this.synthesizer = new RemoteSynthesizer(descriptor);
            this.encoder = descriptor.tasks().contains(ModelTask.VOICE_CLONE) ? new RemoteEncoder(descriptor) : null;
        }

        @Override
        public ModelDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public Optional<SpeechSynthesizer> synthesizer() {
            return Optional.of(synthesizer);
        }

        @Override
        public Optional<ClonePromptEncoder> clonePromptEncoder() {
            return Optional.ofNullable(encoder);
        }

        @Override
        public Optional<io.q3tts.ports.out.tokenizer.SpeechTokenizer> speechTokenizer() {
            return Optional.empty();
        }

        @Override
        public long memoryBytes() {
            return 0;
        }

        @Override
        public void close() {
            // Nothing is held here; the workers own the weights.
        }
    }

    private final class RemoteSynthesizer implements SpeechSynthesizer {
        private final ModelDescriptor model;
        private final SynthesizerInfo info;

        RemoteSynthesizer(ModelDescriptor model) {
            this.model = model;
            Set<TaskType> tasks = EnumSet.noneOf(TaskType.class);
            for (ModelTask t : model.tasks()) {
                switch (t) {
                    case CUSTOM_VOICE -> tasks.add(TaskType.CUSTOM_VOICE);
                    case VOICE_DESIGN -> tasks.add(TaskType.VOICE_DESIGN);
                    case VOICE_CLONE -> tasks.add(TaskType.VOICE_CLONE);
                    default -> { }
                }
            }
            this.info = new SynthesizerInfo(model.id(), tasks, model.speakers(), model.languages(), model.supportsInstruct(),
                    model.sampleRate(), model.randomWeights());
        }

        @Override
        public SynthesizerInfo info() {
            return info;
        }

        @Override
        public SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken cancellation) {
            VoiceClip clip = null;
            SynthesisRequest sent = request;
            if (request.voicePrompt() != null) {
                clip = clipOf(request.voicePrompt());
                sent = new SynthesisRequest(request.task(), request.text(), request.language(), request.speaker(),
                        request.instruct(), new VoicePrompt.Saved(clip.id()), request.sampling(), request.maxNewTokens(),
                        request.textInputMode());
            }
            long started = System.nanoTime();
            StepResult result = queue.run(new Step(newKey(), model.id(), new StepWork.Synthesize(sent, clip)),
                    new StepObserver() {
                        @Override
                        public void started(String worker) {
                            listener.onWorker(worker);
                        }

                        @Override
                        public void progress(int frames, int maxFrames) {
                            listener.onProgress(new SynthesisProgress(Math.min(frames, maxFrames), maxFrames,
                                    Duration.ofNanos(System.nanoTime() - started)));
                        }
                    }, cancellation);
            if (!(result instanceof StepResult.Synthesized(SynthesisResult audio, String worker))) {
                throw new IllegalStateException("a synthesis step returned " + result.getClass().getSimpleName());
            }
            listener.onWorker(worker);
            if (audio.samples().length > 0) {
                listener.onAudio(new AudioChunk(audio.samples().clone(), audio.sampleRate(), 0, true));
            }
            return audio;
        }
    }

    private final class RemoteEncoder implements ClonePromptEncoder {
        private final ModelDescriptor model;
        private volatile String lastKey;

        RemoteEncoder(ModelDescriptor model) {
            this.model = model;
            this.lastKey = "cluster-" + model.id();
        }

        /**
         * The workers' key, as last reported: the accepting process has no weights to derive it from.
         * Before the first encode it is a placeholder no stored prompt uses.
         */
        @Override
        public String cacheKey() {
            return lastKey;
        }

        @Override
        public ClonePrompt encode(VoicePrompt.ReferenceAudio reference, CancellationToken cancellation) {
            VoiceClip clip = clipOf(reference);
            StepResult result = queue.run(new Step(newKey(), model.id(), new StepWork.EncodePrompt(clip)),
                    StepObserver.NONE, cancellation);
            if (!(result instanceof StepResult.Encoded(ClonePrompt prompt, String worker))) {
                throw new IllegalStateException("an encode step returned " + result.getClass().getSimpleName());
            }
            lastKey = prompt.cacheKey();
            return prompt;
        }
    }
}
