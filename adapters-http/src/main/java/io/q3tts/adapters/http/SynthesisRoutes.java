package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.SynthesisCommand;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.tokenizer.DecodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.DecodeSpeechResult;
import io.q3tts.ports.in.tokenizer.DecodeSpeechTokensUseCase;
import io.q3tts.ports.in.tokenizer.EncodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.EncodeSpeechResult;
import io.q3tts.ports.in.tokenizer.EncodeSpeechTokensUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.SpeechCodes;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code /api/v1/tts/*} and {@code /api/v1/tokenizer/*}: one blocking (or streamed) endpoint per task. */
final class SynthesisRoutes {

    private static final double CODEC_FRAME_RATE = 12.5;

    private final UseCaseLookup useCases;
    private final Synthesis synthesis;
    private final long maxUpload;
    private final BatchRuns batches;

    SynthesisRoutes(UseCaseLookup useCases, Synthesis synthesis, long maxUpload) {
        this.useCases = useCases;
        this.batches = new BatchRuns(useCases);
        this.synthesis = synthesis;
        this.maxUpload = maxUpload;
    }

    List<Route> routes() {
        return List.of(
                Route.core(HttpMethod.POST, "/api/v1/tts/custom-voice", "Speak with a preset speaker (CustomVoice)",
                        r -> speak(JobKind.CUSTOM_VOICE, r)),
                Route.core(HttpMethod.POST, "/api/v1/tts/voice-design", "Speak in a voice described in words (VoiceDesign)",
                        r -> speak(JobKind.VOICE_DESIGN, r)),
                Route.core(HttpMethod.POST, "/api/v1/tts/voice-clone", "Speak in a saved or uploaded voice (Base)",
                        r -> speak(JobKind.VOICE_CLONE, r)),
                Route.core(HttpMethod.POST, "/api/v1/tts/design-then-clone", "Design a voice and save it to the library",
                        this::designThenClone),
                Route.core(HttpMethod.POST, "/api/v1/tts/custom-voice/batch", "Several custom-voice requests in one call",
                        r -> speakBatch(JobKind.CUSTOM_VOICE, r)),
                Route.core(HttpMethod.POST, "/api/v1/tts/voice-design/batch", "Several voice-design requests in one call",
                        r -> speakBatch(JobKind.VOICE_DESIGN, r)),
                Route.core(HttpMethod.POST, "/api/v1/tts/voice-clone/batch", "Several voice-clone requests in one call",
                        r -> speakBatch(JobKind.VOICE_CLONE, r)),
                Route.core(HttpMethod.POST, "/api/v1/tokenizer/encode", "Audio file to speech-tokenizer codes",
                        this::encode),
                Route.core(HttpMethod.POST, "/api/v1/tokenizer/decode", "Speech-tokenizer codes to audio",
                        this::decode));
    }

    /**
     * {@code POST /api/v1/tts/<task>/batch}: {@code items} (1-32 requests of the task, JSON, over
     * shared top-level defaults) run as one batch of jobs; the answer lists each item's job, output
     * and base64 audio, or its error ({@code "zip": true}: a zip of the audio and {@code results.json}).
     */
    private WebResponse speakBatch(JobKind kind, WebRequest r) {
        List<Map<String, Object>> items = BatchRuns.items(r, java.util.Set.of("zip"));
        boolean zip = Requests.flag(r, "zip");
        List<BatchRuns.Item> checked = BatchRuns.check(items.size(), i -> {
            SynthesisCommand c = Requests.command(kind, Requests.ofJson(items.get(i)), maxUpload);
            return new BatchRuns.Item(i, c, Synthesis.format(c));
        });
        return BatchRuns.response(batches.run(checked, r.cancellation()), zip, (res, m) -> {
            m.put("job", Views.job(res.job()));
            if (res.ok()) {
                m.put("output", Views.output(res.output()));
            } else {
                m.put("error", Views.error(res.error()));
            }
        });
    }

