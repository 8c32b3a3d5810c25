package io.q3tts.plugins.scriptread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.lib.dsp.Pcm16;
import io.q3tts.lib.dsp.Resampler;
import io.q3tts.ports.in.output.DeleteOutputUseCase;
import io.q3tts.ports.in.pipeline.PipelineContext;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.pipeline.PipelineWork;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.DesignThenCloneUseCase;
import io.q3tts.ports.in.synthesis.GenerationOptions;
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
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.plugin.PipelineSupport;
import io.q3tts.ports.plugin.PluginContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One table read as a pipeline run: designs the {@code design:} voices (once each, checkpointed),
 * speaks every line (checkpointed: audio plus the model that spoke it), mixes them and writes the
 * per-line files and the manifests. Designed voices live in the voice library only while the run
 * needs them unless {@code keep_designed_voices} is set; their checkpoint keeps the designed sample,
 * so a resumed run re-creates a voice that is gone and clones the very same prompt.
 */
final class ScriptRun implements PipelineWork {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginContext plugin;
    private final Plan plan;
    private final ReadRequest request;

    /** The audio of one line and where it came from. */
    private record Take(float[] samples, String modelId, boolean randomWeights, int frames, ModelTask task) {
    }

    ScriptRun(PluginContext plugin, Plan plan) {
        this.plugin = plugin;
        this.plan = plan;
        this.request = plan.request;
    }

    @Override
    public String summary() {
        long speakers = plan.lines.stream().map(Plan.LineStep::speakerKey).distinct().count();
        String first = plan.lines.getFirst().line().text();
        return "Table read, " + plan.lines.size() + " lines, " + speakers + " voices: " + first;
    }

    @Override
    public ModelTask task() {
        return plan.task();
    }

    @Override
    public String modelId() {
        return plan.modelId();
    }

    @Override
    public PipelineOutput run(PipelineContext ctx) {
        int total = plan.designs.size() + plan.lines.size();
        int done = 0;
        Map<String, String> designed = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>(plan.warnings);
        try {
            for (Plan.DesignStep d : plan.designs) {
                ctx.progress(done++, total, "designing the voice of " + d.name());
                designed.put(d.speakerKey(), designedVoice(d, ctx, warnings));
            }
            // The lines are independent steps: submitted together, the GPU can batch them (runSteps).
            java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger(done);
            List<java.util.function.Supplier<Take>> steps = new ArrayList<>();
            for (Plan.LineStep l : plan.lines) {
                steps.add(() -> {
                    ctx.progress(finished.get(), total, "line " + l.index() + " of " + plan.lines.size() + ": " + l.speakerName());
                    Take take = take(l, designed.get(l.speakerKey()), ctx);
                    finished.incrementAndGet();
                    return take;
                });
            }
            List<Take> takes = ctx.runSteps(steps);
            ctx.progress(total, total, "mixing");
            return output(takes, designed, warnings, ctx.resumedCheckpoints());
        } finally {
            if (!request.keepDesignedVoices()) {
                // The checkpoint holds each designed sample, so a resume re-creates the voice; nothing stays behind.
                designed.values().forEach(this::deleteVoice);
            }
        }
    }

    private void deleteVoice(String voiceId) {
        plugin.findUseCase(DeleteVoiceUseCase.class).ifPresent(d -> {
            try {
                d.deleteVoice(voiceId);
            } catch (RuntimeException e) {
                // Already gone, or storage trouble: a leftover voice is visible in the library, not harmful.
            }
        });
    }

