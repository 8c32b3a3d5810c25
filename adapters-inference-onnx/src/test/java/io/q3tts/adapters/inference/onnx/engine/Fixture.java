package io.q3tts.adapters.inference.onnx.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading helpers for the parity fixtures (docs/fixtures.md). */
final class Fixture {

    static final ObjectMapper JSON = new ObjectMapper();

    private Fixture() { }

    static boolean present() {
        return Files.isRegularFile(TestPaths.fixtures().resolve("index.json"));
    }

    static JsonNode index() throws IOException {
        return JSON.readTree(TestPaths.fixtures().resolve("index.json").toFile());
    }

    static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    static float[] npy(Path file) throws IOException {
        try (Npy n = Npy.open(file)) {
            return n.toFloatArray();
        }
    }

    static long[] longs(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asLong();
        }
        return out;
    }

    static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asInt();
        }
        return out;
    }

    static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) arr.get(i).asDouble();
        }
        return out;
    }

    static int[][] frames(JsonNode arr) {
        List<int[]> out = new ArrayList<>();
        arr.forEach(r -> out.add(ints(r)));
        return out.toArray(new int[0][]);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
