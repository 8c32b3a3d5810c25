package io.q3tts.plugins.customvoice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.web.WebResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CustomVoicePluginTest {

    private final AtomicReference<SynthesizeCustomVoiceCommand> seen = new AtomicReference<>();
    private CustomVoicePlugin plugin;

    @BeforeEach
    void start() {
        plugin = PluginContract.discover(CustomVoicePlugin.class);
        plugin.start(new FakePluginContext("custom-voice")
                .with(ListModelsUseCase.class, () -> List.of(
                        Views.model("cv-a", Set.of(ModelTask.CUSTOM_VOICE), List.of("ryan", "vivian")),
                        Views.model("base", Set.of(ModelTask.VOICE_CLONE), List.of()),
                        Views.model("cv-b", Set.of(ModelTask.CUSTOM_VOICE), List.of("ryan", "my_speaker"))))
                .with(SynthesizeCustomVoiceUseCase.class, (command, listener, cancellation) -> {
                    seen.set(command);
                    return Views.synthesis(JobKind.CUSTOM_VOICE, ModelTask.CUSTOM_VOICE, command.text());
                }));
        PluginContract.checkMounts(plugin);
    }

    @Test
    void givenTwoCustomVoiceModels_whenListingSpeakers_thenEachSpeakerOnceWithCardInfoAndModels() {
        WebResponse response = PluginContract.route(plugin, "GET", "/speakers").handler()
                .handle(Requests.get("/plugins/custom-voice/speakers", Map.of()));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> speakers = (List<Map<String, Object>>)
                ((Map<String, Object>) ((WebResponse.Body.Json) response.body()).value()).get("speakers");
        assertEquals(List.of("ryan", "vivian", "my_speaker"), speakers.stream().map(s -> s.get("id")).toList());
        assertEquals("english", speakers.get(0).get("native_language"));
        assertEquals(List.of("cv-a", "cv-b"), speakers.get(0).get("models"));
        assertTrue(((String) speakers.get(1).get("description")).contains("female"));
        assertEquals("My Speaker", speakers.get(2).get("name"));
        assertEquals("auto", speakers.get(2).get("native_language"));
    }

    @Test
    void givenOnlyASpeaker_whenPreviewing_thenSpeaksAGreetingInItsNativeLanguageAndReturnsTheAudio() {
        WebResponse response = PluginContract.route(plugin, "POST", "/preview").handler()
                .handle(Requests.postJson("/plugins/custom-voice/preview", Map.of("voice", "Vivian")));

        assertEquals("vivian", seen.get().speaker());
        assertEquals("chinese", seen.get().language());
        assertTrue(seen.get().text().contains("你好"));
        WebResponse.Body.Bytes body = (WebResponse.Body.Bytes) response.body();
        assertEquals("audio/wav", body.contentType());
        assertArrayEquals("RIFF".getBytes(StandardCharsets.US_ASCII), body.bytes());
        assertEquals("out-1", response.headers().get("X-Q3tts-Output-Id"));
    }

    @Test
    void givenNoVoice_whenPreviewing_thenTheErrorNamesTheField() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/preview").handler().handle(Requests.postJson("/p", Map.of("input", "hi"))));
        assertEquals("voice", e.field());
    }

    @Test
    void theNavigationEntryPointsAtThePluginRoot() {
        assertEquals("/", plugin.page().orElseThrow().nav().path());
    }
}
