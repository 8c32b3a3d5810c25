package io.q3tts.app;

import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.synth.OnnxSpeechSynthesizer;
import io.q3tts.adapters.inference.onnx.synth.OnnxSpeechTokenizer;
import io.q3tts.adapters.inference.onnx.synth.SynthesizerOptions;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Wires the ONNX adapter behind {@link SynthesizerProvider}: every bundle opened through one provider
 * shares one ONNX runtime (one execution-provider decision per process). The runtime is created on
 * the first bundle opened, so commands that open none (help, serve, which has its own) never load
 * ONNX Runtime's native library through it.
 */
public final class OnnxEngineProvider implements SynthesizerProvider, AutoCloseable {

    private final OnnxRuntimeConfig config;
    private final SynthesizerOptions options;
    private OrtRuntime runtime;

    /**
     * @param config how ONNX Runtime runs (CPU, CUDA, threads)
     * @param options how synthesizers run (runaway guard, streaming chunks, where saved voices come from)
     */
    public OnnxEngineProvider(OnnxRuntimeConfig config, SynthesizerOptions options) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public BundleSummary describe(Path bundleDir) {
        if (!Files.isRegularFile(bundleDir.resolve(Manifest.FILE))) {
            throw new NotFoundException(bundleDir + " is not a q3tts model bundle (it has no " + Manifest.FILE
                    + "); export one with tools/export.");
        }
        Manifest m = Manifest.read(bundleDir);
        return new BundleSummary(m.name(), m.randomWeights());
    }

    @Override
    public SpeechSynthesizer open(Path bundleDir) {
        return OnnxSpeechSynthesizer.open(bundleDir, runtime(), options);
    }

    @Override
    public SpeechSynthesizer openWithoutRunawayGuard(Path bundleDir) {
        return OnnxSpeechSynthesizer.open(bundleDir, runtime(), options.withRunawayGuard(null));
    }

    /** The synthesizer of the bundle, which is its clone-prompt encoder too (it refuses unless the model is a Base model). */
    @Override
    public ClonePromptEncoder openClonePromptEncoder(Path bundleDir) {
        return OnnxSpeechSynthesizer.open(bundleDir, runtime(), options);
    }

    @Override
    public SpeechTokenizer openTokenizer(Path bundleDir) {
        return OnnxSpeechTokenizer.open(bundleDir, runtime());
    }

    private synchronized OrtRuntime runtime() {
        if (runtime == null) {
            runtime = new OrtRuntime(config);
        }
        return runtime;
    }

    /** Marks the shared runtime closed; what was opened from it is closed by its users. */
    @Override
    public synchronized void close() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