    private WebResponse speak(JobKind kind, WebRequest r) {
        SynthesisCommand command = Requests.command(kind, r, maxUpload);
        Optional<Integer> rate = Requests.sampleRate(r);
        boolean json = wantsJson(r);
        if (Requests.flag(r, "stream")) {
            if (rate.isPresent()) {
                throw new UnsupportedException("sample_rate", "sample_rate cannot be combined with stream; "
                        + "streams are sent at the model's rate (see the X-Q3tts-Sample-Rate header).");
            }
            return stream(command, Synthesis.format(command), r.cancellation());
        }
        SynthesisOutcome outcome = synthesis.speak(command, JobListener.NONE, r.cancellation());
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", Views.job(outcome.job()));
            m.put("output", Views.output(outcome.output()));
            return WebResponse.json(m);
        }
        EncodedAudio audio = rate.map(v -> Pcm.resample(outcome.audio(), v)).orElse(outcome.audio());
        return audioResponse(outcome, audio);
    }

    static boolean wantsJson(WebRequest r) {
        Optional<String> v = r.optionalString("response");
        if (v.isEmpty()) {
            return false;
        }
        return switch (v.get().strip().toLowerCase(Locale.ROOT)) {
            case "json" -> true;
            case "audio" -> false;
            default -> throw new InvalidArgumentException("response", "response must be audio or json, got '" + v.get() + "'.");
        };
    }

    /** The audio as the body, metadata in {@code X-Q3tts-*} headers. */
    static WebResponse audioResponse(SynthesisOutcome outcome, EncodedAudio audio) {
        WebResponse res = WebResponse.bytes(audio.mediaType(), audio.bytes())
                .withHeader("X-Q3tts-Output-Id", outcome.output().id())
                .withHeader("X-Q3tts-Job-Id", outcome.job().id().value())
                .withHeader("X-Q3tts-Model", outcome.output().modelId())
                .withHeader("X-Q3tts-Random-Weights", Boolean.toString(outcome.output().randomWeights()))
                .withHeader("X-Q3tts-Sample-Rate", Integer.toString(audio.sampleRate()))
                .withHeader("X-Q3tts-Duration", String.format(Locale.ROOT, "%.3f", audio.durationSeconds()))
                .withHeader("X-Q3tts-Finish-Reason", outcome.output().finishReason());
        String seed = Views.seed(outcome.output());
        if (seed != null) {
            res = res.withHeader("X-Q3tts-Seed", seed);
        }
        Double rtf = Views.rtf(outcome.output());
        if (rtf != null) {
            res = res.withHeader("X-Q3tts-Rtf", rtf.toString());
        }
        return res;
    }

    /**
     * A chunked audio response fed by the job's audio events while it generates. Waits for the job's
     * admission first, so request errors still get their status.
     *
     * @param command the command
     * @param format PCM or WAV (WAV gets a header with open-ended sizes)
     * @param token the request's token; fires when the client goes away, which cancels the job
     * @return the response
     */
    WebResponse stream(SynthesisCommand command, AudioFormat format, CancellationToken token) {
        if (format != AudioFormat.PCM && format != AudioFormat.WAV) {
            throw new InvalidArgumentException("response_format",
                    "Streaming needs response_format pcm or wav; got " + format.key() + ".");
        }
        Requests.requireStreamableSpeed(command);
        AudioPipe pipe = AudioPipe.start(listener -> synthesis.run(command, listener, token));
        JobView job = pipe.awaitAdmission();
        int rate = synthesis.sampleRate(job.modelId());
        WebResponse res = WebResponse.stream(format.mediaType(), sink -> {
            boolean finished = false;
            try {
                if (format == AudioFormat.WAV && !sink.write(Pcm.wavHeader(rate, -1))) {
                    return;
                }
                while (true) {
                    AudioPipe.Item item = pipe.next();
                    if (item instanceof AudioPipe.Chunk c) {
                        if (c.audio().samples().length > 0 && !sink.write(Pcm.toPcm16(c.audio().samples()))) {
                            return;
                        }
                    } else if (item instanceof AudioPipe.Done || item instanceof AudioPipe.Failed) {
                        finished = true;
                        return;
                    }
                }
            } finally {
                if (!finished && !token.isCancelled()) {
                    token.cancel();
                }
            }
        });
        return res.withHeader("X-Q3tts-Job-Id", job.id().value())
                .withHeader("X-Q3tts-Model", job.modelId())
                .withHeader("X-Q3tts-Random-Weights", Boolean.toString(job.randomWeights()))
                .withHeader("X-Q3tts-Sample-Rate", Integer.toString(rate))
                .withHeader("Cache-Control", "no-store");
    }

    private WebResponse designThenClone(WebRequest r) {
        SynthesisCommand command = Requests.command(JobKind.DESIGN_THEN_CLONE, r, maxUpload);
        DesignThenCloneOutcome outcome = (DesignThenCloneOutcome) synthesis.run(command, JobListener.NONE,
                r.cancellation());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", Views.job(outcome.job()));
        m.put("voice", Views.voice(outcome.voice()));
        m.put("sample", Views.output(outcome.sample()));
        return WebResponse.json(201, m).withHeader("Location", "/api/v1/voices/" + outcome.voice().id());
    }

    private WebResponse encode(WebRequest r) {
        AudioUpload audio = Requests.upload(r, "audio", maxUpload).orElse(null);
        EncodeSpeechResult res = useCases.useCase(EncodeSpeechTokensUseCase.class)
                .encodeSpeech(new EncodeSpeechCommand(r.optionalString("model").orElse(null), audio), r.cancellation());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", res.modelId());
        m.put("frame_rate", res.codes().frameRate());
        m.put("frames", res.codes().frameCount());
        m.put("codebooks", res.codes().codebooks());
        m.put("audio_seconds", res.audioSeconds());
        m.put("codes", res.codes().frames());
        return WebResponse.json(m);
    }

    private WebResponse decode(WebRequest r) {
        if (r.json() == null) {
            throw new InvalidArgumentException("body", "Send a JSON object {\"codes\": [[...16 ints...], ...]} "
                    + "with Content-Type application/json.");
        }
        double frameRate = r.optionalDouble("frame_rate").orElse(CODEC_FRAME_RATE);
        if (!(frameRate > 0) || Double.isInfinite(frameRate)) {
            throw new InvalidArgumentException("frame_rate", "frame_rate must be a positive number.");
        }
        SpeechCodes codes = new SpeechCodes(codes(r.json().get("codes")), frameRate);
        DecodeSpeechResult res = useCases.useCase(DecodeSpeechTokensUseCase.class).decodeSpeech(
                new DecodeSpeechCommand(r.optionalString("model").orElse(null), codes, Requests.format(r)),
                r.cancellation());
        Optional<Integer> rate = Requests.sampleRate(r);
        EncodedAudio audio = rate.map(v -> Pcm.resample(res.audio(), v)).orElse(res.audio());
        return WebResponse.bytes(audio.mediaType(), audio.bytes())
                .withHeader("X-Q3tts-Model", res.modelId())
                .withHeader("X-Q3tts-Sample-Rate", Integer.toString(audio.sampleRate()));
    }

    private static int[][] codes(Object value) {
        if (!(value instanceof List<?> rows) || rows.isEmpty()) {
            throw new InvalidArgumentException("codes", "codes must be a non-empty array of frames, each an array of integers.");
        }
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            if (!(rows.get(i) instanceof List<?> row)) {
                throw new InvalidArgumentException("codes", "codes[" + i + "] must be an array of integers.");
            }
            out[i] = new int[row.size()];
            for (int j = 0; j < row.size(); j++) {
                if (!(row.get(j) instanceof Integer v)) {
                    throw new InvalidArgumentException("codes", "codes[" + i + "][" + j + "] must be an integer.");
                }
                out[i][j] = v;
            }
        }
        return out;
    }
}
