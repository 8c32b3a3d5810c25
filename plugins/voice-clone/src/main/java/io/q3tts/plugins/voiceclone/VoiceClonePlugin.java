package io.q3tts.plugins.voiceclone;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.voice.ListVoicesUseCase;
import io.q3tts.ports.in.voice.VoiceView;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.plugin.NavEntry;
import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.plugin.PluginContext;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Voice clone: speak in a voice from the library, or try a recording before saving it. The voice
 * list is trimmed to what a picker shows; the preview takes either a saved {@code voice} id or a
 * multipart {@code ref_audio} clip (with {@code ref_text}, or {@code x_vector_only_mode=true}).
 */
public final class VoiceClonePlugin implements TaskPlugin {

    private volatile PluginContext context;

    /** Created by the host through {@code ServiceLoader}. */
    public VoiceClonePlugin() {
    }

    @Override
    public String id() {
        return "voice-clone";
    }

    @Override
    public String title() {
        return "Voice clone";
    }

    @Override
    public String description() {
        return "Speak any text in a saved voice, or in the voice of a short recording you upload.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.get("/voices", request -> WebResponse.json(Map.of("voices", voices())))
                        .withSummary("The saved voices, as a picker needs them"),
                RouteSpec.post("/preview", this::preview)
                        .withSummary("Speak a line in a saved voice (voice) or an uploaded clip (ref_audio, ref_text | x_vector_only_mode)"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("voice-clone/page.jte", new NavEntry(title(), "/", "copy"), 120,
                request -> Map.of("voices", voices())));
    }

    /** @return id, name, language, origin, clip length and whether a transcript is stored, per voice */
    List<Map<String, Object>> voices() {
        return context.useCase(ListVoicesUseCase.class).listVoices().stream().map(VoiceClonePlugin::summary).toList();
    }

    private static Map<String, Object> summary(VoiceView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", v.id());
        m.put("name", v.name());
        m.put("description", v.description());
        m.put("language", v.language());
        m.put("origin", v.origin().name().toLowerCase(java.util.Locale.ROOT));
        m.put("clip_seconds", v.clipSeconds());
        m.put("has_transcript", v.transcript() != null && !v.transcript().isBlank());
        return m;
    }

    private WebResponse preview(WebRequest request) {
        Optional<Part> clip = request.part("ref_audio").filter(Part::isFile);
        CloneVoice voice = clip.isPresent()
                ? new CloneVoice.UploadedReference(new AudioUpload("ref_audio", clip.get().content(), clip.get().filename(),
                        clip.get().contentType()), request.optionalString("ref_text").orElse(null),
                        request.optionalBoolean("x_vector_only_mode").orElse(false))
                : new CloneVoice.SavedVoice(request.requireString("voice"));
        AudioFormat format = AudioFormat.parse(request.optionalString("response_format").orElse(null), "response_format");
        SynthesizeVoiceCloneCommand command = new SynthesizeVoiceCloneCommand(request.optionalString("model").orElse(null),
                request.optionalString("input").orElse(null), request.optionalString("language").orElse(null), voice, null,
                format);
        SynthesisOutcome outcome = context.useCase(SynthesizeVoiceCloneUseCase.class)
                .synthesizeVoiceClone(command, JobListener.NONE, request.cancellation());
        return WebResponse.bytes(outcome.audio().mediaType(), outcome.audio().bytes())
                .withHeader("X-Q3tts-Output-Id", outcome.output().id())
                .withHeader("X-Q3tts-Job-Id", outcome.job().id().value())
                .withHeader("X-Q3tts-Random-Weights", String.valueOf(outcome.output().randomWeights()));
    }
}
