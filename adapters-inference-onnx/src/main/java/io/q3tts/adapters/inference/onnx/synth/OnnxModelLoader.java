package io.q3tts.adapters.inference.onnx.synth;

import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.out.catalog.LoadedModel;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.catalog.ModelLoader;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link ModelLoader} over ONNX bundles: a generation bundle opens as an
 * {@link OnnxSpeechSynthesizer} (also the clone-prompt encoder of Base models), a bundle serving
 * {@link ModelTask#TOKENIZER} as an {@link OnnxSpeechTokenizer}. Only what the descriptor's tasks
 * ask for is opened, so a generation model does not load a second copy of its codec.
 *
 * <p>Thread-safe: every load opens its own sessions on the shared runtime.
 */
public final class OnnxModelLoader implements ModelLoader {

    private final OrtRuntime runtime;
    private final SynthesizerOptions options;
    private final Function<String, Path> bundleDirs;

    /**
     * @param runtime the shared ONNX runtime (one execution-provider decision per process); not closed here
     * @param options how synthesizers run; its {@link SynthesizerOptions#voices()} must resolve the
     *     platform's saved voices ({@link SavedVoices#repository})
     * @param bundleDirs the folder of a model id, or null when the catalog no longer knows it
     */
    public OnnxModelLoader(OrtRuntime runtime, SynthesizerOptions options, Function<String, Path> bundleDirs) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.options = Objects.requireNonNull(options, "options");
        this.bundleDirs = Objects.requireNonNull(bundleDirs, "bundleDirs");
    }

    @Override
    public LoadedModel load(ModelDescriptor model) {
        Path dir = bundleDirs.apply(model.id());
        if (dir == null) {
            throw new NotFoundException("model", "Model '" + model.id() + "' is not installed.");
        }
        OnnxSpeechSynthesizer synthesizer = model.generates() ? OnnxSpeechSynthesizer.open(dir, runtime, options) : null;
        try {
            OnnxSpeechTokenizer tokenizer = model.supports(ModelTask.TOKENIZER) ? OnnxSpeechTokenizer.open(dir, runtime) : null;
            return new Loaded(model, synthesizer, tokenizer);
        } catch (RuntimeException e) {
            if (synthesizer != null) {
                synthesizer.close();
            }
            throw e;
        }
    }

    /** One resident bundle; closes what it opened. */
    private record Loaded(ModelDescriptor descriptor, OnnxSpeechSynthesizer synth, OnnxSpeechTokenizer tokenizer)
            implements LoadedModel {

        private static final System.Logger LOG = System.getLogger(OnnxModelLoader.class.getName());

        @Override
        public Optional<SpeechSynthesizer> synthesizer() {
            return Optional.ofNullable(synth);
        }

        @Override
        public Optional<ClonePromptEncoder> clonePromptEncoder() {
            return descriptor.supports(ModelTask.VOICE_CLONE) ? Optional.ofNullable(synth) : Optional.empty();
        }

        @Override
        public Optional<SpeechTokenizer> speechTokenizer() {
            return Optional.ofNullable(tokenizer);
        }

        @Override
        public long memoryBytes() {
            return (synth == null ? 0 : synth.memoryBytes()) + (tokenizer == null ? 0 : tokenizer.memoryBytes());
        }

        @Override
        public void close() {
            for (AutoCloseable part : new AutoCloseable[] {synth, tokenizer}) {
                if (part != null) {
                    try {
                        part.close();
                    } catch (Exception e) {
                        LOG.log(System.Logger.Level.WARNING, "Closing model '" + descriptor.id() + "' failed: " + e);
                    }
                }
            }
        }
    }
}
