package io.q3tts.adapters.inference.onnx.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.ports.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed and validated {@code manifest.json} of a bundle (format versions 1 and 2; see
 * {@code docs/model-bundle.md}). Version 2 graphs take a batch dimension and an attention mask;
 * a version-1 bundle still loads and generates one sequence at a time.
 *
 * <p>Immutable and thread-safe. Dimensions are not read from here: the engine takes them from the
 * tables and graphs themselves, which cannot disagree with the weights.
 *
 * @param name the model name
 * @param type the checkpoint kind
 * @param size {@code 0b6}, {@code 1b7}, or null for the codec
 * @param randomWeights whether the weights are random (demo bundles)
 * @param tasks the tasks the exporter declared
 * @param precision {@code fp32} or {@code fp16} (the talker)
 * @param text special text token ids; null for the codec
 * @param speakers preset speakers (CustomVoice), in manifest order
 * @param languages language key to codec id, dialect keys included
 * @param supportedLanguages the languages a request may name ({@code auto} first, no dialects)
 * @param instructSupported whether an instruct is used (false for 0.6B CustomVoice)
 * @param generation the checkpoint's generation defaults; null for the codec
 * @param codecTokens the talker's special codec ids
 * @param graphs file name per graph present
 * @param graphPrecision precision per graph present ({@code fp32} unless the manifest says otherwise)
 * @param tables file name per table key ({@code text_embedding}, {@code codec_embedding}, {@code cp_embeddings})
 * @param codec the raw {@code codec} section
 * @param speakerEncoder the raw speaker-encoder section, or null
 * @param version the bundle format version (1 or 2)
 * @param maxBatch the largest batch the bundle advertises ({@code batch.max_batch}; 1 for version 1)
 */
