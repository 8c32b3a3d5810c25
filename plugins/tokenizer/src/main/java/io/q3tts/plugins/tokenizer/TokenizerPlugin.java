package io.q3tts.plugins.tokenizer;

import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.tokenizer.DecodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.DecodeSpeechResult;
import io.q3tts.ports.in.tokenizer.DecodeSpeechTokensUseCase;
import io.q3tts.ports.in.tokenizer.EncodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.EncodeSpeechResult;
import io.q3tts.ports.in.tokenizer.EncodeSpeechTokensUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Speech tokenizer: turn audio into the codec's discrete codes and back. The round trip answers the
 * question users ask first ("how much does the codec lose?") with the reconstructed audio, and the
 * code grid's shape in headers.
 */
public final class TokenizerPlugin implements TaskPlugin {

    private volatile PluginContext context;

    /** Created by the host through {@code ServiceLoader}. */
    public TokenizerPlugin() {
    }

    @Override
    public String id() {
        return "tokenizer";
    }

    @Override
    public String title() {
        return "Speech tokenizer";
    }

    @Override
    public String description() {
        return "Encode audio into 12 Hz speech codes and decode it back, to hear what the codec keeps.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.get("/codecs", request -> WebResponse.json(Map.of("codecs", codecs())))
                        .withSummary("The models that serve the speech tokenizer"),
                RouteSpec.post("/roundtrip", this::roundTrip)
                        .withSummary("Encode an uploaded clip (multipart audio) and decode it back (fields: model?, response_format?)"));
    }

    @Override
    public Optional<PageDescriptor> page() {
        return Optional.of(new PageDescriptor("tokenizer/page.jte", new NavEntry(title(), "/", "grid"), 140,
                request -> Map.of("codecs", codecs())));
    }

    /** @return id, name and random-weight flag of every tokenizer model */
    List<Map<String, Object>> codecs() {
        return context.useCase(ListModelsUseCase.class).listModels().stream()
                .filter(m -> m.tasks().contains(ModelTask.TOKENIZER))
                .map(m -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("id", m.id());
                    entry.put("name", m.displayName());
                    entry.put("random_weights", m.randomWeights());
                    entry.put("sample_rate", m.sampleRate());
                    return entry;
                }).toList();
    }

    private WebResponse roundTrip(WebRequest request) {
        Part clip = request.part("audio").filter(Part::isFile)
                .orElseThrow(() -> new InvalidArgumentException("audio", "audio (a file in a multipart form) is required."));
        String model = request.optionalString("model").orElse(null);
        AudioFormat format = AudioFormat.parse(request.optionalString("response_format").orElse(null), "response_format");
        EncodeSpeechResult encoded = context.useCase(EncodeSpeechTokensUseCase.class).encodeSpeech(
                new EncodeSpeechCommand(model, new AudioUpload("audio", clip.content(), clip.filename(), clip.contentType())),
                request.cancellation());
        DecodeSpeechResult decoded = context.useCase(DecodeSpeechTokensUseCase.class).decodeSpeech(
                new DecodeSpeechCommand(encoded.modelId(), encoded.codes(), format), request.cancellation());
        return WebResponse.bytes(decoded.audio().mediaType(), decoded.audio().bytes())
                .withHeader("X-Q3tts-Model", decoded.modelId())
                .withHeader("X-Q3tts-Frames", String.valueOf(encoded.codes().frameCount()))
                .withHeader("X-Q3tts-Codebooks", String.valueOf(encoded.codes().codebooks()))
                .withHeader("X-Q3tts-Frame-Rate", String.format(Locale.ROOT, "%.3f", encoded.codes().frameRate()));
    }
}
