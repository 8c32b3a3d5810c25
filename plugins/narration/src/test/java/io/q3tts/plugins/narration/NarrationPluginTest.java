package io.q3tts.plugins.narration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.InlinePipelineJobs;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.WebResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NarrationPluginTest {

    private final List<SynthesizeCustomVoiceCommand> custom = new ArrayList<>();
    private final List<SynthesizeVoiceCloneCommand> clone = new ArrayList<>();
    private final InlinePipelineJobs pipelines = new InlinePipelineJobs();
    private int failAtCall = -1;
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
                .with(PipelineJobsUseCase.class, pipelines)
                .with(SynthesizeCustomVoiceUseCase.class, (command, listener, cancellation) -> {
                    if (custom.size() == failAtCall) {
                        failAtCall = -1;
                        throw new ModelException("the engine broke");
                    }
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

    /** Submits a job (run inline) and returns its output's report.json. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> render(Map<String, Object> json) {
        Map<String, Object> accepted = post("/jobs", json);
        PipelineOutput out = pipelines.outputs().get((String) accepted.get("job_id"));
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(out.files().get("report.json"), Map.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
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
        Map<String, Object> report = render(body);
        PipelineOutput out = pipelines.outputs().values().iterator().next();

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
        assertEquals(42, ((Number) report.get("seed")).intValue());
        assertEquals(-16.0, ((Number) ((Map<String, Object>) report.get("loudness")).get("final_lufs")).doubleValue(), 1.0);
        byte[] wav = out.audio().bytes();
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(((Number) report.get("duration_seconds")).doubleValue(), (wav.length - 44) / 2 / 24_000.0, 1e-3);
        assertEquals(List.of("chunks/0001.wav", "chunks/0002.wav", "chunks/0003.wav", "chunks/0004.wav", "report.json"),
                List.copyOf(out.files().keySet()));
        assertEquals("chunks/0002.wav", chunks.get(1).get("file"));
        assertEquals(List.of("0/4 chunk 1 of 4 (heading)", "1/4 chunk 2 of 4", "2/4 chunk 3 of 4 (heading)",
                "3/4 chunk 4 of 4", "4/4 stitching"), pipelines.progress());
    }

    @Test
    void givenAFailedChunk_whenResumed_thenSpokenChunksAreNotSpokenAgainAndTheTrackIsTheSame() {
        Map<String, Object> body = Map.of("text", "One. Two.\n\nThree. Four.\n\nFive.", "voice", "ryan", "seed", 5);
        render(body);
        byte[] expected = pipelines.outputs().values().iterator().next().audio().bytes();
        custom.clear();
        failAtCall = 2;
        String job = (String) post("/jobs", body).get("job_id");
        assertTrue(pipelines.outputs().size() == 1, "the failed run stored nothing");
        assertEquals(2, custom.size());
        custom.clear();
        pipelines.resumePipeline(io.q3tts.ports.in.job.JobId.of(job));
        assertEquals(List.of("Five."), custom.stream().map(SynthesizeCustomVoiceCommand::text).toList(),
                "only the chunk that had not been spoken is spoken on resume");
        assertArrayEquals(expected, pipelines.outputs().get(job).audio().bytes());
    }

    @Test
    void givenASavedVoice_whenRendering_thenTheCloneUseCaseSpeaksEveryChunk() {
        render(Map.of("text", "Hello there. General Kenobi.", "voice", "saved:my-voice", "seed_policy", "per_chunk",
                "seed", 9));
        assertTrue(custom.isEmpty());
        assertEquals(new CloneVoice.SavedVoice("my-voice"), clone.getFirst().voice());
        assertEquals(9L, clone.getFirst().options().seed());
    }

    @Test
    void givenNoLayout_whenRendering_thenEveryChunkUsesTheNonStreamingLayoutUnlessTheRequestSaysOtherwise() {
        render(Map.of("text", "Hello there. General Kenobi.", "voice", "saved:my-voice", "seed", 9));
        assertTrue(clone.stream().allMatch(c -> Boolean.FALSE.equals(c.options().streamingText())),
                "non-streaming by default (QwenLM/Qwen3-TTS#239)");
        assertEquals("true", pipelines.outputs().values().iterator().next().parameters().get("non_streaming_mode"));
        clone.clear();
        render(Map.of("text", "Hello there. General Kenobi.", "voice", "saved:my-voice", "seed", 9,
                "non_streaming_mode", false));
        assertTrue(!clone.isEmpty() && clone.stream().allMatch(c -> Boolean.TRUE.equals(c.options().streamingText())));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDocumentedExampleChunksIntoTwoChapters() throws Exception {
        String example = java.nio.file.Files.readString(java.nio.file.Path.of("../../docs/examples/chapter.md"));
        Map<String, Object> report = post("/chunks", Map.of("text", example, "format", "markdown"));
        assertEquals(2, ((List<?>) report.get("chapters")).size());
        assertTrue(custom.isEmpty());
    }

    @Test
    void givenPreviousChunkContext_whenRendering_thenEachChunkIsClonedFromTheOneBefore() {
        String first = "The first paragraph is long enough to clone from.";
        String second = "The second one continues in the same voice and pace.";
        render(Map.of("text", first + "\n\n" + second + "\n\nShort.", "voice", "saved:my-voice",
                "context", "previous_chunk", "seed", 3));
        assertEquals(3, clone.size());
        assertEquals(new CloneVoice.SavedVoice("my-voice"), clone.get(0).voice(), "the first chunk uses the saved voice");
        CloneVoice.UploadedReference ref = (CloneVoice.UploadedReference) clone.get(1).voice();
        assertEquals(first, ref.transcript(), "the second chunk continues from the first");
        assertTrue(clone.get(2).voice() instanceof CloneVoice.UploadedReference);
        assertEquals("previous_chunk", pipelines.outputs().values().iterator().next().parameters().get("context"));

        assertEquals("context", fieldOf(Map.of("text", "Hi.", "voice", "ryan", "context", "previous_chunk")),
                "preset speakers cannot clone from the previous chunk");
        assertEquals("context", fieldOf(Map.of("text", "Hi.", "voice", "saved:v", "context", "chapter")));
    }

    @Test
    void givenTheChunksRoute_thenNothingIsSynthesized() {
        Map<String, Object> report = post("/chunks", Map.of("text", "# T\n\nBody.", "format", "md"));
        assertEquals(2, ((List<?>) report.get("chunks")).size());
        assertTrue(custom.isEmpty());
    }

    @Test
    void givenAFilePart_whenRendering_thenTheFileIsNarratedInItsEncodingAndBinaryIsRefused() {
        Part ok = new Part("text", "book.txt", "text/plain", "Once upon a time.".getBytes(StandardCharsets.UTF_8));
        PluginContract.route(plugin, "POST", "/jobs").handler().handle(Requests.postMultipart("/p",
                List.of(ok, new Part("voice", null, null, "ryan".getBytes(StandardCharsets.UTF_8)))));
        assertEquals("Once upon a time.", custom.getFirst().text());
        Part latin = new Part("text", "old.txt", "text/plain", "Déjà vu, café.".getBytes(java.nio.charset.Charset.forName(
                "windows-1252")));
        PluginContract.route(plugin, "POST", "/jobs").handler().handle(Requests.postMultipart("/p",
                List.of(latin, new Part("voice", null, null, "ryan".getBytes(StandardCharsets.UTF_8)))));
        assertEquals("Déjà vu, café.", custom.getLast().text());
        Part utf16 = new Part("text", "u.txt", "text/plain", "\uFEFFHello.".getBytes(StandardCharsets.UTF_16LE));
        WebResponse preview = PluginContract.route(plugin, "POST", "/chunks").handler().handle(Requests.postMultipart("/p",
                List.of(utf16)));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) ((WebResponse.Body.Json) preview.body()).value();
        assertEquals("UTF-16LE", body.get("encoding"));
        Part junk = new Part("text", "x.bin", "application/octet-stream", new byte[] {0, 1, 2, 3, 4});
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/jobs").handler().handle(Requests.postMultipart("/p", List.of(junk,
                        new Part("voice", null, null, "ryan".getBytes(StandardCharsets.UTF_8))))));
        assertEquals("text", e.field());
        Part named = new Part("encoding", null, null, "klingon".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(InvalidArgumentException.class, () -> PluginContract.route(plugin, "POST", "/chunks").handler()
                .handle(Requests.postMultipart("/p", List.of(ok, named))));
        assertEquals("encoding", e.field());
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
        return assertThrows(InvalidArgumentException.class, () -> post("/jobs", json)).field();
    }

    @Test
    void givenTheHostsVoicesAndModels_whenTheVoiceCannotSpeak_thenTheSubmissionIsRefusedNamingVoiceAndNothingIsSpoken() {
        NarrationPlugin checked = PluginContract.discover(NarrationPlugin.class);
        checked.start(new FakePluginContext("narration")
                .with(PipelineJobsUseCase.class, pipelines)
                .with(GetVoiceUseCase.class, id -> {
                    if (id.equals("keeper")) {
                        return Views.voice(id, "Keeper");
                    }
                    throw new NotFoundException("voice_id", "no voice " + id);
                })
                .with(ListModelsUseCase.class, () -> List.of(
                        Views.model("cv", java.util.Set.of(ModelTask.CUSTOM_VOICE), List.of("ryan", "vivian")),
                        Views.model("cv-small", java.util.Set.of(ModelTask.CUSTOM_VOICE), List.of("aiden")),
                        Views.model("base", java.util.Set.of(ModelTask.VOICE_CLONE), List.of())))
                .with(SynthesizeCustomVoiceUseCase.class, (command, listener, cancellation) -> {
                    custom.add(command);
                    return pcm(ModelTask.CUSTOM_VOICE, command.text());
                })
                .with(SynthesizeVoiceCloneUseCase.class, (command, listener, cancellation) -> {
                    clone.add(command);
                    return pcm(ModelTask.VOICE_CLONE, command.text());
                }));
        java.util.function.Function<Map<String, Object>, InvalidArgumentException> refused = body -> assertThrows(
                InvalidArgumentException.class, () -> PluginContract.route(checked, "POST", "/jobs").handler()
                        .handle(Requests.postJson("/plugins/narration/jobs", body)));
        InvalidArgumentException ghost = refused.apply(Map.of("text", "Hi.", "voice", "saved:ghost"));
        assertEquals("voice", ghost.field());
        assertTrue(ghost.getMessage().contains("saved voice 'ghost' does not exist"), ghost.getMessage());
        InvalidArgumentException preset = refused.apply(Map.of("text", "Hi.", "voice", "nobody"));
        assertEquals("voice", preset.field());
        assertTrue(preset.getMessage().contains("ryan, vivian, aiden"), preset.getMessage());
        assertEquals("voice", refused.apply(Map.of("text", "Hi.", "voice", "vivian", "model", "cv-small")).field(),
                "a named model without that speaker");
        assertEquals("voice", refused.apply(Map.of("text", "Hi.", "voice", "design:a calm old man")).field());
        assertTrue(custom.isEmpty() && clone.isEmpty() && pipelines.outputs().isEmpty(), "nothing was spoken or stored");

        PluginContract.route(checked, "POST", "/jobs").handler().handle(Requests.postJson("/plugins/narration/jobs",
                Map.of("text", "Hi.", "voice", "Ryan")));
        PluginContract.route(checked, "POST", "/jobs").handler().handle(Requests.postJson("/plugins/narration/jobs",
                Map.of("text", "Hi.", "voice", "saved:keeper")));
        assertEquals(1, custom.size());
        assertEquals(1, clone.size());
    }

    @Test
    void thePageIsRegisteredAtThePluginRoot() {
        assertEquals("narration/page.jte", plugin.page().orElseThrow().templateName());
        assertEquals("/", plugin.page().orElseThrow().nav().path());
        assertNull(plugin.page().orElseThrow().model().apply(Requests.get("/", Map.of())).get("missing"));
    }
}
