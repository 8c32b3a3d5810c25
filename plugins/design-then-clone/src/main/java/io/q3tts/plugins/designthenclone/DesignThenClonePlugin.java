package io.q3tts.plugins.designthenclone;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.DesignThenCloneUseCase;
import io.q3tts.ports.plugin.NavEntry;
import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.plugin.PluginContext;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Design then clone: a VoiceDesign model speaks a sample in a described voice, and a Base model
 * turns that sample into a saved voice that keeps sounding the same across many lines (a designed
 * voice alone varies from call to call). The answer links the new voice and its sample for the page.
 */
public final class DesignThenClonePlugin implements TaskPlugin {

    /** Used when the request names no sample text: long enough for a stable clone prompt. */
    static final String DEFAULT_SAMPLE = "Hello, this is my new voice. I will read your stories, messages and "
            + "scripts just like this, clearly and at an easy pace.";

    private volatile PluginContext context;

    /** Created by the host through {@code ServiceLoader}. */
    public DesignThenClonePlugin() {
    }

    @Override
    public String id() {
        return "design-then-clone";
    }

    @Override
    public String title() {
        return "Design a voice";
    }

    @Override
    public String description() {
        return "Describe a voice, hear a sample, and keep it in the library as a reusable voice.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(RouteSpec.post("/voices", this::create)
                .withSummary("Design a voice and save it (fields: name, instructions, input?, language?, model?, clone_model?)"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("design-then-clone/page.jte", new NavEntry(title(), "/", "sparkles"), 130,
                request -> Map.of("defaultSample", DEFAULT_SAMPLE)));
    }

    private WebResponse create(WebRequest request) {
        DesignThenCloneCommand command = new DesignThenCloneCommand(request.optionalString("model").orElse(null),
                request.optionalString("clone_model").orElse(null), request.optionalString("name").orElse(null),
                request.optionalString("instructions").orElse(null),
                request.optionalString("input").filter(s -> !s.isBlank()).orElse(DEFAULT_SAMPLE),
                request.optionalString("language").orElse(null), null);
        DesignThenCloneOutcome outcome = context.useCase(DesignThenCloneUseCase.class)
                .designThenClone(command, JobListener.NONE, request.cancellation());
        Map<String, Object> voice = new LinkedHashMap<>();
        voice.put("id", outcome.voice().id());
        voice.put("name", outcome.voice().name());
        voice.put("description", outcome.voice().description());
        voice.put("language", outcome.voice().language());
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("output_id", outcome.sample().id());
        sample.put("audio_url", "/api/v1/outputs/" + outcome.sample().id() + "/audio");
        sample.put("duration_seconds", outcome.sample().durationSeconds());
        sample.put("random_weights", outcome.sample().randomWeights());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", outcome.job().id().value());
        body.put("voice", voice);
        body.put("sample", sample);
        return WebResponse.json(201, body);
    }
}
