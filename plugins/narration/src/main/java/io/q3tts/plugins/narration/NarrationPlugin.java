package io.q3tts.plugins.narration;

import io.q3tts.lib.dsp.Pcm16;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.plugin.NavEntry;
import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.plugin.PluginContext;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Long-form narration: a plain-text or Markdown document, any length up to {@code max_chars}, spoken
 * chunk by chunk in one voice and returned as one WAV with a report (chunk timings, retries, chapter
 * marks). Configuration keys: {@code max_chars} (200000), {@code max_chunk_chars} (300),
 * {@code chars_per_second} (15), {@code runaway_ratio} (3), {@code target_lufs} (-16).
 */
public final class NarrationPlugin implements TaskPlugin {

    /** Prefix of a saved voice in the {@code voice} field; anything else is a preset speaker key. */
    static final String SAVED_PREFIX = "saved:";

    private volatile PluginContext context;
    private volatile Chunker chunker = new Chunker(Chunker.DEFAULT_MAX_CHUNK_CHARS);
    private volatile Narrator.Settings settings = Narrator.Settings.defaults();
    private volatile int maxChars = 200_000;

    /** Created by the host through {@code ServiceLoader}. */
    public NarrationPlugin() {
    }

    @Override
    public String id() {
        return "narration";
    }

    @Override
    public String title() {
        return "Narration";
    }

    @Override
    public String description() {
        return "Narrate a long text or Markdown document in one voice, with chapters and even loudness.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
        Map<String, String> config = pluginContext.config();
        maxChars = (int) number(config, "max_chars", 200_000);
        chunker = new Chunker((int) number(config, "max_chunk_chars", Chunker.DEFAULT_MAX_CHUNK_CHARS));
        Narrator.Settings d = Narrator.Settings.defaults();
        settings = new Narrator.Settings(d.sentenceGap(), d.paragraphGap(), d.headingGap(), d.crossfade(),
                number(config, "chars_per_second", d.charsPerSecond()), number(config, "runaway_ratio", d.runawayRatio()),
                number(config, "target_lufs", d.targetLufs()));
    }

