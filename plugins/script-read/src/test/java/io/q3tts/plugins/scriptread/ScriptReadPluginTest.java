package io.q3tts.plugins.scriptread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.lib.dsp.Pcm16;
import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.InlinePipelineJobs;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.output.DeleteOutputUseCase;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.DesignThenCloneUseCase;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.voice.CreateVoiceCommand;
import io.q3tts.ports.in.voice.CreateVoiceUseCase;
import io.q3tts.ports.in.voice.DeleteVoiceUseCase;
import io.q3tts.ports.in.voice.GetVoiceClipUseCase;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.in.voice.VoiceView;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.VoiceOrigin;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.WebResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptReadPluginTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<SynthesizeCustomVoiceCommand> custom = new ArrayList<>();
    private final List<SynthesizeVoiceCloneCommand> clone = new ArrayList<>();
    private final List<DesignThenCloneCommand> designs = new ArrayList<>();
    private final List<String> created = new ArrayList<>();
    private final Map<String, VoiceView> library = new LinkedHashMap<>();
    private final InlinePipelineJobs pipelines = new InlinePipelineJobs();
    private int failAtSynthesis = -1;
    private int synthesized;
    private ScriptReadPlugin plugin;
    private List<io.q3tts.ports.in.models.ModelView> models = List.of(
            Views.model("demo-custom-voice", Set.of(ModelTask.CUSTOM_VOICE), List.of("vivian", "ryan", "serena")),
            Views.model("demo-base", Set.of(ModelTask.VOICE_CLONE), List.of()),
            Views.model("demo-voice-design", Set.of(ModelTask.VOICE_DESIGN), List.of()));

    /** Speech whose length follows the text (15 chars/s) and whose pitch tells the voice apart. */
    private static SynthesisOutcome pcm(ModelTask task, String text, String voice) {
        int n = (int) Math.round(text.length() / 15.0 * 24_000);
        double hz = 200 + Math.floorMod(voice.hashCode(), 400);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = (float) (0.05 * Math.sin(2 * Math.PI * hz * i / 24_000));
        }
        SynthesisOutcome base = Views.synthesis(JobKind.CUSTOM_VOICE, task, text);
        return new SynthesisOutcome(base.job(), base.output(), new EncodedAudio(AudioFormat.PCM, Pcm16.encode(t), 24_000, n / 24_000.0));
    }

    private void count() {
        if (synthesized++ == failAtSynthesis) {
            failAtSynthesis = -1;
            throw new ModelException("the engine broke");
        }
    }

    private VoiceView voice(String name, VoiceOrigin origin, String transcript) {
        String id = Ids.slug(name, "name");
        return new VoiceView(id, name, "", origin, "auto", transcript, false, null, null, 3.0, Views.T0, Views.T0);
    }

    @BeforeEach
    void start() {
        library.put("bob-voice", voice("bob-voice", VoiceOrigin.UPLOADED, "Hello."));
        plugin = PluginContract.discover(ScriptReadPlugin.class);
        plugin.start(new FakePluginContext("script-read")
                .with(PipelineJobsUseCase.class, pipelines)
                .with(ListModelsUseCase.class, () -> models)
                .with(SynthesizeCustomVoiceUseCase.class, (command, listener, cancellation) -> {
                    count();
                    custom.add(command);
                    return pcm(ModelTask.CUSTOM_VOICE, command.text(), command.speaker());
                })
                .with(SynthesizeVoiceCloneUseCase.class, (command, listener, cancellation) -> {
                    count();
                    String id = ((CloneVoice.SavedVoice) command.voice()).voiceId();
                    if (!library.containsKey(id)) {
                        throw new NotFoundException("voice", "no voice " + id);
                    }
                    clone.add(command);
                    // The voice is its reference (here: the transcript), not its id: a re-created voice sounds the same.
                    return pcm(ModelTask.VOICE_CLONE, command.text(), library.get(id).transcript());
                })
                .with(DesignThenCloneUseCase.class, (command, listener, cancellation) -> {
                    count();
                    VoiceView v = voice(command.voiceName(), VoiceOrigin.DESIGNED, command.sampleText());
                    if (library.containsKey(v.id())) {
                        throw new ConflictException("name", "taken");
                    }
                    designs.add(command);
                    library.put(v.id(), v);
                    return new DesignThenCloneOutcome(Views.job(JobKind.DESIGN_THEN_CLONE, "d"), v,
                            Views.output(ModelTask.VOICE_DESIGN, command.sampleText()));
                })
                .with(GetVoiceUseCase.class, id -> {
                    VoiceView v = library.get(id);
                    if (v == null) {
                        throw new NotFoundException("voice_id", "no voice " + id);
                    }
                    return v;
                })
                .with(GetVoiceClipUseCase.class, (id, format) -> new EncodedAudio(AudioFormat.WAV,
                        Pcm16.wav(MixerTest.tone(24_000, 0.1), 24_000), 24_000, 1.0))
                .with(CreateVoiceUseCase.class, (CreateVoiceCommand command) -> {
                    VoiceView v = voice(command.name(), VoiceOrigin.UPLOADED, command.transcript());
                    created.add(v.id());
                    library.put(v.id(), v);
                    return v;
                })
                .with(DeleteVoiceUseCase.class, id -> library.remove(id))
                .with(DeleteOutputUseCase.class, id -> { }));
        PluginContract.checkMounts(plugin);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> post(String path, Map<String, Object> json) {
        WebResponse response = PluginContract.route(plugin, "POST", path).handler()
                .handle(Requests.postJson("/plugins/script-read" + path, json));
        return (Map<String, Object>) ((WebResponse.Body.Json) response.body()).value();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> manifest(PipelineOutput out) {
        try {
            return JSON.readValue(out.files().get("manifest.json"), Map.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private PipelineOutput outputOf(Map<String, Object> accepted) {
        PipelineOutput out = pipelines.outputs().get((String) accepted.get("job_id"));
        assertTrue(out != null, () -> "the run failed: " + pipelines.failures());
        return out;
    }

    private static Map<String, Object> kitchen(String file) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", ScriptParserTest.example(file));
        body.put("voices", Map.of("alice", "vivian", "Bob", "ryan"));
        body.put("narrator", "serena");
        body.put("seed", 40);
        return body;
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenATextScript_whenRead_thenOneMixPerLineFilesAndAManifestWithSampleExactTimes() {
        Map<String, Object> accepted = post("/jobs", kitchen("table-read.txt"));
        assertEquals("pipeline", accepted.get("kind"));
        PipelineOutput out = outputOf(accepted);

        assertEquals(List.of("serena", "vivian", "ryan", "vivian", "serena", "ryan"),
                custom.stream().map(SynthesizeCustomVoiceCommand::speaker).toList());
        assertEquals(java.util.Arrays.asList(null, null, "whispering", "annoyed", null, null),
                custom.stream().map(SynthesizeCustomVoiceCommand::instruct).toList());
        assertEquals(List.of(41L, 42L, 43L, 44L, 45L, 46L), custom.stream().map(c -> c.options().seed()).toList());
        assertTrue(custom.stream().allMatch(c -> c.format() == AudioFormat.PCM));
        assertEquals(List.of("lines/0001-narrator.wav", "lines/0002-alice.wav", "lines/0003-bob.wav", "lines/0004-alice.wav",
                "lines/0005-narrator.wav", "lines/0006-bob.wav", "manifest.json", "manifest.csv"), List.copyOf(out.files().keySet()));

        Map<String, Object> m = manifest(out);
        List<Map<String, Object>> lines = (List<Map<String, Object>>) m.get("lines");
        float[] mix = Pcm16.fromWav(out.audio().bytes());
        double[] gaps = {0.35, 0.35, 0.35, 1.5, 1.0};
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> l = lines.get(i);
            int start = ((Number) l.get("start_sample")).intValue();
            int end = ((Number) l.get("end_sample")).intValue();
            assertEquals(start / 24_000.0, ((Number) l.get("start")).doubleValue(), 1e-6);
            assertEquals(end / 24_000.0, ((Number) l.get("end")).doubleValue(), 1e-6);
            float[] file = Pcm16.fromWav(out.files().get((String) l.get("file")));
            assertArrayEquals(java.util.Arrays.copyOfRange(mix, start, end), file, "the line file is its stretch of the mix");
            assertEquals(((String) l.get("text")).length() / 15.0, (end - start) / 24_000.0, 1e-3);
            if (i + 1 < lines.size()) {
                int next = ((Number) lines.get(i + 1).get("start_sample")).intValue();
                assertEquals(Math.round(gaps[i] * 24_000), next - end, "gap after line " + (i + 1));
            }
        }
        assertEquals(mix.length, ((Number) lines.getLast().get("end_sample")).intValue());
        assertEquals(List.of(2, 4, 5, 6, 8, 11), lines.stream().map(l -> l.get("source_line")).toList());
        assertEquals("BOB", lines.get(2).get("speaker"));
        assertEquals("NARRATOR", lines.get(0).get("speaker"));
        assertEquals("action", lines.get(0).get("kind"));
        assertEquals(true, lines.get(2).get("instruct_applied"));
        assertEquals(((Number) m.get("duration_seconds")).doubleValue(), out.audio().durationSeconds(), 1e-6);
        assertEquals(List.of(), m.get("warnings"));

        String csv = new String(out.files().get("manifest.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("index,source_line,speaker,voice,text,instruct,start,end,file,seed\r\n"), csv);
        assertTrue(csv.contains("\r\n6,11,BOB,ryan,\"Tea, then.\",,"), csv);
        assertEquals(7, csv.split("\r\n").length);

        assertEquals(ModelTask.CUSTOM_VOICE, out.task());
        assertTrue(out.text().startsWith("The kitchen is dark."), out.text());
        assertEquals("40", out.parameters().get("seed"));
        assertEquals(List.of("0/6 line 1 of 6: NARRATOR", "1/6 line 2 of 6: ALICE", "2/6 line 3 of 6: BOB",
                "3/6 line 4 of 6: ALICE", "4/6 line 5 of 6: NARRATOR", "5/6 line 6 of 6: BOB", "6/6 mixing"), pipelines.progress());
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenThePagesExampleWithoutANarrator_whenRead_thenThePauseAfterTheSkippedActionLineStillTakesEffect() {
        // The page's example: the [pause 1.5s] follows an action line, which is skipped when no narrator voice is set.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", "ALICE: Did you hear that?\nBOB (whispering): It's only the wind.\nThe door creaks open.\n"
                + "[pause 1.5s]\nALICE: That was not the wind.");
        body.put("voices", Map.of("ALICE", "vivian", "BOB", "ryan"));
        body.put("seed", 1);
        Map<String, Object> preview = post("/preview", body);
        List<Map<String, Object>> planned = (List<Map<String, Object>>) preview.get("lines");
        assertEquals(1.5, planned.get(1).get("pause"), "BOB's line carries the pause of the skipped line after it");
        assertEquals(true, planned.get(2).get("skipped"));
        assertTrue(((String) planned.get(2).get("skip_reason")).contains("no narrator voice"));
        assertEquals("UTF-8", preview.get("encoding"));
        List<Map<String, Object>> lines = (List<Map<String, Object>>) manifest(outputOf(post("/jobs", body))).get("lines");
        assertEquals(3, lines.size());
        int gap1 = ((Number) lines.get(1).get("start_sample")).intValue() - ((Number) lines.get(0).get("end_sample")).intValue();
        int gap2 = ((Number) lines.get(2).get("start_sample")).intValue() - ((Number) lines.get(1).get("end_sample")).intValue();
        assertEquals(Math.round(0.35 * 24_000), gap1);
        assertEquals(Math.round(1.5 * 24_000), gap2, "not the default 0.35 s");
    }

    @Test
    void theFourFormatsGiveTheSameLinesAndTheCsvMixEqualsTheJsonMix() {
        byte[] csvMix = outputOf(post("/jobs", kitchen("table-read.csv"))).audio().bytes();
        List<String> csvTexts = custom.stream().map(SynthesizeCustomVoiceCommand::text).toList();
        custom.clear();
        Map<String, Object> json = new LinkedHashMap<>(kitchen("table-read.json"));
        json.remove("voices");
        json.put("narrator", "serena");
        json.put("voices", Map.of("ALICE", "vivian"));
        byte[] jsonMix = outputOf(post("/jobs", json)).audio().bytes();
        assertEquals(csvTexts.stream().map(t -> t.replace(" \"Really\"?", "")).toList(),
                custom.stream().map(SynthesizeCustomVoiceCommand::text).toList());
        assertEquals("ryan", custom.get(2).speaker(), "the JSON file's own voices fill in what the request does not map");
        assertFalse(java.util.Arrays.equals(csvMix, jsonMix), "one line differs in text");
        custom.clear();
        outputOf(post("/jobs", kitchen("table-read.fountain")));
        assertEquals(7, custom.size(), "the scene heading is read too");
        assertEquals("INT. KITCHEN - NIGHT", custom.getFirst().text());
    }

    @Test
    void givenAFailedLine_whenResumed_thenFinishedLinesAreNotSpokenAgainAndTheResultIsTheSame() {
        PipelineOutput whole = outputOf(post("/jobs", kitchen("table-read.txt")));
        custom.clear();
        failAtSynthesis = synthesized + 3;
        String job = (String) post("/jobs", kitchen("table-read.txt")).get("job_id");
        assertEquals(1, pipelines.outputs().size(), "the failed run stored nothing");
        assertEquals(3, custom.size());
        assertEquals(3, pipelines.checkpointKeys(job).size());
        custom.clear();
        pipelines.resumePipeline(JobId.of(job));
        assertEquals(List.of("At three in the morning?", "Bob shrugs and turns on the light.", "Tea, then."),
                custom.stream().map(SynthesizeCustomVoiceCommand::text).toList(), "only the lines not yet spoken");
        PipelineOutput resumed = pipelines.outputs().get(job);
        assertArrayEquals(whole.audio().bytes(), resumed.audio().bytes());
        for (String f : whole.files().keySet()) {
            if (f.endsWith(".wav")) {
                assertArrayEquals(whole.files().get(f), resumed.files().get(f), f);
            }
        }
        assertEquals(3, manifest(resumed).get("resumed_steps"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void designedVoicesAreDesignedOnceClonedForEveryLineAndRemovedAfterwards() {
        Map<String, Object> body = new LinkedHashMap<>(kitchen("table-read.txt"));
        body.put("voices", Map.of("ALICE", "design:a tired woman in her forties", "BOB", "saved:bob-voice"));
        body.remove("narrator");
        PipelineOutput out = outputOf(post("/jobs", body));
        assertEquals(1, designs.size());
        DesignThenCloneCommand d = designs.getFirst();
        assertEquals("a tired woman in her forties", d.voiceDescription());
        assertEquals("Did you hear that? At three in the morning?", d.sampleText(), "the speaker's own lines");
        assertTrue(d.voiceName().startsWith("ALICE (script "), d.voiceName());
        assertEquals(4, clone.size());
        String designedId = Ids.slug(d.voiceName(), "name");
        assertEquals(List.of(designedId, "bob-voice", designedId, "bob-voice"),
                clone.stream().map(c -> ((CloneVoice.SavedVoice) c.voice()).voiceId()).toList());
        assertTrue(custom.isEmpty());
        assertEquals(Set.of("bob-voice"), library.keySet(), "the designed voice is not left in the library");
        Map<String, Object> m = manifest(out);
        List<String> warnings = (List<String>) m.get("warnings");
        assertEquals(3, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).startsWith("line 5: instruct 'whispering' is not used: BOB speaks with a cloned voice"));
        assertTrue(warnings.get(2).startsWith("2 action lines were skipped: no narrator voice"));
        assertEquals(2, ((List<?>) m.get("skipped")).size());
        assertEquals(List.of("lines/0001-alice.wav", "lines/0002-bob.wav", "lines/0003-alice.wav", "lines/0004-bob.wav"),
                out.files().keySet().stream().filter(f -> f.startsWith("lines/")).toList());
        Map<String, Object> alice = ((List<Map<String, Object>>) m.get("speakers")).getFirst();
        assertEquals("designed", alice.get("type"));
        assertEquals(false, alice.get("kept"));
        assertEquals(ModelTask.VOICE_CLONE, out.task());

        body.put("keep_designed_voices", true);
        designs.clear();
        outputOf(post("/jobs", body));
        assertEquals(2, library.size(), "kept on request: " + library.keySet());
    }

    @Test
    void givenAFailureAfterTheDesign_whenResumed_thenTheVoiceIsRecreatedFromItsSampleNotDesignedAgain() {
        Map<String, Object> body = new LinkedHashMap<>(kitchen("table-read.txt"));
        body.put("voices", Map.of("ALICE", "design:a tired woman", "BOB", "ryan"));
        PipelineOutput whole = outputOf(post("/jobs", body));
        designs.clear();
        clone.clear();
        custom.clear();
        failAtSynthesis = synthesized + 3;
        String job = (String) post("/jobs", body).get("job_id");
        assertEquals(1, designs.size());
        assertEquals(Set.of("bob-voice"), library.keySet(), "a failed run leaves no designed voice behind");
        pipelines.resumePipeline(JobId.of(job));
        assertEquals(1, designs.size(), "not designed again");
        assertEquals(1, created.size(), "re-created from the checkpointed sample");
        assertArrayEquals(whole.audio().bytes(), pipelines.outputs().get(job).audio().bytes());
    }

    @Test
    void unmappedSpeakersAreA400ListingThemAndThePreviewReportsThem() {
        Map<String, Object> body = new LinkedHashMap<>(kitchen("table-read.txt"));
        body.put("voices", Map.of("ALICE", "vivian"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> post("/jobs", body));
        assertEquals("voices", e.field());
        assertTrue(e.getMessage().contains("No voice for speaker BOB (line 5)"), e.getMessage());
        Map<String, Object> preview = post("/preview", body);
        assertEquals(List.of("BOB"), preview.get("unmapped"));
        assertEquals("text", preview.get("format"));
        assertEquals(6, preview.get("spoken_lines"));
        body.remove("narrator");
        Map<String, Object> noNarrator = post("/preview", body);
        assertEquals(2, noNarrator.get("skipped_lines"));
        assertEquals(4, noNarrator.get("spoken_lines"));
        assertTrue(custom.isEmpty() && clone.isEmpty(), "nothing is synthesized");
    }

    @Test
    void voicesAndModelsAreCheckedBeforeAnythingRuns() {
        Map<String, Object> body = new LinkedHashMap<>(kitchen("table-read.txt"));
        body.put("voices", Map.of("ALICE", "nobody", "BOB", "ryan"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> post("/jobs", body));
        assertEquals("voices", e.field());
        assertTrue(e.getMessage().contains("Unknown preset speaker nobody (nobody is the voice of ALICE, first needed at line "),
                e.getMessage());
        body.put("voices", Map.of("ALICE", "saved:ghost", "BOB", "ryan"));
        InvalidArgumentException ghost = assertThrows(InvalidArgumentException.class, () -> post("/jobs", body));
        assertEquals("voices", ghost.field());
        assertTrue(ghost.getMessage().contains("no saved voice 'ghost' (for ALICE)"), ghost.getMessage());
        models = List.of(models.getFirst());
        body.put("voices", Map.of("ALICE", "design:bright", "BOB", "ryan"));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> post("/jobs", body)).getMessage()
                .contains("need a Base (voice clone) model"));
        assertTrue(custom.isEmpty());
    }

    @Test
    void aCsvFilePartWithAVoicesFormField() {
        Part file = new Part("script", "scene.csv", "text/csv", "speaker,text\nAnn,Hello there.\n".getBytes(StandardCharsets.UTF_8));
        Part voices = new Part("voices", null, null, "{\"ann\": \"vivian\"}".getBytes(StandardCharsets.UTF_8));
        Part target = new Part("target_lufs", null, null, "-20".getBytes(StandardCharsets.UTF_8));
        Part empty = new Part("seed", null, null, new byte[0]);
        WebResponse r = PluginContract.route(plugin, "POST", "/jobs").handler()
                .handle(Requests.postMultipart("/p", List.of(file, voices, target, empty)));
        assertEquals(202, r.status());
        PipelineOutput out = pipelines.outputs().values().iterator().next();
        assertEquals("Hello there.", custom.getFirst().text());
        assertEquals("csv", out.parameters().get("format"));
        assertEquals(-20.0, io.q3tts.lib.dsp.Loudness.integrated(Pcm16.fromWav(out.audio().bytes()), 24_000), 1.0);
        Part junk = new Part("script", "x.csv", "text/csv", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertEquals("script", assertThrows(InvalidArgumentException.class, () -> PluginContract.route(plugin, "POST", "/jobs")
                .handler().handle(Requests.postMultipart("/p", List.of(junk)))).field());
    }

    @Test
    void badRequestsNameTheField() {
        Map<String, Object> ok = kitchen("table-read.txt");
        assertEquals("script", fieldOf(Map.of("voices", Map.of("A", "ryan"))));
        assertEquals("script", fieldOf(with(ok, "script", "speaker,text\nA,\"open")));
        assertEquals("format", fieldOf(with(ok, "format", "html")));
        assertEquals("voices", fieldOf(with(ok, "voices", "not json")));
        assertEquals("voices", fieldOf(with(ok, "voices", List.of("ryan"))));
        assertEquals("voices", fieldOf(with(ok, "voices", Map.of("ALICE", "saved:../etc", "BOB", "ryan"))));
        assertEquals("voices", fieldOf(with(ok, "voices", Map.of("ALICE", 5))));
        assertEquals("voices", fieldOf(with(ok, "voices", Map.of("ALICE", "design:", "BOB", "ryan"))));
        assertEquals("narrator", fieldOf(with(ok, "narrator", "two words")));
        assertEquals("seed", fieldOf(with(ok, "seed", -1)));
        assertEquals("gap", fieldOf(with(ok, "gap", 99)));
        assertEquals("target_lufs", fieldOf(with(ok, "target_lufs", 3)));
        assertEquals("max_new_tokens", fieldOf(with(ok, "max_new_tokens", 0)));
        assertEquals("model", fieldOf(with(ok, "model", "../x")));
        assertEquals("narrator", fieldOf(Map.of("script", "Just action.", "voices", Map.of())));
        assertTrue(custom.isEmpty(), "nothing is synthesized for a bad request");
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }

    private String fieldOf(Map<String, Object> json) {
        return assertThrows(InvalidArgumentException.class, () -> post("/jobs", json)).field();
    }

    @Test
    void thePageIsRegisteredAtThePluginRoot() {
        assertEquals("script-read/page.jte", plugin.page().orElseThrow().templateName());
        assertEquals(500_000, plugin.page().orElseThrow().model().apply(Requests.get("/", Map.of())).get("maxChars"));
        assertNull(plugin.page().orElseThrow().model().apply(Requests.get("/", Map.of())).get("missing"));
    }
}
