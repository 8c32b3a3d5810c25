package io.q3tts.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The codes file of {@code q3tts encode} / {@code q3tts decode}: UTF-8 JSON, one frame per line.
 *
 * <pre>{@code
 * {
 *   "format": "q3tts-codes", "format_version": 1,
 *   "model": "demo-codec", "model_dir": "/abs/models/demo-codec",
 *   "sample_rate": 24000, "frame_rate": 12.5, "codebooks": 16, "frames": 3,
 *   "source": {"file": "a.wav", "sample_rate": 16000, "channels": 1, "samples": 5000},
 *   "codes": [
 *     [c0, ..., c15],
 *     ...
 *   ]
 * }
 * }</pre>
 *
 * {@code model_dir} lets {@code decode} find the codec without {@code --model}; {@code source} is
 * informational.
 *
 * @param frames {@code [frames][codebooks]} codes
 * @param model the recorded model name, or null
 * @param modelDir the recorded model folder, or null
 */
record CodesFile(int[][] frames, String model, String modelDir) {

    static final String FORMAT = "q3tts-codes";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The audio the codes were made from.
     *
     * @param file its file name
     * @param sampleRate its rate
     * @param channels its channel count
     * @param samples its length in samples per channel
     */
    record Source(String file, int sampleRate, int channels, int samples) { }

    static void write(Path file, String modelId, Path modelDir, SpeechTokenizer tokenizer, Source source, int[][] codes)
            throws IOException {
        write(file, modelId, modelDir, tokenizer.sampleRate(), tokenizer.frameRate(), tokenizer.codebooks(),
                "{\"file\": " + JSON.writeValueAsString(source.file()) + ", \"sample_rate\": " + source.sampleRate()
                        + ", \"channels\": " + source.channels() + ", \"samples\": " + source.samples() + "}", codes);
    }

    /**
     * The codes a {@code q3tts synth} run generated (without any ICL reference frames), in the same
     * format: {@code q3tts decode} turns them into audio, and a diff against the official
     * {@code generate_*} codes is a line-by-line diff. {@code source} is {@code {"generated": true}}.
     */
    static void writeGenerated(Path file, String modelId, Path modelDir, int[][] codes) throws IOException {
        write(file, modelId, modelDir, 24_000, 12.5, codes.length == 0 ? 16 : codes[0].length, "{\"generated\": true}", codes);
    }

    private static void write(Path file, String modelId, Path modelDir, int sampleRate, double frameRate, int codebooks,
                              String sourceJson, int[][] codes) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\n");
            w.write("  \"format\": \"" + FORMAT + "\",\n");
            w.write("  \"format_version\": 1,\n");
            w.write("  \"model\": " + JSON.writeValueAsString(modelId) + ",\n");
            w.write("  \"model_dir\": " + JSON.writeValueAsString(modelDir.toAbsolutePath().normalize().toString()) + ",\n");
            w.write("  \"sample_rate\": " + sampleRate + ",\n");
            w.write("  \"frame_rate\": " + frameRate + ",\n");
            w.write("  \"codebooks\": " + codebooks + ",\n");
            w.write("  \"frames\": " + codes.length + ",\n");
            w.write("  \"source\": " + sourceJson + ",\n");
            w.write("  \"codes\": [");
            for (int f = 0; f < codes.length; f++) {
                w.write(f == 0 ? "\n    [" : ",\n    [");
                for (int q = 0; q < codes[f].length; q++) {
                    if (q > 0) {
                        w.write(", ");
                    }
                    w.write(Integer.toString(codes[f][q]));
                }
                w.write("]");
            }
            w.write(codes.length == 0 ? "]\n" : "\n  ]\n");
            w.write("}\n");
        }
    }

    static CodesFile read(Path file) throws UsageException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UsageException("cannot read --in " + file + ": not a JSON codes file (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new UsageException("--in " + file + " is not a q3tts codes file (write one with 'q3tts encode')");
        }
        JsonNode codes = root.path("codes");
        if (!codes.isArray()) {
            throw new UsageException("--in " + file + " has no \"codes\" array");
        }
        int[][] frames = new int[codes.size()][];
        for (int f = 0; f < frames.length; f++) {
            JsonNode row = codes.get(f);
            if (!row.isArray()) {
                throw new UsageException("--in " + file + ": frame " + f + " is not an array of codes");
            }
            frames[f] = new int[row.size()];
            for (int q = 0; q < row.size(); q++) {
                if (!row.get(q).canConvertToInt()) {
                    throw new UsageException("--in " + file + ": frame " + f + " holds a code that is not an integer");
                }
                frames[f][q] = row.get(q).asInt();
            }
        }
        return new CodesFile(frames, text(root, "model"), text(root, "model_dir"));
    }

    /**
     * The bundle to decode with when no {@code --model} is given: the recorded folder, else the
     * recorded name under {@code $MODELS_DIR} or {@code models/}.
     */
    Path locateModel() throws UsageException {
        if (modelDir != null && Files.isDirectory(Path.of(modelDir))) {
            return Path.of(modelDir);
        }
        if (model != null && !model.contains("/") && !model.contains("\\") && !model.startsWith(".")) {
            String env = System.getenv("MODELS_DIR");
            for (Path base : env == null ? new Path[] {Path.of("models")} : new Path[] {Path.of(env), Path.of("models")}) {
                Path p = base.resolve(model);
                if (Files.isDirectory(p)) {
                    return p;
                }
            }
        }
        throw new UsageException("cannot find the model of the codes file" + (model == null ? "" : " ('" + model + "')")
                + "; pass --model DIR");
    }

    private static String text(JsonNode root, String key) {
        JsonNode n = root.path(key);
        return n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
    }

    private static String firstLine(String s) {
        return s == null ? "no detail" : s.lines().findFirst().orElse("");
    }
}