    private static double number(Map<String, String> config, String key, double fallback) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("narration config " + key + " must be a number: " + v, e);
        }
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.post("/render", this::render)
                        .withSummary("Narrate a document (JSON or multipart fields: text (or a .txt/.md file part), "
                                + "format markdown|text, voice (preset speaker or saved:<id>), language?, model?, seed?, "
                                + "seed_policy fixed|per_chunk?, target_lufs?, max_new_tokens?); returns the report with the WAV as base64"),
                RouteSpec.post("/chunks", request -> WebResponse.json(chunkReport(document(request))))
                        .withSummary("Preview the chunking only (fields: text, format); no synthesis"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("narration/page.jte", new NavEntry(title(), "/", "book"), 150,
                request -> Map.of("maxChars", maxChars, "maxChunkChars", chunker.maxChunkChars())));
    }

    private NarrationDocument document(WebRequest request) {
        String text = text(request);
        if (text.length() > maxChars) {
            throw new InvalidArgumentException(Chunker.FIELD, "text is " + text.length() + " characters; at most "
                    + maxChars + " are narrated in one request. Split the document.");
        }
        return chunker.chunk(text, markdown(request));
    }

    private static boolean markdown(WebRequest request) {
        String format = request.optionalString("format").orElse("text").strip().toLowerCase(Locale.ROOT);
        return switch (format) {
            case "markdown", "md" -> true;
            case "text", "txt", "plain", "" -> false;
            default -> throw new InvalidArgumentException("format", "format must be markdown or text; got '" + format + "'.");
        };
    }

    /** @return the document from a file part or a text field, strictly UTF-8 */
    private static String text(WebRequest request) {
        Optional<Part> part = request.part(Chunker.FIELD).filter(Part::isFile);
        if (part.isEmpty()) {
            return request.optionalString(Chunker.FIELD).orElse("");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(part.get().content())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidArgumentException(Chunker.FIELD, "text file is not UTF-8 text (binary or another encoding).");
        }
    }

    private WebResponse render(WebRequest request) {
        NarrationDocument document = document(request);
        String voice = request.requireString("voice").strip();
        String language = request.optionalString("language").orElse(null);
        String model = request.optionalString("model").orElse(null);
        long seed = request.optionalDouble("seed").map(Double::longValue).orElseGet(() -> new SecureRandom().nextLong() >>> 33);
        Narrator.SeedPolicy policy = switch (request.optionalString("seed_policy").orElse("fixed").strip().toLowerCase(Locale.ROOT)) {
            case "fixed", "" -> Narrator.SeedPolicy.FIXED;
            case "per_chunk" -> Narrator.SeedPolicy.PER_CHUNK;
            default -> throw new InvalidArgumentException("seed_policy", "seed_policy must be fixed or per_chunk.");
        };
        double target = request.optionalDouble("target_lufs").orElse(settings.targetLufs());
        if (!(target >= -70 && target <= -5)) {
            throw new InvalidArgumentException("target_lufs", "target_lufs must be between -70 and -5; got " + target + ".");
        }
        String saved = voice.regionMatches(true, 0, SAVED_PREFIX, 0, SAVED_PREFIX.length())
                ? voice.substring(SAVED_PREFIX.length()).strip() : null;
        if (saved != null) {
            // Validates the id before any synthesis, so a malformed one fails as a 400 naming "voice".
            new CloneVoice.SavedVoice(saved);
        }
        Integer maxNewTokens = request.optionalInt("max_new_tokens").orElse(null);
        // Built once up front so a bad value fails as a 400 naming the field before any chunk is spoken.
        GenerationOptions.builder().maxNewTokens(maxNewTokens).build();
        Narrator.Voice speaker = (text, chunkSeed) -> speak(request, text,
                GenerationOptions.builder().seed(chunkSeed).maxNewTokens(maxNewTokens).build(), voice, saved, language, model);
        Narrator.Result result = new Narrator(settings.withTarget(target))
                .render(document, speaker, seed, policy, request.cancellation());
        Map<String, Object> report = report(result, seed, policy, target);
        report.put("media_type", AudioFormat.WAV.mediaType());
        report.put("audio_base64", Base64.getEncoder().encodeToString(Pcm16.wav(result.samples(), Narrator.SAMPLE_RATE)));
        return WebResponse.json(report);
    }

    private Narrator.Speech speak(WebRequest request, String text, GenerationOptions options, String voice, String saved,
                                  String language, String model) {
        SynthesisOutcome outcome;
        if (saved != null) {
            outcome = context.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(
                    new SynthesizeVoiceCloneCommand(model, text, language, new CloneVoice.SavedVoice(saved), options,
                            AudioFormat.PCM), JobListener.NONE, request.cancellation());
        } else {
            outcome = context.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                    new SynthesizeCustomVoiceCommand(model, text, language, voice, null, options, AudioFormat.PCM),
                    JobListener.NONE, request.cancellation());
        }
        return new Narrator.Speech(Pcm16.decode(outcome.audio().bytes()), outcome.audio().sampleRate(),
                outcome.output().id());
    }

    private static Map<String, Object> chunkReport(NarrationDocument document) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (Chunk c : document.chunks()) {
            chunks.add(chunkJson(c));
        }
        out.put("chunks", chunks);
        out.put("chapters", document.chapters().stream().map(ch -> chapterJson(ch, null)).toList());
        return out;
    }

    private static Map<String, Object> chunkJson(Chunk c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", c.index());
        m.put("text", c.text());
        m.put("chapter", c.chapter());
        m.put("heading", c.heading());
        m.put("pause_after", c.pauseAfter().name().toLowerCase(Locale.ROOT));
        return m;
    }

    private static Map<String, Object> chapterJson(Chapter ch, Double start) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", ch.number());
        m.put("title", ch.title());
        m.put("level", ch.level());
        m.put("chunk", ch.firstChunk());
        if (start != null) {
            m.put("start", round(start));
        }
        return m;
    }

    static Map<String, Object> report(Narrator.Result result, long seed, Narrator.SeedPolicy policy, double target) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sample_rate", Narrator.SAMPLE_RATE);
        out.put("duration_seconds", round(result.durationSeconds()));
        out.put("seed", seed);
        out.put("seed_policy", policy.name().toLowerCase(Locale.ROOT));
        Map<String, Object> loudness = new LinkedHashMap<>();
        loudness.put("target_lufs", target);
        loudness.put("measured_lufs", finite(result.measuredLufs()));
        loudness.put("final_lufs", finite(result.finalLufs()));
        loudness.put("gain_db", round(result.gainDb()));
        loudness.put("peak_limited", result.peakLimited());
        out.put("loudness", loudness);
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (Narrator.ChunkResult r : result.chunks()) {
            Map<String, Object> m = chunkJson(r.chunk());
            m.put("start", round(r.start()));
            m.put("end", round(r.end()));
            m.put("seed", r.seed());
            m.put("retries", r.retries());
            m.put("runaway", r.runaway());
            m.put("output_id", r.outputId());
            chunks.add(m);
        }
        out.put("chunks", chunks);
        out.put("chapters", result.chapters().stream().map(c -> chapterJson(c.chapter(), c.start())).toList());
        out.put("warnings", result.chunks().stream().filter(Narrator.ChunkResult::runaway)
                .map(r -> "chunk " + r.chunk().index() + " is still much longer than expected after a retry; listen to it.")
                .toList());
        return out;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? round(v) : null;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
