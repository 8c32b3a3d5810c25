package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.in.synthesis.SynthesisCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignCommand;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.PayloadTooLargeException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.WebRequest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the API's request fields (snake_case, as the port errors name them) into the core's
 * self-validating commands. The same reader serves JSON bodies, multipart forms and query strings
 * (through {@link WebRequest}'s typed accessors), the job API and the WebSocket.
 */
final class Requests {

    private Requests() {
    }

    /**
     * @param value {@code custom_voice}, {@code voice-design}, ... (case-insensitive)
     * @param field the field it came from
     * @return the kind
     */
    static JobKind kind(String value, String field) {
        if (value != null) {
            String key = value.strip().replace('-', '_').toUpperCase(Locale.ROOT);
            for (JobKind k : JobKind.values()) {
                if (k != JobKind.PIPELINE && k.name().equals(key)) {
                    return k;
                }
            }
        }
        throw new InvalidArgumentException(field, field
                + " must be one of custom_voice, voice_design, voice_clone, design_then_clone; got '" + value + "'.");
    }

    /**
     * @param kind the task
     * @param r the request
     * @param maxUpload the upload limit, for base64 {@code ref_audio}
     * @return the validated command
     */
    static SynthesisCommand command(JobKind kind, WebRequest r, long maxUpload) {
        String model = r.optionalString("model").orElse(null);
        GenerationOptions options = options(r);
        return switch (kind) {
            case CUSTOM_VOICE -> new SynthesizeCustomVoiceCommand(model, text(r), r.optionalString("language").orElse(null),
                    r.optionalString("voice").or(() -> r.optionalString("speaker")).orElse(null),
                    r.optionalString("instructions").or(() -> r.optionalString("instruct")).orElse(null),
                    options, format(r));
            case VOICE_DESIGN -> new SynthesizeVoiceDesignCommand(model, text(r), r.optionalString("language").orElse(null),
                    r.optionalString("instructions").or(() -> r.optionalString("instruct")).orElse(null), options, format(r));
            case VOICE_CLONE -> new SynthesizeVoiceCloneCommand(model, text(r), r.optionalString("language").orElse(null),
                    cloneVoice(r, maxUpload), options, format(r));
            case DESIGN_THEN_CLONE -> new DesignThenCloneCommand(model, r.optionalString("clone_model").orElse(null),
                    r.optionalString("name").orElse(null),
                    r.optionalString("instructions").or(() -> r.optionalString("instruct")).orElse(null),
                    text(r), r.optionalString("language").orElse(null), options);
            case PIPELINE -> throw new InvalidArgumentException("task",
                    "Pipelines are submitted through their plugin's route (POST /plugins/<id>/jobs), not as a task.");
        };
    }

    private static String text(WebRequest r) {
        return r.optionalString("input").or(() -> r.optionalString("text")).orElse(null);
    }

    /** The voice to clone: a saved voice id ({@code voice}), or {@code ref_audio} as a file part or base64. */
    static CloneVoice cloneVoice(WebRequest r, long maxUpload) {
        Optional<String> voice = r.optionalString("voice").filter(s -> !s.isBlank());
        Optional<AudioUpload> ref = upload(r, "ref_audio", maxUpload);
        if (voice.isPresent() && ref.isPresent()) {
            throw new InvalidArgumentException("voice", "Give either voice (a saved voice id) or ref_audio, not both.");
        }
        if (voice.isPresent()) {
            return new CloneVoice.SavedVoice(voice.get().strip());
        }
        if (ref.isEmpty()) {
            return null;
        }
        return new CloneVoice.UploadedReference(ref.get(), r.optionalString("ref_text").orElse(null),
                r.optionalBoolean("x_vector_only_mode").or(() -> r.optionalBoolean("x_vector_only")).orElse(false));
    }

    /**
     * An uploaded audio file: a multipart file part, or a base64 string (optionally a {@code data:} URL) in
     * JSON.
     *
     * @param r the request
     * @param field the field name
     * @param maxUpload the upload limit
     * @return the upload, if the field is present
     */
    static Optional<AudioUpload> upload(WebRequest r, String field, long maxUpload) {
        Optional<Part> part = r.part(field);
        if (part.isPresent()) {
            Part p = part.get();
            if (p.content().length == 0) {
                throw new InvalidArgumentException(field, field + " must be a non-empty audio file.");
            }
            return Optional.of(new AudioUpload(field, p.content(), p.filename(), p.contentType()));
        }
        Optional<String> text = r.json() == null ? Optional.empty() : r.optionalString(field);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String s = text.get().strip();
        String mediaType = null;
        if (s.startsWith("data:")) {
            int comma = s.indexOf(',');
            if (comma < 0 || !s.substring(0, comma).endsWith(";base64")) {
                throw new InvalidArgumentException(field, field + " must be base64 audio or a data:...;base64, URL.");
            }
            mediaType = s.substring(5, s.indexOf(';'));
            s = s.substring(comma + 1);
        }
        if (s.length() / 4L * 3 > maxUpload) {
            throw new PayloadTooLargeException(field, field + " is larger than the upload limit of " + maxUpload
                    + " bytes.", maxUpload);
        }
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(s);
            return Optional.of(new AudioUpload(field, bytes, null, mediaType));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(field, field + " is not valid base64; upload the file as multipart instead.");
        }
    }

    /** @return the {@code response_format}, WAV when absent */
    static AudioFormat format(WebRequest r) {
        return AudioFormat.parse(r.optionalString("response_format").orElse(null), "response_format");
    }

    /**
     * The container for a download endpoint: {@code format} or {@code response_format} in the query.
     *
     * @param r the request
     * @return the format, or null for the stored WAV
     */
    static AudioFormat downloadFormat(WebRequest r) {
        Optional<String> f = r.queryParam("format");
        if (f.isPresent()) {
            return AudioFormat.parse(f.get(), "format");
        }
        return r.queryParam("response_format").map(v -> AudioFormat.parse(v, "response_format")).orElse(null);
    }

    /** @return the requested {@code sample_rate}, checked */
    static Optional<Integer> sampleRate(WebRequest r) {
        return r.optionalInt("sample_rate").map(v -> Pcm.checkRate(v, "sample_rate"));
    }

    /** Decoding overrides; every absent field keeps the model default. */
    static GenerationOptions options(WebRequest r) {
        Optional<Boolean> nonStreaming = r.optionalBoolean("non_streaming_mode");
        return GenerationOptions.builder()
                .doSample(r.optionalBoolean("do_sample").orElse(null))
                .temperature(r.optionalDouble("temperature").orElse(null))
                .topK(r.optionalInt("top_k").orElse(null))
                .topP(r.optionalDouble("top_p").orElse(null))
                .repetitionPenalty(r.optionalDouble("repetition_penalty").orElse(null))
                .subtalkerDoSample(r.optionalBoolean("subtalker_do_sample").orElse(null))
                .subtalkerTemperature(r.optionalDouble("subtalker_temperature").orElse(null))
                .subtalkerTopK(r.optionalInt("subtalker_top_k").orElse(null))
                .subtalkerTopP(r.optionalDouble("subtalker_top_p").orElse(null))
                .seed(seed(r).orElse(null))
                .maxNewTokens(r.optionalInt("max_new_tokens").orElse(null))
                .streamingText(nonStreaming.map(b -> !b).orElse(null))
                .speed(r.optionalDouble("speed").orElse(null))
                .returnCodes(r.optionalBoolean("return_codes").orElse(null))
                .build();
    }

    /**
     * Streams carry the chunks as the model makes them, at its own tempo; the tempo change works on
     * the finished audio, so a stream cannot honour a {@code speed} other than 1.
     *
     * @throws UnsupportedException (field {@code speed}) if the command asks for another tempo
     */
    static void requireStreamableSpeed(SynthesisCommand command) {
        if (command.options().effectiveSpeed() != 1.0) {
            throw new UnsupportedException("speed", "speed other than 1.0 cannot be streamed: the tempo change works on "
                    + "the finished audio. Send the request without stream (or stream_format sse) to get it.");
        }
    }

    /** A seed is a 64-bit integer; read it exactly (a double would round seeds above 2^53). */
    static Optional<Long> seed(WebRequest r) {
        return r.field("seed").map(v -> {
            if (v instanceof Integer || v instanceof Long || v instanceof Short) {
                return ((Number) v).longValue();
            }
            if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
                return b.longValue();
            }
            if (v instanceof String s) {
                try {
                    return Long.parseLong(s.strip());
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw new InvalidArgumentException("seed", "seed must be an integer between -2^63 and 2^63-1.");
        });
    }

    /**
     * @param r the request
     * @param field a boolean field
     * @return its value, false when absent
     */
    static boolean flag(WebRequest r, String field) {
        return r.optionalBoolean(field).orElse(false);
    }

    /**
     * @param map a JSON object (e.g. a WebSocket message)
     * @return a request carrying it as its JSON body, so the same readers apply
     */
    static WebRequest ofJson(Map<String, Object> map) {
        return new WebRequest(io.q3tts.ports.web.HttpMethod.POST, "/api/v1/stream", null, null, null, null, map, null,
                null);
    }
}
