package io.q3tts.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.io.WavAudio;
import io.q3tts.adapters.inference.onnx.io.WavReader;
import io.q3tts.app.SynthesizerProvider;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.SynthesizerInfo;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.TextInputMode;
import io.q3tts.ports.out.inference.VoicePrompt;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final FakeSynthesizer fake = new FakeSynthesizer();

    private int run(SynthesizerProvider engine, String... args) {
        return new Cli(engine, () -> { throw new AssertionError("serve"); }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private int run(String... args) {
        return run(bundle -> fake, args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertOneLineUsageError(int status, String fragment) {
        assertEquals(Cli.USAGE, status, stderr());
        String e = stderr();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.contains(fragment), e);
    }

    @Test
    void givenHelp_whenRun_thenUsageOnStdoutAndSuccess() {
        assertEquals(Cli.OK, run("help"));
        assertTrue(stdout().contains("usage: q3tts [command]"), stdout());
        assertEquals(Cli.OK, run("--help"));
        assertEquals(Cli.OK, run("help", "synth"));
        assertTrue(stdout().contains("--ref-audio WAV"));
        assertEquals(Cli.OK, run("synth", "--help"));
        assertEquals(Cli.OK, run("voices", "-h"));
        assertEquals("", stderr());
    }

    @Test
    void givenNoCommandOrServe_whenRun_thenTheServerStartsAndItsStatusIsReturned() {
        int[] starts = new int[1];
        java.util.function.IntSupplier server = () -> ++starts[0] == 1 ? Cli.OK : Cli.USAGE;
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(Cli.OK, new Cli(bundle -> fake, server, o, e).run());
        assertEquals(Cli.USAGE, new Cli(bundle -> fake, server, o, e).run("serve"));
        assertEquals(2, starts[0]);
        assertEquals(Cli.OK, new Cli(bundle -> fake, server, o, e).run("serve", "--help"));
        assertEquals(2, starts[0], "help does not start the server");
        assertTrue(stdout().contains("Q3TTS_SERVER_PORT"), stdout());
        out.reset();
        assertEquals(Cli.OK, run("help"));
        assertTrue(stdout().contains("serve"), stdout());
    }

    @Test
    void givenBadCommandLines_whenRun_thenOneLineAndStatus2() {
        assertOneLineUsageError(run("serve", "--port", "1"), "unknown option --port");
        err.reset();
        assertOneLineUsageError(run("speak"), "unknown command 'speak'");
        err.reset();
        assertOneLineUsageError(run("help", "nope"), "no help for unknown command");
        err.reset();
        assertOneLineUsageError(run("synth", "--bogus", "1"), "unknown option --bogus");
        err.reset();
        assertOneLineUsageError(run("synth", "--model"), "--model needs a value");
        err.reset();
        assertOneLineUsageError(run("synth", "--text", "hi"), "needs --model");
        err.reset();
        assertOneLineUsageError(run("synth", "--model", dir.resolve("missing").toString()), "model folder not found");
        err.reset();
        assertOneLineUsageError(run("synth", "--model", dir.toString(), "--out", "x.wav"), "exactly one of --text or --text-file");
        err.reset();
        assertOneLineUsageError(run("synth", "--model", dir.toString(), "--text", "hi", "--out", "x.wav"), "say whose voice");
        err.reset();
        assertOneLineUsageError(run("synth", "--model", dir.toString(), "--text", "hi", "--out", "x.wav",
                "--speaker", "ryan", "--seed", "abc"), "--seed must be an integer");
        err.reset();
        assertOneLineUsageError(run("synth", "--model", dir.toString(), "--text", "hi", "--out", "x.wav",
                "--speaker", "ryan", "--top-p", "1.5"), "top_p must be in (0, 1]");
        err.reset();
        assertOneLineUsageError(run("synth", "--model", dir.toString(), "--text", "hi", "--out", "x.wav",
                "--speaker", "ryan", "--instruct", "x", "--task", "voice-clone"), "reference voice is required");
        err.reset();
        assertOneLineUsageError(run("synth", "--model", dir.toString(), "--text", "hi", "--out", "x.wav",
                "--speaker", "ryan", "--speaker", "ryan"), "more than once");
        err.reset();
        assertOneLineUsageError(run("synth", "--model", dir.toString(), "--text", "hi", "--out", "x.wav",
                "--speaker", "ryan", "--greedy=yes"), "is a flag");
        err.reset();
        assertOneLineUsageError(run("synth", "extra"), "unexpected argument 'extra'");
    }

    @Test
    void givenValidSynth_whenRun_thenRequestIsBuiltAndWavWritten() throws Exception {
        Path wav = dir.resolve("out.wav");
        Path textFile = dir.resolve("t.txt");
        Files.writeString(textFile, "Hello there.\n");
        int status = run("synth", "--model", dir.toString(), "--text-file", textFile.toString(), "--out", wav.toString(),
                "--speaker", "Ryan", "--language", "English", "--greedy", "--seed", "7", "--max-new-tokens=300",
                "--text-input", "streaming", "--quiet");
        assertEquals(Cli.OK, status, stderr());
        SynthesisRequest r = fake.last;
        assertNotNull(r);
        assertEquals(TaskType.CUSTOM_VOICE, r.task());
        assertEquals("Hello there.", r.text());
        assertEquals("ryan", r.speaker());
        assertEquals("english", r.language());
        assertEquals(300, r.maxNewTokens());
        assertEquals(7L, r.sampling().seed());
        assertEquals(false, r.sampling().doSample());
        assertEquals(TextInputMode.STREAMING, r.textInputMode());
        WavAudio audio = WavReader.read(wav);
        assertEquals(2400, audio.samples().length);
        assertTrue(stdout().startsWith("wrote "), stdout());
    }

    @Test
    void givenRefAudio_whenRun_thenVoiceCloneIsInferred() throws Exception {
        Path ref = dir.resolve("ref.wav");
        Files.write(ref, new byte[] {1});
        int status = run("synth", "--model", dir.toString(), "--text", "hi", "--out", dir.resolve("o.wav").toString(),
                "--ref-audio", ref.toString(), "--x-vector-only", "--quiet");
        assertEquals(Cli.OK, status, stderr());
        assertEquals(TaskType.VOICE_CLONE, fake.last.task());
        assertTrue(fake.last.voicePrompt() instanceof VoicePrompt.ReferenceAudio a && a.xVectorOnly());
        assertTrue(fake.last.streamingTextInput());
    }

    @Test
    void givenEngineErrors_whenRun_thenMappedToStatus() {
        String[] args = {"synth", "--model", dir.toString(), "--text", "hi", "--out", dir.resolve("o.wav").toString(), "--speaker", "nobody"};
        assertEquals(Cli.FAILED, run(bundle -> {
            throw new UnsupportedException("The ONNX inference engine is not wired into this build yet.");
        }, args));
        assertTrue(stderr().contains("q3tts synth: error: The ONNX inference engine is not wired"), stderr());
        fake.failWith = new InvalidArgumentException("speaker", "unknown speaker 'nobody'");
        assertEquals(Cli.USAGE, run(args));
    }

    @Test
    void givenVoices_whenRun_thenInfoListed() {
        assertEquals(Cli.OK, run("voices", "--model", dir.toString()));
        assertTrue(stdout().contains("speakers:  ryan, vivian"), stdout());
        assertTrue(stdout().contains("tasks:     custom-voice"), stdout());
    }

    private static final class FakeSynthesizer implements SpeechSynthesizer {
        SynthesisRequest last;
        RuntimeException failWith;

        @Override
        public SynthesizerInfo info() {
            return new SynthesizerInfo("fake", Set.of(TaskType.CUSTOM_VOICE), List.of("ryan", "vivian"),
                    List.of("auto", "english"), true, 24_000);
        }

        @Override
        public SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken cancellation) {
            if (failWith != null) {
                throw failWith;
            }
            last = request;
            return new SynthesisResult(new float[2400], 24_000, 1, FinishReason.END_OF_SPEECH, Duration.ofMillis(5));
        }
    }
}
