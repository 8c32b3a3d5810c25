package io.q3tts.plugins.scriptread;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.lib.text.TextDecoder;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineWork;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.plugin.NavEntry;
import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.plugin.PipelineSupport;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Script / table read: a script in "NAME: line" text, CSV/TSV, JSON or Fountain, one voice per
 * speaker (preset, saved or designed), spoken line by line as a pipeline job (progress per line,
 * cancellation, resume from the lines already spoken) and stored as one output: the mixed track,
 * {@code lines/NNNN-speaker.wav} per line, and {@code manifest.json} / {@code manifest.csv} with each
 * line's start and end in the track. Configuration keys: {@code max_chars} (500000), {@code max_lines} (2000).
 */
public final class ScriptReadPlugin implements TaskPlugin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile PluginContext context;
    private volatile ScriptParser parser = new ScriptParser(500_000, 2_000);

    /** Created by the host through {@code ServiceLoader}. */
    public ScriptReadPlugin() {
    }

    @Override
    public String id() {
        return "script-read";
    }

    @Override
    public String title() {
        return "Table read";
    }

    @Override
    public String description() {
        return "Read a script aloud with one voice per character: text, CSV/TSV, JSON or Fountain in, a mixed track, "
                + "per-line files and a timed manifest out.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
        Map<String, String> config = pluginContext.config();
        parser = new ScriptParser(PipelineSupport.positiveInt(id(), config, "max_chars", 500_000),
                PipelineSupport.positiveInt(id(), config, "max_lines", 2_000));
        pluginContext.useCase(PipelineJobsUseCase.class).registerPipeline(id(), this::prepare);
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.post("/jobs", this::submit)
                        .withSummary("Read a script as a pipeline job (JSON, or multipart with a script file part): script, "
                                + "format auto|text|csv|tsv|json|fountain, voices {speaker: preset | saved:<id> | "
                                + "design:<description>}, narrator?, language?, model?, clone_model?, design_model?, seed?, "
                                + "max_new_tokens?, non_streaming_mode? (default true), gap?, same_speaker_gap?, target_lufs?, keep_designed_voices?, "
                                + "design_sample_text?; answers 202 with the job; the output has the mix, lines/NNNN-speaker.wav, "
                                + "manifest.json and manifest.csv"),
                RouteSpec.post("/preview", request -> {
                    Input input = script(request);
                    Map<String, Object> out = preview(readRequest(request, input));
                    out.put("encoding", input.encoding());
                    if (input.filename() != null) {
                        // The page shows and edits the decoded text, so the server, not the browser, reads the encoding.
                        out.put("decoded_text", input.text());
                    }
                    if (!input.warnings().isEmpty()) {
                        List<Object> warnings = new ArrayList<>(input.warnings());
                        warnings.addAll((List<?>) out.get("warnings"));
                        out.put("warnings", warnings);
                    }
                    return WebResponse.json(out);
                })
                        .withSummary("Parse and plan only (same fields as /jobs, plus encoding? for a file): the encoding "
                                + "used, each line with the exact text to be spoken, speakers, unmapped speakers, skipped "
                                + "lines with reasons and warnings; no synthesis"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("script-read/page.jte", new NavEntry(title(), "/", "script"), 170,
                request -> Map.of("maxChars", parser.maxChars(), "maxLines", parser.maxLines())));
    }

    private WebResponse submit(WebRequest request) {
        byte[] payload = readRequest(request, script(request)).toPayload();
        return PipelineSupport.accepted(context.useCase(PipelineJobsUseCase.class).submitPipeline(id(), payload));
    }

    /** Validates a payload (at submission and again on resume) and plans the run. */
    PipelineWork prepare(byte[] payload) {
        Plan plan = Plan.of(ReadRequest.fromPayload(payload), parser, true);
        checkModels(plan);
        return new ScriptRun(context, plan);
    }

    /**
     * The script and how it was decoded.
     *
     * @param text the script
     * @param filename the uploaded file's name, or null
     * @param encoding the encoding it was read in ({@code UTF-8} for a text field)
     * @param warnings what the decoder wants a user to know
     */
    private record Input(String text, String filename, String encoding, List<String> warnings) {
    }

    /** @return the script from a file part (any BOM, UTF-8, a named encoding or a detected code page) or a text field */
    private static Input script(WebRequest request) {
        Optional<Part> file = request.part(ScriptParser.FIELD).filter(Part::isFile)
                .or(() -> request.part("file").filter(Part::isFile));
        if (file.isEmpty()) {
            return new Input(optional(request, ScriptParser.FIELD).orElse(""), null, "UTF-8", List.of());
        }
        TextDecoder.Decoded d;
        try {
            d = TextDecoder.decode(file.get().content(), optional(request, "encoding").orElse(null));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("encoding", e.getMessage());
        }
        return new Input(d.text(), file.get().filename(), d.encoding(), d.warnings());
    }

    /** Turns the HTTP request into the self-contained request a run (and its resume) is made from. */
    private ReadRequest readRequest(WebRequest request, Input input) {
        String script = input.text();
        String filename = input.filename();
        String format = parser.resolveFormat(script, optional(request, "format").orElse(null), filename);
        long seed = optional(request, "seed").isEmpty() ? new SecureRandom().nextInt(Integer.MAX_VALUE)
                : request.optionalDouble("seed").map(d -> {
                    if (d != Math.rint(d) || d < 0 || d > 9.007199254740991E15) {
                        throw new InvalidArgumentException("seed", "seed must be a non-negative integer.");
                    }
                    return d.longValue();
                }).orElseThrow();
        Mixer.Settings defaults = Mixer.Settings.defaults();
        return new ReadRequest(script, format, voices(request), optional(request, "narrator").orElse(null),
                optional(request, "language").orElse(null), optional(request, "model").orElse(null),
                optional(request, "clone_model").orElse(null), optional(request, "design_model").orElse(null), seed,
                optional(request, "max_new_tokens").isPresent() ? request.optionalInt("max_new_tokens").orElseThrow() : null,
                optional(request, "gap").isPresent() ? request.optionalDouble("gap").orElseThrow() : defaults.gap(),
                optional(request, "same_speaker_gap").isPresent() ? request.optionalDouble("same_speaker_gap").orElseThrow()
                        : defaults.sameSpeakerGap(),
                optional(request, "target_lufs").isPresent() ? request.optionalDouble("target_lufs").orElseThrow() : null,
                request.optionalBoolean("keep_designed_voices").orElse(false),
                optional(request, "design_sample_text").orElse(null),
                request.optionalBoolean("non_streaming_mode").orElse(true));
    }

    /** @return a field's value unless it is absent or blank (empty form fields mean "not set") */
    private static Optional<String> optional(WebRequest request, String field) {
        return request.field(field).map(Object::toString).filter(s -> !s.isBlank());
    }

    /** {@code voices}: a JSON object in a JSON body, or its JSON text in a form field. */
    private static Map<String, String> voices(WebRequest request) {
        Optional<Object> raw = request.field("voices");
        if (raw.isEmpty()) {
            return Map.of();
        }
        Object v = raw.get();
        if (v instanceof String s) {
            if (s.isBlank()) {
                return Map.of();
            }
            try {
                v = JSON.readValue(s, Object.class);
            } catch (java.io.IOException e) {
                throw new InvalidArgumentException("voices", "voices must be a JSON object such as {\"ALICE\": \"vivian\"}.");
            }
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new InvalidArgumentException("voices", "voices must be an object mapping speaker names to voices.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new InvalidArgumentException("voices", "voices." + ScriptParser.shorten(String.valueOf(e.getKey()))
                        + " must be a string (a preset speaker, saved:<voice id> or design:<description>).");
            }
            out.put(String.valueOf(e.getKey()), s);
        }
        return out;
    }

    /**
     * Checks that saved voices exist and, when the host lists its models, that every kind of voice the
     * plan uses has an installed model and that preset speakers exist; a run would otherwise fail part-way.
     */
    private void checkModels(Plan plan) {
        Optional<GetVoiceUseCase> voices = context.findUseCase(GetVoiceUseCase.class);
        if (voices.isPresent()) {
            for (VoicePlan.Speaker s : plan.voices.speakers(plan.script)) {
                if (s.voice() instanceof VoicePlan.Saved saved) {
                    try {
                        voices.get().getVoice(saved.voiceId());
                    } catch (NotFoundException e) {
                        throw new InvalidArgumentException(s.key().equals(VoicePlan.NARRATOR_KEY) ? "narrator" : "voices",
                                "There is no saved voice '" + saved.voiceId() + "' (for " + s.name() + ").");
                    }
                }
            }
        }
        Optional<ListModelsUseCase> list = context.findUseCase(ListModelsUseCase.class);
        if (list.isEmpty()) {
            return;
        }
        List<ModelView> models = list.get().listModels();
        ReadRequest r = plan.request;
        Set<String> presets = new LinkedHashSet<>();
        // Each preset with the first line that speaks with it, so an unknown one names who and where.
        Map<String, Plan.LineStep> firstUse = new LinkedHashMap<>();
        boolean clones = false;
        for (Plan.LineStep l : plan.lines) {
            if (l.voice() instanceof VoicePlan.Preset p) {
                presets.add(p.speaker());
                firstUse.putIfAbsent(p.speaker(), l);
            } else {
                clones = true;
            }
        }
        if (!presets.isEmpty()) {
            List<ModelView> custom = serving(models, ModelTask.CUSTOM_VOICE, r.model());
            if (custom.isEmpty()) {
                throw new InvalidArgumentException(r.model() != null ? "model" : "voices", r.model() != null
                        ? "model '" + r.model() + "' is not an installed CustomVoice model (needed for preset speakers "
                                + String.join(", ", presets) + ")."
                        : "No CustomVoice model is installed for the preset speakers " + String.join(", ", presets)
                                + "; use saved: or design: voices, or install one.");
            }
            Set<String> known = custom.stream().flatMap(m -> m.speakers().stream())
                    .map(s -> s.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toCollection(LinkedHashSet::new));
            List<String> unknown = presets.stream().filter(p -> !known.isEmpty() && !known.contains(p)).toList();
            if (!unknown.isEmpty()) {
                Plan.LineStep first = firstUse.get(unknown.getFirst());
                boolean narrator = first.speakerKey().equals(VoicePlan.NARRATOR_KEY);
                throw new InvalidArgumentException(narrator ? "narrator" : "voices", "Unknown preset speaker"
                        + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown) + " (" + unknown.getFirst() + " is the voice of "
                        + (narrator ? "the narrator" : first.speakerName()) + ", first needed at line " + first.line().sourceLine()
                        + "); the CustomVoice model" + (custom.size() == 1 ? " has: " : "s have: ") + String.join(", ", known) + ".");
            }
        }
        if (clones && serving(models, ModelTask.VOICE_CLONE, r.cloneModel()).isEmpty()) {
            throw new InvalidArgumentException(r.cloneModel() != null ? "clone_model" : "voices", r.cloneModel() != null
                    ? "clone_model '" + r.cloneModel() + "' is not an installed Base (voice clone) model."
                    : "saved: and design: voices need a Base (voice clone) model, and none is installed.");
        }
        if (!plan.designs.isEmpty() && serving(models, ModelTask.VOICE_DESIGN, r.designModel()).isEmpty()) {
            throw new InvalidArgumentException(r.designModel() != null ? "design_model" : "voices", r.designModel() != null
                    ? "design_model '" + r.designModel() + "' is not an installed VoiceDesign model."
                    : "design: voices need a VoiceDesign model, and none is installed.");
        }
    }

    private static List<ModelView> serving(List<ModelView> models, ModelTask task, String named) {
        return models.stream().filter(m -> m.tasks().contains(task) && (named == null || m.id().equals(named))).toList();
    }

    private Map<String, Object> preview(ReadRequest request) {
        Plan plan = Plan.of(request, parser, false);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", plan.script.format());
        out.put("lead_in", plan.leadIn);
        Map<ScriptLine, Plan.LineStep> steps = new java.util.IdentityHashMap<>();
        plan.lines.forEach(l -> steps.put(l.line(), l));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (ScriptLine l : plan.script.lines()) {
            Plan.LineStep step = steps.get(l);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", step == null ? null : step.index());
            m.put("source_line", l.sourceLine());
            m.put("kind", l.action() ? "action" : "dialogue");
            m.put("speaker", l.action() ? "NARRATOR" : l.speaker());
            m.put("text", l.text());
            m.put("instruct", l.instruct());
            m.put("pause", step == null ? l.pause() : step.pause());
            m.put("voice", step == null || step.voice() == null ? null : step.voice().ref());
            m.put("skipped", step == null);
            m.put("skip_reason", step == null ? "an action line, and no narrator voice is set" : null);
            lines.add(m);
        }
        out.put("lines", lines);
        List<Map<String, Object>> speakers = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        for (VoicePlan.Speaker s : plan.voices.speakers(plan.script)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("key", s.key());
            m.put("lines", s.lines());
            m.put("first_line", s.firstLine());
            m.put("voice", s.voice() == null ? null : s.voice().ref());
            m.put("narrator", s.key().equals(VoicePlan.NARRATOR_KEY));
            speakers.add(m);
            if (s.voice() == null && !s.key().equals(VoicePlan.NARRATOR_KEY)) {
                unmapped.add(s.name());
            }
        }
        out.put("speakers", speakers);
        out.put("unmapped", unmapped);
        out.put("narrator", plan.voices.narrator() == null ? null : plan.voices.narrator().ref());
        out.put("designs", plan.designs.stream().map(Plan.DesignStep::name).toList());
        out.put("spoken_lines", plan.lines.size());
        out.put("skipped_lines", plan.skipped.size());
        out.put("warnings", plan.warnings);
        return out;
    }
}
