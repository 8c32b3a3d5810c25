package io.q3tts.plugins.subtitles;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline through the plugin's route, with a fake core whose synthesis returns a constant
 * "tone" of 0.25 lasting as many milliseconds as the cue's text says ("ms 1200"), so placement and
 * stretching can be checked to the sample.
 */
class SubtitlesPluginTest {

    private static final float LEVEL = 0.25f;

    private final List<String> calls = new ArrayList<>();
    private final InlinePipelineJobs pipelines = new InlinePipelineJobs();
    private PipelineOutput last;
    private String failOn;
    private SubtitlesPlugin plugin;

    @BeforeEach
    void start() {
        plugin = PluginContract.discover(SubtitlesPlugin.class);
        plugin.start(new FakePluginContext("subtitles")
                .with(PipelineJobsUseCase.class, pipelines)
                .with(SynthesizeCustomVoiceUseCase.class, (command, listener, cancellation) -> {
                    assertEquals(AudioFormat.PCM, command.format());
                    if (command.text().equals(failOn)) {
                        failOn = null;
                        throw new io.q3tts.ports.model.ModelException("the engine broke");
                    }
                    calls.add("preset " + command.speaker() + ": " + command.text());
                    return tone(command.text());
                })
                .with(SynthesizeVoiceCloneUseCase.class, (command, listener, cancellation) -> {
                    calls.add("saved " + ((CloneVoice.SavedVoice) command.voice()).voiceId() + ": " + command.text());
                    return tone(command.text());
                }));
        PluginContract.checkMounts(plugin);
    }

