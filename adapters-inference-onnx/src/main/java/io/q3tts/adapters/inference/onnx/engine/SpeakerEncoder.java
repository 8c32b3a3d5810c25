package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.GraphKind;
import io.q3tts.adapters.inference.onnx.io.MelFrontend;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The Base model's x-vector: log-mel ({@link MelFrontend}) then {@code speaker_encoder.onnx}, as the
 * official {@code extract_speaker_embedding} does on 24 kHz audio. Thread-safe.
 */
public final class SpeakerEncoder {

    private final Bundle bundle;
    private final MelFrontend mel;
    private final String input;
    private final String output;
    private final int minFrames;

    /** @param bundle a Base bundle */
    public SpeakerEncoder(Bundle bundle) {
        this.bundle = bundle;
        JsonNode spec = bundle.manifest().speakerEncoder();
        if (spec == null) {
            throw new ModelException("Model '" + bundle.manifest().name() + "' has no speaker encoder");
        }
        try {
            this.mel = MelFrontend.load(bundle.file(spec.path("filters").asText("mel_filters.npy")));
        } catch (IOException e) {
            throw new ModelException("cannot read the mel filterbank: " + e.getMessage(), e);
        }
        this.input = spec.path("input").asText("mel");
        this.output = spec.path("output").asText("embedding");
        this.minFrames = spec.path("min_frames").asInt(1);
    }

    /**
     * @param audio24k mono samples at 24 kHz
     * @return the speaker embedding (talker hidden size)
     * @throws InvalidArgumentException if the audio is too short
     */
    public float[] embed(float[] audio24k) {
        if (audio24k.length < MelFrontend.minSamples() || MelFrontend.frameCount(audio24k.length) < minFrames) {
            throw new InvalidArgumentException("ref_audio", "the reference audio is too short for the speaker encoder");
        }
        float[] feats = mel.compute(audio24k);
        int frames = feats.length / mel.mels();
        FloatBuffer buf = Tensors.floats(feats.length);
        buf.put(feats);
        OrtSession session = bundle.session(GraphKind.SPEAKER_ENCODER);
        try (OnnxTensor x = Tensors.wrap(bundle.runtime().env(), buf, 1, frames, mel.mels());
             OrtSession.Result r = session.run(Map.of(input, x))) {
            FloatBuffer e = Tensors.output(r, output).getFloatBuffer();
            float[] out = new float[e.remaining()];
            e.get(out);
            return out;
        } catch (OrtException e) {
            throw new ModelException("speaker encoder failed: " + e.getMessage(), e);
        }
    }
}