public record Manifest(
        String name,
        ModelType type,
        String size,
        boolean randomWeights,
        List<String> tasks,
        String precision,
        TextTokens text,
        List<Speaker> speakers,
        Map<String, Integer> languages,
        List<String> supportedLanguages,
        boolean instructSupported,
        GenerationDefaults generation,
        CodecTokens codecTokens,
        Map<GraphKind, String> graphs,
        Map<GraphKind, String> graphPrecision,
        Map<String, String> tables,
        JsonNode codec,
        JsonNode speakerEncoder,
        int version,
        int maxBatch) {

    /** The newest bundle format version this build reads (and {@code tools/export} writes). */
    public static final int SUPPORTED_VERSION = 2;

    /** The oldest bundle format version this build still reads (batch 1 only). */
    public static final int OLDEST_VERSION = 1;

    /** The manifest's file name. */
    public static final String FILE = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Special text token ids.
     *
     * @param imStart {@code <|im_start|>}
     * @param imEnd {@code <|im_end|>}
     * @param assistant {@code assistant}
     * @param newline {@code \n}
     * @param ttsPad {@code <tts_pad>}
     * @param ttsBos {@code <tts_text_bos>}
     * @param ttsEos {@code <tts_text_eod>}
     */
    public record TextTokens(int imStart, int imEnd, int assistant, int newline, int ttsPad, int ttsBos, int ttsEos) { }

    /**
     * A preset speaker.
     *
     * @param name lower-case key
     * @param codecId the codec-embedding row of its speaker vector
     * @param dialect the dialect language key that overrides Chinese/auto, or null
     */
    public record Speaker(String name, int codecId, String dialect) { }

    /**
     * The talker's special codec ids (the official checkpoints all use the defaults).
     *
     * @param pad codec pad
     * @param bos codec bos
     * @param eos codec end of speech
     * @param think think
     * @param nothink nothink (language {@code auto})
     * @param thinkBos think bos
     * @param thinkEos think eos
     */
    public record CodecTokens(int pad, int bos, int eos, int think, int nothink, int thinkBos, int thinkEos) {
        /** @return the ids of every released checkpoint */
        public static CodecTokens defaults() {
            return new CodecTokens(2148, 2149, 2150, 2154, 2155, 2156, 2157);
        }
    }

    /**
     * Generation defaults of the checkpoint ({@code generation_config.json} merged with the wrapper's
     * hard defaults by the exporter).
     *
     * @param doSample talker sampling
     * @param topK talker top-k
     * @param topP talker top-p
     * @param temperature talker temperature
     * @param repetitionPenalty codebook-0 repetition penalty
     * @param subtalkerDoSample code-predictor sampling
     * @param subtalkerTopK code-predictor top-k
     * @param subtalkerTopP code-predictor top-p
     * @param subtalkerTemperature code-predictor temperature
     * @param maxNewTokens generation cap
     * @param minNewTokens EOS is masked until this many tokens exist
     * @param suppressFrom first suppressed codec id (inclusive)
     * @param suppressTo end of the suppressed range (exclusive); EOS is exempt
     */
    public record GenerationDefaults(boolean doSample, int topK, double topP, double temperature,
                                     double repetitionPenalty, boolean subtalkerDoSample, int subtalkerTopK,
                                     double subtalkerTopP, double subtalkerTemperature, int maxNewTokens,
                                     int minNewTokens, int suppressFrom, int suppressTo) { }

    /**
     * Reads and validates {@code dir/manifest.json}.
     *
     * @param dir the bundle folder
     * @return the manifest
     * @throws ModelException naming the folder and what is wrong
     */
    public static Manifest read(Path dir) {
        if (!Files.exists(dir)) {
            throw new ModelException("Model bundle folder not found: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelException("A model bundle must be a folder, but " + dir + " is a file");
        }
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelException(dir + " is not a q3tts model bundle: " + FILE
                    + " is missing (export one with tools/export)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(file + " is not a JSON object");
        }
        return parse(root, file);
    }

    static Manifest parse(JsonNode root, Path file) {
        JsonNode version = root.get("bundle_version");
        if (version == null || !version.canConvertToInt()) {
            throw new ModelException(file + " has no bundle_version; re-export with tools/export");
        }
        if (version.asInt() < OLDEST_VERSION || version.asInt() > SUPPORTED_VERSION) {
            throw new ModelException("bundle version " + version.asText() + " is not supported by this q3tts (supports "
                    + OLDEST_VERSION + " to " + SUPPORTED_VERSION + "); re-export with tools/export");
        }
        int bundleVersion = version.asInt();
        int maxBatch = bundleVersion < 2 ? 1 : Math.max(1, root.path("batch").path("max_batch").asInt(1));
        JsonNode model = require(root, "model", file);
        String typeKey = requireText(model, "type", file);
        ModelType type = ModelType.fromKey(typeKey);
        if (type == null) {
            throw new ModelException(file + ": unknown model type '" + typeKey
                    + "'; expected custom_voice, voice_design, base or codec");
        }
        String name = model.path("name").asText(file.getParent().getFileName().toString());
        String size = model.hasNonNull("size") ? model.get("size").asText() : null;
        boolean random = model.path("random_weights").asBoolean(false);
        List<String> tasks = strings(root.path("tasks"));
        String precision = root.path("precision").asText("fp32");

        TextTokens text = null;
        GenerationDefaults generation = null;
        List<Speaker> speakers = List.of();
        Map<String, Integer> languages = Map.of();
        List<String> supported = List.of();
        Map<GraphKind, String> graphs = new EnumMap<>(GraphKind.class);
        Map<GraphKind, String> graphPrecision = new EnumMap<>(GraphKind.class);
        Map<String, String> tables = new LinkedHashMap<>();
        JsonNode speakerEncoder = null;

        if (type.isTts()) {
            JsonNode t = require(root, "text", file);
            text = new TextTokens(
                    intOf(t, "im_start", file), intOf(t, "im_end", file), t.path("assistant").asInt(77091),
                    t.path("newline").asInt(198), intOf(t, "tts_pad", file), intOf(t, "tts_bos", file),
                    intOf(t, "tts_eos", file));
            List<Speaker> sp = new ArrayList<>();
            for (JsonNode s : root.path("speakers")) {
                JsonNode d = s.get("dialect");
                String dialect = (d == null || d.isNull() || (d.isBoolean() && !d.asBoolean())) ? null : d.asText();
                sp.add(new Speaker(requireText(s, "name", file).toLowerCase(Locale.ROOT), intOf(s, "codec_id", file), dialect));
            }
            speakers = List.copyOf(sp);
            Map<String, Integer> langs = new LinkedHashMap<>();
            root.path("languages").properties().forEach(e -> langs.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asInt()));
            languages = Collections.unmodifiableMap(langs);
            if (root.has("supported_languages")) {
                supported = strings(root.get("supported_languages")).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
            } else {
                List<String> s = new ArrayList<>();
                s.add("auto");
                langs.keySet().stream().filter(k -> !k.contains("dialect")).forEach(s::add);
                supported = List.copyOf(s);
            }
            JsonNode g = require(root, "generation", file);
            JsonNode range = g.path("suppress_range");
            generation = new GenerationDefaults(
                    g.path("do_sample").asBoolean(true), g.path("top_k").asInt(50), g.path("top_p").asDouble(1.0),
                    g.path("temperature").asDouble(0.9), g.path("repetition_penalty").asDouble(1.05),
                    g.path("subtalker_dosample").asBoolean(true), g.path("subtalker_top_k").asInt(50),
                    g.path("subtalker_top_p").asDouble(1.0), g.path("subtalker_temperature").asDouble(0.9),
                    g.path("max_new_tokens").asInt(2048), g.path("min_new_tokens").asInt(2),
                    range.isArray() && range.size() == 2 ? range.get(0).asInt() : 2048,
                    range.isArray() && range.size() == 2 ? range.get(1).asInt() : 3072);

            JsonNode talker = require(root, "talker", file);
            JsonNode tg = talker.path("graphs");
            putGraph(graphs, graphPrecision, GraphKind.TEXT_PROJECTION, tg.path("text_projection"), precision);
            putGraph(graphs, graphPrecision, GraphKind.TALKER, tg.path("talker"), precision);
            putGraph(graphs, graphPrecision, GraphKind.TALKER_STATIC, tg.path("talker_static"), precision);
            putGraph(graphs, graphPrecision, GraphKind.CODE_PREDICTOR_STEP, tg.path("code_predictor_step"), "fp32");
            putGraph(graphs, graphPrecision, GraphKind.CODE_PREDICTOR_FRAME, tg.path("code_predictor_frame"), "fp32");
            JsonNode tt = talker.path("tables");
            for (String key : List.of("text_embedding", "codec_embedding", "cp_embeddings")) {
                tables.put(key, tt.path(key).path("file").asText(key + ".npy"));
            }
            if (type == ModelType.BASE) {
                JsonNode se = root.path("speaker_encoder");
                speakerEncoder = se.has("speaker_encoder") ? se.get("speaker_encoder") : se;
                if (speakerEncoder.isMissingNode()) {
                    throw new ModelException(file + ": a base bundle needs a speaker_encoder section; re-export with tools/export");
                }
                graphs.put(GraphKind.SPEAKER_ENCODER, speakerEncoder.path("graph").asText(GraphKind.SPEAKER_ENCODER.defaultFile()));
                graphPrecision.put(GraphKind.SPEAKER_ENCODER, "fp32");
            }
        }
        JsonNode codec = require(root, "codec", file);
        putGraph(graphs, graphPrecision, GraphKind.CODEC_DECODER, codec.path("decoder"), "fp32");
        putGraph(graphs, graphPrecision, GraphKind.CODEC_DECODER_STREAM, codec.path("decoder_stream"), "fp32");
        putGraph(graphs, graphPrecision, GraphKind.CODEC_ENCODER, codec.path("encoder"), "fp32");

        CodecTokens codecTokens = CodecTokens.defaults();
        JsonNode ct = root.path("talker").path("codec_tokens");
        if (ct.isObject()) {
            CodecTokens d = codecTokens;
            codecTokens = new CodecTokens(ct.path("pad").asInt(d.pad()), ct.path("bos").asInt(d.bos()),
                    ct.path("eos").asInt(d.eos()), ct.path("think").asInt(d.think()), ct.path("nothink").asInt(d.nothink()),
                    ct.path("think_bos").asInt(d.thinkBos()), ct.path("think_eos").asInt(d.thinkEos()));
        }
        return new Manifest(name, type, size, random, tasks, precision, text, speakers, languages, supported,
                root.path("instruct_supported").asBoolean(true), generation, codecTokens,
                Collections.unmodifiableMap(graphs), Collections.unmodifiableMap(graphPrecision),
                Collections.unmodifiableMap(tables), codec, speakerEncoder, bundleVersion, maxBatch);
    }

    /**
     * @param name a speaker key, any case
     * @return the preset speaker
     */
    public Optional<Speaker> speaker(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.toLowerCase(Locale.ROOT);
        return speakers.stream().filter(s -> s.name().equals(key)).findFirst();
    }

    /** @return the codec section's samples per frame (1920) */
    public int samplesPerFrame() {
        return codec.path("samples_per_frame").asInt(1920);
    }

    /** @return the codec's output sample rate (24000) */
    public int sampleRate() {
        return codec.path("output_sample_rate").asInt(24000);
    }

    /** @return whether the talker graph is stored in fp16 */
    public boolean fp16Talker() {
        return "fp16".equals(graphPrecision.get(GraphKind.TALKER));
    }

    private static void putGraph(Map<GraphKind, String> graphs, Map<GraphKind, String> precision, GraphKind kind,
                                 JsonNode node, String defaultPrecision) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        graphs.put(kind, node.path("file").asText(kind.defaultFile()));
        precision.put(kind, node.path("precision").asText(defaultPrecision));
    }

    private static JsonNode require(JsonNode node, String key, Path file) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new ModelException(file + " lacks '" + key + "'; re-export the bundle with tools/export");
        }
        return v;
    }

    private static String requireText(JsonNode node, String key, Path file) {
        return require(node, key, file).asText();
    }

    private static int intOf(JsonNode node, String key, Path file) {
        JsonNode v = require(node, key, file);
        if (!v.canConvertToInt()) {
            throw new ModelException(file + ": '" + key + "' must be an integer");
        }
        return v.asInt();
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return List.copyOf(out);
    }
}
