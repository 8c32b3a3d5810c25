package io.q3tts.plugins.npcpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.q3tts.lib.dsp.Loudness;
import io.q3tts.lib.dsp.Pcm16;
import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.InlinePipelineJobs;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.audio.EncodeAudioUseCase;
import io.q3tts.ports.in.output.DeleteOutputUseCase;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.DesignThenCloneUseCase;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline through the plugin's routes and {@link InlinePipelineJobs}, with a fake core: every
 * line is a 220 Hz tone 80 ms per character of text (so its length is known), a text containing
 * "RUNAWAY" runs away on its first take, and lines can be made to fail on demand.
 */
class NpcPackPluginTest {

    private static final String PACK = """
            {"characters": [{"id": "guard", "description": "A gruff old man", "language": "english"},
                            {"id": "narrator", "voice": "ryan"},
                            {"id": "hero", "voice": "saved:hero-voice"},
                            {"id": "unused", "voice": "aiden"}],
             "lines": [{"character": "guard", "id": "greet_01", "text": "Halt there!", "emotion": "angry"},
                       {"character": "narrator", "id": "intro", "text": "It was late.", "emotion": "calm"},
                       {"character": "guard", "id": "warn_01", "text": "Not one more step."},
                       {"character": "hero", "id": "greet_01", "text": "Hello."}]}
            """;

    private final List<String> calls = new ArrayList<>();
    private final List<String> deleted = new ArrayList<>();
    private final List<Double> encodedLoudness = new ArrayList<>();
    private final Map<String, Integer> takes = new LinkedHashMap<>();
    private final Set<String> failing = new java.util.HashSet<>();
    private InlinePipelineJobs jobs;
    private NpcPackPlugin plugin;
    private boolean designConflict;

    @BeforeEach
    void start() {
        jobs = new InlinePipelineJobs();
        plugin = start(jobs);
    }

    private NpcPackPlugin start(InlinePipelineJobs pipelineJobs) {
        NpcPackPlugin p = PluginContract.discover(NpcPackPlugin.class);
        p.start(new FakePluginContext("npc-pack")
                .with(PipelineJobsUseCase.class, pipelineJobs)
                .with(DesignThenCloneUseCase.class, (command, listener, cancellation) -> {
                    calls.add("design " + command.voiceName() + " seed " + command.options().seed());
                    if (designConflict) {
                        designConflict = false;
                        throw new ConflictException("name", "taken");
                    }
                    return new DesignThenCloneOutcome(Views.job(JobKind.DESIGN_THEN_CLONE, "d"),
                            Views.voice("designed-guard", command.voiceName()),
                            Views.output(ModelTask.VOICE_DESIGN, command.sampleText()));
                })
                .with(GetVoiceUseCase.class, id -> {
                    if (id.equals("hero-voice") || id.equals("npc-job1-guard")) {
                        return Views.voice(id, id);
                    }
                    throw new NotFoundException("voice_id", "no voice " + id);
                })
                .with(SynthesizeVoiceCloneUseCase.class, (command, listener, cancellation) -> {
                    assertEquals(AudioFormat.PCM, command.format());
                    String voice = ((CloneVoice.SavedVoice) command.voice()).voiceId();
                    calls.add("clone " + voice + ": " + command.text());
                    return speak(command.text(), command.options().seed(), ModelTask.VOICE_CLONE);
                })
                .with(SynthesizeCustomVoiceUseCase.class, (command, listener, cancellation) -> {
                    calls.add("preset " + command.speaker() + " [" + command.instruct() + "]: " + command.text());
                    return speak(command.text(), command.options().seed(), ModelTask.CUSTOM_VOICE);
                })
                .with(EncodeAudioUseCase.class, new EncodeAudioUseCase() {
                    @Override
                    public java.util.Set<AudioFormat> encodableFormats() {
                        return java.util.EnumSet.allOf(AudioFormat.class);
                    }

                    @Override
                    public EncodedAudio encodeAudio(io.q3tts.ports.model.PcmAudio audio, AudioFormat format) {
                        encodedLoudness.add(Loudness.integrated(audio.samples(), audio.sampleRate()));
                        return new EncodedAudio(format, ("encoded " + format.key() + " " + audio.sampleRate())
                                .getBytes(StandardCharsets.UTF_8), audio.sampleRate(), 1);
                    }
                })
                .with(DeleteOutputUseCase.class, deleted::add));
        PluginContract.checkMounts(p);
        return p;
    }

