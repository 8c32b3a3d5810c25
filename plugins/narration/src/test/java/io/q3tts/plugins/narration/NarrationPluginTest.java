package io.q3tts.plugins.narration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.WebResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NarrationPluginTest {

    private final List<SynthesizeCustomVoiceCommand> custom = new ArrayList<>();
    private final List<SynthesizeVoiceCloneCommand> clone = new ArrayList<>();
    private NarrationPlugin plugin;

    private static SynthesisOutcome pcm(ModelTask task, String text) {
        float[] tone = Tones.tone(Tones.secondsFor(text), 440, 0.05, 24_000);
        ByteBuffer b = ByteBuffer.allocate(tone.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : tone) {
            b.putShort((short) Math.round(v * 32767));
        }
        SynthesisOutcome base = Views.synthesis(JobKind.CUSTOM_VOICE, task, text);
        return new SynthesisOutcome(base.job(), base.output(),
                new EncodedAudio(AudioFormat.PCM, b.array(), 24_000, tone.length / 24_000.0));
    }

    @BeforeEach
    void start() {
        plugin = PluginContract.discover(NarrationPlugin.class);
        plugin.start(new FakePluginContext("narration").config("max_chars", "200000")
                .with(SynthesizeCustomVoiceUseCase.class, (command, listener, cancellation) -> {
                    custom.add(command);
                    return pcm(ModelTask.CUSTOM_VOICE, command.text());
                })
                .with(SynthesizeVoiceCloneUseCase.class, (command, listener, cancellation) -> {
                    clone.add(command);
                    return pcm(ModelTask.VOICE_CLONE, command.text());
                }));
        PluginContract.checkMounts(plugin);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> post(String path, Map<String, Object> json) {
        WebResponse response = PluginContract.route(plugin, "POST", path).handler()
                .handle(Requests.postJson("/plugins/narration" + path, json));
        return (Map<String, Object>) ((WebResponse.Body.Json) response.body()).value();
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenMarkdown_whenRendering_thenOneWavWithChunkTimingsChaptersAndTheDocumentSeed() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", "# One\n\nFirst sentence here. Second one.\n\n## Two\n\nLast words.");
        body.put("format", "markdown");
        body.put("voice", "Ryan");
        body.put("language", "english");
        body.put("seed", 42);
        Map<String, Object> report = post("/render", body);

        assertEquals(List.of("One", "First sentence here. Second one.", "Two", "Last words."),
                custom.stream().map(SynthesizeCustomVoiceCommand::text).toList());
        assertTrue(custom.stream().allMatch(c -> c.speaker().equals("ryan") && c.options().seed() == 42L
                && c.format() == AudioFormat.PCM && c.language().equals("english")));
        List<Map<String, Object>> chapters = (List<Map<String, Object>>) report.get("chapters");
        assertEquals(List.of("One", "Two"), chapters.stream().map(c -> c.get("title")).toList());
        List<Map<String, Object>> chunks = (List<Map<String, Object>>) report.get("chunks");
        assertEquals(chunks.get(2).get("start"), chapters.get(1).get("start"));
        assertEquals(0, chunks.get(0).get("retries"));
        assertEquals("heading", chunks.get(0).get("pause_after"));
        assertEquals(42L, report.get("seed"));
        assertEquals(-16.0, (double) ((Map<String, Object>) report.get("loudness")).get("final_lufs"), 1.0);
        byte[] wav = Base64.getDecoder().decode((String) report.get("audio_base64"));
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals((double) report.get("duration_seconds"), (wav.length - 44) / 2 / 24_000.0, 1e-3);
    }

    @Test
    void givenASavedVoice_whenRendering_thenTheCloneUseCaseSpeaksEveryChunk() {
        post("/render", Map.of("text", "Hello there. General Kenobi.", "voice", "saved:my-voice", "seed_policy", "per_chunk",
                "seed", 9));
        assertTrue(custom.isEmpty());
        assertEquals(new CloneVoice.SavedVoice("my-voice"), clone.getFirst().voice());
        assertEquals(9L, clone.getFirst().options().seed());
    }

    @Test
    void givenTheChunksRoute_thenNothingIsSynthesized() {
        Map<String, Object> report = post("/chunks", Map.of("text", "# T\n\nBody.", "format", "md"));
        assertEquals(2, ((List<?>) report.get("chunks")).size());
        assertTrue(custom.isEmpty());
    }

    @Test
    void givenAFilePart_whenRendering_thenTheFileIsNarratedAndNonUtf8IsRefused() {
        Part ok = new Part("text", "book.txt", "text/plain", "Once upon a time.".getBytes(StandardCharsets.UTF_8));
        PluginContract.route(plugin, "POST", "/render").handler().handle(Requests.postMultipart("/p",
                List.of(ok, new Part("voice", null, null, "ryan".getBytes(StandardCharsets.UTF_8)))));
        assertEquals("Once upon a time.", custom.getFirst().text());
        Part junk = new Part("text", "x.bin", "application/octet-stream", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/render").handler().handle(Requests.postMultipart("/p", List.of(junk))));
        assertEquals("text", e.field());
    }

    @Test
    void badRequestsNameTheField() {
        assertEquals("text", fieldOf(Map.of("voice", "ryan")));
        assertEquals("text", fieldOf(Map.of("voice", "ryan", "text", "a".repeat(1_048_576))));
        assertEquals("text", fieldOf(Map.of("voice", "ryan", "text", "bin\u0001ary")));
        assertEquals("voice", fieldOf(Map.of("text", "Hi.")));
        assertEquals("voice", fieldOf(Map.of("text", "Hi.", "voice", "saved:../etc")));
        assertEquals("format", fieldOf(Map.of("text", "Hi.", "voice", "ryan", "format", "html")));
        assertEquals("seed_policy", fieldOf(Map.of("text", "Hi.", "voice", "ryan", "seed_policy", "random")));
        assertEquals("target_lufs", fieldOf(Map.of("text", "Hi.", "voice", "ryan", "target_lufs", 3)));
        assertEquals("max_new_tokens", fieldOf(Map.of("text", "Hi.", "voice", "ryan", "max_new_tokens", 0)));
        assertTrue(custom.isEmpty(), "nothing is synthesized for a bad request");
    }

    private String fieldOf(Map<String, Object> json) {
        return assertThrows(InvalidArgumentException.class, () -> post("/render", json)).field();
    }

    @Test
    void thePageIsRegisteredAtThePluginRoot() {
        assertEquals("narration/page.jte", plugin.page().orElseThrow().templateName());
        assertEquals("/", plugin.page().orElseThrow().nav().path());
        assertNull(plugin.page().orElseThrow().model().apply(Requests.get("/", Map.of())).get("missing"));
    }
}