    /** @return the id of the speaker's designed voice: from the checkpoint (re-created if gone), else designed now */
    private String designedVoice(Plan.DesignStep d, PipelineContext ctx, List<String> warnings) {
        Optional<byte[]> saved = ctx.checkpoint(d.key());
        if (saved.isPresent()) {
            JsonNode cp = readJson(saved.get());
            String id = cp.path("voice_id").asText();
            try {
                plugin.useCase(GetVoiceUseCase.class).getVoice(id);
                return id;
            } catch (NotFoundException e) {
                byte[] clip = Base64.getDecoder().decode(cp.path("clip").asText());
                try {
                    VoiceView v = createUnique(cp.path("name").asText(), name -> plugin.useCase(CreateVoiceUseCase.class)
                            .createVoice(new CreateVoiceCommand(name, d.description(), request.language(),
                                    AudioUpload.of("audio_sample", clip), cp.path("transcript").asText(), false)));
                    return v.id();
                } catch (InvalidArgumentException | UnsupportedMediaException refused) {
                    // E.g. a sample under the library's 1 s minimum (a tiny max_new_tokens): design it again instead.
                    warnings.add("The voice of " + d.name() + " could not be re-created from its designed sample ("
                            + refused.getMessage() + "); it was designed again, so lines spoken before the resume may "
                            + "sound different.");
                }
            }
        }
        String base = voiceName(d.name(), ctx.jobId().value());
        GenerationOptions options = GenerationOptions.builder().seed(d.seed()).maxNewTokens(request.maxNewTokens())
                .streamingText(!request.nonStreaming()).build();
        DesignThenCloneOutcome outcome = PipelineSupport.whenQueueHasRoom(() -> createUnique(base, name -> plugin
                .useCase(DesignThenCloneUseCase.class).designThenClone(new DesignThenCloneCommand(request.designModel(),
                        request.cloneModel(), name, d.description(), d.sampleText(), request.language(), options),
                        ctx.stepListener(), ctx.cancellation())), ctx.cancellation());
        plugin.findUseCase(DeleteOutputUseCase.class).ifPresent(del -> {
            try {
                del.deleteOutput(outcome.sample().id());
            } catch (RuntimeException e) {
                // The sample stays in the history; harmless.
            }
        });
        String id = outcome.voice().id();
        EncodedAudio clip = plugin.useCase(GetVoiceClipUseCase.class).getVoiceClip(id, AudioFormat.WAV);
        ObjectNode cp = JSON.createObjectNode();
        cp.put("voice_id", id);
        cp.put("name", outcome.voice().name());
        cp.put("transcript", outcome.voice().transcript() == null ? d.sampleText() : outcome.voice().transcript());
        cp.put("clip", Base64.getEncoder().encodeToString(clip.bytes()));
        ctx.saveCheckpoint(d.key(), writeJson(cp));
        return id;
    }

    /** Runs a create-like call, adding " 2", " 3"... to the name while the name is taken. */
    private static <T> T createUnique(String base, java.util.function.Function<String, T> create) {
        for (int n = 1; ; n++) {
            String name = n == 1 ? base : base + " " + n;
            try {
                return create.apply(name);
            } catch (ConflictException e) {
                if (n >= 20) {
                    throw e;
                }
            }
        }
    }

    /** @return e.g. {@code "ALICE (script 3f2a9c1d)"}, at most 64 characters */
    static String voiceName(String speaker, String jobId) {
        String job = jobId.length() <= 8 ? jobId : jobId.substring(0, 8);
        String who = speaker.length() <= 40 ? speaker : speaker.substring(0, 40).strip();
        return who + " (script " + job + ")";
    }

    private Take take(Plan.LineStep l, String designedId, PipelineContext ctx) {
        Optional<byte[]> saved = ctx.checkpoint(l.key());
        if (saved.isPresent()) {
            return unpack(saved.get());
        }
        GenerationOptions options = GenerationOptions.builder().seed(l.seed()).maxNewTokens(request.maxNewTokens())
                .streamingText(!request.nonStreaming()).build();
        SynthesisOutcome outcome = PipelineSupport.step(plugin, () -> speak(l, designedId, options, ctx), ctx.cancellation());
        float[] samples = Pcm16.decode(outcome.audio().bytes());
        int rate = outcome.audio().sampleRate();
        if (rate != Mixer.SAMPLE_RATE) {
            samples = Resampler.resample(samples, rate, Mixer.SAMPLE_RATE);
        }
        Take take = new Take(samples, outcome.output().modelId(), outcome.output().randomWeights(),
                outcome.output().frames(), outcome.output().task());
        ctx.saveCheckpoint(l.key(), pack(take));
        return take;
    }

