package io.q3tts.adapters.inference.onnx.bundle;

/** The ONNX graphs a bundle may hold, with the file name the exporter uses by default. */
public enum GraphKind {
    /** Text embedding rows to talker space. */
    TEXT_PROJECTION("text_projection.onnx"),
    /** The talker, prefill and decode, explicit KV cache. */
    TALKER("talker.onnx"),
    /** The talker over a fixed-size KV buffer updated in place (optional; {@code tools/export --static-kv N}). */
    TALKER_STATIC("talker_static.onnx"),
    /** One KV-cached code-predictor step. */
    CODE_PREDICTOR_STEP("code_predictor_step.onnx"),
    /** All 15 code-predictor steps of one frame, sampling inside. */
    CODE_PREDICTOR_FRAME("code_predictor_frame.onnx"),
    /** Codes to waveform, one pass. */
    CODEC_DECODER("codec_decoder.onnx"),
    /** Codes to waveform, chunk by chunk with carried state. */
    CODEC_DECODER_STREAM("codec_decoder_stream.onnx"),
    /** Waveform to codes. */
    CODEC_ENCODER("codec_encoder.onnx"),
    /** Log-mel to x-vector (Base only). */
    SPEAKER_ENCODER("speaker_encoder.onnx");

    private final String defaultFile;

    GraphKind(String defaultFile) {
        this.defaultFile = defaultFile;
    }

    /** @return the exporter's default file name */
    public String defaultFile() {
        return defaultFile;
    }
}
