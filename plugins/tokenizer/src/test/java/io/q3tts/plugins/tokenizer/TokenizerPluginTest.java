package io.q3tts.plugins.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.tokenizer.DecodeSpeechResult;
import io.q3tts.ports.in.tokenizer.DecodeSpeechTokensUseCase;
import io.q3tts.ports.in.tokenizer.EncodeSpeechResult;
import io.q3tts.ports.in.tokenizer.EncodeSpeechTokensUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.SpeechCodes;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.WebResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenizerPluginTest {

    private final SpeechCodes codes = new SpeechCodes(new int[][] {{1, 2}, {3, 4}, {5, 6}}, 12.5);
    private final AtomicReference<SpeechCodes> decoded = new AtomicReference<>();
    private TokenizerPlugin plugin;

    @BeforeEach
    void start() {
        plugin = PluginContract.discover(TokenizerPlugin.class);
        plugin.start(new FakePluginContext("tokenizer")
                .with(ListModelsUseCase.class, () -> List.of(
                        Views.model("codec", Set.of(ModelTask.TOKENIZER), List.of()),
                        Views.model("cv", Set.of(ModelTask.CUSTOM_VOICE), List.of("ryan"))))
                .with(EncodeSpeechTokensUseCase.class, (command, cancellation) -> new EncodeSpeechResult("codec", codes, 0.24))
                .with(DecodeSpeechTokensUseCase.class, (command, cancellation) -> {
                    decoded.set(command.codes());
                    return new DecodeSpeechResult(command.modelId(), new EncodedAudio(AudioFormat.WAV, new byte[] {9}, 24_000, 0.24));
                }));
        PluginContract.checkMounts(plugin);
    }

    @Test
    void onlyTokenizerModelsAreListed() {
        WebResponse response = PluginContract.route(plugin, "GET", "/codecs").handler()
                .handle(Requests.get("/plugins/tokenizer/codecs", Map.of()));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> codecs = (List<Map<String, Object>>)
                ((Map<String, Object>) ((WebResponse.Body.Json) response.body()).value()).get("codecs");
        assertEquals(List.of("codec"), codecs.stream().map(c -> c.get("id")).toList());
    }

    @Test
    void givenAClip_whenRoundTripping_thenTheCodesAreDecodedBackAndDescribedInHeaders() {
        WebResponse response = PluginContract.route(plugin, "POST", "/roundtrip").handler().handle(
                Requests.postMultipart("/p", List.of(new Part("audio", "in.wav", "audio/wav", new byte[] {1}))));
        assertSame(codes, decoded.get());
        assertArrayEquals(new byte[] {9}, ((WebResponse.Body.Bytes) response.body()).bytes());
        assertEquals("3", response.headers().get("X-Q3tts-Frames"));
        assertEquals("2", response.headers().get("X-Q3tts-Codebooks"));
        assertEquals("codec", response.headers().get("X-Q3tts-Model"));
    }

    @Test
    void givenNoFile_whenRoundTripping_thenTheErrorNamesAudio() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/roundtrip").handler().handle(Requests.postJson("/p", Map.of())));
        assertEquals("audio", e.field());
    }
}