    private SynthesisOutcome speak(String text, long seed, ModelTask task) {
        int take = takes.merge(text, 1, Integer::sum);
        if (failing.contains(text)) {
            throw new ModelException("engine hiccup on " + text);
        }
        int n = text.length() * 24 * 80;
        if (text.contains("RUNAWAY") && take == 1) {
            n = 24_000 * 60;
        }
        float[] s = new float[n];
        float amplitude = 0.05f + (seed % 7) / 100f;
        for (int i = 0; i < n; i++) {
            s[i] = (float) (amplitude * Math.sin(2 * Math.PI * 220 * i / 24_000.0));
        }
        return new SynthesisOutcome(Views.job(JobKind.VOICE_CLONE, text), Views.output(task, text),
                new EncodedAudio(AudioFormat.PCM, Pcm16.encode(s), 24_000, n / 24_000.0));
    }

    private WebResponse post(String path, Map<String, Object> body) {
        RouteSpec route = PluginContract.route(plugin, "POST", path);
        return route.handler().handle(Requests.postJson("/plugins/npc-pack" + path, body));
    }

    /** What the 202 answer says. */
    private record Submitted(String id, JobState state) {
    }

    @SuppressWarnings("unchecked")
    private Submitted submit(Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>(fields);
        body.putIfAbsent("input", PACK);
        body.putIfAbsent("seed", 42);
        WebResponse r = post("/jobs", body);
        assertEquals(202, r.status());
        Map<String, Object> json = (Map<String, Object>) ((WebResponse.Body.Json) r.body()).value();
        return new Submitted((String) json.get("job_id"),
                JobState.valueOf(((String) json.get("state")).toUpperCase(java.util.Locale.ROOT)));
    }

