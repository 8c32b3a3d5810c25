package io.q3tts.plugins.voicedesign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.web.WebResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VoiceDesignPluginTest {

    private final AtomicReference<SynthesizeVoiceDesignCommand> seen = new AtomicReference<>();
    private VoiceDesignPlugin plugin;

    @BeforeEach
    void start() {
        plugin = PluginContract.discover(VoiceDesignPlugin.class);
        plugin.start(new FakePluginContext("voice-design").with(SynthesizeVoiceDesignUseCase.class,
                (command, listener, cancellation) -> {
                    seen.set(command);
                    return Views.synthesis(JobKind.VOICE_DESIGN, ModelTask.VOICE_DESIGN, command.text());
                }));
        PluginContract.checkMounts(plugin);
    }

    @Test
    void examplesAreValidDesignRequests() {
        WebResponse response = PluginContract.route(plugin, "GET", "/examples").handler()
                .handle(Requests.get("/plugins/voice-design/examples", Map.of()));
        @SuppressWarnings("unchecked")
        List<VoiceDesignPlugin.Example> examples = (List<VoiceDesignPlugin.Example>)
                ((Map<String, Object>) ((WebResponse.Body.Json) response.body()).value()).get("examples");
        assertFalse(examples.isEmpty());
        for (VoiceDesignPlugin.Example e : examples) {
            new SynthesizeVoiceDesignCommand(null, e.input(), e.language(), e.instructions(), null, null);
        }
    }

    @Test
    void givenADescriptionAndText_whenPreviewing_thenTheUseCaseGetsThemAndTheAudioComesBack() {
        WebResponse response = PluginContract.route(plugin, "POST", "/preview").handler().handle(Requests.postJson(
                "/plugins/voice-design/preview", Map.of("instructions", "A cheerful robot.", "input", "Beep boop.",
                        "response_format", "wav")));
        assertEquals("A cheerful robot.", seen.get().instruct());
        assertEquals("Beep boop.", seen.get().text());
        assertEquals(AudioFormat.WAV, seen.get().format());
        assertEquals("audio/wav", ((WebResponse.Body.Bytes) response.body()).contentType());
        assertEquals("job-1", response.headers().get("X-Q3tts-Job-Id"));
    }

    @Test
    void givenNoDescription_whenPreviewing_thenTheErrorNamesInstructions() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/preview").handler().handle(Requests.postJson("/p", Map.of("input", "hi"))));
        assertEquals("instructions", e.field());
    }
}
