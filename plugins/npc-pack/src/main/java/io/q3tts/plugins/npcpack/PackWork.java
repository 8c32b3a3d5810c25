package io.q3tts.plugins.npcpack;

import io.q3tts.lib.dsp.Pcm16;
import io.q3tts.ports.in.pipeline.PipelineContext;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.pipeline.PipelineWork;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.audio.EncodeAudioUseCase;
import io.q3tts.ports.in.output.DeleteOutputUseCase;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.DesignThenCloneUseCase;
import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.plugin.PipelineSupport;
import io.q3tts.ports.plugin.PluginContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs one pack: designs each described character's voice once (checkpoint {@code design-<id>}:
 * the saved voice's id), speaks every line with retries (checkpoint {@code line-NNNN}: the kept
 * {@link Take}), then lets {@link Packer} build the files. Step seeds derive from the pack's seed
 * and the character or line id, so a resumed run, or a later run of the same pack with more lines,
 * speaks every finished line the same way.
 */
final class PackWork implements PipelineWork {

    /** What a designed voice says for its reference clip unless the character gives a sample_text. */
    static final String DEFAULT_SAMPLE = "Well met, traveller. The roads are dangerous these days, so keep your wits "
            + "about you and your purse close.";
    /** Expected speaking rate for the runaway guard, characters per second (a CJK character counts 3). */
    static final double CHARS_PER_SECOND = 15;

    private final PluginContext plugin;
    private final PackRequest request;

    /**
     * @param plugin the host's use cases
     * @param request the validated request
     */
    PackWork(PluginContext plugin, PackRequest request) {
        this.plugin = Objects.requireNonNull(plugin, "plugin");
        this.request = Objects.requireNonNull(request, "request");
    }

    @Override
    public String summary() {
        Pack p = request.pack();
        return "NPC pack: " + p.lines().size() + " line" + (p.lines().size() == 1 ? "" : "s") + ", "
                + p.characters().stream().filter(p::speaks).count() + " characters";
    }

    @Override
    public ModelTask task() {
        long preset = request.pack().lines().stream()
                .filter(l -> request.pack().byId().get(l.character()).kind() == PackCharacter.Kind.PRESET).count();
        return preset * 2 > request.pack().lines().size() ? ModelTask.CUSTOM_VOICE : ModelTask.VOICE_CLONE;
    }

    @Override
    public String modelId() {
        return task() == ModelTask.CUSTOM_VOICE ? request.options().customVoiceModel() : request.options().cloneModel();
    }

    @Override
    public PipelineOutput run(PipelineContext context) {
        Pack pack = request.pack();
        List<PackCharacter> designs = pack.designs();
        int total = designs.size() + pack.lines().size();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        // Designs, then lines, each as steps submitted together so that the GPU can batch them (runSteps).
        List<java.util.function.Supplier<String>> designSteps = new ArrayList<>();
        for (int i = 0; i < designs.size(); i++) {
            PackCharacter c = designs.get(i);
            int n = i + 1;
            designSteps.add(() -> {
                context.cancellation().throwIfCancelled();
                context.progress(done.get(), total, "designing the voice of " + c.name() + " (" + n + " of "
                        + designs.size() + ")");
                String key = "design-" + c.id();
                String voiceId = context.checkpoint(key).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
                if (voiceId == null) {
                    voiceId = design(c, context);
                    context.saveCheckpoint(key, voiceId.getBytes(StandardCharsets.UTF_8));
                }
                done.incrementAndGet();
                return voiceId;
            });
        }
        List<String> voiceIds = context.runSteps(designSteps);
        Map<String, String> designed = new HashMap<>();
        for (int i = 0; i < designs.size(); i++) {
            designed.put(designs.get(i).id(), voiceIds.get(i));
        }
        Map<String, PackCharacter> cast = pack.byId();
        List<java.util.function.Supplier<Take>> lineSteps = new ArrayList<>();
        for (PackLine line : pack.lines()) {
            lineSteps.add(() -> {
                context.cancellation().throwIfCancelled();
                context.progress(done.get(), total, "line " + (line.index() + 1) + " of " + pack.lines().size() + ": "
                        + line.character() + "/" + line.id());
                String key = "line-" + String.format(Locale.ROOT, "%04d", line.index());
                Take take = context.checkpoint(key).map(PackWork::decodeOrNull).orElse(null);
                if (take == null) {
                    take = speak(line, cast.get(line.character()), designed, context);
                    context.saveCheckpoint(key, take.encode());
                }
                done.incrementAndGet();
                return take;
            });
        }
        List<Take> takes = context.runSteps(lineSteps);
        context.progress(total, total, "packing " + pack.lines().size() + " files");
        return new Packer(request, plugin.findUseCase(EncodeAudioUseCase.class).orElse(null)).pack(takes, designed);
    }