    private static JsonNode manifest(PipelineOutput out) throws IOException {
        return PackParser.JSON.readTree(out.files().get("manifest.json"));
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void givenAPack_whenGenerated_thenEachDescribedCharacterIsDesignedOnceAndClonedForEveryLine() throws IOException {
        Submitted job = submit(Map.of());
        assertEquals(JobState.DONE, job.state(), () -> jobs.failures().toString());
        assertEquals(List.of(
                "design npc job1 guard seed " + PackWork.derive(42, "design:guard#0"),
                "clone designed-guard: Halt there!",
                "preset ryan [calm]: It was late.",
                "clone designed-guard: Not one more step.",
                "clone hero-voice: Hello."), calls);
        PipelineOutput out = jobs.outputs().get(job.id());
        assertEquals(List.of("guard/greet_01.wav", "narrator/intro.wav", "guard/warn_01.wav", "hero/greet_01.wav",
                "manifest.json", "manifest.csv", "pack.zip"), List.copyOf(out.files().keySet()));
        Map<String, byte[]> zip = unzip(out.files().get("pack.zip"));
        assertEquals(List.of("guard/greet_01.wav", "narrator/intro.wav", "guard/warn_01.wav", "hero/greet_01.wav",
                "manifest.json", "manifest.csv"), List.copyOf(zip.keySet()));
        assertArrayEquals(out.files().get("manifest.csv"), zip.get("manifest.csv"));
        assertEquals(ModelTask.VOICE_CLONE, out.task());

        JsonNode m = manifest(out);
        JsonNode first = m.path("lines").get(0);
        assertEquals("guard/greet_01.wav", first.path("file").asText());
        assertEquals("saved:designed-guard", first.path("voice").asText());
        assertEquals("angry", first.path("emotion").asText());
        assertTrue(first.path("instruct").isNull(), "a cloned voice takes no instruct");
        assertEquals("calm", m.path("lines").get(1).path("instruct").asText(), "a preset speaker gets the emotion");
        assertEquals(PackWork.derive(42, "line:guard/greet_01#0"), first.path("seed").asLong());
        assertEquals(1, first.path("attempts").asInt());
        assertEquals(11 * 0.08, first.path("duration").asDouble(), 1e-3);
        assertEquals(3, m.path("characters").size(), "the character without lines is left out");
        assertEquals("designed", m.path("characters").get(0).path("source").asText());
        String csv = new String(out.files().get("manifest.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("file,character,line_id,text,emotion,instruct,duration,voice,seed,attempts,runaway,loudness_lufs\r\n"
                + "guard/greet_01.wav,guard,greet_01,Halt there!,angry,,0.88,saved:designed-guard,"), csv);

        float[] line = Pcm16.fromWav(out.files().get("guard/greet_01.wav"));
        assertEquals(-18, Loudness.integrated(line, 24_000), 0.3, "each line normalised to the target");
        int track = Pcm16.fromWav(out.audio().bytes()).length;
        int sum = (int) Math.round((11 + 12 + 18 + 6) * 24 * 80 + 3 * 0.5 * 24_000);
        assertEquals(sum, track, "the preview holds every line with 0.5 s gaps");
    }

    @Test
    void givenAFailureMidPack_whenResumed_thenFinishedLinesAndDesignsAreNotRedoneAndTheResultIsTheSame() throws IOException {
        failing.add("Not one more step.");
        Submitted failed = submit(Map.of("retries", 1));
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(jobs.failures().getFirst().getMessage().contains("guard/warn_01")
                && jobs.failures().getFirst().getMessage().contains("failed 2 times"), jobs.failures().getFirst().getMessage());
        assertEquals(List.of("design-guard", "line-0000", "line-0001"), jobs.checkpointKeys(failed.id()).stream().sorted().toList());
        failing.clear();
        calls.clear();
        JobView resumed = jobs.resumePipeline(io.q3tts.ports.in.job.JobId.of(failed.id()));
        assertEquals(JobState.DONE, resumed.state(), () -> jobs.failures().toString());
        assertEquals(List.of("clone designed-guard: Not one more step.", "clone hero-voice: Hello."), calls,
                "no design and no finished line again");
        PipelineOutput afterResume = jobs.outputs().get(failed.id());

        InlinePipelineJobs fresh = new InlinePipelineJobs();
        plugin = start(fresh);
        jobs = fresh;
        Submitted straight = submit(Map.of("retries", 1));
        PipelineOutput uninterrupted = fresh.outputs().get(straight.id());
        assertArrayEquals(uninterrupted.files().get("pack.zip"), afterResume.files().get("pack.zip"),
                "a resumed pack is byte-identical to an uninterrupted one");
        assertArrayEquals(uninterrupted.audio().bytes(), afterResume.audio().bytes());
    }

    @Test
    void givenARunawayTakeOrAFailedTake_whenGenerated_thenTheLineIsRetriedWithAnotherSeedAndTheManifestSaysSo() throws IOException {
        String pack = "{\"characters\": [{\"id\": \"n\", \"voice\": \"ryan\"}], \"lines\": ["
                + "{\"character\": \"n\", \"id\": \"a\", \"text\": \"RUNAWAY once\"},"
                + "{\"character\": \"n\", \"id\": \"b\", \"text\": \"Fine.\"}]}";
        Submitted job = submit(Map.of("input", pack));
        JsonNode lines = manifest(jobs.outputs().get(job.id())).path("lines");
        assertEquals(2, lines.get(0).path("attempts").asInt());
        assertEquals(PackWork.derive(42, "line:n/a#1"), lines.get(0).path("seed").asLong());
        assertTrue(lines.get(0).path("retry_reasons").get(0).asText().contains("runaway"), lines.toString());
        assertFalse(lines.get(0).path("runaway").asBoolean());
        assertEquals(1, lines.get(1).path("attempts").asInt());
    }

    @Test
    void givenAnEveryTakeFailure_whenRetriesRunOut_thenTheJobFailsNamingTheLine() {
        failing.add("Fine.");
        String pack = "{\"characters\": [{\"id\": \"n\", \"voice\": \"ryan\"}], \"lines\": ["
                + "{\"character\": \"n\", \"id\": \"b\", \"text\": \"Fine.\"}]}";
        Submitted job = submit(Map.of("input", pack, "retries", 2));
        assertEquals(JobState.FAILED, job.state());
        assertEquals(3, takes.get("Fine."));
        assertTrue(jobs.failures().getFirst().getMessage().contains("n/b"), jobs.failures().getFirst().getMessage());
    }

    @Test
    void givenADesignThatWasSavedButNotCheckpointed_whenRunAgain_thenTheExistingVoiceIsReused() {
        designConflict = true;
        Submitted job = submit(Map.of());
        assertEquals(JobState.DONE, job.state(), () -> jobs.failures().toString());
        assertTrue(calls.contains("clone npc-job1-guard: Halt there!"), calls.toString());
    }

    @Test
    void givenOptions_whenGenerated_thenRateAndLoudnessFollowThem() throws IOException {
        Submitted job = submit(Map.of("sample_rate", 48000, "target_lufs", -23));
        PipelineOutput out = jobs.outputs().get(job.id());
        byte[] wav = out.files().get("guard/greet_01.wav");
        assertEquals(48_000, Pcm16.sampleRate(wav));
        assertEquals(-23, Loudness.integrated(Pcm16.fromWav(wav), 48_000), 0.3);
        assertEquals(48_000, out.audio().sampleRate());
        assertEquals(-23, manifest(out).path("lines").get(0).path("loudness_lufs").asDouble(), 0.3);
    }

    @Test
    void givenACompressedFormat_thenProcessedLinesAreEncodedByTheService() {
        Submitted job = submit(Map.of("format", "mp3", "sample_rate", 48000, "target_lufs", -20));
        PipelineOutput out = jobs.outputs().get(job.id());
        assertEquals("encoded mp3 48000", new String(out.files().get("guard/greet_01.mp3"), StandardCharsets.UTF_8));
        assertFalse(encodedLoudness.isEmpty());
        encodedLoudness.forEach(l -> assertEquals(-20, l, 0.3, "normalised before encoding"));
        assertEquals(48_000, out.audio().sampleRate(), "the preview track stays WAV at the pack's rate");
    }

    @Test
    void everyStepsOwnOutputIsRemovedFromTheHistory() {
        submit(Map.of());
        assertFalse(deleted.isEmpty());
        assertEquals(calls.size(), deleted.size(), "one stored output per synthesis (designs and lines), each removed: " + calls);
    }

    @Test
    void givenBadRequests_thenTheyFailBeforeAnyJobWithTheFieldNamed() {
        assertEquals("input", assertThrows(InvalidArgumentException.class, () -> post("/jobs", Map.of())).field());
        assertEquals("retries", assertThrows(InvalidArgumentException.class,
                () -> post("/jobs", Map.of("input", PACK, "retries", 9))).field());
        assertEquals("seed", assertThrows(InvalidArgumentException.class,
                () -> post("/jobs", Map.of("input", PACK, "seed", -1))).field());
        assertEquals("sample_rate", assertThrows(InvalidArgumentException.class,
                () -> post("/jobs", Map.of("input", PACK, "sample_rate", 12345))).field());
        InvalidArgumentException voice = assertThrows(InvalidArgumentException.class, () -> post("/jobs",
                Map.of("input", PACK.replace("saved:hero-voice", "saved:nobody"))));
        assertTrue(voice.getMessage().contains("no library voice 'nobody'"), voice.getMessage());
        assertTrue(jobs.outputs().isEmpty() && jobs.failures().isEmpty() && calls.isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenAPack_whenPreviewed_thenThePlanAndWarningsComeBackWithoutSynthesis() {
        WebResponse r = post("/preview", Map.of("input", PACK, "seed", 7));
        Map<String, Object> plan = (Map<String, Object>) ((WebResponse.Body.Json) r.body()).value();
        assertEquals(4, plan.get("line_count"));
        assertEquals(1, plan.get("designs"));
        assertEquals(5, plan.get("steps"));
        List<String> warnings = (List<String>) plan.get("warnings");
        assertTrue(warnings.stream().anyMatch(w -> w.contains("'unused' has no lines")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("'guard' speaks through a cloned voice")), warnings.toString());
        assertTrue(calls.isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenTheJsonBodyIsThePackItself_thenItIsAccepted() throws IOException {
        Map<String, Object> body = PackParser.JSON.readValue(PACK, Map.class);
        body.put("seed", 42);
        assertEquals(202, post("/jobs", body).status());
        assertEquals(1, jobs.outputs().size());
        WebResponse r = PluginContract.route(plugin, "GET", "/example").handler()
                .handle(Requests.get("/plugins/npc-pack/example", Map.of()));
        JsonNode example = PackParser.JSON.readTree(((WebResponse.Body.Bytes) r.body()).bytes());
        assertEquals(6, example.path("lines").size());
    }

    @Test
    void theTextLayoutIsNonStreamingUnlessTheRequestSaysOtherwise() {
        assertTrue(PackOptions.from(n -> null).nonStreaming(), "non-streaming by default (QwenLM/Qwen3-TTS#239)");
        assertFalse(PackOptions.from(n -> n.equals("non_streaming_mode") ? Boolean.FALSE : null).nonStreaming());
        assertFalse(PackOptions.from(n -> n.equals("non_streaming_mode") ? "false" : null).nonStreaming());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> PackOptions.from(n -> n.equals("non_streaming_mode") ? "maybe" : null));
        assertEquals("non_streaming_mode", e.field());
        PackOptions off = PackOptions.from(n -> n.equals("non_streaming_mode") ? Boolean.FALSE : null);
        assertEquals(off, PackOptions.from(off.toJson()::get), "the payload keeps it");
    }

    @Test
    void payloadRoundTripsToTheSameRequest() {
        PackParser parser = new PackParser(PackParser.Limits.defaults());
        PackRequest request = new PackRequest(parser.parse(PACK.getBytes(StandardCharsets.UTF_8), null),
                PackOptions.from(n -> n.equals("sample_rate") ? 44100 : null), 99);
        PackRequest back = PackRequest.fromPayload(request.toPayload(), parser);
        assertEquals(request.options(), back.options());
        assertEquals(99, back.seed());
        assertEquals(request.pack().lines().stream().map(l -> l.file("wav")).toList(),
                back.pack().lines().stream().map(l -> l.file("wav")).toList());
        assertArrayEquals(request.toPayload(), back.toPayload());
        assertNull(back.options().customVoiceModel());
    }
}
