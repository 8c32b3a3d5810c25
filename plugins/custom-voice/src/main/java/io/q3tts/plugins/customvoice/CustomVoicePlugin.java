package io.q3tts.plugins.customvoice;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.plugin.NavEntry;
import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.plugin.PluginContext;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Custom voice: speak with a model's preset speakers. Adds what the page needs beyond the core API:
 * the speakers of every installed CustomVoice model with their description and native language, and
 * a one-call preview in the speaker's own language.
 */
public final class CustomVoicePlugin implements TaskPlugin {

    private volatile PluginContext context;

    /** Created by the host through {@code ServiceLoader}. */
    public CustomVoicePlugin() {
    }

    @Override
    public String id() {
        return "custom-voice";
    }

    @Override
    public String title() {
        return "Custom voice";
    }

    @Override
    public String description() {
        return "Speak with one of the model's preset speakers, optionally in a style you describe.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.get("/speakers", request -> WebResponse.json(Map.of("speakers", speakers())))
                        .withSummary("Preset speakers of the installed CustomVoice models, with description and native language"),
                RouteSpec.post("/preview", this::preview)
                        .withSummary("Speak a short preview with a preset speaker (fields: voice, input?, language?, instructions?, model?, response_format?)"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("custom-voice/page.jte", new NavEntry(title(), "/", "mic"), 100,
                request -> Map.of("speakers", speakers())));
    }

    /**
     * @return one entry per speaker key over all CustomVoice models, in the models' order: key, name,
     *     description, native language, dialect and the models that offer it
     */
    List<Map<String, Object>> speakers() {
        Map<String, List<String>> modelsBySpeaker = new LinkedHashMap<>();
        for (ModelView m : context.useCase(ListModelsUseCase.class).listModels()) {
            if (m.tasks().contains(ModelTask.CUSTOM_VOICE)) {
                for (String s : m.speakers()) {
                    modelsBySpeaker.computeIfAbsent(s, k -> new ArrayList<>()).add(m.id());
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        modelsBySpeaker.forEach((key, models) -> {
            SpeakerInfo info = SpeakerInfo.of(key);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", key);
            entry.put("name", info.displayName());
            entry.put("description", info.description());
            entry.put("native_language", info.nativeLanguage());
            if (info.dialect() != null) {
                entry.put("dialect", info.dialect());
            }
            entry.put("models", List.copyOf(models));
            out.add(entry);
        });
        return out;
    }

    private WebResponse preview(WebRequest request) {
        String speaker = request.requireString("voice");
        SpeakerInfo info = SpeakerInfo.of(speaker.strip().toLowerCase(java.util.Locale.ROOT));
        String text = request.optionalString("input").filter(s -> !s.isBlank()).orElse(info.greeting());
        String language = request.optionalString("language").orElse(info.nativeLanguage());
        AudioFormat format = AudioFormat.parse(request.optionalString("response_format").orElse(null), "response_format");
        SynthesizeCustomVoiceCommand command = new SynthesizeCustomVoiceCommand(request.optionalString("model").orElse(null),
                text, language, speaker, request.optionalString("instructions").orElse(null), null, format);
        SynthesisOutcome outcome = context.useCase(SynthesizeCustomVoiceUseCase.class)
                .synthesizeCustomVoice(command, JobListener.NONE, request.cancellation());
        return audio(outcome);
    }

    /**
     * @param outcome a finished synthesis
     * @return the audio, with the output and job ids in headers so the page can link to the history
     */
    static WebResponse audio(SynthesisOutcome outcome) {
        return WebResponse.bytes(outcome.audio().mediaType(), outcome.audio().bytes())
                .withHeader("X-Q3tts-Output-Id", outcome.output().id())
                .withHeader("X-Q3tts-Job-Id", outcome.job().id().value())
                .withHeader("X-Q3tts-Random-Weights", String.valueOf(outcome.output().randomWeights()));
    }
}