    private SynthesisOutcome speak(Plan.LineStep l, String designedId, GenerationOptions options, PipelineContext ctx) {
        String text = l.line().text();
        if (l.voice() instanceof VoicePlan.Preset p) {
            return plugin.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(new SynthesizeCustomVoiceCommand(
                    request.model(), text, request.language(), p.speaker(), l.line().instruct(), options, AudioFormat.PCM),
                    ctx.stepListener(), ctx.cancellation());
        }
        String voiceId = l.voice() instanceof VoicePlan.Saved s ? s.voiceId() : designedId;
        return plugin.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(new SynthesizeVoiceCloneCommand(
                request.cloneModel(), text, request.language(), new CloneVoice.SavedVoice(voiceId), options,
                AudioFormat.PCM), ctx.stepListener(), ctx.cancellation());
    }

    /** A line checkpoint: 4-byte length, the JSON of where the take came from, then the WAV. */
    private static byte[] pack(Take t) {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("model", t.modelId());
        meta.put("random_weights", t.randomWeights());
        meta.put("frames", t.frames());
        meta.put("task", t.task().name());
        byte[] m = writeJson(meta);
        byte[] wav = Pcm16.wav(t.samples(), Mixer.SAMPLE_RATE);
        return ByteBuffer.allocate(4 + m.length + wav.length).putInt(m.length).put(m).put(wav).array();
    }

    private static Take unpack(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        int n = b.getInt();
        JsonNode meta = readJson(Arrays.copyOfRange(data, 4, 4 + n));
        byte[] wav = Arrays.copyOfRange(data, 4 + n, data.length);
        return new Take(Pcm16.fromWav(wav), meta.path("model").asText("auto"), meta.path("random_weights").asBoolean(),
                meta.path("frames").asInt(), ModelTask.valueOf(meta.path("task").asText("CUSTOM_VOICE")));
    }

    private PipelineOutput output(List<Take> takes, Map<String, String> designed, List<String> warnings, int resumed) {
        List<Mixer.Take> mixTakes = new ArrayList<>();
        for (int i = 0; i < takes.size(); i++) {
            Plan.LineStep l = plan.lines.get(i);
            mixTakes.add(new Mixer.Take(l.speakerKey(), takes.get(i).samples(), l.pause()));
        }
        Mixer mixer = new Mixer(new Mixer.Settings(request.gap(), request.sameSpeakerGap()));
        Mixer.Result mix = mixer.mix(mixTakes, plan.leadIn, request.targetLufs());
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        int frames = 0;
        for (int i = 0; i < takes.size(); i++) {
            Plan.LineStep l = plan.lines.get(i);
            Take t = takes.get(i);
            Mixer.Placement p = mix.placements().get(i);
            frames += t.frames();
            files.put(l.file(), Pcm16.wav(Arrays.copyOfRange(mix.samples(), p.start(), p.end()), Mixer.SAMPLE_RATE));
            int nextStart = i + 1 < takes.size() ? mix.placements().get(i + 1).start() : mix.samples().length;
            rows.add(row(l, t, p, nextStart - p.end(), designed.get(l.speakerKey())));
        }
        Map<String, Object> manifest = manifest(mix, rows, designed, warnings, resumed);
        files.put("manifest.json", json(manifest));
        files.put("manifest.csv", Manifests.csv(rows));
        ModelTask task = plan.task();
        Take main = takes.stream().filter(t -> t.task() == task).findFirst().orElse(takes.getFirst());
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("seed", Long.toString(request.seed()));
        parameters.put("format", plan.script.format());
        parameters.put("lines", Integer.toString(plan.lines.size()));
        parameters.put("gap", Double.toString(request.gap()));
        parameters.put("same_speaker_gap", Double.toString(request.sameSpeakerGap()));
        if (request.targetLufs() != null) {
            parameters.put("target_lufs", Double.toString(request.targetLufs()));
        }
        parameters.put("non_streaming_mode", Boolean.toString(request.nonStreaming()));
        if (request.maxNewTokens() != null) {
            parameters.put("max_new_tokens", request.maxNewTokens().toString());
        }
        Map<String, String> voiceRefs = new LinkedHashMap<>();
        plan.voices.speakers(plan.script).stream().filter(s -> s.voice() != null)
                .forEach(s -> voiceRefs.put(s.name(), s.voice().ref()));
        parameters.put("voices", new String(json(voiceRefs), StandardCharsets.UTF_8));
        StringBuilder text = new StringBuilder();
        for (Plan.LineStep l : plan.lines) {
            text.append(l.line().action() ? "" : l.speakerName() + ": ").append(l.line().text()).append('\n');
        }
        byte[] wav = Pcm16.wav(mix.samples(), Mixer.SAMPLE_RATE);
        return new PipelineOutput(new EncodedAudio(AudioFormat.WAV, wav, Mixer.SAMPLE_RATE, mix.durationSeconds()), task,
                main.modelId(), takes.stream().anyMatch(Take::randomWeights), text.toString().strip(),
                request.language() == null ? "auto" : request.language(), null, null, null, parameters, frames, files);
    }

