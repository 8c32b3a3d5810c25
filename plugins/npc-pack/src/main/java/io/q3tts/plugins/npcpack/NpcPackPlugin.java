package io.q3tts.plugins.npcpack;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineWork;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.model.AudioFormat;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * NPC pack generator: characters (a voice description, a library voice or a preset speaker) and
 * their lines, from JSON or CSV, spoken as one resumable pipeline job into a zip of
 * {@code {character}/{line_id}.wav} files with JSON and CSV manifests. Configuration keys:
 * {@code max_lines} (1000), {@code max_characters} (200), {@code max_input_bytes} (2 MiB).
 */
public final class NpcPackPlugin implements TaskPlugin {

    private static final String EXAMPLE = "/io/q3tts/plugins/npcpack/example-pack.json";

    private volatile PluginContext context;
    private volatile PackParser parser = new PackParser(PackParser.Limits.defaults());

    /** Created by the host through {@code ServiceLoader}. */
    public NpcPackPlugin() {
    }

    @Override
    public String id() {
        return "npc-pack";
    }

    @Override
    public String title() {
        return "NPC pack";
    }

    @Override
    public String description() {
        return "Voice a cast of game characters: each designed once and cloned for every line, delivered as a zip "
                + "of engine-ready files with manifests.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
        PackParser.Limits d = PackParser.Limits.defaults();
        Map<String, String> config = pluginContext.config();
        parser = new PackParser(new PackParser.Limits(
                PipelineSupport.positiveInt(id(), config, "max_input_bytes", d.maxBytes()),
                PipelineSupport.positiveInt(id(), config, "max_lines", d.maxLines()),
                PipelineSupport.positiveInt(id(), config, "max_characters", d.maxCharacters())));
        pluginContext.useCase(PipelineJobsUseCase.class).registerPipeline(id(), this::prepare);
    }

    @Override
    public List<RouteSpec> routes() {
        String fields = "input (a JSON pack, or the lines as CSV: character,line_id,text[,emotion][,instruct]; a file "
                + "part or text), characters (with CSV lines: CSV character,description,voice,language[,sample_text] "
                + "or a JSON array), seed?, format?, sample_rate?, target_lufs?, retries?, runaway_ratio?, gap_seconds?, "
                + "max_new_tokens?, non_streaming_mode? (default true), language?, design_model?, clone_model?, custom_voice_model?";
        return List.of(
                RouteSpec.post("/jobs", this::submit)
                        .withSummary("Generate a pack as a pipeline job (202; follow /api/v1/jobs/{id}). Fields: " + fields),
                RouteSpec.post("/preview", r -> WebResponse.json(preview(request(r))))
                        .withSummary("Parse and plan a pack without generating anything (same fields)"),
                RouteSpec.get("/example", r -> WebResponse.bytes("application/json", example()))
                        .withSummary("An example pack (JSON)"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("npc-pack/page.jte", new NavEntry(title(), "/", "users"), 160,
                request -> Map.of("maxLines", parser.limits().maxLines(),
                        "maxCharacters", parser.limits().maxCharacters())));
    }

    /** The pipeline handler: the stored payload back into work. */
    PipelineWork prepare(byte[] payload) {
        return new PackWork(context, PackRequest.fromPayload(payload, parser));
    }

    private WebResponse submit(WebRequest r) {
        PackRequest request = request(r);
        return PipelineSupport.accepted(context.useCase(PipelineJobsUseCase.class).submitPipeline(id(), request.toPayload()));
    }

    /** Reads, validates and checks a request against the installed models and voices; nothing is generated. */
    PackRequest request(WebRequest r) {
        byte[] input;
        byte[] characters = bytes(r, PackParser.CHARACTERS);
        if (r.json() != null && r.json().containsKey("lines") && !r.json().containsKey(PackParser.INPUT)) {
            // The JSON body is the pack itself (curl -d @pack.json); its options sit beside the arrays.
            input = json(r.json());
            characters = null;
        } else {
            input = bytes(r, PackParser.INPUT);
            if (input == null) {
                throw new InvalidArgumentException(PackParser.INPUT, "input is required: a JSON pack, or the lines as CSV.");
            }
        }
        Pack pack = parser.parse(input, characters);
        PackOptions options = PackOptions.from(name -> r.field(name).orElse(null));
        PackRequest request = new PackRequest(pack, options, seed(r));
        checkVoices(request);
        return request;
    }

    private static long seed(WebRequest r) {
        Optional<Double> seed = r.optionalDouble("seed");
        if (seed.isEmpty()) {
            return new SecureRandom().nextLong() >>> 33;
        }
        double s = seed.get();
        if (s != Math.rint(s) || s < 0 || s > PackRequest.MAX_SEED) {
            throw new InvalidArgumentException("seed", "seed must be a whole number from 0 to " + PackRequest.MAX_SEED + ".");
        }
        return (long) s;
    }

    private static byte[] bytes(WebRequest r, String field) {
        Optional<Part> part = r.part(field).filter(Part::isFile);
        if (part.isPresent()) {
            return part.get().content();
        }
        Object v = r.field(field).orElse(null);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return json(v);
        }
        throw new InvalidArgumentException(field, field + " must be text, a file, or a JSON object or array.");
    }

