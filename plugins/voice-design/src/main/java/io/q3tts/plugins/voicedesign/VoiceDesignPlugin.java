package io.q3tts.plugins.voicedesign;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.plugin.NavEntry;
import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.plugin.PluginContext;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Voice design: describe a voice in words and hear it. Writing a good description is the hard
 * part, so the plugin offers worked examples (description plus a sample line) next to the preview.
 */
public final class VoiceDesignPlugin implements TaskPlugin {

    /**
     * An example for the page.
     *
     * @param title a short label
     * @param instructions the voice description
     * @param input a line that suits the voice
     * @param language its language key
     */
    public record Example(String title, String instructions, String input, String language) {
    }

    static final List<Example> EXAMPLES = List.of(
            new Example("Calm narrator", "A calm, deep male narrator in his fifties, speaking slowly with warm, rounded vowels.",
                    "The old lighthouse had stood on the cliff for a hundred years, watching the sea.", "english"),
            new Example("Excited host", "An energetic young female game-show host, fast and bright, smiling as she speaks.",
                    "And the winner of tonight's grand prize is... you!", "english"),
            new Example("Whispering storyteller", "An elderly woman whispering a bedtime story, soft and breathy, with long pauses.",
                    "Once upon a time, in a forest far away, there lived a very small fox.", "english"),
            new Example("新闻主播", "一位沉稳专业的中年女性新闻主播，语速适中，吐字清晰。",
                    "各位观众晚上好，欢迎收看今天的新闻节目。", "chinese"));

    private volatile PluginContext context;

    /** Created by the host through {@code ServiceLoader}. */
    public VoiceDesignPlugin() {
    }

    @Override
    public String id() {
        return "voice-design";
    }

    @Override
    public String title() {
        return "Voice design";
    }

    @Override
    public String description() {
        return "Describe a voice in words (age, gender, timbre, mood, pace) and hear it speak.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.get("/examples", request -> WebResponse.json(Map.of("examples", EXAMPLES)))
                        .withSummary("Example voice descriptions with a matching sample line"),
                RouteSpec.post("/preview", this::preview)
                        .withSummary("Speak a line in a described voice (fields: instructions, input, language?, model?, response_format?)"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("voice-design/page.jte", new NavEntry(title(), "/", "wand"), 110,
                request -> Map.of("examples", EXAMPLES)));
    }

    private WebResponse preview(WebRequest request) {
        AudioFormat format = AudioFormat.parse(request.optionalString("response_format").orElse(null), "response_format");
        SynthesizeVoiceDesignCommand command = new SynthesizeVoiceDesignCommand(request.optionalString("model").orElse(null),
                request.optionalString("input").orElse(null), request.optionalString("language").orElse(null),
                request.optionalString("instructions").orElse(null), null, format);
        SynthesisOutcome outcome = context.useCase(SynthesizeVoiceDesignUseCase.class)
                .synthesizeVoiceDesign(command, JobListener.NONE, request.cancellation());
        return WebResponse.bytes(outcome.audio().mediaType(), outcome.audio().bytes())
                .withHeader("X-Q3tts-Output-Id", outcome.output().id())
                .withHeader("X-Q3tts-Job-Id", outcome.job().id().value())
                .withHeader("X-Q3tts-Random-Weights", String.valueOf(outcome.output().randomWeights()));
    }
}