    private Map<String, Object> row(Plan.LineStep l, Take t, Mixer.Placement p, int gapSamples, String designedId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", l.index());
        m.put("source_line", l.line().sourceLine());
        m.put("kind", l.line().action() ? "action" : "dialogue");
        m.put("speaker", l.speakerName());
        m.put("voice", l.voice().ref());
        if (designedId != null) {
            m.put("voice_id", designedId);
        }
        m.put("text", l.line().text());
        m.put("instruct", l.line().instruct());
        m.put("instruct_applied", l.instructApplied());
        m.put("start", seconds(p.start()));
        m.put("end", seconds(p.end()));
        m.put("start_sample", p.start());
        m.put("end_sample", p.end());
        m.put("pause_after", seconds(gapSamples));
        m.put("file", l.file());
        m.put("seed", l.seed());
        m.put("model", t.modelId());
        return m;
    }

    private Map<String, Object> manifest(Mixer.Result mix, List<Map<String, Object>> rows, Map<String, String> designed,
                                         List<String> warnings, int resumed) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", plan.script.format());
        out.put("sample_rate", Mixer.SAMPLE_RATE);
        out.put("duration_seconds", seconds(mix.samples().length));
        out.put("seed", request.seed());
        out.put("lead_in", plan.leadIn);
        out.put("gap", request.gap());
        out.put("same_speaker_gap", request.sameSpeakerGap());
        Map<String, Object> loudness = new LinkedHashMap<>();
        loudness.put("target_lufs", request.targetLufs());
        loudness.put("measured_lufs", finite(mix.measuredLufs()));
        loudness.put("final_lufs", finite(mix.finalLufs()));
        loudness.put("gain_db", Math.round(mix.gainDb() * 1000) / 1000.0);
        loudness.put("peak_limited", mix.peakLimited());
        out.put("loudness", loudness);
        List<Map<String, Object>> speakers = new ArrayList<>();
        for (VoicePlan.Speaker s : plan.voices.speakers(plan.script)) {
            if (s.voice() == null) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("speaker", s.name());
            m.put("voice", s.voice().ref());
            m.put("type", switch (s.voice()) {
                case VoicePlan.Preset p -> "preset";
                case VoicePlan.Saved v -> "saved";
                case VoicePlan.Design d -> "designed";
            });
            if (designed.containsKey(s.key())) {
                m.put("voice_id", designed.get(s.key()));
                m.put("kept", request.keepDesignedVoices());
            }
            m.put("lines", s.lines());
            speakers.add(m);
        }
        out.put("speakers", speakers);
        out.put("lines", rows);
        out.put("skipped", plan.skipped.stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source_line", l.sourceLine());
            m.put("text", l.text());
            return m;
        }).toList());
        out.put("warnings", warnings);
        out.put("resumed_steps", resumed);
        return out;
    }

    private static double seconds(long samples) {
        return Math.round(samples * 1_000_000.0 / Mixer.SAMPLE_RATE) / 1_000_000.0;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("a manifest always serializes", e);
        }
    }

    private static byte[] writeJson(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private static JsonNode readJson(byte[] data) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new IllegalStateException("a checkpoint this plugin wrote is JSON", e);
        }
    }
}
