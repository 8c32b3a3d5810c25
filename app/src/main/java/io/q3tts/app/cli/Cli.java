package io.q3tts.app.cli;

import io.q3tts.adapters.inference.onnx.io.WavAudio;
import io.q3tts.adapters.inference.onnx.io.WavReader;
import io.q3tts.adapters.inference.onnx.io.WavWriter;
import io.q3tts.app.SynthesizerProvider;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.model.SpeechCodes;
import io.q3tts.ports.out.inference.GenerationDefaults;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SamplingParams;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisProgress;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.SynthesizerInfo;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.TextInputMode;
import io.q3tts.ports.out.inference.VoicePrompt;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * The {@code q3tts} command line: {@code serve} (also what {@code q3tts} alone does), {@code synth},
 * {@code voices}, {@code prompt create}, {@code encode}, {@code decode} and {@code help}.
 *
 * <p>Exit statuses: 0 success, 1 the work failed (model, I/O), 2 the request is wrong: the command
 * line, a missing model, an unknown speaker or language, an unusable reference clip or voice. An
 * error is reported as exactly one line on stderr, never a stack trace. Results go to stdout,
 * progress and warnings (such as a demo bundle's random weights) to stderr.
 */
public final class Cli {

    /** Exit status: success. */
    public static final int OK = 0;
    /** Exit status: the command was valid but failed. */
    public static final int FAILED = 1;
    /** Exit status: the command line is invalid. */
    public static final int USAGE = 2;

    private static final List<Options.Spec> SYNTH_OPTIONS = List.of(
            new Options.Spec("model", "DIR", "model bundle folder (required)"),
            new Options.Spec("text", "TEXT", "text to speak"),
            new Options.Spec("text-file", "FILE", "read the text to speak from a UTF-8 file instead"),
            new Options.Spec("out", "FILE", "output WAV file (required)"),
            new Options.Spec("task", "TASK", "custom-voice, voice-design or voice-clone (default: inferred from the options)"),
            new Options.Spec("speaker", "NAME", "preset speaker (custom-voice); see 'q3tts voices'"),
            new Options.Spec("language", "LANG", "language key such as english or chinese (default: auto)"),
            new Options.Spec("instruct", "TEXT", "style instruction (custom-voice 1.7B) or voice description (voice-design)"),
            new Options.Spec("ref-audio", "WAV", "reference recording to clone (voice-clone)"),
            new Options.Spec("ref-text", "TEXT", "transcript of --ref-audio (required unless --x-vector-only)"),
            new Options.Spec("x-vector-only", null, "clone from the speaker embedding only; no transcript needed"),
            new Options.Spec("voice", "FILE", "clone a voice saved by 'q3tts prompt create' instead of --ref-audio"),
            new Options.Spec("text-input", "MODE", "streaming, non-streaming or default (the task's official default)"),
            new Options.Spec("greedy", null, "greedy decoding (deterministic; for parity checks)"),
            new Options.Spec("temperature", "T", "sampling temperature, talker and code predictor (default: the model's)"),
            new Options.Spec("top-k", "K", "top-k filter for both, 0 = off (default: the model's)"),
            new Options.Spec("top-p", "P", "nucleus filter for both, in (0, 1] (default: the model's)"),
            new Options.Spec("repetition-penalty", "R", "penalty on repeated codes (default: the model's)"),
            new Options.Spec("seed", "N", "random seed for reproducible sampling"),
            new Options.Spec("max-new-tokens", "N", "upper bound on generated frames (default: the model's)"),
            new Options.Spec("codes-out", "FILE", "also write the generated codec codes as JSON (as 'q3tts encode' does)"),
            new Options.Spec("no-runaway-guard", null, "no length cap by text length (the official code has none; for parity runs)"),
            new Options.Spec("format", "FMT", "pcm16 or float32 (default pcm16)"),
            new Options.Spec("quiet", null, "no progress on stderr"));

    private static final List<Options.Spec> VOICES_OPTIONS = List.of(
            new Options.Spec("model", "DIR", "model bundle folder (required)"));

    private static final List<Options.Spec> PROMPT_OPTIONS = List.of(
            new Options.Spec("model", "DIR", "Base model bundle folder (required)"),
            new Options.Spec("ref-audio", "WAV", "reference recording to clone (required)"),
            new Options.Spec("ref-text", "TEXT", "transcript of --ref-audio (required unless --x-vector-only)"),
            new Options.Spec("x-vector-only", null, "keep only the speaker embedding; no transcript needed"),
            new Options.Spec("out", "FILE", "voice file to write, e.g. voice.q3v (required)"));

    private static final List<Options.Spec> ENCODE_OPTIONS = List.of(
            new Options.Spec("model", "DIR", "model bundle folder (required; any bundle holds the codec)"),
            new Options.Spec("in", "WAV", "audio to encode (required; any rate, channels are averaged)"),
            new Options.Spec("out", "FILE", "codes JSON file to write (required)"));

    private static final List<Options.Spec> DECODE_OPTIONS = List.of(
            new Options.Spec("in", "FILE", "codes JSON file written by 'q3tts encode' (required)"),
            new Options.Spec("out", "FILE", "output WAV file (required)"),
            new Options.Spec("model", "DIR", "model bundle folder (default: the one recorded in the codes file)"),
            new Options.Spec("format", "FMT", "pcm16 or float32 (default pcm16)"));

    /** The line every command prints for a bundle made by tools/make-reference. */
    static final String RANDOM_WEIGHTS_WARNING = "demo bundle with random weights: output is noise, not speech";

    private final SynthesizerProvider engine;
    private final IntSupplier server;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param engine opens synthesizers for {@code --model} folders
     * @param server starts the server for {@code q3tts serve} (and {@code q3tts} alone), blocks until
     *     it stops, and returns the exit status
     * @param out where results go
     * @param err where progress and errors go
     */
    public Cli(SynthesizerProvider engine, IntSupplier server, PrintStream out, PrintStream err) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.server = Objects.requireNonNull(server, "server");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /**
     * @param args the full command line after the program name
     * @return the exit status
     */
    public int run(String... args) {
        String command = args.length == 0 ? "" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        try {
            return switch (command) {
                case "", "serve" -> serve(rest);
                case "synth" -> synth(Options.parse("synth", SYNTH_OPTIONS, rest));
                case "voices" -> voices(Options.parse("voices", VOICES_OPTIONS, rest));
                case "prompt" -> prompt(rest);
                case "encode" -> encode(Options.parse("encode", ENCODE_OPTIONS, rest));
                case "decode" -> decode(Options.parse("decode", DECODE_OPTIONS, rest));
                case "help", "-h", "--help" -> help(rest);
                case "--version", "version" -> {
                    out.println("q3tts " + version());
                    yield OK;
                }
                default -> throw new UsageException("unknown command '" + command + "'; run 'q3tts help'");
            };
        } catch (UsageException e) {
            err.println("q3tts" + (command.isEmpty() || command.startsWith("-") ? "" : " " + command) + ": error: " + e.getMessage());
            return USAGE;
        }
    }

    private int help(List<String> rest) throws UsageException {
        if (rest.isEmpty()) {
            out.print(generalHelp());
            return OK;
        }
        if (rest.size() > 1) {
            throw new UsageException("'help' takes at most one command name");
        }
        switch (rest.getFirst()) {
            case "serve" -> out.print(serveHelp());
            case "synth" -> out.print(synthHelp());
            case "voices" -> out.print(voicesHelp());
            case "prompt" -> out.print(promptHelp());
            case "encode" -> out.print(encodeHelp());
            case "decode" -> out.print(decodeHelp());
            case "help" -> out.print(generalHelp());
            default -> throw new UsageException("no help for unknown command '" + rest.getFirst() + "'");
        }
        return OK;
    }

    private int serve(List<String> args) throws UsageException {
        Options o = Options.parse("serve", List.of(), args);
        if (o.has("help")) {
            out.print(serveHelp());
            return OK;
        }
        return server.getAsInt();
    }

    private int synth(Options o) throws UsageException {
        if (o.has("help")) {
            out.print(synthHelp());
            return OK;
        }
        Path model = existingDir(o.require("model", "the model bundle folder"));
        String text = text(o);
        Path output = Path.of(o.require("out", "the WAV file to write"));
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UsageException("the folder for --out does not exist: " + parent);
        }
        WavWriter.Encoding format = format(o);
        Path codesOut = o.get("codes-out").isPresent() ? outputFile(o.get("codes-out").get()) : null;
        // Checks every option before the model loads; the model's own defaults are filled in below.
        request(o, text, GenerationDefaults.official());
        boolean quiet = o.has("quiet");
        Opener<SpeechSynthesizer> opener = o.has("no-runaway-guard") ? engine::openWithoutRunawayGuard : engine::open;
        return with(model, "synth", opener, synthesizer -> {
            warnIfRandom(synthesizer.info().randomWeights());
            SynthesisRequest request;
            try {
                request = request(o, text, synthesizer.info().generation());
            } catch (UsageException e) {
                throw new InvalidArgumentException("options", e.getMessage());
            }
            ProgressPrinter progress = quiet ? null : new ProgressPrinter();
            SynthesisResult result = synthesizer.synthesize(request, progress == null ? SynthesisListener.NONE : progress);
            if (progress != null) {
                progress.printLast();
            }
            WavWriter.write(output, result.samples(), result.sampleRate(), format);
            if (codesOut != null) {
                CodesFile.writeGenerated(codesOut, synthesizer.info().modelId(), model, result.codes());
            }
            double seconds = result.durationSeconds();
            double elapsed = result.elapsed().toNanos() / 1e9;
            out.printf(Locale.ROOT, "wrote %s: %.2f s of audio, %d frames, %s, in %.2f s (RTF %.2f)%n",
                    output, seconds, result.frames(), result.finishReason().name().toLowerCase(Locale.ROOT),
                    elapsed, seconds > 0 ? elapsed / seconds : 0);
            return OK;
        });
    }

    private int voices(Options o) throws UsageException {
        if (o.has("help")) {
            out.print(voicesHelp());
            return OK;
        }
        Path model = existingDir(o.require("model", "the model bundle folder"));
        return withEngine(model, "voices", synthesizer -> {
            SynthesizerInfo info = synthesizer.info();
            out.println("model:     " + info.modelId());
            out.println("tasks:     " + String.join(", ", new TreeSet<>(info.tasks().stream().map(Cli::taskName).toList())));
            out.println("speakers:  " + (info.speakers().isEmpty() ? "(none)" : String.join(", ", info.speakers())));
            out.println("languages: " + String.join(", ", info.languages()));
            out.println("instruct:  " + (info.supportsInstruct() ? "yes" : "no"));
            if (info.randomWeights()) {
                out.println("weights:   random (" + RANDOM_WEIGHTS_WARNING + ")");
            }
            return OK;
        });
    }

    private int prompt(List<String> args) throws UsageException {
        String sub = args.isEmpty() ? "" : args.getFirst();
        if (sub.equals("-h") || sub.equals("--help") || sub.equals("help")) {
            out.print(promptHelp());
            return OK;
        }
        if (!sub.equals("create")) {
            throw new UsageException(sub.isEmpty() ? "missing subcommand; use 'q3tts prompt create'"
                    : "unknown subcommand '" + sub + "'; use 'q3tts prompt create'");
        }
        Options o = Options.parse("prompt create", PROMPT_OPTIONS, args.subList(1, args.size()));
        if (o.has("help")) {
            out.print(promptHelp());
            return OK;
        }
        Path model = existingDir(o.require("model", "the Base model bundle folder"));
        Path audio = existingFile(o.require("ref-audio", "the reference recording"), "--ref-audio");
        Path output = outputFile(o.require("out", "the voice file to write"));
        VoicePrompt.ReferenceAudio reference;
        try {
            reference = new VoicePrompt.ReferenceAudio(audio, o.get("ref-text").orElse(null), o.has("x-vector-only"));
        } catch (InvalidArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String[] modelId = new String[1];
        return with(model, "prompt create", dir -> {
            modelId[0] = describe(dir);
            return engine.openClonePromptEncoder(dir);
        }, (ClonePromptEncoder encoder) -> {
            ClonePrompt prompt = encoder.encode(reference, CancellationToken.none());
            writeAtomically(output, prompt.data());
            out.printf(Locale.ROOT, "wrote %s: %s voice from %s (model %s); use it with 'q3tts synth --voice %s'%n",
                    output, prompt.xVectorOnly() ? "x-vector-only" : "in-context (ICL)", audio, modelId[0], output);
            return OK;
        });
    }

    private int encode(Options o) throws UsageException {
        if (o.has("help")) {
            out.print(encodeHelp());
            return OK;
        }
        Path model = existingDir(o.require("model", "the model bundle folder"));
        Path input = existingFile(o.require("in", "the WAV file to encode"), "--in");
        Path output = outputFile(o.require("out", "the codes JSON file to write"));
        WavAudio audio;
        try {
            audio = WavReader.read(input);
        } catch (IOException e) {
            throw new UsageException("cannot read --in " + input + ": " + e.getMessage());
        }
        String[] modelId = new String[1];
        return with(model, "encode", dir -> {
            modelId[0] = describe(dir);
            return engine.openTokenizer(dir);
        }, (SpeechTokenizer tokenizer) -> {
            SpeechCodes codes = tokenizer.encode(new PcmAudio(audio.samples(), audio.sampleRate()), CancellationToken.none());
            CodesFile.write(output, modelId[0], model, tokenizer, new CodesFile.Source(input.getFileName().toString(),
                    audio.sampleRate(), audio.sourceChannels(), audio.samples().length), codes.frames());
            out.printf(Locale.ROOT, "wrote %s: %d frames (%.2f s) from %s%n", output, codes.frameCount(),
                    codes.durationSeconds(), input);
            return OK;
        });
    }

    private int decode(Options o) throws UsageException {
        if (o.has("help")) {
            out.print(decodeHelp());
            return OK;
        }
        Path input = existingFile(o.require("in", "the codes JSON file"), "--in");
        Path output = outputFile(o.require("out", "the WAV file to write"));
        WavWriter.Encoding format = format(o);
        CodesFile codes = CodesFile.read(input);
        Path model = o.get("model").isPresent() ? existingDir(o.get("model").get()) : codes.locateModel();
        String[] modelId = new String[1];
        return with(model, "decode", dir -> {
            modelId[0] = describe(dir);
            return engine.openTokenizer(dir);
        }, (SpeechTokenizer tokenizer) -> {
            PcmAudio wav = tokenizer.decode(new SpeechCodes(codes.frames(), tokenizer.frameRate()), CancellationToken.none());
            WavWriter.write(output, wav.samples(), wav.sampleRate(), format);
            out.printf(Locale.ROOT, "wrote %s: %.2f s of audio from %d frames (model %s)%n", output,
                    wav.durationSeconds(), codes.frames().length, modelId[0]);
            return OK;
        });
    }

    /** Reads the bundle's summary and warns about random weights before anything is loaded. */
    private String describe(Path dir) {
        SynthesizerProvider.BundleSummary summary = engine.describe(dir);
        warnIfRandom(summary.randomWeights());
        return summary.modelId();
    }

    private static void writeAtomically(Path file, byte[] data) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, data);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static WavWriter.Encoding format(Options o) throws UsageException {
        return switch (o.get("format").orElse("pcm16").toLowerCase(Locale.ROOT)) {
            case "pcm16" -> WavWriter.Encoding.PCM_16;
            case "float32" -> WavWriter.Encoding.FLOAT_32;
            default -> throw new UsageException("--format must be pcm16 or float32, got '" + o.get("format").orElseThrow() + "'");
        };
    }

    private void warnIfRandom(boolean randomWeights) {
        if (randomWeights) {
            err.println("q3tts: warning: " + RANDOM_WEIGHTS_WARNING);
        }
    }

    /**
     * The request from the options, every unset generation argument taken from the model's defaults
     * as the official wrapper does; {@code --greedy} turns sampling off for both stages.
     */
    private SynthesisRequest request(Options o, String text, GenerationDefaults defaults) throws UsageException {
        Optional<String> refAudio = o.get("ref-audio");
        Optional<String> voice = o.get("voice");
        if (refAudio.isPresent() && voice.isPresent()) {
            throw new UsageException("use either --ref-audio or --voice, not both");
        }
        if (refAudio.isEmpty() && (o.has("ref-text") || o.has("x-vector-only"))) {
            throw new UsageException("--ref-text and --x-vector-only only apply with --ref-audio");
        }
        try {
            VoicePrompt prompt = null;
            if (refAudio.isPresent()) {
                Path audio = Path.of(refAudio.get());
                if (!Files.isRegularFile(audio)) {
                    throw new UsageException("--ref-audio file not found: " + audio);
                }
                prompt = new VoicePrompt.ReferenceAudio(audio, o.get("ref-text").orElse(null), o.has("x-vector-only"));
            } else if (voice.isPresent()) {
                prompt = new VoicePrompt.Saved(voice.get());
            }
            TaskType task = o.get("task").isPresent() ? parseTask(o.get("task").get()) : inferTask(o, prompt);
            SamplingParams base = defaults.sampling();
            boolean greedy = o.has("greedy");
            SamplingParams sampling = new SamplingParams(
                    !greedy && base.doSample(),
                    o.number("temperature").orElse(base.temperature()),
                    o.integer("top-k").orElse(base.topK()),
                    o.number("top-p").orElse(base.topP()),
                    o.number("repetition-penalty").orElse(base.repetitionPenalty()),
                    !greedy && base.subtalkerDoSample(),
                    o.number("temperature").orElse(base.subtalkerTemperature()),
                    o.integer("top-k").orElse(base.subtalkerTopK()),
                    o.number("top-p").orElse(base.subtalkerTopP()),
                    o.longValue("seed").orElse(null));
            return SynthesisRequest.builder(task, text)
                    .language(o.get("language").orElse(null))
                    .speaker(o.get("speaker").orElse(null))
                    .instruct(o.get("instruct").orElse(null))
                    .voicePrompt(prompt)
                    .sampling(sampling)
                    .maxNewTokens(o.integer("max-new-tokens").orElse(defaults.maxNewTokens()))
                    .textInputMode(parseTextInput(o.get("text-input").orElse("default")))
                    .build();
        } catch (InvalidArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static TaskType inferTask(Options o, VoicePrompt prompt) throws UsageException {
        if (prompt != null) {
            return TaskType.VOICE_CLONE;
        }
        if (o.has("speaker")) {
            return TaskType.CUSTOM_VOICE;
        }
        if (o.has("instruct")) {
            return TaskType.VOICE_DESIGN;
        }
        throw new UsageException("say whose voice to use: --speaker (custom-voice), --instruct (voice-design) "
                + "or --ref-audio/--voice (voice-clone)");
    }

    private static TaskType parseTask(String value) throws UsageException {
        return switch (value.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "custom-voice" -> TaskType.CUSTOM_VOICE;
            case "voice-design" -> TaskType.VOICE_DESIGN;
            case "voice-clone" -> TaskType.VOICE_CLONE;
            default -> throw new UsageException("--task must be custom-voice, voice-design or voice-clone, got '" + value + "'");
        };
    }

    private static TextInputMode parseTextInput(String value) throws UsageException {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "default" -> TextInputMode.TASK_DEFAULT;
            case "streaming" -> TextInputMode.STREAMING;
            case "non-streaming" -> TextInputMode.NON_STREAMING;
            default -> throw new UsageException("--text-input must be streaming, non-streaming or default, got '" + value + "'");
        };
    }

    private static String taskName(TaskType t) {
        return t.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String text(Options o) throws UsageException {
        Optional<String> inline = o.get("text");
        Optional<String> file = o.get("text-file");
        if (inline.isPresent() == file.isPresent()) {
            throw new UsageException("give the text with exactly one of --text or --text-file");
        }
        if (inline.isPresent()) {
            return inline.get();
        }
        Path path = Path.of(file.get());
        try {
            // Files usually end with a newline that is not meant to be spoken.
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UsageException("cannot read --text-file " + path + ": " + e.getMessage());
        }
    }

    private static Path existingDir(String value) throws UsageException {
        Path p = Path.of(value);
        if (!Files.isDirectory(p)) {
            throw new UsageException("model folder not found: " + p);
        }
        return p;
    }

    private static Path existingFile(String value, String option) throws UsageException {
        Path p = Path.of(value);
        if (!Files.isRegularFile(p)) {
            throw new UsageException(option + " file not found: " + p);
        }
        return p;
    }

    private static Path outputFile(String value) throws UsageException {
        Path p = Path.of(value);
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UsageException("the folder for --out does not exist: " + parent);
        }
        return p;
    }

    @FunctionalInterface
    private interface Work<T> {
        int run(T resource) throws IOException;
    }

    @FunctionalInterface
    private interface Opener<T> {
        T open(Path bundleDir) throws IOException;
    }

    private int withEngine(Path model, String command, Work<SpeechSynthesizer> work) {
        return with(model, command, engine::open, work);
    }

    private <T> int with(Path model, String command, Opener<T> opener, Work<T> work) {
        T resource = null;
        try {
            resource = opener.open(model);
            return work.run(resource);
        } catch (Q3ttsException e) {
            err.println("q3tts " + command + ": error: " + e.getMessage());
            return switch (e.errorType()) {
                // what the user asked for is wrong (a value, a missing model or voice, an unreadable file)
                case INVALID_ARGUMENT, NOT_FOUND, UNSUPPORTED_MEDIA, PAYLOAD_TOO_LARGE -> USAGE;
                default -> FAILED;
            };
        } catch (IOException e) {
            err.println("q3tts " + command + ": error: " + e.getMessage());
            return FAILED;
        } catch (RuntimeException e) {
            // A bug or an unexpected runtime failure: still one line, the class name helps a bug report.
            err.println("q3tts " + command + ": error: internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")));
            return FAILED;
        } finally {
            if (resource instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    err.println("q3tts " + command + ": warning: closing the engine failed: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Prints progress on stderr at most once a second, and the last report at the end if it was not
     * printed yet, so even a short run shows frames, elapsed time and real-time factor once.
     */
    private final class ProgressPrinter implements SynthesisListener {
        private long lastPrint = System.nanoTime();
        private SynthesisProgress last;
        private boolean lastPrinted;

        @Override
        public boolean wantsAudioChunks() {
            // The command writes the final audio; streamed chunks would only cost a second decode.
            return false;
        }

        @Override
        public void onProgress(SynthesisProgress p) {
            last = p;
            lastPrinted = false;
            long now = System.nanoTime();
            if (now - lastPrint > 1_000_000_000L) {
                lastPrint = now;
                print(p);
            }
        }

        void printLast() {
            if (last != null && !lastPrinted) {
                print(last);
            }
        }

        private void print(SynthesisProgress p) {
            lastPrinted = true;
            err.printf(Locale.ROOT, "q3tts: %d frames (%.2f s of audio) in %.2f s, RTF %s%n", p.frames(), p.audioSeconds(),
                    p.elapsed().toNanos() / 1e9,
                    p.frames() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", p.realTimeFactor()));
        }
    }

    private static String version() {
        String v = Cli.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    private static String generalHelp() {
        return """
                q3tts: Qwen3-TTS text-to-speech on ONNX Runtime

                usage: q3tts [command] [options]

                commands:
                  serve          start the HTTP server on the installed models (what 'q3tts' alone does)
                  worker         serve this machine's models to a cluster's queue (cluster.nats_url; docs/scale-out.md)
                  synth          speak a text into a WAV file
                  voices         list the speakers, languages and tasks of a model bundle
                  prompt create  save a cloned voice (Base models) for 'synth --voice'
                  encode         audio to codec codes (JSON), with any bundle's speech tokenizer
                  decode         codec codes (JSON) back to audio
                  help           show this help, or 'q3tts help <command>' for one command

                  --version  print the version

                examples:
                  q3tts                      serve on http://127.0.0.1:8420/ (configs/default.yaml; see 'q3tts help serve')
                  q3tts synth --model models/custom-voice-0.6b --speaker ryan --text "Hello there." --out hello.wav
                  q3tts synth --model models/voice-design-1.7b --instruct "A calm, low male voice" --text "Hi." --out hi.wav
                  q3tts synth --model models/base-0.6b --ref-audio me.wav --ref-text "What I said." --text "New words." --out clone.wav
                  q3tts prompt create --model models/base-0.6b --ref-audio me.wav --ref-text "What I said." --out me.q3v
                  q3tts synth --model models/base-0.6b --voice me.q3v --text "New words." --out clone.wav
                  q3tts encode --model models/demo-codec --in a.wav --out codes.json
                  q3tts decode --in codes.json --out a.wav

                environment: the server reads configs/default.yaml and its overrides (MODELS_DIR,
                Q3TTS_SERVER_PORT, ...; see 'q3tts help serve'). The other commands take the model
                folder on the command line; Q3TTS_DEVICE=auto|cuda|cpu picks where they run (default auto).

                exit status: 0 success, 1 failure, 2 invalid request (command line, configuration, model,
                speaker, language, reference clip or voice)
                """;
    }

    private static String serveHelp() {
        return """
                usage: q3tts serve   (or just: q3tts)

                Starts the HTTP server on 127.0.0.1:8420 with every model bundle in models/ (the demo bundles,
                which have random weights and speak noise, when nothing else is installed), prints its URL and a
                summary, and serves until Ctrl-C or SIGTERM. API: docs/api.md; OpenAPI document at
                /api/v1/openapi.json; OpenAI-compatible clients use base_url http://127.0.0.1:8420/v1.

                configuration, lowest precedence first: configs/default.yaml (every key documented there),
                configs/<env>.yaml when Q3TTS_ENV=<env>, then environment variables: MODELS_DIR, VOICES_DIR,
                OUTPUTS_DIR, PLUGINS_DIR for the folders and Q3TTS_<SECTION>_<KEY> for the rest, e.g.
                Q3TTS_SERVER_PORT=9000, Q3TTS_SERVER_HOST=0.0.0.0, Q3TTS_ENGINE_DEVICE=cpu,
                Q3TTS_SCHEDULER_GPU_SLOTS=2. Q3TTS_CONFIG_DIR moves the configs folder. An invalid value stops
                the start with a message naming the key and where its value came from (exit status 2).

                batching: jobs of one model that wait together run as one batch in one GPU slot, up to
                scheduler.max_batch rows (default 8; Q3TTS_SCHEDULER_MAX_BATCH=1 turns batching off) and
                within scheduler.kv_budget_mb of KV cache at their expected lengths (default 1024, safe on a
                6 GB card). A model exported before batching runs one row at a time whatever these say.

                remote web UI: Q3TTS_UI_API_URL=http://gpu-box:8420 serves the pages here but sends all their
                API traffic to that q3tts server, which must allow this origin, e.g.
                Q3TTS_HTTP_CORS_ORIGINS=http://127.0.0.1:8420 (docs/api.md, "Remote mode").

                security (docs/security.md): only requests addressed to localhost or an IP address are served
                unless Q3TTS_HTTP_ALLOWED_HOSTS lists more names; other web sites cannot change anything;
                Q3TTS_AUTH_API_KEYS=key1,key2 requires 'Authorization: Bearer <key>' on every request. A bind
                beyond loopback (Q3TTS_SERVER_HOST=0.0.0.0) needs keys, or
                Q3TTS_AUTH_ALLOW_UNAUTHENTICATED_REMOTE=true.
                """;
    }

    private static String promptHelp() {
        return "usage: q3tts prompt create --model DIR --ref-audio WAV (--ref-text TEXT | --x-vector-only) --out FILE\n\n"
                + "Computes the voice-clone prompt of a reference recording once (speaker embedding and, in ICL mode,\n"
                + "the reference codes) and saves it; 'q3tts synth --voice FILE' then clones without re-encoding.\n\n"
                + "options:\n" + Options.describe(PROMPT_OPTIONS);
    }

    private static String encodeHelp() {
        return "usage: q3tts encode --model DIR --in WAV --out FILE\n\n"
                + "Encodes audio into 12.5 frames per second of 16 codec codes, as the official speech tokenizer does.\n\n"
                + "options:\n" + Options.describe(ENCODE_OPTIONS);
    }

    private static String decodeHelp() {
        return "usage: q3tts decode --in FILE --out WAV [--model DIR]\n\n"
                + "Decodes codes written by 'q3tts encode' into 24 kHz audio. Without --model the bundle recorded in\n"
                + "the file is used (its folder, else models/<name> or $MODELS_DIR/<name>).\n\n"
                + "options:\n" + Options.describe(DECODE_OPTIONS);
    }

    private static String synthHelp() {
        return "usage: q3tts synth --model DIR (--text TEXT | --text-file FILE) --out FILE [options]\n\n"
                + "The task is inferred: --speaker means custom-voice, --instruct alone means voice-design,\n"
                + "--ref-audio or --voice means voice-clone. --task makes it explicit.\n\n"
                + "options:\n" + Options.describe(SYNTH_OPTIONS);
    }

    private static String voicesHelp() {
        return "usage: q3tts voices --model DIR\n\noptions:\n" + Options.describe(VOICES_OPTIONS);
    }
}
