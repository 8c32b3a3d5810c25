package io.q3tts.plugins.narration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.lib.dsp.Pcm16;
import io.q3tts.lib.text.TextDecoder;
import io.q3tts.ports.in.pipeline.PipelineContext;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.pipeline.PipelineWork;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.plugin.PipelineSupport;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.plugin.NavEntry;
import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.plugin.PluginContext;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Long-form narration: a plain-text or Markdown document, any length up to {@code max_chars}, spoken
 * chunk by chunk in one voice as a pipeline job (progress per chunk, cancellation, resume from the
 * chunks already spoken) and stored as one output: the track, each chunk's audio and a report (chunk
 * timings, retries, chapter marks, loudness). Configuration keys: {@code max_chars} (200000), {@code max_chunk_chars} (300),
 * {@code chars_per_second} (15), {@code runaway_ratio} (3), {@code target_lufs} (-16).
 */
public final class NarrationPlugin implements TaskPlugin {

    /** Prefix of a saved voice in the {@code voice} field; anything else is a preset speaker key. */
    static final String SAVED_PREFIX = "saved:";

    /** The shortest previous take used as in-context reference (the voice library's minimum is 1 s). */
    static final int MIN_CONTEXT_SECONDS = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

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
        pluginContext.useCase(PipelineJobsUseCase.class).registerPipeline(id(), this::prepare);
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
                RouteSpec.post("/jobs", this::submit)
                        .withSummary("Narrate a document as a pipeline job (JSON or multipart fields: text (or a .txt/.md file "
                                + "part), encoding? (of the file; detected if absent), format markdown|text, gutenberg "
                                + "skip|keep?, ruby base|reading?, voice (preset speaker or saved:<id>), language?, model?, seed?, "
                                + "seed_policy fixed|per_chunk?, target_lufs?, max_new_tokens?, non_streaming_mode? (default true), "
                                + "context none|previous_chunk?); answers 202 with the job; the "
                                + "output has the track, chunks/NNNN.wav and report.json"),
                RouteSpec.post("/chunks", this::preview)
                        .withSummary("Preview only (fields: text or a file part, encoding?, format, gutenberg?, ruby?); no "
                                + "synthesis: the encoding used, each chunk's exact text to be spoken, chapters and what is "
                                + "left out (code, licence, notes) with reasons"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("narration/page.jte", new NavEntry(title(), "/", "book"), 150,
                request -> Map.of("maxChars", maxChars, "maxChunkChars", chunker.maxChunkChars())));
    }

    private NarrationDocument document(String text, Chunker.Options options) {
        if (text.length() > maxChars) {
            throw new InvalidArgumentException(Chunker.FIELD, "text is " + text.length() + " characters; at most "
                    + maxChars + " are narrated in one request. Split the document.");
        }
        return chunker.chunk(text, options);
    }

    private WebResponse preview(WebRequest request) {
        Input input = text(request);
        Map<String, Object> out = chunkReport(document(input.text(), options(request)));
        out.put("encoding", input.encoding());
        out.put("warnings", input.warnings());
        if (input.fromFile()) {
            // The page shows and edits the decoded text, so a file in any encoding is read by the server, not the browser.
            out.put("decoded_text", input.text());
        }
        return WebResponse.json(out);
    }

    private static Chunker.Options options(WebRequest request) {
        return new Chunker.Options(markdown(request.optionalString("format").orElse("text")),
                keepGutenberg(request.optionalString("gutenberg").orElse("skip")), ruby(request.optionalString("ruby").orElse("base")));
    }

    private static boolean keepGutenberg(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "skip", "" -> false;
            case "keep" -> true;
            default -> throw new InvalidArgumentException("gutenberg", "gutenberg must be skip (leave out the Project "
                    + "Gutenberg header and licence) or keep; got '" + shorten(value) + "'.");
        };
    }

    private static Ruby ruby(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "base", "" -> Ruby.BASE;
            case "reading" -> Ruby.READING;
            default -> throw new InvalidArgumentException("ruby", "ruby must be base (read the text under Aozora ruby) or "
                    + "reading (read the ruby instead); got '" + shorten(value) + "'.");
        };
    }

    private static String shorten(String s) {
        String t = s.strip();
        return t.length() <= 40 ? t : t.substring(0, 37) + "...";
    }

    private static boolean markdown(String value) {
        String format = value.strip().toLowerCase(Locale.ROOT);
        return switch (format) {
            case "markdown", "md" -> true;
            case "text", "txt", "plain", "" -> false;
            default -> throw new InvalidArgumentException("format", "format must be markdown or text; got '" + format + "'.");
        };
    }

    /**
     * The document and how it was decoded.
     *
     * @param text the text
     * @param encoding the encoding it was read in ({@code UTF-8} for a text field)
     * @param warnings what the decoder wants a user to know (a guessed code page, replaced bytes)
     * @param fromFile whether it came as a file (decoded here) rather than as a text field
     */
    private record Input(String text, String encoding, List<String> warnings, boolean fromFile) {
    }

    /**
     * @return the document from a file part (any byte-order mark, UTF-8, a named {@code encoding} or a detected
     *     code page) or a text field (already UTF-8)
     */
    private static Input text(WebRequest request) {
        Optional<Part> part = request.part(Chunker.FIELD).filter(Part::isFile);
        if (part.isEmpty()) {
            return new Input(request.optionalString(Chunker.FIELD).orElse(""), "UTF-8", List.of(), false);
        }
        TextDecoder.Decoded d;
        try {
            d = TextDecoder.decode(part.get().content(), request.optionalString("encoding").orElse(null));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("encoding", e.getMessage());
        }
        return new Input(d.text(), d.encoding(), d.warnings(), true);
    }

    /** Turns the HTTP request into the self-contained payload a run (and its resume) is made from. */
    private WebResponse submit(WebRequest request) {
        ObjectNode p = JSON.createObjectNode();
        Chunker.Options options = options(request);
        p.put("text", text(request).text());
        p.put("markdown", options.markdown());
        p.put("keep_gutenberg", options.keepGutenberg());
        p.put("ruby", options.ruby().name().toLowerCase(Locale.ROOT));
        p.put("voice", request.optionalString("voice").orElse(""));
        request.optionalString("language").ifPresent(v -> p.put("language", v));
        request.optionalString("model").filter(v -> !v.isBlank()).ifPresent(v -> p.put("model", v));
        p.put("seed", request.optionalDouble("seed").map(Double::longValue).orElseGet(() -> new SecureRandom().nextLong() >>> 33));
        p.put("seed_policy", request.optionalString("seed_policy").orElse("fixed"));
        p.put("target_lufs", request.optionalDouble("target_lufs").orElse(settings.targetLufs()));
        request.optionalInt("max_new_tokens").ifPresent(v -> p.put("max_new_tokens", v));
        request.optionalBoolean("non_streaming_mode").ifPresent(v -> p.put("non_streaming_mode", v));
        request.optionalString("context").ifPresent(v -> p.put("context", v));
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(p);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        return PipelineSupport.accepted(context.useCase(PipelineJobsUseCase.class).submitPipeline(id(), payload));
    }

    /** Validates a payload (at submission and again on resume) and plans the run. */
    private PipelineWork prepare(byte[] payload) {
        JsonNode p;
        try {
            p = JSON.readTree(payload);
        } catch (java.io.IOException e) {
            throw new InvalidArgumentException("body", "The narration request is not valid JSON.");
        }
        NarrationDocument document = document(p.path("text").asText(""), new Chunker.Options(p.path("markdown").asBoolean(false),
                p.path("keep_gutenberg").asBoolean(false), ruby(p.path("ruby").asText("base"))));
        String voice = p.path("voice").asText("").strip();
        if (voice.isEmpty()) {
            throw new InvalidArgumentException("voice", "voice is required: a preset speaker (e.g. ryan) or saved:<voice id>.");
        }
        String language = p.hasNonNull("language") ? p.get("language").asText() : null;
        String model = p.hasNonNull("model") ? p.get("model").asText() : null;
        long seed = p.path("seed").asLong(0);
        Narrator.SeedPolicy policy = switch (p.path("seed_policy").asText("fixed").strip().toLowerCase(Locale.ROOT)) {
            case "fixed", "" -> Narrator.SeedPolicy.FIXED;
            case "per_chunk" -> Narrator.SeedPolicy.PER_CHUNK;
            default -> throw new InvalidArgumentException("seed_policy", "seed_policy must be fixed or per_chunk.");
        };
        double target = p.path("target_lufs").asDouble(settings.targetLufs());
        if (!(target >= -70 && target <= -5)) {
            throw new InvalidArgumentException("target_lufs", "target_lufs must be between -70 and -5; got " + target + ".");
        }
        String saved = voice.regionMatches(true, 0, SAVED_PREFIX, 0, SAVED_PREFIX.length())
                ? voice.substring(SAVED_PREFIX.length()).strip() : null;
        if (saved != null) {
            // Validates the id before any synthesis, so a malformed one fails as a 400 naming "voice".
            new CloneVoice.SavedVoice(saved);
        }
        checkVoice(voice, saved, model);
        Integer maxNewTokens = p.hasNonNull("max_new_tokens") ? p.get("max_new_tokens").asInt() : null;
        // Built once up front so a bad value fails as a 400 naming the field before any chunk is spoken.
        GenerationOptions.builder().maxNewTokens(maxNewTokens).build();
        // Non-streaming by default: the streaming layout speeds up through long clones (QwenLM/Qwen3-TTS#239).
        boolean nonStreaming = !p.hasNonNull("non_streaming_mode") || p.get("non_streaming_mode").asBoolean();
        boolean previousContext = switch (p.path("context").asText("none").strip().toLowerCase(Locale.ROOT)) {
            case "none", "" -> false;
            case "previous_chunk" -> true;
            default -> throw new InvalidArgumentException("context", "context must be none or previous_chunk.");
        };
        if (previousContext && saved == null) {
            throw new InvalidArgumentException("context", "context=previous_chunk clones each chunk from the one before it,"
                    + " which needs a saved voice (voice saved:<id>) and a Base model; preset speakers have no"
                    + " in-context cloning.");
        }
        return new Run(document, voice, saved, language, model, seed, policy, target, maxNewTokens, nonStreaming,
                previousContext);
    }

    /**
     * Refuses (400 naming {@code voice}) a voice that no chunk could be spoken with, before anything is
     * spoken: a saved voice that does not exist, a {@code design:} voice (narration has none: a designed
     * voice must be saved first), or a preset speaker that no installed CustomVoice model (the one named
     * by {@code model}, if any) offers. As part of {@link #prepare} it runs at submission and again on
     * resume, so a voice deleted in between is refused there too. A lookup the host does not offer is
     * skipped (the step then reports the problem).
     */
    private void checkVoice(String voice, String saved, String model) {
        if (saved != null) {
            Optional<GetVoiceUseCase> voices = context.findUseCase(GetVoiceUseCase.class);
            if (voices.isPresent()) {
                try {
                    voices.get().getVoice(saved);
                } catch (NotFoundException e) {
                    throw new InvalidArgumentException("voice", "The saved voice '" + saved
                            + "' does not exist (deleted, or never saved); choose another voice.");
                }
            }
            return;
        }
        if (voice.regionMatches(true, 0, "design:", 0, "design:".length())) {
            throw new InvalidArgumentException("voice", "Narration speaks with a preset speaker or a saved voice, not a "
                    + "design: voice; design the voice on Voice design, save it, and use saved:<voice id>.");
        }
        Optional<ListModelsUseCase> list = context.findUseCase(ListModelsUseCase.class);
        if (list.isEmpty()) {
            return;
        }
        List<ModelView> custom = list.get().listModels().stream()
                .filter(m -> m.tasks().contains(ModelTask.CUSTOM_VOICE) && (model == null || m.id().equals(model))).toList();
        if (custom.isEmpty()) {
            // The model resolver names the problem ("model", or no CustomVoice model installed).
            return;
        }
        Set<String> known = new LinkedHashSet<>();
        custom.forEach(m -> m.speakers().forEach(sp -> known.add(sp.toLowerCase(Locale.ROOT))));
        if (!known.isEmpty() && !known.contains(voice.toLowerCase(Locale.ROOT))) {
            throw new InvalidArgumentException("voice", "There is no preset speaker '" + voice + "'"
                    + (model == null ? "" : " in model '" + model + "'") + "; the preset speakers are "
                    + String.join(", ", known) + ", or use saved:<voice id> for a saved voice.");
        }
    }

    /** One narration: the chunked document and its settings. */
    private final class Run implements PipelineWork {
        private final NarrationDocument document;
        private final String voice;
        private final String saved;
        private final String language;
        private final String model;
        private final long seed;
        private final Narrator.SeedPolicy policy;
        private final double target;
        private final Integer maxNewTokens;
        private final boolean nonStreaming;
        private final boolean previousContext;

        Run(NarrationDocument document, String voice, String saved, String language, String model, long seed,
            Narrator.SeedPolicy policy, double target, Integer maxNewTokens, boolean nonStreaming, boolean previousContext) {
            this.nonStreaming = nonStreaming;
            this.previousContext = previousContext;
            this.document = document;
            this.voice = voice;
            this.saved = saved;
            this.language = language;
            this.model = model;
            this.seed = seed;
            this.policy = policy;
            this.target = target;
            this.maxNewTokens = maxNewTokens;
        }

        @Override
        public String summary() {
            String first = document.chunks().isEmpty() ? "" : document.chunks().get(0).text();
            return "Narration, " + document.chunks().size() + " chunks: " + first;
        }

        @Override
        public ModelTask task() {
            return saved != null ? ModelTask.VOICE_CLONE : ModelTask.CUSTOM_VOICE;
        }

        @Override
        public String modelId() {
            return model;
        }

        @Override
        public PipelineOutput run(PipelineContext ctx) {
            int total = document.chunks().size();
            String[] usedModel = {model};
            boolean[] randomWeights = {false};
            int[] frames = {0};
            Narrator.Voice speaker = new Narrator.Voice() {
                @Override
                public Narrator.Speech speak(String text, long chunkSeed) {
                    return speak(text, chunkSeed, null);
                }

                @Override
                public Narrator.Speech speak(String text, long chunkSeed, Narrator.Previous previous) {
                    CloneVoice.UploadedReference reference = previousChunkReference(previous);
                    // The take depends on the reference too, so a continued chunk is keyed by the one before it.
                    String key = PipelineSupport.checkpointKey("take", text, Long.toString(chunkSeed), voice,
                            reference == null ? "" : previous.text() + "\u0000"
                                    + java.util.Arrays.hashCode(previous.speech().samples()));
                    Optional<byte[]> done = ctx.checkpoint(key);
                    if (done.isPresent()) {
                        return new Narrator.Speech(Pcm16.fromWav(done.get()), Pcm16.sampleRate(done.get()), null);
                    }
                    GenerationOptions options = GenerationOptions.builder().seed(chunkSeed).maxNewTokens(maxNewTokens)
                            .streamingText(!nonStreaming).build();
                    SynthesisOutcome outcome = PipelineSupport.step(context, () -> Run.this.speak(text, options, reference, ctx),
                            ctx.cancellation());
                    synchronized (frames) {
                        usedModel[0] = outcome.output().modelId();
                        randomWeights[0] = outcome.output().randomWeights();
                        frames[0] += outcome.output().frames();
                    }
                    float[] samples = Pcm16.decode(outcome.audio().bytes());
                    ctx.saveCheckpoint(key, Pcm16.wav(samples, outcome.audio().sampleRate()));
                    return new Narrator.Speech(samples, outcome.audio().sampleRate(), null);
                }
            };
            if (!previousContext) {
                // Each chunk's first take is independent of the others: spoken first as steps submitted together,
                // so that the GPU can batch them. Each checkpoints itself; the render below reads them back (the
                // same bytes a resume reads) and only a runaway's retry is generated there. With previous-chunk
                // context every chunk needs the one before it, so those runs stay one chunk at a time.
                java.util.concurrent.atomic.AtomicInteger spoken = new java.util.concurrent.atomic.AtomicInteger();
                ctx.runSteps(document.chunks().stream().map(c -> (java.util.function.Supplier<Narrator.Speech>) () -> {
                    ctx.progress(spoken.get(), total, "chunk " + (c.index() + 1) + " of " + total
                            + (c.heading() ? " (heading)" : ""));
                    Narrator.Speech take = speaker.speak(c.text(), policy.seedFor(seed, c.index()));
                    spoken.incrementAndGet();
                    return take;
                }).toList());
            }
            // Without context the chunks were spoken above and reported there; the render only reads them back.
            Narrator.Result result = new Narrator(settings.withTarget(target)).render(document, speaker, seed, policy,
                    ctx.cancellation(), previousContext ? (done, chunk) -> ctx.progress(done, total, "chunk " + (chunk.index() + 1)
                            + " of " + total + (chunk.heading() ? " (heading)" : "")) : (done, chunk) -> { });
            ctx.progress(total, total, "stitching");
            Map<String, byte[]> files = new LinkedHashMap<>();
            List<String> chunkFiles = new ArrayList<>();
            for (Narrator.ChunkResult r : result.chunks()) {
                String name = String.format(Locale.ROOT, "chunks/%04d.wav", r.chunk().index() + 1);
                int from = (int) Math.round(r.start() * Narrator.SAMPLE_RATE);
                int to = Math.min(result.samples().length, (int) Math.round(r.end() * Narrator.SAMPLE_RATE));
                files.put(name, Pcm16.wav(java.util.Arrays.copyOfRange(result.samples(), Math.min(from, to), to),
                        Narrator.SAMPLE_RATE));
                chunkFiles.add(name);
            }
            Map<String, Object> report = report(result, seed, policy, target);
            report.put("resumed_takes", ctx.resumedCheckpoints());
            report.put("skipped", skippedJson(document));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> chunks = (List<Map<String, Object>>) report.get("chunks");
            for (int i = 0; i < chunks.size(); i++) {
                chunks.get(i).put("file", chunkFiles.get(i));
            }
            try {
                files.put("report.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("a report always serializes", e);
            }
            byte[] wav = Pcm16.wav(result.samples(), Narrator.SAMPLE_RATE);
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("seed", Long.toString(seed));
            parameters.put("seed_policy", policy.name().toLowerCase(Locale.ROOT));
            parameters.put("target_lufs", Double.toString(target));
            parameters.put("chunks", Integer.toString(total));
            parameters.put("chapters", Integer.toString(result.chapters().size()));
            if (maxNewTokens != null) {
                parameters.put("max_new_tokens", maxNewTokens.toString());
            }
            parameters.put("context", previousContext ? "previous_chunk" : "none");
            parameters.put("non_streaming_mode", Boolean.toString(nonStreaming));
            String text = document.chunks().stream().map(Chunk::text).collect(java.util.stream.Collectors.joining(" "));
            return new PipelineOutput(new EncodedAudio(AudioFormat.WAV, wav, Narrator.SAMPLE_RATE, result.durationSeconds()),
                    task(), usedModel[0] != null ? usedModel[0] : "auto", randomWeights[0], text,
                    language == null ? "auto" : language, saved == null ? voice : null, null, saved, parameters, frames[0], files);
        }

        /**
         * With {@code context=previous_chunk}, the previous chunk's kept take and its text become the
         * in-context reference of the next chunk (a peer remedy for drift in pitch and pace across long
         * reads); a take shorter than {@value #MIN_CONTEXT_SECONDS} s is too little to clone from, so that
         * chunk falls back to the saved voice.
         */
        private CloneVoice.UploadedReference previousChunkReference(Narrator.Previous previous) {
            if (!previousContext || previous == null) {
                return null;
            }
            Narrator.Speech s = previous.speech();
            if (s.samples().length < MIN_CONTEXT_SECONDS * s.sampleRate()) {
                return null;
            }
            return new CloneVoice.UploadedReference(AudioUpload.of("ref_audio", Pcm16.wav(s.samples(), s.sampleRate())),
                    previous.text(), false);
        }

        private SynthesisOutcome speak(String text, GenerationOptions options, CloneVoice.UploadedReference reference,
                                       PipelineContext ctx) {
            if (saved != null) {
                CloneVoice cloneVoice = reference != null ? reference : new CloneVoice.SavedVoice(saved);
                return context.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(
                        new SynthesizeVoiceCloneCommand(model, text, language, cloneVoice, options,
                                AudioFormat.PCM), ctx.stepListener(), ctx.cancellation());
            }
            return context.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                    new SynthesizeCustomVoiceCommand(model, text, language, voice, null, options, AudioFormat.PCM),
                    ctx.stepListener(), ctx.cancellation());
        }
    }

    private static Map<String, Object> chunkReport(NarrationDocument document) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (Chunk c : document.chunks()) {
            chunks.add(chunkJson(c));
        }
        out.put("chunks", chunks);
        out.put("chapters", document.chapters().stream().map(ch -> chapterJson(ch, null)).toList());
        out.put("skipped", skippedJson(document));
        return out;
    }

    private static List<Map<String, Object>> skippedJson(NarrationDocument document) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Skipped k : document.skipped()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("first_line", k.firstLine());
            m.put("last_line", k.lastLine());
            m.put("reason", k.reason());
            m.put("text", k.text());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> chunkJson(Chunk c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", c.index());
        m.put("number", c.number());
        m.put("line", c.line());
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
            chunks.add(m);
        }
        out.put("chunks", chunks);
        out.put("chapters", result.chapters().stream().map(c -> chapterJson(c.chapter(), c.start())).toList());
        out.put("warnings", result.chunks().stream().filter(Narrator.ChunkResult::runaway)
                .map(r -> String.format(Locale.ROOT, "chunk %d (chunks/%04d.wav) is still much longer than expected after a "
                        + "retry; listen to it.", r.chunk().number(), r.chunk().number()))
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
