package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.models.GetModelUseCase;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.synthesis.SynthesisCommand;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.voice.DeleteVoiceUseCase;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.in.voice.ListVoicesUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAI-compatible surface (vLLM-Omni's shape): {@code POST /v1/audio/speech},
 * {@code GET /v1/models}, {@code /v1/audio/voices}. Errors use OpenAI's body shape.
 */
final class OpenAiRoutes {

    /** Model names OpenAI clients send by habit; they mean "the server's choice". */
    static final Set<String> ALIASES = Set.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "default");

    private final UseCaseLookup useCases;
    private final Synthesis synthesis;
    private final SynthesisRoutes streams;
    private final long maxUpload;
    private final BatchRuns batches;

    OpenAiRoutes(UseCaseLookup useCases, Synthesis synthesis, SynthesisRoutes streams, long maxUpload) {
        this.useCases = useCases;
        this.batches = new BatchRuns(useCases);
        this.synthesis = synthesis;
        this.streams = streams;
        this.maxUpload = maxUpload;
    }

    List<Route> routes() {
        return List.of(
                Route.openAi(HttpMethod.POST, "/v1/audio/speech", "OpenAI-compatible speech", this::speech),
                Route.openAi(HttpMethod.POST, "/v1/audio/speech/batch",
                        "Several speech requests in one call (vLLM-Omni's batch shape; base64 results or a zip)", this::speechBatch),
                Route.openAi(HttpMethod.GET, "/v1/models", "OpenAI-compatible model list", this::models),
                Route.openAi(HttpMethod.GET, "/v1/audio/voices", "Preset speakers and saved voices", this::voices),
                Route.openAi(HttpMethod.POST, "/v1/audio/voices", "Upload a voice (multipart audio_sample, name, ref_text)",
                        r -> LibraryRoutes.createVoice(r, useCases, maxUpload)),
                Route.openAi(HttpMethod.DELETE, "/v1/audio/voices/{id}", "Delete a saved voice", r -> {
                    String id = LibraryRoutes.id(r, "voice");
                    useCases.useCase(DeleteVoiceUseCase.class).deleteVoice(id);
                    return WebResponse.json(Map.of("id", id, "object", "voice", "deleted", true));
                }));
    }

    private WebResponse speech(WebRequest r) {
        if (r.json() == null) {
            throw new InvalidArgumentException("body", "Send a JSON object with Content-Type application/json.");
        }
        String streamFormat = r.optionalString("stream_format").orElse("audio").strip().toLowerCase(Locale.ROOT);
        if (!streamFormat.equals("audio") && !streamFormat.equals("sse")) {
            throw new InvalidArgumentException("stream_format", "stream_format must be audio or sse, got '" + streamFormat + "'.");
        }
        SynthesisCommand command = command(r.json());
        AudioFormat fmt = Synthesis.format(command);
        // Honoured as on the core routes (wav and pcm are resampled); never silently ignored.
        Optional<Integer> rate = Requests.sampleRate(r);
        if (rate.isPresent() && (streamFormat.equals("sse") || Requests.flag(r, "stream"))) {
            throw new UnsupportedException("sample_rate", "sample_rate cannot be combined with "
                    + "streaming; streams are sent at the model's rate (see the X-Q3tts-Sample-Rate header).");
        }
        if (rate.isPresent() && fmt != AudioFormat.WAV && fmt != AudioFormat.PCM) {
            throw new UnsupportedException("sample_rate",
                    "sample_rate is supported with response_format wav or pcm only; got " + fmt.key() + ".");
        }
        if (streamFormat.equals("sse")) {
            return sse(command, fmt, r.cancellation());
        }
        if (Requests.flag(r, "stream")) {
            return streams.stream(command, fmt, r.cancellation());
        }
        SynthesisOutcome outcome = synthesis.speak(command, JobListener.NONE, r.cancellation());
        return SynthesisRoutes.audioResponse(outcome, rate.map(v -> Pcm.resample(outcome.audio(), v)).orElse(outcome.audio()));
    }

    /**
     * {@code POST /v1/audio/speech/batch}: vLLM-Omni's batch request ({@code items}, 1-32 speech
     * requests, over shared top-level defaults) and its answer ({@code results} with base64
     * {@code audio_data}, {@code total}, {@code succeeded}, {@code failed}); {@code "zip": true}
     * answers a zip of the audio files and {@code results.json} instead.
     */
    private WebResponse speechBatch(WebRequest r) {
        List<Map<String, Object>> items = BatchRuns.items(r, Set.of("zip"));
        boolean zip = Requests.flag(r, "zip");
        List<BatchRuns.Item> checked = BatchRuns.check(items.size(), i -> {
            if (items.get(i).containsKey("sample_rate")) {
                throw new UnsupportedException("sample_rate",
                        "sample_rate is not supported in a batch; results are at the model's rate.");
            }
            SynthesisCommand c = command(items.get(i));
            return new BatchRuns.Item(i, c, Synthesis.format(c));
        });
        return BatchRuns.response(batches.run(checked, r.cancellation()), zip, (res, m) -> {
            if (res.ok()) {
                m.put("job_id", res.job().id().value());
                m.put("output_id", res.output().id());
            } else {
                m.put("error", res.error().message());
                m.put("error_type", res.error().type().name().toLowerCase(Locale.ROOT));
                m.put("param", res.error().field());
            }
        });
    }

    /** One OpenAI speech request (without its streaming options) as a synthesis command. */
    private SynthesisCommand command(Map<String, Object> json) {
        Map<String, Object> body = new LinkedHashMap<>(json);
        WebRequest r = Requests.ofJson(body);
        String voice = voice(body.get("voice"));
        body.put("voice", voice);
        String format = r.optionalString("response_format").orElse("mp3").strip().toLowerCase(Locale.ROOT);
        if (format.equals("aac")) {
            throw new InvalidArgumentException("response_format",
                    "response_format aac is not supported; use one of mp3, opus, flac, wav, pcm.");
        }
        body.put("response_format", format);
        String modelField = r.optionalString("model").orElse("").strip();
        ModelView model = null;
        if (modelField.isEmpty() || ALIASES.contains(modelField.toLowerCase(Locale.ROOT))) {
            body.remove("model");
        } else {
            model = useCases.useCase(GetModelUseCase.class).getModel(Ids.requireSafe(modelField, "model"));
        }
        WebRequest req = Requests.ofJson(body);
        JobKind kind = kind(req, model, voice);
        if (kind == JobKind.VOICE_DESIGN) {
            body.remove("voice");
            req = Requests.ofJson(body);
        }
        return Requests.command(kind, req, maxUpload);
    }

    /** The voice: a string (preset speaker or saved voice id), or {@code {"id": ...}} as newer OpenAI clients send. */
    private static String voice(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Map<?, ?> m && m.get("id") instanceof String s) {
            return s;
        }
        throw new InvalidArgumentException("voice", "voice must be a speaker name, a saved voice id, or {\"id\": ...}.");
    }

    /**
     * Which task serves the request: {@code task_type} if given (vLLM-Omni's CustomVoice, VoiceDesign, Base);
     * otherwise what the named model serves; otherwise a saved voice or {@code ref_audio} means cloning, an
     * empty voice with instructions means design, and anything else is a preset speaker.
     */
    private JobKind kind(WebRequest r, ModelView model, String voice) {
        Optional<String> taskType = r.optionalString("task_type");
        if (taskType.isPresent()) {
            return switch (taskType.get().strip().replace("_", "").replace("-", "").toLowerCase(Locale.ROOT)) {
                case "customvoice" -> JobKind.CUSTOM_VOICE;
                case "voicedesign" -> JobKind.VOICE_DESIGN;
                case "base", "voiceclone" -> JobKind.VOICE_CLONE;
                default -> throw new InvalidArgumentException("task_type",
                        "task_type must be CustomVoice, VoiceDesign or Base, got '" + taskType.get() + "'.");
            };
        }
        boolean hasVoice = voice != null && !voice.isBlank();
        boolean cloneInput = r.field("ref_audio").isPresent() || hasVoice && isSavedVoice(voice.strip());
        if (model != null) {
            Set<ModelTask> tasks = model.tasks();
            if (tasks.contains(ModelTask.VOICE_CLONE) && (cloneInput || !tasks.contains(ModelTask.CUSTOM_VOICE))) {
                return JobKind.VOICE_CLONE;
            }
            if (tasks.contains(ModelTask.CUSTOM_VOICE)) {
                return JobKind.CUSTOM_VOICE;
            }
            if (tasks.contains(ModelTask.VOICE_DESIGN)) {
                return JobKind.VOICE_DESIGN;
            }
            throw new UnsupportedException("model", "Model " + model.id() + " does not generate speech.");
        }
        if (cloneInput) {
            return JobKind.VOICE_CLONE;
        }
        if (!hasVoice && r.optionalString("instructions").isPresent()) {
            return JobKind.VOICE_DESIGN;
        }
        return JobKind.CUSTOM_VOICE;
    }

    private boolean isSavedVoice(String voice) {
        if (!Ids.isSafe(voice)) {
            return false;
        }
        try {
            useCases.useCase(GetVoiceUseCase.class).getVoice(voice);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** OpenAI's SSE speech stream: {@code speech.audio.delta} events with base64 audio, then {@code speech.audio.done}. */
    private WebResponse sse(SynthesisCommand command, AudioFormat format, CancellationToken token) {
        if (format != AudioFormat.PCM && format != AudioFormat.WAV) {
            throw new InvalidArgumentException("response_format",
                    "stream_format sse needs response_format pcm or wav; got " + format.key() + ".");
        }
        Requests.requireStreamableSpeed(command);
        AudioPipe pipe = AudioPipe.start(listener -> synthesis.run(command, listener, token));
        JobView job = pipe.awaitAdmission();
        int rate = synthesis.sampleRate(job.modelId());
        return WebResponse.events(sink -> {
            boolean finished = false;
            try {
                if (format == AudioFormat.WAV && !sink.send("speech.audio.delta", delta(Pcm.wavHeader(rate, -1)))) {
                    return;
                }
                int frames = 0;
                while (true) {
                    AudioPipe.Item item = pipe.next();
                    if (item instanceof AudioPipe.Chunk c) {
                        if (!sink.send("speech.audio.delta", delta(Pcm.toPcm16(c.audio().samples())))) {
                            return;
                        }
                    } else if (item instanceof AudioPipe.Update u
                            && u.event() instanceof io.q3tts.ports.in.job.JobEvent.Progress p) {
                        frames = p.progress().frames();
                    } else if (item instanceof AudioPipe.Done) {
                        finished = true;
                        Map<String, Object> usage = new LinkedHashMap<>();
                        usage.put("input_tokens", 0);
                        usage.put("output_tokens", frames);
                        usage.put("total_tokens", frames);
                        sink.send("speech.audio.done", Map.of("type", "speech.audio.done", "usage", usage));
                        return;
                    } else if (item instanceof AudioPipe.Failed f) {
                        finished = true;
                        ErrorMapping.Failure failure = JavalinBridge.failure(f.error());
                        sink.send("error", Map.of("type", "error", "error", failure.openAiBody().get("error")));
                        return;
                    }
                }
            } finally {
                if (!finished && !token.isCancelled()) {
                    token.cancel();
                }
            }
        });
    }

    private static Map<String, Object> delta(byte[] bytes) {
        return Map.of("type", "speech.audio.delta", "audio", Base64.getEncoder().encodeToString(bytes));
    }

    private WebResponse models(WebRequest r) {
        List<Map<String, Object>> data = useCases.useCase(ListModelsUseCase.class).listModels().stream().map(m -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", m.id());
            e.put("object", "model");
            e.put("created", 0);
            e.put("owned_by", "q3tts");
            e.put("tasks", m.tasks().stream().sorted().map(ModelTask::key).toList());
            e.put("random_weights", m.randomWeights());
            return e;
        }).toList();
        return WebResponse.json(Map.of("object", "list", "data", data));
    }

    private WebResponse voices(WebRequest r) {
        Set<String> speakers = new LinkedHashSet<>();
        for (ModelView m : useCases.useCase(ListModelsUseCase.class).listModels()) {
            speakers.addAll(m.speakers());
        }
        List<Map<String, Object>> saved = useCases.useCase(ListVoicesUseCase.class).listVoices().stream()
                .map(Views::voice).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("voices", List.copyOf(speakers));
        m.put("uploaded_voices", saved);
        return WebResponse.json(m);
    }
}
