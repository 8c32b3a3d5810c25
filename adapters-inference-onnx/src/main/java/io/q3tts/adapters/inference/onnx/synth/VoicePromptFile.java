package io.q3tts.adapters.inference.onnx.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.adapters.inference.onnx.engine.VoiceClonePrompt;
import io.q3tts.adapters.inference.onnx.io.Npy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A saved voice-clone prompt: the {@code .q3v} file, format version 1.
 *
 * <p>The file is a zip archive (NumPy's {@code .npz} layout, so {@code numpy.load} opens it) with
 * three entries:
 * <ul>
 *   <li>{@code voice.json}: {@code format} ({@code "q3tts-voice"}), {@code format_version} (1),
 *       {@code model} ({@code name}, {@code type}, {@code size} of the bundle that made it),
 *       {@code cache_key} (the {@link io.q3tts.ports.out.inference.ClonePrompt#cacheKey()} of that
 *       model, or null), {@code speaker_embedding_dim}, {@code x_vector_only}, {@code icl},
 *       {@code ref_text} (string or null), {@code ref_frames}, {@code num_quantizers};</li>
 *   <li>{@code speaker_embedding.npy}: f32 {@code [D]}, the x-vector;</li>
 *   <li>{@code ref_codes.npy}: i64 {@code [F, 16]}, the reference codec frames (ICL mode only).</li>
 * </ul>
 * Floats are stored with their exact bits, so a loaded prompt generates exactly what the original did.
 * The same bytes are the {@link io.q3tts.ports.out.inference.ClonePrompt#data()} of the adapter's
 * clone prompts, so a voice library stores exactly this file.
 *
 * <p>Stateless and thread-safe. Writing goes to a temporary sibling that is then renamed, so readers
 * never see half a file.
 */
public final class VoicePromptFile {

    /** The file name extension. */
    public static final String EXTENSION = ".q3v";
    /** The {@code format} value. */
    public static final String FORMAT = "q3tts-voice";
    /** The format version this build writes and reads. */
    public static final int VERSION = 1;

    private static final String JSON_ENTRY = "voice.json";
    private static final String EMBEDDING_ENTRY = "speaker_embedding.npy";
    private static final String CODES_ENTRY = "ref_codes.npy";
    /** A generous cap per entry (a 10-minute reference is 7500 frames, under 1 MiB of codes). */
    private static final int MAX_ENTRY_BYTES = 64 << 20;
    /** A fixed entry time keeps the bytes of a file independent of when it was written. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2026, 1, 1, 0, 0);
    private static final ObjectMapper JSON = new ObjectMapper();

    private VoicePromptFile() { }

    /**
     * A voice read back from a file.
     *
     * @param prompt the clone prompt
     * @param modelName the bundle that created it
     * @param modelType its model type ({@code base})
     * @param modelSize its size ({@code 0b6}, {@code 1b7}) or null
     * @param embeddingDim the speaker embedding size (the talker hidden size)
     * @param cacheKey the cache key of the model that created it, or null if not recorded
     */
    public record Stored(VoiceClonePrompt prompt, String modelName, String modelType, String modelSize, int embeddingDim,
                         String cacheKey) { }

    /**
     * Writes a prompt.
     *
     * @param file the target, replaced if it exists
     * @param prompt the prompt
     * @param manifest the manifest of the model that created it
     * @param cacheKey that model's cache key, or null
     * @throws IOException if writing fails
     */
    public static void write(Path file, VoiceClonePrompt prompt, Manifest manifest, String cacheKey) throws IOException {
        byte[] bytes = toBytes(prompt, manifest, cacheKey);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * @param prompt the prompt
     * @param manifest the manifest of the model that created it
     * @param cacheKey that model's cache key, or null
     * @return the whole file
     */
    public static byte[] toBytes(VoiceClonePrompt prompt, Manifest manifest, String cacheKey) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(manifest, "manifest");
        float[] xvec = prompt.speakerEmbedding();
        int[][] codes = prompt.refCodes();
        int q = codes == null || codes.length == 0 ? 16 : codes[0].length;
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", VERSION);
        ObjectNode model = root.putObject("model");
        model.put("name", manifest.name());
        model.put("type", manifest.type().key());
        model.put("size", manifest.size());
        root.put("cache_key", cacheKey);
        root.put("speaker_embedding_dim", xvec.length);
        root.put("x_vector_only", prompt.xVectorOnly());
        root.put("icl", prompt.icl());
        root.put("ref_text", prompt.refText());
        root.put("ref_frames", codes == null ? 0 : codes.length);
        root.put("num_quantizers", q);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, JSON_ENTRY, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            put(zip, EMBEDDING_ENTRY, Npy.toBytes(xvec, xvec.length));
            if (codes != null) {
                long[] flat = new long[codes.length * q];
                for (int f = 0; f < codes.length; f++) {
                    if (codes[f].length != q) {
                        throw new IllegalArgumentException("reference frame " + f + " has " + codes[f].length + " codes, not " + q);
                    }
                    for (int k = 0; k < q; k++) {
                        flat[f * q + k] = codes[f][k];
                    }
                }
                put(zip, CODES_ENTRY, Npy.toBytes(flat, codes.length, q));
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * The cache key of a Base model's prompts: a prompt depends on the speaker encoder and codec
     * encoder weights (named here by the checkpoint's {@code config.json} hash, which the manifest
     * records), the speaker embedding size and this layout version.
     *
     * @param manifestJson the bundle's {@code manifest.json}
     * @param embeddingDim the speaker embedding size
     * @return a path-safe key such as {@code q3v1-base-1b7-3f2a9c01d4e5b6a7}
     * @throws IOException if the manifest cannot be read
     */
    public static String cacheKey(Path manifestJson, int embeddingDim) throws IOException {
        JsonNode root = JSON.readTree(manifestJson.toFile());
        JsonNode model = root.path("model");
        String source = model.path("source").path("config_sha256").asText("");
        if (source.isEmpty()) {
            // Exports without the hash: the manifest itself is the best available fingerprint.
            source = new String(Files.readAllBytes(manifestJson), StandardCharsets.UTF_8);
        }
        String digest;
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((source + "|" + embeddingDim + "|" + VERSION).getBytes(StandardCharsets.UTF_8));
            digest = java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        String type = model.path("type").asText("model").replaceAll("[^A-Za-z0-9]", "");
        String size = model.path("size").isTextual() ? "-" + model.path("size").asText().replaceAll("[^A-Za-z0-9]", "") : "";
        return "q3v" + VERSION + "-" + type + size + "-" + digest;
    }

    /**
     * Reads a prompt.
     *
     * @param file a {@code .q3v} file
     * @return the voice
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read or is not a valid voice file (the message says why)
     */
    public static Stored read(Path file) throws IOException {
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    /**
     * @param bytes a whole {@code .q3v} file
     * @param source a name for messages
     * @return the voice
     * @throws IOException if the bytes are not a valid voice file (the message says why)
     */
    public static Stored fromBytes(byte[] bytes, String source) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), readCapped(zip, source, e.getName()));
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(source + " is not a q3tts voice file (" + e.getMessage() + ")", e);
        }
        byte[] json = entries.get(JSON_ENTRY);
        if (json == null) {
            throw new IOException(source + " is not a q3tts voice file (no " + JSON_ENTRY + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IOException(source + ": " + JSON_ENTRY + " is not valid JSON", e);
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IOException(source + " is not a q3tts voice file (format is not '" + FORMAT + "')");
        }
        int version = root.path("format_version").asInt(-1);
        if (version != VERSION) {
            throw new IOException(source + " is a voice file of format version " + version + ", but this build reads version "
                    + VERSION + "; create the voice again with this build");
        }
        boolean xVectorOnly = root.path("x_vector_only").asBoolean();
        String refText = root.path("ref_text").isTextual() ? root.path("ref_text").asText() : null;
        int dim = root.path("speaker_embedding_dim").asInt(-1);
        float[] xvec;
        try (Npy n = npy(entries, EMBEDDING_ENTRY, source)) {
            if (n.dtype() != Npy.DType.F32 || n.rank() != 1 || n.size() != dim) {
                throw new IOException(source + ": " + EMBEDDING_ENTRY + " must be f32 [" + dim + "], got " + n);
            }
            xvec = n.toFloatArray();
        }
        int[][] codes = null;
        if (entries.containsKey(CODES_ENTRY)) {
            try (Npy n = npy(entries, CODES_ENTRY, source)) {
                int q = root.path("num_quantizers").asInt(16);
                if (n.dtype() != Npy.DType.I64 || n.rank() != 2 || n.dim(1) != q) {
                    throw new IOException(source + ": " + CODES_ENTRY + " must be i64 [F, " + q + "], got " + n);
                }
                int frames = (int) n.dim(0);
                codes = new int[frames][q];
                for (int f = 0; f < frames; f++) {
                    for (int k = 0; k < q; k++) {
                        long c = n.getLong((long) f * q + k);
                        if (c < 0 || c >= 2048) {
                            throw new IOException(source + ": reference code " + c + " in frame " + f + " is outside 0..2047");
                        }
                        codes[f][k] = (int) c;
                    }
                }
            }
        }
        if (!xVectorOnly && (codes == null || codes.length == 0 || refText == null || refText.isEmpty())) {
            throw new IOException(source + ": an ICL voice needs reference codes and a reference text");
        }
        JsonNode model = root.path("model");
        return new Stored(new VoiceClonePrompt(codes, xvec, xVectorOnly, refText), model.path("name").asText("?"),
                model.path("type").asText("?"), model.path("size").isTextual() ? model.path("size").asText() : null, dim,
                root.path("cache_key").isTextual() ? root.path("cache_key").asText() : null);
    }

    private static Npy npy(Map<String, byte[]> entries, String name, String source) throws IOException {
        byte[] b = entries.get(name);
        if (b == null) {
            throw new IOException(source + " is not a complete q3tts voice file (no " + name + ")");
        }
        return Npy.read(b, source + "!/" + name);
    }

    private static byte[] readCapped(InputStream in, String source, String name) throws IOException {
        byte[] b = in.readNBytes(MAX_ENTRY_BYTES + 1);
        if (b.length > MAX_ENTRY_BYTES) {
            throw new IOException(source + ": entry " + name + " is larger than " + (MAX_ENTRY_BYTES >> 20) + " MiB");
        }
        return b;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