    private static SynthesisOutcome tone(String text) {
        int ms = Integer.parseInt(text.replaceAll("\\D", ""));
        int n = ms * 24;
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putShort((short) (LEVEL * 32768));
        }
        return new SynthesisOutcome(Views.job(JobKind.CUSTOM_VOICE, text), Views.output(ModelTask.CUSTOM_VOICE, text),
                new EncodedAudio(AudioFormat.PCM, b.array(), 24_000, ms / 1000.0));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> render(String subtitles, String voices, String defaultVoice) {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("subtitles", "in.vtt", "text/vtt", subtitles.getBytes(StandardCharsets.UTF_8)));
        if (voices != null) {
            parts.add(new Part("voices", null, null, voices.getBytes(StandardCharsets.UTF_8)));
        }
        if (defaultVoice != null) {
            parts.add(new Part("voice", null, null, defaultVoice.getBytes(StandardCharsets.UTF_8)));
        }
        WebResponse response = PluginContract.route(plugin, "POST", "/jobs").handler()
                .handle(Requests.postMultipart("/plugins/subtitles/jobs", parts));
        return report(response);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> report(WebResponse response) {
        assertEquals(202, response.status());
        String job = (String) ((Map<String, Object>) ((WebResponse.Body.Json) response.body()).value()).get("job_id");
        last = pipelines.outputs().get(job);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(last.files().get("report.json"), Map.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private float[] track(Map<String, Object> report) {
        byte[] wav = last.audio().bytes();
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.wrap(wav, 44, wav.length - 44).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(wav.length - 44) / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getShort() / 32767f;
        }
        return out;
    }

    @Test
    void givenCuesThatFitNeedStretchAndOverrun_whenRendering_thenPlacedToTheSampleStretchedAndReported() {
        String srt = """
                1
                00:00:00,500 --> 00:00:02,000
                ms 1000

                2
                00:00:02,333 --> 00:00:03,333
                ms 1200

                3
                00:00:04,001 --> 00:00:05,001
                ms 2000
                """;
        Map<String, Object> report = render(srt, null, "ryan");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cues = (List<Map<String, Object>>) report.get("cues");

        assertEquals(List.of(12_000L, 55_992L, 96_024L), cues.stream().map(c -> ((Number) c.get("start_sample")).longValue()).toList());
        assertEquals(1.0, cues.get(0).get("stretch"));
        assertEquals(0.0, cues.get(0).get("overrun_ms"));
        assertEquals(1.2, cues.get(1).get("stretch"));
        assertEquals(1000.0, cues.get(1).get("achieved_ms"));
        assertEquals(0.0, cues.get(1).get("overrun_ms"));
        assertEquals(1.35, cues.get(2).get("stretch"));
        assertEquals(2000.0, cues.get(2).get("synthesized_ms"));
        // round(48000 / 1.35) = 35556 samples against a 24000-sample window: 11556 samples over.
        assertEquals(11_556 / 24.0, cues.get(2).get("overrun_ms"));
        assertEquals(1, ((Number) report.get("overrun_count")).intValue());
        assertEquals(2, ((Number) report.get("stretched_count")).intValue());
        assertEquals("ryan", cues.get(0).get("voice"));
        assertEquals("cues/0001.wav", cues.get(0).get("file"));
        assertEquals(List.of("cues/0001.wav", "cues/0002.wav", "cues/0003.wav", "report.json"), List.copyOf(last.files().keySet()));
        assertEquals(35_556, (last.files().get("cues/0003.wav").length - 44) / 2, "a cue file holds the cue as placed");
        assertEquals(List.of("0/3 cue 1 of 3", "1/3 cue 2 of 3", "2/3 cue 3 of 3", "3/3 mixing"), pipelines.progress());

        float[] track = track(report);
        assertEquals(96_024 + 35_556, track.length);
        assertEquals(0f, track[11_999]);
        assertEquals(LEVEL, track[12_000], 1e-4);
        assertEquals(LEVEL, track[12_000 + 23_999], 1e-4);
        assertEquals(0f, track[12_000 + 24_000]);
        assertEquals(0f, track[55_991]);
        assertTrue(Math.abs(track[55_992 + 12_000] - LEVEL) < 0.02, "stretched tone keeps its level");
        assertEquals(0f, track[55_992 + 24_000]);
        assertEquals(List.of("preset ryan: ms 1000", "preset ryan: ms 1200", "preset ryan: ms 2000"), calls);
    }

    @Test
    void givenVttSpeakers_whenRendering_thenEachSpeakerGetsItsMappedVoiceAndOthersTheDefault() {
        String vtt = """
                WEBVTT

                00:00.000 --> 00:01.000
                <v Alice>ms 500

                00:01.000 --> 00:02.000
                <v Bob>ms 500

                00:02.000 --> 00:03.000
                <v Carol>ms 500
                """;
        Map<String, Object> report = render(vtt, "{\"alice\": \"vivian\", \"Bob\": \"saved:bob-voice\"}", "ryan");
        assertEquals(List.of("preset vivian: ms 500", "saved bob-voice: ms 500", "preset ryan: ms 500"), calls);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cues = (List<Map<String, Object>>) report.get("cues");
        assertEquals("Bob", cues.get(1).get("speaker"));
        assertEquals("saved:bob-voice", cues.get(1).get("voice"));
    }

    @Test
    void givenAMissingSavedVoiceOrAnUnknownPreset_whenSubmitting_thenRefusedNamingVoicesBeforeAnythingIsSpoken() {
        SubtitlesPlugin checked = PluginContract.discover(SubtitlesPlugin.class);
        checked.start(new FakePluginContext("subtitles")
                .with(PipelineJobsUseCase.class, pipelines)
                .with(io.q3tts.ports.in.voice.GetVoiceUseCase.class, id -> {
                    throw new io.q3tts.ports.model.NotFoundException("voice_id", "no voice " + id);
                })
                .with(io.q3tts.ports.in.models.ListModelsUseCase.class, () -> List.of(new io.q3tts.ports.in.models.ModelView(
                        "cv", "CV", java.util.Set.of(ModelTask.CUSTOM_VOICE), "0.6B", "fp32", true, List.of("Vivian", "Ryan"),
                        List.of("auto"), true, 24_000, io.q3tts.ports.in.models.ModelResidency.AVAILABLE, 0, null))));
        String vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Alice>ms 500\n\n00:01.000 --> 00:02.000\n<v Bob>ms 500\n";
        for (String voices : List.of("{\"Alice\": \"vivian\", \"Bob\": \"saved:nope\"}",
                "{\"Alice\": \"vivian\", \"Bob\": \"nobody\"}")) {
            List<Part> parts = List.of(new Part("subtitles", "in.vtt", "text/vtt", vtt.getBytes(StandardCharsets.UTF_8)),
                    new Part("voices", null, null, voices.getBytes(StandardCharsets.UTF_8)));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                    .route(checked, "POST", "/jobs").handler().handle(Requests.postMultipart("/plugins/subtitles/jobs", parts)));
            assertEquals("voices", e.field(), e.getMessage());
            assertTrue(e.getMessage().contains("nope") || e.getMessage().contains("nobody"), e.getMessage());
            assertTrue(e.getMessage().contains("the voice of Bob, first needed at cue 2, line 6"), e.getMessage());
        }
        // The default voice's problem names the field voice; a design: voice is refused before anything runs.
        for (String voice : List.of("saved:nope", "design:a calm voice")) {
            List<Part> parts = List.of(new Part("subtitles", "in.vtt", "text/vtt", vtt.getBytes(StandardCharsets.UTF_8)),
                    new Part("voices", null, null, "{\"Alice\": \"vivian\"}".getBytes(StandardCharsets.UTF_8)),
                    new Part("voice", null, null, voice.getBytes(StandardCharsets.UTF_8)));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                    .route(checked, "POST", "/jobs").handler().handle(Requests.postMultipart("/plugins/subtitles/jobs", parts)));
            assertEquals("voice", e.field(), e.getMessage());
            assertTrue(e.getMessage().contains("the default voice, first needed at cue 2"), e.getMessage());
        }
        assertTrue(calls.isEmpty(), "nothing was spoken");
    }

    @Test
    void givenAnUnmappedSpeakerAndNoDefault_whenRendering_thenNothingIsSpokenAndTheErrorNamesVoice() {
        String vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Alice>ms 500\n\n00:01.000 --> 00:02.000\n<v Bob>ms 500\n";
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> render(vtt, "{\"Alice\": \"vivian\"}", null));
        assertEquals("voice", e.field());
        assertTrue(e.getMessage().contains("Bob"));
        assertTrue(calls.isEmpty());
    }

    @Test
    void givenBadInputs_whenRendering_thenEachErrorNamesItsField() {
        String ok = "1\n00:00:00,000 --> 00:00:01,000\nms 10\n";
        assertEquals("voices", assertThrows(InvalidArgumentException.class, () -> render(ok, "{\"a\": 3}", "ryan")).field());
        assertEquals("subtitles", assertThrows(InvalidArgumentException.class,
                () -> render("1\n00:00:xx,000 --> 00:00:01,000\nhi\n", null, "ryan")).field());
        assertEquals("subtitles", assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/jobs").handler().handle(Requests.postJson("/r", Map.of("voice", "ryan")))).field());
        assertTrue(calls.isEmpty());
    }

    @Test
    void givenAJsonBody_whenRendering_thenTheMappingObjectIsUsed() {
        WebResponse response = PluginContract.route(plugin, "POST", "/jobs").handler().handle(Requests.postJson("/r",
                Map.of("subtitles", "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Al>ms 100\n", "voices", Map.of("Al", "vivian"))));
        report(response);
        assertEquals(List.of("preset vivian: ms 100"), calls);
    }

    @Test
    void givenAFile_whenParsingOnly_thenSpeakersAndWarningsAreListedWithoutSpeaking() {
        WebResponse response = PluginContract.route(plugin, "POST", "/parse").handler().handle(Requests.postJson("/p",
                Map.of("subtitles", "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Al>a\n\n00:01.000 --> 00:03.000\n<v Bo>b\n")));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) ((WebResponse.Body.Json) response.body()).value();
        assertEquals(List.of("Al", "Bo"), body.get("speakers"));
        assertEquals(1, ((List<?>) body.get("warnings")).size());
        assertTrue(calls.isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenACueThatFails_whenResumed_thenSpokenCuesAreReusedAndTheTrackIsTheSame() {
        String srt = "1\n00:00:00,000 --> 00:00:01,000\nms 300\n\n2\n00:00:01,000 --> 00:00:02,000\nms 400\n\n"
                + "3\n00:00:02,000 --> 00:00:03,000\nms 500\n";
        render(srt, null, "ryan");
        byte[] expected = last.audio().bytes();
        calls.clear();
        failOn = "ms 500";
        List<Part> parts = List.of(new Part("subtitles", "in.srt", "text/plain", srt.getBytes(StandardCharsets.UTF_8)),
                new Part("voice", null, null, "ryan".getBytes(StandardCharsets.UTF_8)),
                new Part("seed", null, null, "5".getBytes(StandardCharsets.UTF_8)));
        WebResponse first = PluginContract.route(plugin, "POST", "/jobs").handler()
                .handle(Requests.postMultipart("/plugins/subtitles/jobs", parts));
        String job = (String) ((Map<String, Object>) ((WebResponse.Body.Json) first.body()).value()).get("job_id");
        assertEquals(List.of("preset ryan: ms 300", "preset ryan: ms 400"), calls, "cut off at the third cue");
        calls.clear();
        pipelines.resumePipeline(io.q3tts.ports.in.job.JobId.of(job));
        assertEquals(List.of("preset ryan: ms 500"), calls, "only the cue that was not spoken is spoken on resume");
        PipelineOutput resumed = pipelines.outputs().get(job);
        assertEquals(expected.length, resumed.audio().bytes().length);
        assertTrue(java.util.Arrays.equals(expected, resumed.audio().bytes()), "the same track");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDocumentedExampleFileParses() throws Exception {
        byte[] example = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("../../docs/examples/dialogue.vtt"));
        WebResponse response = PluginContract.route(plugin, "POST", "/parse").handler().handle(Requests.postMultipart("/p",
                List.of(new Part("subtitles", "dialogue.vtt", "text/vtt", example))));
        Map<String, Object> body = (Map<String, Object>) ((WebResponse.Body.Json) response.body()).value();
        assertEquals(List.of("Ann", "Bob"), body.get("speakers"));
        assertEquals(3, ((List<?>) body.get("cues")).size());
    }

    @Test
    void theNavigationEntryPointsAtThePluginRoot() {
        assertEquals("/", plugin.page().orElseThrow().nav().path());
    }
}
