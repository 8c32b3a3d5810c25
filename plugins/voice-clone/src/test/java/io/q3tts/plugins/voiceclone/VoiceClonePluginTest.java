package io.q3tts.plugins.voiceclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.voice.ListVoicesUseCase;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.WebResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VoiceClonePluginTest {

    private final AtomicReference<SynthesizeVoiceCloneCommand> seen = new AtomicReference<>();
    private VoiceClonePlugin plugin;

    @BeforeEach
    void start() {
        plugin = PluginContract.discover(VoiceClonePlugin.class);
        plugin.start(new FakePluginContext("voice-clone")
                .with(ListVoicesUseCase.class, () -> List.of(Views.voice("anna", "Anna")))
                .with(SynthesizeVoiceCloneUseCase.class, (command, listener, cancellation) -> {
                    seen.set(command);
                    return Views.synthesis(JobKind.VOICE_CLONE, ModelTask.VOICE_CLONE, command.text());
                }));
        PluginContract.checkMounts(plugin);
    }

    @Test
    void voicesAreSummarizedForThePicker() {
        WebResponse response = PluginContract.route(plugin, "GET", "/voices").handler()
                .handle(Requests.get("/plugins/voice-clone/voices", Map.of()));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> voices = (List<Map<String, Object>>)
                ((Map<String, Object>) ((WebResponse.Body.Json) response.body()).value()).get("voices");
        assertEquals("anna", voices.getFirst().get("id"));
        assertEquals("uploaded", voices.getFirst().get("origin"));
        assertEquals(true, voices.getFirst().get("has_transcript"));
    }

    @Test
    void givenASavedVoice_whenPreviewing_thenItIsClonedFromTheLibrary() {
        PluginContract.route(plugin, "POST", "/preview").handler().handle(Requests.postJson("/p",
                Map.of("voice", "anna", "input", "Good morning.")));
        assertEquals(new CloneVoice.SavedVoice("anna"), seen.get().voice());
        assertEquals("Good morning.", seen.get().text());
    }

    @Test
    void givenAnUploadedClip_whenPreviewing_thenItIsClonedFromTheUpload() {
        WebResponse response = PluginContract.route(plugin, "POST", "/preview").handler().handle(Requests.postMultipart("/p",
                List.of(new Part("ref_audio", "me.wav", "audio/wav", new byte[] {1, 2, 3}),
                        new Part("x_vector_only_mode", null, null, "true".getBytes(StandardCharsets.UTF_8)),
                        new Part("input", null, null, "Hi there.".getBytes(StandardCharsets.UTF_8)))));
        CloneVoice.UploadedReference upload = assertInstanceOf(CloneVoice.UploadedReference.class, seen.get().voice());
        assertTrue(upload.xVectorOnly());
        assertEquals("me.wav", upload.audio().filename());
        assertEquals("out-1", response.headers().get("X-Q3tts-Output-Id"));
    }

    @Test
    void givenNeitherVoiceNorClip_whenPreviewing_thenTheErrorNamesVoice() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/preview").handler().handle(Requests.postJson("/p", Map.of("input", "hi"))));
        assertEquals("voice", e.field());
    }
}
