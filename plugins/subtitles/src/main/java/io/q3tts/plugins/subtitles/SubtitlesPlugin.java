package io.q3tts.plugins.subtitles;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Subtitle-to-speech: speaks an SRT or WebVTT file cue by cue with the voice mapped to each cue's
 * speaker, fits every cue into its window and returns one 24 kHz track with a per-cue report.
 *
 * <p>Configuration ({@code plugins.subtitles.*}): {@code max_bytes} (default 2 MiB), {@code max_cues}
 * (default 5000), {@code max_track_seconds} (default 1800).
 */
public final class SubtitlesPlugin implements TaskPlugin {

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
        Map<String, String> config = pluginContext.config();
        parser = new SubtitleParser(intConfig(config, "max_bytes", SubtitleParser.DEFAULT_MAX_BYTES),
                intConfig(config, "max_cues", SubtitleParser.DEFAULT_MAX_CUES));
        maxTrackSeconds = intConfig(config, "max_track_seconds", 1800);
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.post("/render", this::render)
                        .withSummary("Speak a subtitle file in time (multipart or JSON fields: subtitles, voices?, voice?, "
                                + "language?, model?, clone_model?, max_speedup?, seed?, max_new_tokens?); returns the report and the WAV as base64"),
                RouteSpec.post("/parse", request -> WebResponse.json(parseReport(parser.parse(subtitles(request)))))
                        .withSummary("Parse a subtitle file only (field: subtitles); returns cues, speakers and warnings"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("subtitles/page.jte", new NavEntry("Subtitles", "/", "list"), 140,
                request -> Map.of("limits", parser.limits())));
    }

    private WebResponse render(WebRequest request) {
        SubtitleDocument document = parser.parse(subtitles(request));
        VoiceMapping voices = new VoiceMapping(voices(request), request.optionalString("voice").orElse(null));
        SubtitleRenderer renderer = new SubtitleRenderer(
                request.optionalDouble("max_speedup").orElse(SubtitleRenderer.DEFAULT_MAX_SPEEDUP), maxTrackSeconds);
        String language = request.optionalString("language").orElse(null);
        String model = request.optionalString("model").orElse(null);
        String cloneModel = request.optionalString("clone_model").orElse(null);
        GenerationOptions options = GenerationOptions.builder()
                .seed(request.optionalDouble("seed").map(Double::longValue).orElse(null))
                .maxNewTokens(request.optionalInt("max_new_tokens").orElse(null)).build();
        // Resolve every cue's voice before speaking any, so a missing mapping fails before GPU time is spent.
        document.cues().forEach(c -> voices.voiceFor(c.speaker()));
        renderer.checkLength(document.cues());
        SubtitleRenderer.Result result = renderer.render(document.cues(), voices,
                (cue, voice) -> speak(cue, voice, language, model, cloneModel, options, request), request.cancellation());
        return WebResponse.json(report(document, result, true));
    }

    private SubtitleRenderer.Speech speak(Cue cue, String voice, String language, String model, String cloneModel,
                                          GenerationOptions options, WebRequest request) {
        String saved = VoiceMapping.savedVoiceId(voice);
        SynthesisOutcome outcome;
        if (saved != null) {
            outcome = context.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(
                    new SynthesizeVoiceCloneCommand(cloneModel, cue.text(), language, new CloneVoice.SavedVoice(saved),
                            options, AudioFormat.PCM), JobListener.NONE, request.cancellation());
        } else {
            outcome = context.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                    new SynthesizeCustomVoiceCommand(model, cue.text(), language, voice, null, options, AudioFormat.PCM),
                    JobListener.NONE, request.cancellation());
        }
        return new SubtitleRenderer.Speech(Pcm16.decode(outcome.audio().bytes()), outcome.audio().sampleRate(),
                outcome.output().id());
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
        out.put("speakers", document.cues().stream().map(Cue::speaker).filter(Objects::nonNull).distinct().toList());
        List<Map<String, Object>> cues = new ArrayList<>();
        for (Cue c : document.cues()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", c.index());
            m.put("line", c.line());
            m.put("start_ms", c.startMs());
            m.put("end_ms", c.endMs());
            m.put("speaker", c.speaker());
            m.put("text", c.text());
            cues.add(m);
        }
        out.put("cues", cues);
        out.put("warnings", document.warnings());
        return out;
    }

    /**
     * @param document the parsed file
     * @param result the rendering
     * @param withAudio whether to embed the WAV as base64
     * @return the JSON report the route returns
     */
    static Map<String, Object> report(SubtitleDocument document, SubtitleRenderer.Result result, boolean withAudio) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", document.format());
        out.put("sample_rate", SubtitleRenderer.SAMPLE_RATE);
        out.put("duration_seconds", result.track().length / (double) SubtitleRenderer.SAMPLE_RATE);
        out.put("cue_count", result.placements().size());
        out.put("stretched_count", result.placements().stream().filter(p -> p.speed() > 1.0).count());
        out.put("overrun_count", result.placements().stream().filter(p -> p.overrunMs() > 0).count());
        out.put("warnings", document.warnings());
        List<Map<String, Object>> cues = new ArrayList<>();
        for (SubtitleRenderer.Placement p : result.placements()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", p.cue().index());
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
            m.put("output_id", p.outputId());
            m.put("text", p.cue().text());
            cues.add(m);
        }
        out.put("cues", cues);
        if (withAudio) {
            out.put("audio", Map.of("media_type", "audio/wav", "base64",
                    Base64.getEncoder().encodeToString(Pcm16.wav(result.track(), SubtitleRenderer.SAMPLE_RATE))));
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    private static int intConfig(Map<String, String> config, String key, int fallback) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(v.strip());
            if (parsed <= 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("plugins.subtitles." + key + " must be a positive integer, got '" + v + "'");
        }
    }
}
