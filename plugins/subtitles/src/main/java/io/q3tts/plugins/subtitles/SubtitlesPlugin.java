package io.q3tts.plugins.subtitles;

import io.q3tts.lib.dsp.Pcm16;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Subtitle-to-speech: speaks an SRT or WebVTT file cue by cue with the voice mapped to each cue's
 * speaker, fits every cue into its window, as a pipeline job (progress per cue, cancellation,
 * resume from the cues already spoken), stored as one output: the 24 kHz track, each cue's audio
 * and a per-cue report.
 *
 * <p>Configuration ({@code plugins.subtitles.*}): {@code max_bytes} (default 2 MiB), {@code max_cues}
 * (default 5000), {@code max_track_seconds} (default 1800).
 */
public final class SubtitlesPlugin implements TaskPlugin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile PluginContext context;
    private volatile SubtitleParser parser = new SubtitleParser();
    private volatile int maxTrackSeconds = 1800;

    /** Created by the host through {@code ServiceLoader}. */
    public SubtitlesPlugin() {
    }

    @Override
    public String id() {
        return "subtitles";
    }

    @Override
    public String title() {
        return "Subtitles to speech";
    }

    @Override
    public String description() {
        return "Speak an SRT or WebVTT file in time with its cues, one voice per speaker, as one track.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
        pluginContext.useCase(PipelineJobsUseCase.class).registerPipeline(id(), this::prepare);
        Map<String, String> config = pluginContext.config();
        parser = new SubtitleParser(PipelineSupport.positiveInt(id(), config, "max_bytes", SubtitleParser.DEFAULT_MAX_BYTES),
                PipelineSupport.positiveInt(id(), config, "max_cues", SubtitleParser.DEFAULT_MAX_CUES));
        maxTrackSeconds = PipelineSupport.positiveInt(id(), config, "max_track_seconds", 1800);
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.post("/jobs", this::submit)
                        .withSummary("Speak a subtitle file in time as a pipeline job (multipart or JSON fields: subtitles, "
                                + "encoding?, voices?, voice?, language?, model?, clone_model?, max_speedup?, seed?, "
                                + "max_new_tokens?, non_streaming_mode? (default true)); "
                                + "answers 202 with the job; the output has the track, cues/NNNN.wav and report.json"),
                RouteSpec.post("/parse", request -> WebResponse.json(parseReport(parser.parse(subtitles(request),
                                encoding(request)))))
                        .withSummary("Parse a subtitle file only (fields: subtitles, encoding?); returns the encoding used, "
                                + "the cues with the exact text to be spoken, speakers, skipped cues with reasons and warnings"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("subtitles/page.jte", new NavEntry("Subtitles", "/", "captions"), 140,
                request -> Map.of("limits", parser.limits())));
    }

    /**
     * Checks, as script reading does, that every saved voice the cues use exists and that every preset
     * speaker is offered by an installed CustomVoice model, so a bad mapping is a 400 at submission
     * (and on resume) instead of a job that fails at its first cue of that speaker. The error names
     * {@code voices} for a speaker's mapped voice, {@code voice} for the default one, and the first
     * cue that would have used it.
     */
    private void checkVoices(SubtitleDocument document, VoiceMapping voices, String model) {
        // Each voice with the first cue that uses it (its index and line, and who speaks it there).
        Map<String, Cue> firstUse = new LinkedHashMap<>();
        document.cues().forEach(c -> firstUse.putIfAbsent(voices.voiceFor(c.speaker()), c));
        Map<String, Cue> presets = new LinkedHashMap<>();
        Optional<io.q3tts.ports.in.voice.GetVoiceUseCase> saved = context.findUseCase(io.q3tts.ports.in.voice.GetVoiceUseCase.class);
        for (Map.Entry<String, Cue> use : firstUse.entrySet()) {
            String voice = use.getKey();
            Cue cue = use.getValue();
            String id = VoiceMapping.savedVoiceId(voice);
            if (voice.regionMatches(true, 0, "design:", 0, "design:".length())) {
                throw new InvalidArgumentException(field(voices, cue), "Subtitles speak with preset speakers or saved voices,"
                        + " not design: voices (" + whose(voices, cue) + "); design the voice on Voice design, save it, and"
                        + " use saved:<voice id>.");
            }
            if (id == null) {
                presets.putIfAbsent(voice.strip().toLowerCase(Locale.ROOT), cue);
            } else if (saved.isPresent()) {
                try {
                    saved.get().getVoice(id);
                } catch (io.q3tts.ports.model.NotFoundException e) {
                    throw new InvalidArgumentException(field(voices, cue), "There is no saved voice '" + id + "' ("
                            + whose(voices, cue) + ").");
                }
            }
        }
        Optional<io.q3tts.ports.in.models.ListModelsUseCase> list = context.findUseCase(io.q3tts.ports.in.models.ListModelsUseCase.class);
        if (presets.isEmpty() || list.isEmpty()) {
            return;
        }
        List<io.q3tts.ports.in.models.ModelView> custom = list.get().listModels().stream()
                .filter(m -> m.tasks().contains(ModelTask.CUSTOM_VOICE) && (model == null || m.id().equals(model))).toList();
        if (custom.isEmpty()) {
            throw new InvalidArgumentException(model != null ? "model" : "voices", model != null
                    ? "model '" + model + "' is not an installed CustomVoice model (needed for the preset speakers "
                            + String.join(", ", presets.keySet()) + ")."
                    : "No CustomVoice model is installed for the preset speakers " + String.join(", ", presets.keySet())
                            + "; use saved:<voice id> voices, or install one.");
        }
        java.util.Set<String> known = new java.util.LinkedHashSet<>();
        custom.forEach(m -> m.speakers().forEach(sp -> known.add(sp.toLowerCase(Locale.ROOT))));
        if (known.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Cue> preset : presets.entrySet()) {
            if (!known.contains(preset.getKey())) {
                Cue cue = preset.getValue();
                throw new InvalidArgumentException(field(voices, cue), "Unknown preset speaker " + preset.getKey() + " ("
                        + whose(voices, cue) + "); the CustomVoice model" + (custom.size() == 1 ? " has: " : "s have: ")
                        + String.join(", ", known) + ", or use saved:<voice id>.");
            }
        }
    }

    /** @return the request field a cue's voice comes from: the speaker's entry in voices, or the default voice */
    private static String field(VoiceMapping voices, Cue cue) {
        return voices.maps(cue.speaker()) ? "voices" : "voice";
    }

    /** @return who speaks with a cue's voice and where it is first needed, for messages */
    private static String whose(VoiceMapping voices, Cue cue) {
        String where = "first needed at cue " + cue.index() + ", line " + cue.line();
        return voices.maps(cue.speaker()) ? "the voice of " + cue.speaker() + ", " + where : "the default voice, " + where;
    }

    /** Turns the HTTP request into the self-contained payload a run (and its resume) is made from. */
    private WebResponse submit(WebRequest request) {
        ObjectNode p = JSON.createObjectNode();
        p.put("subtitles", Base64.getEncoder().encodeToString(subtitles(request)));
        String encoding = encoding(request);
        if (encoding != null) {
            p.put(SubtitleParser.ENCODING_FIELD, encoding);
        }
        ObjectNode v = p.putObject("voices");
        voices(request).forEach(v::put);
        request.optionalString("voice").filter(s -> !s.isBlank()).ifPresent(s -> p.put("voice", s));
        request.optionalString("language").ifPresent(s -> p.put("language", s));
        request.optionalString("model").filter(s -> !s.isBlank()).ifPresent(s -> p.put("model", s));
        request.optionalString("clone_model").filter(s -> !s.isBlank()).ifPresent(s -> p.put("clone_model", s));
        p.put("max_speedup", request.optionalDouble("max_speedup").orElse(SubtitleRenderer.DEFAULT_MAX_SPEEDUP));
        // A concrete seed, so a resumed run speaks the remaining cues exactly as the first attempt would have.
        p.put("seed", request.optionalDouble("seed").map(Double::longValue).orElseGet(() -> new SecureRandom().nextLong() >>> 33));
        request.optionalInt("max_new_tokens").ifPresent(n -> p.put("max_new_tokens", n));
        request.optionalBoolean("non_streaming_mode").ifPresent(flag -> p.put("non_streaming_mode", flag));
        try {
            return PipelineSupport.accepted(context.useCase(PipelineJobsUseCase.class)
                    .submitPipeline(id(), JSON.writeValueAsBytes(p)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Validates a payload (at submission and again on resume) and plans the run. */
    private PipelineWork prepare(byte[] payload) {
        JsonNode p;
        try {
            p = JSON.readTree(payload);
        } catch (java.io.IOException e) {
            throw new InvalidArgumentException("body", "The subtitles request is not valid JSON.");
        }
        byte[] file;
        try {
            file = Base64.getDecoder().decode(p.path("subtitles").asText(""));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(SubtitleParser.FIELD, "subtitles could not be read.");
        }
        SubtitleDocument document = parser.parse(file,
                p.hasNonNull(SubtitleParser.ENCODING_FIELD) ? p.get(SubtitleParser.ENCODING_FIELD).asText() : null);
        Map<String, String> mapping = new LinkedHashMap<>();
        p.path("voices").properties().forEach(e -> mapping.put(e.getKey(), e.getValue().asText()));
        VoiceMapping voices = new VoiceMapping(mapping, p.hasNonNull("voice") ? p.get("voice").asText() : null);
        SubtitleRenderer renderer = new SubtitleRenderer(p.path("max_speedup").asDouble(SubtitleRenderer.DEFAULT_MAX_SPEEDUP),
                maxTrackSeconds);
        String language = p.hasNonNull("language") ? p.get("language").asText() : null;
        String model = p.hasNonNull("model") ? p.get("model").asText() : null;
        String cloneModel = p.hasNonNull("clone_model") ? p.get("clone_model").asText() : null;
        long seed = p.path("seed").asLong(0);
        Integer maxNewTokens = p.hasNonNull("max_new_tokens") ? p.get("max_new_tokens").asInt() : null;
        // Non-streaming by default: the streaming layout speeds up through long clones (QwenLM/Qwen3-TTS#239).
        boolean nonStreaming = !p.hasNonNull("non_streaming_mode") || p.get("non_streaming_mode").asBoolean();
        GenerationOptions options = GenerationOptions.builder().seed(seed).maxNewTokens(maxNewTokens)
                .streamingText(!nonStreaming).build();
        // Resolve every cue's voice before speaking any, so a missing mapping fails before GPU time is spent.
        document.cues().forEach(c -> voices.voiceFor(c.speaker()));
        checkVoices(document, voices, model);
        renderer.checkLength(document.cues());
        boolean allSaved = !document.cues().isEmpty() && document.cues().stream()
                .allMatch(c -> VoiceMapping.savedVoiceId(voices.voiceFor(c.speaker())) != null);
        return new PipelineWork() {
            @Override
            public String summary() {
                return "Subtitles, " + document.cues().size() + " cues: "
                        + (document.cues().isEmpty() ? "" : document.cues().get(0).text());
            }

            @Override
            public ModelTask task() {
                return allSaved ? ModelTask.VOICE_CLONE : ModelTask.CUSTOM_VOICE;
            }

            @Override
            public String modelId() {
                return allSaved ? cloneModel : model;
            }

            @Override
            public PipelineOutput run(PipelineContext ctx) {
                String[] usedModel = {allSaved ? cloneModel : model};
                boolean[] randomWeights = {false};
                int[] frames = {0};
                SubtitleRenderer.Speaker speaker = (cue, voice) -> {
                    String key = PipelineSupport.checkpointKey("cue", cue.text(), voice, Long.toString(seed),
                            String.valueOf(maxNewTokens), language);
                    Optional<byte[]> done = ctx.checkpoint(key);
                    if (done.isPresent()) {
                        return new SubtitleRenderer.Speech(Pcm16.fromWav(done.get()), Pcm16.sampleRate(done.get()), null);
                    }
                    SynthesisOutcome outcome = PipelineSupport.step(context,
                            () -> speak(cue, voice, language, model, cloneModel, options, ctx), ctx.cancellation());
                    synchronized (frames) {
                        usedModel[0] = outcome.output().modelId();
                        randomWeights[0] = outcome.output().randomWeights();
                        frames[0] += outcome.output().frames();
                    }
                    float[] samples = Pcm16.decode(outcome.audio().bytes());
                    ctx.saveCheckpoint(key, Pcm16.wav(samples, outcome.audio().sampleRate()));
                    return new SubtitleRenderer.Speech(samples, outcome.audio().sampleRate(), null);
                };
                // Every cue is spoken first as steps submitted together, so that the GPU can batch them; each
                // checkpoints its take, which the render below then reads back (the same bytes a resume reads).
                renderer.checkLength(document.cues());
                int total = document.cues().size();
                java.util.concurrent.atomic.AtomicInteger spoken = new java.util.concurrent.atomic.AtomicInteger();
                ctx.runSteps(document.cues().stream().map(cue -> (java.util.function.Supplier<SubtitleRenderer.Speech>) () -> {
                    ctx.progress(spoken.get(), total, "cue " + (spoken.get() + 1) + " of " + total
                            + (cue.speaker() == null ? "" : ": " + cue.speaker()));
                    SubtitleRenderer.Speech speech = speaker.speak(cue, voices.voiceFor(cue.speaker()));
                    spoken.incrementAndGet();
                    return speech;
                }).toList());
                SubtitleRenderer.Result result = renderer.render(document.cues(), voices, speaker, ctx.cancellation());
                ctx.progress(result.placements().size(), Math.max(1, result.placements().size()), "mixing");
                Map<String, byte[]> files = new LinkedHashMap<>();
                Map<String, Object> report = report(document, result);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> cues = (List<Map<String, Object>>) report.get("cues");
                for (int i = 0; i < result.placements().size(); i++) {
                    String name = String.format(Locale.ROOT, "cues/%04d.wav", i + 1);
                    files.put(name, Pcm16.wav(result.cueAudio().get(i), SubtitleRenderer.SAMPLE_RATE));
                    cues.get(i).put("file", name);
                }
                report.put("seed", seed);
                report.put("resumed_cues", ctx.resumedCheckpoints());
                try {
                    files.put("report.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("a report always serializes", e);
                }
                Map<String, String> parameters = new LinkedHashMap<>();
                parameters.put("seed", Long.toString(seed));
                parameters.put("cues", Integer.toString(result.placements().size()));
                parameters.put("max_speedup", Double.toString(p.path("max_speedup").asDouble(SubtitleRenderer.DEFAULT_MAX_SPEEDUP)));
                parameters.put("non_streaming_mode", Boolean.toString(nonStreaming));
                if (maxNewTokens != null) {
                    parameters.put("max_new_tokens", maxNewTokens.toString());
                }
                String text = document.cues().stream().map(Cue::text).collect(java.util.stream.Collectors.joining("\n"));
                byte[] wav = Pcm16.wav(result.track(), SubtitleRenderer.SAMPLE_RATE);
                return new PipelineOutput(new EncodedAudio(AudioFormat.WAV, wav, SubtitleRenderer.SAMPLE_RATE,
                        result.track().length / (double) SubtitleRenderer.SAMPLE_RATE), task(),
                        usedModel[0] != null ? usedModel[0] : "auto", randomWeights[0], text,
                        language == null ? "auto" : language, null, null, null, parameters, frames[0], files);
            }
        };
    }

    private SynthesisOutcome speak(Cue cue, String voice, String language, String model, String cloneModel,
                                   GenerationOptions options, PipelineContext ctx) {
        String saved = VoiceMapping.savedVoiceId(voice);
        SynthesisOutcome outcome;
        if (saved != null) {
            outcome = context.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(
                    new SynthesizeVoiceCloneCommand(cloneModel, cue.text(), language, new CloneVoice.SavedVoice(saved),
                            options, AudioFormat.PCM), ctx.stepListener(), ctx.cancellation());
        } else {
            outcome = context.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                    new SynthesizeCustomVoiceCommand(model, cue.text(), language, voice, null, options, AudioFormat.PCM),
                    ctx.stepListener(), ctx.cancellation());
        }
        return outcome;
    }

    /** @return the file from a multipart file part or text field, or a JSON body's string */
    private static byte[] subtitles(WebRequest request) {
        Optional<Part> part = request.part(SubtitleParser.FIELD);
        if (part.isPresent()) {
            return part.get().content();
        }
        return request.optionalString(SubtitleParser.FIELD).map(s -> s.getBytes(StandardCharsets.UTF_8))
                .orElseThrow(() -> new InvalidArgumentException(SubtitleParser.FIELD,
                        "subtitles (an SRT or WebVTT file) is required."));
    }

    /**
     * @return the encoding the user named for an uploaded file, or null to find it; pasted text (a string
     *     field) arrived as UTF-8, so a named encoding does not apply to it
     */
    private static String encoding(WebRequest request) {
        if (request.part(SubtitleParser.FIELD).filter(Part::isFile).isEmpty()) {
            return null;
        }
        return request.optionalString(SubtitleParser.ENCODING_FIELD).map(String::strip)
                .filter(e -> !e.isEmpty() && !e.equalsIgnoreCase("auto")).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> voices(WebRequest request) {
        Object raw = request.field("voices").orElse(null);
        if (raw == null) {
            return Map.of();
        }
        if (raw instanceof String s) {
            return FlatJson.parse(s, "voices");
        }
        if (raw instanceof Map<?, ?> m) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String v)) {
                    throw new InvalidArgumentException("voices", "voices must map speaker names to voice strings.");
                }
                out.put(String.valueOf(e.getKey()), v);
            }
            return out;
        }
        throw new InvalidArgumentException("voices", "voices must be a JSON object of speaker name to voice.");
    }

    private static Map<String, Object> parseReport(SubtitleDocument document) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", document.format());
        out.put("encoding", document.encoding());
        out.put("speakers", document.cues().stream().map(Cue::speaker).filter(Objects::nonNull).distinct().toList());
        List<Map<String, Object>> cues = new ArrayList<>();
        for (Cue c : document.cues()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", c.index());
            m.put("part", c.part());
            m.put("line", c.line());
            m.put("start_ms", c.startMs());
            m.put("end_ms", c.endMs());
            m.put("speaker", c.speaker());
            m.put("text", c.text());
            cues.add(m);
        }
        out.put("cues", cues);
        out.put("skipped", skipped(document));
        out.put("warnings", document.warnings());
        return out;
    }

    private static List<Map<String, Object>> skipped(SubtitleDocument document) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SubtitleDocument.Skipped k : document.skipped()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", k.line());
            m.put("reason", k.reason());
            m.put("text", k.text());
            out.add(m);
        }
        return out;
    }

    /**
     * @param document the parsed file
     * @param result the rendering
     * @return the report stored as the output's report.json
     */
    static Map<String, Object> report(SubtitleDocument document, SubtitleRenderer.Result result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", document.format());
        out.put("encoding", document.encoding());
        out.put("sample_rate", SubtitleRenderer.SAMPLE_RATE);
        out.put("duration_seconds", result.track().length / (double) SubtitleRenderer.SAMPLE_RATE);
        out.put("cue_count", result.placements().size());
        out.put("stretched_count", result.placements().stream().filter(p -> p.speed() > 1.0).count());
        out.put("overrun_count", result.placements().stream().filter(p -> p.overrunMs() > 0).count());
        out.put("skipped", skipped(document));
        out.put("warnings", document.warnings());
        List<Map<String, Object>> cues = new ArrayList<>();
        for (SubtitleRenderer.Placement p : result.placements()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", p.cue().index());
            m.put("part", p.cue().part());
            m.put("line", p.cue().line());
            m.put("start_ms", p.cue().startMs());
            m.put("end_ms", p.cue().endMs());
            m.put("start_sample", p.startSample());
            m.put("target_ms", p.cue().durationMs());
            m.put("synthesized_ms", round(p.synthesizedSamples() * 1000.0 / SubtitleRenderer.SAMPLE_RATE));
            m.put("achieved_ms", round(p.placedSamples() * 1000.0 / SubtitleRenderer.SAMPLE_RATE));
            m.put("stretch", round(p.speed()));
            m.put("overrun_ms", round(p.overrunMs()));
            m.put("speaker", p.cue().speaker());
            m.put("voice", p.voice());
            m.put("text", p.cue().text());
            cues.add(m);
        }
        out.put("cues", cues);
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