    private static byte[] json(Object value) {
        try {
            return PackParser.JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails the submission (400, naming the character) when a voice cannot be served: an unknown
     * preset speaker, a library voice that does not exist, or no model for a task the pack needs.
     * Skipped where the host does not offer the lookups.
     */
    private void checkVoices(PackRequest request) {
        Pack pack = request.pack();
        PackOptions o = request.options();
        Optional<ListModelsUseCase> models = context.findUseCase(ListModelsUseCase.class);
        Optional<GetVoiceUseCase> voices = context.findUseCase(GetVoiceUseCase.class);
        List<ModelView> installed = models.map(ListModelsUseCase::listModels).orElse(null);
        for (PackCharacter c : pack.characters()) {
            if (!pack.speaks(c)) {
                continue;
            }
            String field = c.where().substring(0, c.where().indexOf(' '));
            switch (c.kind()) {
                case PRESET -> {
                    if (installed != null) {
                        List<ModelView> serving = serving(installed, ModelTask.CUSTOM_VOICE, o.customVoiceModel());
                        Set<String> speakers = new LinkedHashSet<>();
                        serving.forEach(m -> m.speakers().forEach(s -> speakers.add(s.toLowerCase(Locale.ROOT))));
                        if (serving.isEmpty()) {
                            throw new InvalidArgumentException(field, c.where() + ": character '" + c.id()
                                    + "' uses the preset speaker '" + c.voice() + "', but no CustomVoice model"
                                    + (o.customVoiceModel() == null ? " is installed." : " '" + o.customVoiceModel() + "' is installed."));
                        }
                        if (!speakers.contains(c.voice())) {
                            throw new InvalidArgumentException(field, c.where() + ": character '" + c.id()
                                    + "': no installed CustomVoice model has the speaker '" + c.voice() + "' (known: "
                                    + String.join(", ", speakers) + ").");
                        }
                    }
                }
                case LIBRARY -> {
                    needs(installed, ModelTask.VOICE_CLONE, o.cloneModel(), c, field, "a Base (voice clone) model");
                    if (voices.isPresent()) {
                        try {
                            voices.get().getVoice(c.savedVoiceId());
                        } catch (NotFoundException e) {
                            throw new InvalidArgumentException(field, c.where() + ": character '" + c.id()
                                    + "': there is no library voice '" + c.savedVoiceId() + "'.");
                        }
                    }
                }
                case DESIGNED -> {
                    needs(installed, ModelTask.VOICE_DESIGN, o.designModel(), c, field, "a VoiceDesign model");
                    needs(installed, ModelTask.VOICE_CLONE, o.cloneModel(), c, field, "a Base (voice clone) model");
                }
            }
        }
    }

    private static List<ModelView> serving(List<ModelView> installed, ModelTask task, String named) {
        return installed.stream().filter(m -> m.tasks().contains(task) && (named == null || m.id().equals(named))).toList();
    }

    private static void needs(List<ModelView> installed, ModelTask task, String named, PackCharacter c, String field,
                              String what) {
        if (installed != null && serving(installed, task, named).isEmpty()) {
            throw new InvalidArgumentException(field, c.where() + ": character '" + c.id() + "' needs " + what
                    + (named == null ? "" : " ('" + named + "')") + ", and none is installed.");
        }
    }

    /** @return the plan the page shows before submitting */
    static Map<String, Object> preview(PackRequest request) {
        Pack pack = request.pack();
        PackOptions o = request.options();
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> cast = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (PackCharacter c : pack.characters()) {
            long count = pack.lines().stream().filter(l -> l.character().equals(c.id())).count();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("name", c.name());
            m.put("source", c.kind().name().toLowerCase(Locale.ROOT));
            m.put("voice", c.voice());
            m.put("description", c.description());
            m.put("language", c.language() != null ? c.language() : o.language());
            m.put("lines", count);
            cast.add(m);
            if (count == 0) {
                warnings.add("Character '" + c.id() + "' has no lines; it is skipped (its voice is not designed).");
            }
            long styled = pack.lines().stream().filter(l -> l.character().equals(c.id()) && l.styleInstruct() != null).count();
            if (styled > 0 && c.kind() != PackCharacter.Kind.PRESET) {
                warnings.add("Character '" + c.id() + "' speaks through a cloned voice, which takes no instruct: the "
                        + "emotion or instruct of its " + styled + " line(s) is recorded in the manifest only. For real "
                        + "emotional variants, define one character per emotion (e.g. " + c.id() + "_angry) with its own description.");
            }
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        for (PackLine l : pack.lines()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", l.index());
            m.put("character", l.character());
            m.put("line_id", l.id());
            m.put("file", l.file(o.extension()));
            m.put("text", l.text());
            m.put("emotion", l.emotion());
            m.put("instruct", l.instruct());
            lines.add(m);
        }
        int designs = pack.designs().size();
        out.put("line_count", pack.lines().size());
        out.put("character_count", pack.characters().stream().filter(pack::speaks).count());
        out.put("designs", designs);
        out.put("steps", designs + pack.lines().size());
        out.put("seed", request.seed());
        out.put("options", o.toJson());
        out.put("characters", cast);
        out.put("lines", lines);
        out.put("warnings", warnings);
        return out;
    }

    private static byte[] example() {
        try (InputStream in = NpcPackPlugin.class.getResourceAsStream(EXAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + EXAMPLE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
