package io.q3tts.adapters.queue.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.model.UnavailableException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.out.cluster.Step;
import io.q3tts.ports.out.cluster.StepResult;
import io.q3tts.ports.out.cluster.StepWork;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SamplingParams;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.TextInputMode;
import io.q3tts.ports.out.inference.VoicePrompt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The bytes on the queue. Steps and errors are JSON (small, readable with {@code nats stream view});
 * results are a length-prefixed JSON header followed by the raw payload: float32 little-endian
 * samples for audio (so the accepting process gets the worker's samples bit for bit), the opaque
 * prompt bytes for a clone prompt. A voice clip travels separately (object store), so a step
 * message stays far below the server's payload limit.
 *
 * <p>Every component of {@link SynthesisRequest} and {@link SamplingParams} is written; a test
 * fails when a component is added and not mapped here (a dropped field would silently change the
 * audio).
 */
final class Wire {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    /** A step as read back: the step, plus the clip's object name when it carries a voice. */
    record Incoming(Step step, String voiceId, String transcript, boolean xVectorOnly, boolean encode) {
    }

    static byte[] step(Step step) {
        ObjectNode root = JSON.createObjectNode();
        root.put("key", step.key());
        root.put("model", step.modelId());
        switch (step.work()) {
            case StepWork.Synthesize s -> {
                root.put("kind", "synthesize");
                root.set("request", request(s.request()));
                if (s.voice() != null) {
                    voice(root, s.voice().id(), s.voice().transcript(), s.voice().xVectorOnly());
                }
            }
            case StepWork.EncodePrompt e -> {
                root.put("kind", "encode");
                voice(root, e.reference().id(), e.reference().transcript(), e.reference().xVectorOnly());
            }
        }
        return bytes(root);
    }

    private static void voice(ObjectNode root, String id, String transcript, boolean xVectorOnly) {
        ObjectNode v = root.putObject("voice");
        v.put("id", id);
        v.put("transcript", transcript);
        v.put("x_vector_only", xVectorOnly);
    }

    /** Reads a step; the voice clip's bytes are filled in by the caller from the object store. */
    static Incoming readStep(byte[] data, java.util.function.Function<String, byte[]> clips) {
        JsonNode root = tree(data);
        String key = root.path("key").asText();
        String model = root.path("model").asText();
        JsonNode v = root.get("voice");
        io.q3tts.ports.out.cluster.VoiceClip clip = null;
        if (v != null && !v.isNull()) {
            String id = v.path("id").asText();
            clip = new io.q3tts.ports.out.cluster.VoiceClip(id, clips.apply(id), text(v, "transcript"),
                    v.path("x_vector_only").asBoolean());
        }
        boolean encode = "encode".equals(root.path("kind").asText());
        StepWork work = encode ? new StepWork.EncodePrompt(clip) : new StepWork.Synthesize(readRequest(root.get("request")), clip);
        return new Incoming(new Step(key, model, work), clip == null ? null : clip.id(),
                clip == null ? null : clip.transcript(), clip != null && clip.xVectorOnly(), encode);
    }

    static String keyOf(byte[] data) {
        return tree(data).path("key").asText();
    }

    private static ObjectNode request(SynthesisRequest r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("task", r.task().name());
        n.put("text", r.text());
        n.put("language", r.language());
        n.put("speaker", r.speaker());
        n.put("instruct", r.instruct());
        n.put("voice", r.voicePrompt() instanceof VoicePrompt.Saved(String id) ? id : null);
        SamplingParams s = r.sampling();
        ObjectNode sn = n.putObject("sampling");
        sn.put("do_sample", s.doSample());
        sn.put("temperature", s.temperature());
        sn.put("top_k", s.topK());
        sn.put("top_p", s.topP());
        sn.put("repetition_penalty", s.repetitionPenalty());
        sn.put("subtalker_do_sample", s.subtalkerDoSample());
        sn.put("subtalker_temperature", s.subtalkerTemperature());
        sn.put("subtalker_top_k", s.subtalkerTopK());
        sn.put("subtalker_top_p", s.subtalkerTopP());
        if (s.seed() != null) {
            sn.put("seed", s.seed());
        }
        n.put("max_new_tokens", r.maxNewTokens());
        n.put("text_input_mode", r.textInputMode().name());
        return n;
    }

    private static SynthesisRequest readRequest(JsonNode n) {
        JsonNode s = n.path("sampling");
        SamplingParams sampling = new SamplingParams(s.path("do_sample").asBoolean(), s.path("temperature").asDouble(),
                s.path("top_k").asInt(), s.path("top_p").asDouble(), s.path("repetition_penalty").asDouble(),
                s.path("subtalker_do_sample").asBoolean(), s.path("subtalker_temperature").asDouble(),
                s.path("subtalker_top_k").asInt(), s.path("subtalker_top_p").asDouble(),
                s.hasNonNull("seed") ? s.get("seed").asLong() : null);
        String voice = text(n, "voice");
        return new SynthesisRequest(TaskType.valueOf(n.path("task").asText()), n.path("text").asText(), text(n, "language"),
                text(n, "speaker"), text(n, "instruct"), voice == null ? null : new VoicePrompt.Saved(voice), sampling,
                n.path("max_new_tokens").asInt(), TextInputMode.valueOf(n.path("text_input_mode").asText()));
    }

    static byte[] result(StepResult result) {
        ObjectNode h = JSON.createObjectNode();
        h.put("worker", result.worker());
        byte[] payload;
        switch (result) {
            case StepResult.Synthesized s -> {
                SynthesisResult r = s.result();
                h.put("type", "audio");
                h.put("sample_rate", r.sampleRate());
                h.put("frames", r.frames());
                h.put("finish_reason", r.finishReason().name());
                h.put("elapsed_nanos", r.elapsed().toNanos());
                ByteBuffer buf = ByteBuffer.allocate(r.samples().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(r.samples());
                payload = buf.array();
            }
            case StepResult.Encoded e -> {
                h.put("type", "prompt");
                h.put("cache_key", e.prompt().cacheKey());
                h.put("x_vector_only", e.prompt().xVectorOnly());
                payload = e.prompt().data();
            }
        }
        byte[] header = bytes(h);
        return ByteBuffer.allocate(4 + header.length + payload.length).putInt(header.length).put(header).put(payload).array();
    }

    static StepResult readResult(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        int headerLength = buf.getInt();
        byte[] header = new byte[headerLength];
        buf.get(header);
        JsonNode h = tree(header);
        String worker = h.path("worker").asText();
        if ("prompt".equals(h.path("type").asText())) {
            byte[] payload = new byte[buf.remaining()];
            buf.get(payload);
            return new StepResult.Encoded(new ClonePrompt(h.path("cache_key").asText(), payload,
                    h.path("x_vector_only").asBoolean()), worker);
        }
        float[] samples = new float[buf.remaining() / 4];
        buf.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(samples);
        return new StepResult.Synthesized(new SynthesisResult(samples, h.path("sample_rate").asInt(), h.path("frames").asInt(),
                FinishReason.valueOf(h.path("finish_reason").asText()), Duration.ofNanos(h.path("elapsed_nanos").asLong())), worker);
    }

    static byte[] error(Q3ttsException e, String worker, int deliveries) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error_type", e.errorType().name());
        n.put("message", e.getMessage());
        n.put("field", e.field());
        n.put("worker", worker);
        n.put("deliveries", deliveries);
        return bytes(n);
    }

    /** Rebuilds a worker's error as the same exception type, message and field. */
    static Q3ttsException readError(byte[] data) {
        JsonNode n = tree(data);
        String message = n.path("message").asText();
        String field = text(n, "field");
        ErrorType type;
        try {
            type = ErrorType.valueOf(n.path("error_type").asText());
        } catch (IllegalArgumentException e) {
            type = ErrorType.MODEL_ERROR;
        }
        return switch (type) {
            case INVALID_ARGUMENT -> new InvalidArgumentException(field == null ? "request" : field, message);
            case NOT_FOUND -> new NotFoundException(field, message);
            case UNSUPPORTED -> new UnsupportedException(field, message);
            case UNSUPPORTED_MEDIA -> new UnsupportedMediaException(field == null ? "ref_audio" : field, message);
            case CONFLICT -> new ConflictException(field, message);
            case CANCELLED -> new CancelledException(message);
            case UNAVAILABLE -> new UnavailableException(message);
            default -> new ModelException(message);
        };
    }

    static byte[] event(String type, String worker, int frames, int maxFrames) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        n.put("worker", worker);
        n.put("frames", frames);
        n.put("max_frames", maxFrames);
        return bytes(n);
    }

    static JsonNode tree(byte[] data) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
