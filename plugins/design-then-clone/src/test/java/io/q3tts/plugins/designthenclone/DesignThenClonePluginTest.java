package io.q3tts.plugins.designthenclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.DesignThenCloneUseCase;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.web.WebResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DesignThenClonePluginTest {

    private final AtomicReference<DesignThenCloneCommand> seen = new AtomicReference<>();
    private DesignThenClonePlugin plugin;

    @BeforeEach
    void start() {
        plugin = PluginContract.discover(DesignThenClonePlugin.class);
        plugin.start(new FakePluginContext("design-then-clone").with(DesignThenCloneUseCase.class,
                (command, listener, cancellation) -> {
                    seen.set(command);
                    return new DesignThenCloneOutcome(Views.job(JobKind.DESIGN_THEN_CLONE, command.summary()),
                            Views.voice("pirate", command.voiceName()),
                            Views.output(ModelTask.VOICE_DESIGN, command.sampleText()));
                }));
        PluginContract.checkMounts(plugin);
    }

    @Test
    void givenANameAndDescription_whenCreating_thenTheVoiceAndItsSampleAreLinked() {
        WebResponse response = PluginContract.route(plugin, "POST", "/voices").handler().handle(Requests.postJson("/p",
                Map.of("name", "Pirate", "instructions", "A gravelly old pirate.")));

        assertEquals(201, response.status());
        assertEquals(DesignThenClonePlugin.DEFAULT_SAMPLE, seen.get().sampleText());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) ((WebResponse.Body.Json) response.body()).value();
        assertEquals("pirate", ((Map<?, ?>) body.get("voice")).get("id"));
        assertEquals("/api/v1/outputs/out-1/audio", ((Map<?, ?>) body.get("sample")).get("audio_url"));
    }

    @Test
    void givenNoDescription_whenCreating_thenTheErrorNamesInstructions() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/voices").handler().handle(Requests.postJson("/p", Map.of("name", "Pirate"))));
        assertEquals("instructions", e.field());
    }
}
