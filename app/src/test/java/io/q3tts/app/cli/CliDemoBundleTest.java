package io.q3tts.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.io.WavAudio;
import io.q3tts.adapters.inference.onnx.io.WavReader;
import io.q3tts.adapters.inference.onnx.io.WavWriter;
import io.q3tts.adapters.inference.onnx.synth.SynthesizerOptions;
import io.q3tts.app.OnnxEngineProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command of the CLI on the committed demo bundles, through the real ONNX engine (CPU). */
class CliDemoBundleTest {

    private static final OnnxEngineProvider ENGINE = new OnnxEngineProvider(OnnxRuntimeConfig.cpu(), SynthesizerOptions.defaults());
    private static final Pattern FRAMES = Pattern.compile("(\\d+) frames");
    private static final String FOX = "The quick brown fox jumps over the lazy dog.";

    @TempDir
    Path dir;

    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    @AfterAll
    static void close() {
        ENGINE.close();
    }

    private int run(String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return new Cli(ENGINE, () -> {
            throw new AssertionError("no server in this test");
        }, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String model(String name) {
        return DemoRepo.bundle(name).toString();
    }

    private static String clip(String name) {
        return DemoRepo.fixture("clips/" + name).toString();
    }

    /** Runs a synth-like command that must succeed and returns the WAV it wrote, checked against the frames it reports. */
    private WavAudio synth(String outName, String... args) throws Exception {
        Path wav = dir.resolve(outName);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--out", wav.toString(), "--greedy", "--max-new-tokens", "10", "--format", "float32"));
        assertEquals(Cli.OK, run(all.toArray(String[]::new)), stderr());
        assertTrue(stderr().contains("q3tts: warning: " + Cli.RANDOM_WEIGHTS_WARNING), stderr());
        assertTrue(stderr().matches("(?s).*q3tts: \\d+ frames \\(\\d+\\.\\d+ s of audio\\) in \\d+\\.\\d+ s, RTF \\d+\\.\\d+.*"),
                "progress with frames, elapsed and RTF: " + stderr());
        Matcher m = FRAMES.matcher(stdout());
        assertTrue(m.find(), stdout());
        int frames = Integer.parseInt(m.group(1));
        assertTrue(frames >= 2 && frames <= 9, "frames " + frames);
        WavAudio audio = WavReader.read(wav);
        assertEquals(24_000, audio.sampleRate());
        assertEquals(1, audio.sourceChannels());
        int expected = frames * 1920;
        // An ICL clone may keep one sample more at the front: the official cut rounds down.
        boolean icl = all.contains("--ref-text") || (all.contains("--voice") && !outName.contains("xvec"));
        assertTrue(audio.samples().length == expected || (icl && audio.samples().length == expected + 1),
                audio.samples().length + " samples for " + frames + " frames");
        return audio;
    }

    @Test
    void givenEachSynthesisMode_whenRun_thenAValidWavOfTheReportedLength() throws Exception {
        synth("cv.wav", "synth", "--model", model("custom-voice"), "--speaker", "ryan", "--language", "english",
                "--text", "Hello there, how are you today?");
        synth("vd.wav", "synth", "--model", model("voice-design"), "--instruct", "A warm, deep male voice.",
                "--text", "Hello there.", "--language", "english");
        synth("icl.wav", "synth", "--model", model("base"), "--ref-audio", clip("ref_16k_mono_s16.wav"),
                "--ref-text", FOX, "--text", "Hello there.");
        synth("xvec.wav", "synth", "--model", model("base"), "--ref-audio", clip("ref_44k1_stereo_s24.wav"),
                "--x-vector-only", "--text", "Hello there.", "--text-input", "non-streaming");
    }

    @Test
    void givenASavedVoice_whenSynthesizingWithIt_thenTheAudioEqualsCloningFromTheClip() throws Exception {
        for (boolean xvec : new boolean[] {false, true}) {
            Path voice = dir.resolve(xvec ? "xvec.q3v" : "fox.q3v");
            List<String> create = new ArrayList<>(List.of("prompt", "create", "--model", model("base"),
                    "--ref-audio", clip("ref_24k_mono_f32.wav"), "--out", voice.toString()));
            create.addAll(xvec ? List.of("--x-vector-only") : List.of("--ref-text", FOX));
            assertEquals(Cli.OK, run(create.toArray(String[]::new)), stderr());
            assertTrue(stdout().startsWith("wrote " + voice), stdout());
            assertTrue(Files.size(voice) > 0);

            WavAudio fromVoice = synth(xvec ? "vxvec.wav" : "vfox.wav", "synth", "--model", model("base"),
                    "--voice", voice.toString(), "--text", "Hello there.");
            List<String> direct = new ArrayList<>(List.of("synth", "--model", model("base"), "--ref-audio",
                    clip("ref_24k_mono_f32.wav"), "--text", "Hello there."));
            direct.addAll(xvec ? List.of("--x-vector-only") : List.of("--ref-text", FOX));
            WavAudio fromClip = synth(xvec ? "cxvec.wav" : "cfox.wav", direct.toArray(String[]::new));
            assertArrayEquals(fromClip.samples(), fromVoice.samples(), "saved voice == clip, xvec " + xvec);
        }
    }

    @Test
    void givenAClip_whenEncodedAndDecoded_thenTheCodesAreOfficialAndTheWavHasTheirLength() throws Exception {
        Path codes = dir.resolve("codes.json");
        assertEquals(Cli.OK, run("encode", "--model", model("codec"), "--in", clip("ref_16k_mono_s16.wav"),
                "--out", codes.toString()), stderr());
        assertTrue(stderr().contains(Cli.RANDOM_WEIGHTS_WARNING), stderr());
        ObjectMapper json = new ObjectMapper();
        JsonNode written = json.readTree(codes.toFile());
        JsonNode official = json.readTree(DemoRepo.fixture("codec/encode_ref_16k_mono.json").toFile());
        assertEquals("q3tts-codes", written.path("format").asText());
        assertEquals(official.path("codes"), written.path("codes"));
        int frames = written.path("frames").asInt();
        assertEquals(official.path("frames").asInt(), frames);

        Path wav = dir.resolve("decoded.wav");
        assertEquals(Cli.OK, run("decode", "--in", codes.toString(), "--out", wav.toString()), stderr());
        assertEquals(frames * 1920, WavReader.read(wav).samples().length);
        // any bundle holds the codec
        assertEquals(Cli.OK, run("decode", "--in", codes.toString(), "--out", wav.toString(),
                "--model", model("custom-voice")), stderr());
        assertEquals(frames * 1920, WavReader.read(wav).samples().length);
    }

    @Test
    void givenTheDemoBundle_whenListingVoices_thenTheRandomWeightsAreShown() {
        assertEquals(Cli.OK, run("voices", "--model", model("custom-voice")), stderr());
        assertTrue(stdout().contains("speakers:  aiden, dylan, eric, ono_anna, ryan"), stdout());
        assertTrue(stdout().contains("weights:   random"), stdout());
    }

    /** The error is one line, names the problem, and no stack trace is printed. */
    private void assertError(int expectedStatus, String fragment, String... args) {
        int status = run(args);
        String e = stderr();
        assertEquals(expectedStatus, status, e);
        List<String> errors = e.lines().filter(l -> l.contains("error:")).toList();
        assertEquals(1, errors.size(), e);
        assertTrue(errors.getFirst().contains(fragment), e);
        assertFalse(e.contains("\tat ") || e.contains("Exception"), e);
        e.lines().filter(l -> !l.contains("error:")).forEach(l -> assertTrue(l.startsWith("q3tts: warning:"), e));
    }

    @Test
    void givenBadRequests_whenRun_thenOneErrorLineAndTheRightStatus() throws Exception {
        String out = dir.resolve("x.wav").toString();
        assertError(Cli.USAGE, "model folder not found", "synth", "--model", dir.resolve("none").toString(),
                "--speaker", "ryan", "--text", "Hi.", "--out", out);
        assertError(Cli.USAGE, "is not a q3tts model bundle", "synth", "--model", dir.toString(),
                "--speaker", "ryan", "--text", "Hi.", "--out", out);
        assertError(Cli.USAGE, "Unsupported speaker 'bob'. Supported: aiden", "synth", "--model", model("custom-voice"),
                "--speaker", "bob", "--text", "Hi.", "--out", out);
        assertError(Cli.USAGE, "Unsupported language 'klingon'. Supported: auto, chinese", "synth",
                "--model", model("custom-voice"), "--speaker", "ryan", "--language", "klingon", "--text", "Hi.", "--out", out);
        Path corrupt = Files.writeString(dir.resolve("corrupt.wav"), "RIFF....WAVEnothing here");
        assertError(Cli.USAGE, "Cannot read the reference audio", "synth", "--model", model("base"),
                "--ref-audio", corrupt.toString(), "--x-vector-only", "--text", "Hi.", "--out", out);
        Path tiny = dir.resolve("tiny.wav");
        WavWriter.write(tiny, new float[600], 24_000, WavWriter.Encoding.PCM_16);
        assertError(Cli.USAGE, "too short", "prompt", "create", "--model", model("base"),
                "--ref-audio", tiny.toString(), "--x-vector-only", "--out", dir.resolve("t.q3v").toString());
        assertError(Cli.USAGE, "not found", "synth", "--model", model("base"),
                "--voice", dir.resolve("nobody.q3v").toString(), "--text", "Hi.", "--out", out);
        assertError(Cli.FAILED, "cannot run voice_design", "synth", "--model", model("custom-voice"),
                "--instruct", "calm", "--text", "Hi.", "--out", out);
        assertError(Cli.FAILED, "cannot run voice_clone", "prompt", "create", "--model", model("custom-voice"),
                "--ref-audio", clip("ref_24k_mono_f32.wav"), "--x-vector-only", "--out", dir.resolve("v.q3v").toString());
        assertError(Cli.FAILED, "codec) only", "synth", "--model", model("codec"),
                "--speaker", "ryan", "--text", "Hi.", "--out", out);
        Path notCodes = Files.writeString(dir.resolve("n.json"), "{\"format\": \"other\"}");
        assertError(Cli.USAGE, "not a q3tts codes file", "decode", "--in", notCodes.toString(), "--out", out);
        assertError(Cli.USAGE, "cannot read --in", "encode", "--model", model("codec"), "--in", corrupt.toString(),
                "--out", dir.resolve("c.json").toString());
        assertError(Cli.USAGE, "unknown subcommand 'delete'", "prompt", "delete");
    }

    /**
     * A bundle whose generation_config.json says greedy, repetition penalty 1.5 and 12 tokens: with
     * no generation flag, {@code q3tts synth} must produce the codes the official wrapper produced
     * when called with no generation argument (fixture case {@code cv_generation_config_defaults},
     * recorded by make-reference from a checkpoint with that file).
     */
    @Test
    void givenABundleGenerationConfig_whenSynthWithoutFlags_thenTheOfficialWrappersCodes() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode entry = json.readTree(DemoRepo.fixture("index.json").toFile()).path("generation_config_cases").get(0);
        Path caseDir = DemoRepo.fixture(entry.path("dir").asText() + "/case.json").getParent();
        JsonNode cs = json.readTree(caseDir.resolve("case.json").toFile());
        JsonNode req = cs.path("request");
        assertFalse(req.has("do_sample") || req.has("max_new_tokens") || req.has("repetition_penalty"),
                "the official call had no generation argument: " + req);
        Path bundle = dir.resolve("bundle");
        Files.createDirectories(bundle);
        try (var files = Files.list(DemoRepo.bundle(cs.path("model").asText()))) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("generation_config.json")) {
                    Files.copy(f, bundle.resolve(f.getFileName()));
                }
            }
        }
        Files.copy(caseDir.resolve("generation_config.json"), bundle.resolve("generation_config.json"));

        Path wav = dir.resolve("defaults.wav");
        Path codesFile = dir.resolve("codes.json");
        assertEquals(Cli.OK, run("synth", "--model", bundle.toString(), "--text", req.path("text").asText(),
                "--speaker", req.path("speaker").asText(), "--language", req.path("language").asText(),
                "--out", wav.toString(), "--codes-out", codesFile.toString(), "--no-runaway-guard", "--quiet"), stderr());
        JsonNode codes = json.readTree(codesFile.toFile());
        assertEquals("q3tts-codes", codes.path("format").asText());
        assertEquals(cs.path("frames").asInt(), codes.path("frames").asInt(), "frames");
        assertEquals(cs.path("codes"), codes.path("codes"), "codes");
        assertEquals(11, codes.path("frames").asInt(), "12 tokens: 11 frames, the last decision is dropped");
    }
}
