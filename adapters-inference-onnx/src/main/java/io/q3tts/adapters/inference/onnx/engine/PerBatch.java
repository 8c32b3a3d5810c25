package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OnnxTensor;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/** Lazily made tensors over one shared direct buffer, one per batch size (the batch only shrinks). */
final class PerBatch implements AutoCloseable {
    private final Map<Integer, OnnxTensor> byRows = new HashMap<>();
    private final IntFunction<OnnxTensor> make;

    PerBatch(IntFunction<OnnxTensor> make) {
        this.make = make;
    }

    OnnxTensor get(int rows) {
        return byRows.computeIfAbsent(rows, make::apply);
    }

    @Override
    public void close() {
        byRows.values().forEach(OnnxTensor::close);
        byRows.clear();
    }
}