    /** A checkpoint that cannot be read is generated again rather than failing the run. */
    private static Take decodeOrNull(byte[] data) {
        try {
            return Take.decode(data);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return the designed voice's id */
    private String design(PackCharacter c, PipelineContext context) {
        String name = voiceName(context.jobId().value(), c);
        PackOptions o = request.options();
        Q3ttsException last = null;
        for (int attempt = 0; attempt <= o.retries(); attempt++) {
            long seed = derive(request.seed(), "design:" + c.id() + "#" + attempt);
            DesignThenCloneCommand command = new DesignThenCloneCommand(o.designModel(), o.cloneModel(), name,
                    c.description(), c.sampleText() != null ? c.sampleText() : DEFAULT_SAMPLE, language(c),
                    GenerationOptions.builder().seed(seed).maxNewTokens(o.maxNewTokens())
                    .streamingText(!o.nonStreaming()).build());
            try {
                DesignThenCloneOutcome outcome = step(() -> plugin.useCase(DesignThenCloneUseCase.class)
                        .designThenClone(command, context.stepListener(), context.cancellation()), context);
                forget(outcome.sample().id());
                return outcome.voice().id();
            } catch (ConflictException e) {
                // The voice was made by an earlier attempt of this run that stopped before its checkpoint.
                String id = Ids.slug(name, "name");
                try {
                    return plugin.useCase(GetVoiceUseCase.class).getVoice(id).id();
                } catch (NotFoundException gone) {
                    throw e;
                }
            } catch (CancelledException e) {
                throw e;
            } catch (Q3ttsException e) {
                if (permanent(e)) {
                    throw withContext(e, c.where() + " (designing the voice of " + c.id() + ")");
                }
                last = e;
            }
        }
        throw new ModelException(c.where() + ": designing the voice of " + c.id() + " failed " + (o.retries() + 1)
                + " times; last: " + last.getMessage(), last);
    }

    /**
     * @param jobId the run's job id (stable across a resume)
     * @param c the character
     * @return the saved voice's display name: unique per run, so packs never collide in the library
     */
    static String voiceName(String jobId, PackCharacter c) {
        String job = jobId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return "npc " + job.substring(0, Math.min(8, job.length())) + " " + c.id();
    }

    private Take speak(PackLine line, PackCharacter c, Map<String, String> designed, PipelineContext context) {
        PackOptions o = request.options();
        double limit = runawayLimit(line.text(), o.runawayRatio());
        List<String> reasons = new ArrayList<>();
        Q3ttsException lastError = null;
        SynthesisOutcome best = null;
        long bestSeed = 0;
        float[] bestSamples = null;
        int attempts = 0;
        for (int attempt = 0; attempt <= o.retries(); attempt++) {
            long seed = derive(request.seed(), "line:" + line.character() + "/" + line.id() + "#" + attempt);
            attempts++;
            SynthesisOutcome outcome;
            try {
                outcome = step(() -> synthesize(line, c, designed, seed, context), context);
                forget(outcome.output().id());
            } catch (CancelledException e) {
                throw e;
            } catch (Q3ttsException e) {
                if (permanent(e)) {
                    throw withContext(e, line.where() + " (" + line.character() + "/" + line.id() + ")");
                }
                lastError = e;
                reasons.add("seed " + seed + ": " + e.errorType().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
                continue;
            }
            float[] samples = Pcm16.decode(outcome.audio().bytes());
            double seconds = samples.length / (double) outcome.audio().sampleRate();
            if (best == null || samples.length < bestSamples.length) {
                best = outcome;
                bestSeed = seed;
                bestSamples = samples;
            }
            if (seconds <= limit) {
                best = outcome;
                bestSeed = seed;
                bestSamples = samples;
                break;
            }
            reasons.add(String.format(Locale.ROOT, "seed %d: runaway: %.2f s for %d characters (limit %.2f s)",
                    seed, seconds, line.text().length(), limit));
        }
        if (best == null) {
            throw new ModelException(line.where() + " (" + line.character() + "/" + line.id() + ") failed " + attempts
                    + " times; last: " + lastError.getMessage(), lastError);
        }
        int rate = best.audio().sampleRate();
        boolean runaway = bestSamples.length / (double) rate > limit;
        // When every take ran away the shortest is kept; its own reason is then not a retry reason.
        String keptPrefix = "seed " + bestSeed + ":";
        List<String> kept = reasons.stream().filter(r -> !r.startsWith(keptPrefix)).toList();
        String voice = c.kind() == PackCharacter.Kind.PRESET ? c.voice()
                : PackCharacter.SAVED + (c.kind() == PackCharacter.Kind.DESIGNED ? designed.get(c.id()) : c.savedVoiceId());
        return new Take(bestSamples, rate, bestSeed, attempts, kept, runaway, voice,
                best.output().task().name(), best.output().modelId(), best.output().randomWeights(),
                best.output().frames());
    }

    private SynthesisOutcome synthesize(PackLine line, PackCharacter c, Map<String, String> designed, long seed,
                                        PipelineContext context) {
        PackOptions o = request.options();
        GenerationOptions options = GenerationOptions.builder().seed(seed).maxNewTokens(o.maxNewTokens())
                    .streamingText(!o.nonStreaming()).build();
        return switch (c.kind()) {
            case PRESET -> plugin.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                    new SynthesizeCustomVoiceCommand(o.customVoiceModel(), line.text(), language(c), c.voice(),
                            line.styleInstruct(), options, AudioFormat.PCM), context.stepListener(), context.cancellation());
            case DESIGNED, LIBRARY -> plugin.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(
                    new SynthesizeVoiceCloneCommand(o.cloneModel(), line.text(), language(c),
                            new CloneVoice.SavedVoice(c.kind() == PackCharacter.Kind.DESIGNED ? designed.get(c.id())
                                    : c.savedVoiceId()), options, AudioFormat.PCM),
                    context.stepListener(), context.cancellation());
        };
    }

    private String language(PackCharacter c) {
        return c.language() != null ? c.language() : request.options().language();
    }

    private static <T> T step(Supplier<T> call, PipelineContext context) {
        return PipelineSupport.whenQueueHasRoom(call, context.cancellation());
    }

    /** The pack is the run's one output; a step's own entry in the history would only clutter it. */
    private void forget(String outputId) {
        plugin.findUseCase(DeleteOutputUseCase.class).ifPresent(d -> {
            try {
                d.deleteOutput(outputId);
            } catch (RuntimeException e) {
                // Left in the history: harmless.
            }
        });
    }

    /** Errors another seed cannot fix: a bad request, a missing voice or model, an unsupported option. */
    private static boolean permanent(Q3ttsException e) {
        return e instanceof InvalidArgumentException || e instanceof NotFoundException
                || e instanceof UnsupportedException || e instanceof UnsupportedMediaException
                || e instanceof ConflictException;
    }

    private static Q3ttsException withContext(Q3ttsException e, String where) {
        return switch (e) {
            case InvalidArgumentException i -> new InvalidArgumentException(i.field(), where + ": " + i.getMessage());
            case NotFoundException n -> new NotFoundException(n.field(), where + ": " + n.getMessage());
            default -> e;
        };
    }

    /**
     * @param text a line
     * @param ratio how many times the expected length is allowed
     * @return the longest plausible speech for it, seconds (at least one second is expected, so a short
     *     bark is not flagged for a breath)
     */
    static double runawayLimit(String text, double ratio) {
        double weighted = 0;
        for (int i = 0; i < text.length(); i++) {
            Character.UnicodeScript s = Character.UnicodeScript.of(text.charAt(i));
            weighted += s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                    || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL ? 3 : 1;
        }
        return Math.max(1.0, weighted / CHARS_PER_SECOND) * ratio;
    }

    /**
     * @param seed the pack's seed
     * @param salt what the step is (stable across runs)
     * @return a non-negative 31-bit seed for the step, well mixed
     */
    static long derive(long seed, String salt) {
        long h = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        for (int i = 0; i < salt.length(); i++) {
            h = (h ^ salt.charAt(i)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h >>> 33;
    }
}
