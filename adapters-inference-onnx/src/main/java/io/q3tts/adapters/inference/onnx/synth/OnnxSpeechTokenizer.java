package io.q3tts.adapters.inference.onnx.synth;

import io.q3tts.adapters.inference.onnx.io.ReferenceAudio;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.adapters.inference.onnx.bundle.ModelHandle;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.codec.CodecDecoder;
import io.q3tts.adapters.inference.onnx.codec.CodecEncoder;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.SpeechCodes;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@link SpeechTokenizer} port over a bundle's codec graphs: the official
 * {@code Qwen3TTSTokenizer.encode} (input resampled to 24 kHz like {@code librosa.resample}) and
 * {@code decode} (chunks of 300 frames with 25 frames of left context). Every bundle holds the codec,
 * so a TTS bundle works as well as a codec-only one.
 *
 * <p>Thread-safe. {@link #close()} waits for running calls, then frees the model.
 */
public final class OnnxSpeechTokenizer implements SpeechTokenizer, AutoCloseable {

    private final ModelHandle handle;
    private final Bundle bundle;
    private final Manifest manifest;
    private final CodecEncoder encoder;
    private final CodecDecoder decoder;
    private final int sampleRate;
    private final int samplesPerFrame;
    private final int codebooks;

    private OnnxSpeechTokenizer(Bundle bundle) {
        this.bundle = bundle;
        this.manifest = bundle.manifest();
        this.encoder = new CodecEncoder(bundle);
        this.decoder = new CodecDecoder(bundle);
        this.sampleRate = manifest.sampleRate();
        this.samplesPerFrame = manifest.samplesPerFrame();
        this.codebooks = manifest.codec().path("num_quantizers").asInt(16);
        this.handle = new ModelHandle(bundle);
    }

    /**
     * @param bundleDir any bundle folder
     * @param runtime the shared ONNX runtime (not closed by the tokenizer)
     * @return the tokenizer; close it to free the model
     * @throws io.q3tts.ports.model.NotFoundException if the folder or its manifest is missing
     * @throws io.q3tts.ports.model.ModelException if the bundle is invalid
     */
    public static OnnxSpeechTokenizer open(Path bundleDir, OrtRuntime runtime) {
        Bundle bundle = Bundles.open(bundleDir, runtime);
        try {
            return new OnnxSpeechTokenizer(bundle);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /** @return approximately what this tokenizer holds in memory now: its opened codec graphs ({@link Bundle#residentBytes()}) */
    public long memoryBytes() {
        return bundle.residentBytes();
    }

    /** @return the bundle's manifest (model name, random-weights flag) */
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public double frameRate() {
        return sampleRate / (double) samplesPerFrame;
    }

    @Override
    public int codebooks() {
        return codebooks;
    }

    @Override
    public SpeechCodes encode(PcmAudio audio, CancellationToken cancellation) {
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(cancellation, "cancellation");
        float[] samples = audio.samples();
        if (samples.length == 0) {
            throw new InvalidArgumentException("audio", "The audio is empty.");
        }
        for (float s : samples) {
            if (!Float.isFinite(s)) {
                throw new InvalidArgumentException("audio", "The audio contains NaN or infinite samples.");
            }
        }
        try (ModelHandle.Lease lease = handle.acquire()) {
            cancellation.throwIfCancelled();
            float[] at24k = audio.sampleRate() == sampleRate ? samples
                    : ReferenceAudio.resample(samples, audio.sampleRate(), sampleRate, "audio");
            if (at24k.length == 0) {
                throw new InvalidArgumentException("audio", "The audio is too short to encode.");
            }
            return new SpeechCodes(encoder.encode(at24k), frameRate());
        }
    }

    @Override
    public PcmAudio decode(SpeechCodes codes, CancellationToken cancellation) {
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(cancellation, "cancellation");
        if (codes.frameCount() > 0 && codes.codebooks() != codebooks) {
            throw new InvalidArgumentException("codes", "Each frame needs " + codebooks + " codes, got " + codes.codebooks() + ".");
        }
        try (ModelHandle.Lease lease = handle.acquire()) {
            cancellation.throwIfCancelled();
            return new PcmAudio(decoder.decode(codes.frames()), sampleRate);
        }
    }

    /** Frees the model once running calls have finished. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }
}
