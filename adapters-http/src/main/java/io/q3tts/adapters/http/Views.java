package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.JobError;
import io.q3tts.ports.in.job.JobProgress;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.QueueStatus;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.in.voice.VoiceView;
import io.q3tts.ports.model.ModelTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The API's JSON shapes (snake_case), built explicitly from the port views so the wire format is
 * stated in one place and does not change when a record gains a component.
 */
final class Views {

    private Views() {
    }

    static Map<String, Object> job(JobView j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id().value());
        // The name every other answer uses for a job (pipeline submissions, X-Q3tts-Job-Id, outputs).
        m.put("job_id", j.id().value());
        m.put("kind", lower(j.kind().name()));
        m.put("model", j.modelId());
        m.put("random_weights", j.randomWeights());
        m.put("summary", j.summary());
        if (j.pipeline() != null) {
            m.put("pipeline", j.pipeline());
        }
        m.put("parent_job_id", j.parent() == null ? null : j.parent().value());
        if (j.worker() != null) {
            // Cluster mode: the worker process that runs or ran the job (a pipeline: its latest step).
            m.put("worker", j.worker());
        }
        m.put("state", lower(j.state().name()));
        m.put("progress", progress(j.progress()));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("submitted_at", time(j.timings().submittedAt()));
        t.put("started_at", time(j.timings().startedAt()));
        t.put("finished_at", time(j.timings().finishedAt()));
        t.put("queued_ms", j.timings().queued().map(Duration::toMillis).orElse(null));
        t.put("running_ms", j.timings().running().map(Duration::toMillis).orElse(null));
        m.put("timings", t);
        if (j.result() != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("output_id", j.result().outputId());
            r.put("voice_id", j.result().voiceId());
            r.put("audio_url", "/api/v1/outputs/" + j.result().outputId() + "/audio");
            m.put("result", r);
        } else {
            m.put("result", null);
        }
        m.put("error", j.error() == null ? null : error(j.error()));
        return m;
    }

    /**
     * One job in full: {@link #job} plus, for a job kept on disk, its {@code request} as sent (what to
     * send again to re-run it). Only the single-job answers carry it: lists and event frames would
     * repeat it on every line and every state change.
     */
    static Map<String, Object> jobWithRequest(JobView j) {
        Map<String, Object> m = job(j);
        if (j.request() != null) {
            m.put("request", requestValue(j.request()));
        }
        return m;
    }

    private static Object requestValue(String text) {
        try {
            return Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "request");
        } catch (RuntimeException e) {
            return text;
        }
    }

    static Map<String, Object> progress(JobProgress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queue_position", p.queuePosition());
        m.put("frames", p.frames());
        m.put("max_frames", p.maxFrames());
        m.put("fraction", p.fraction());
        if (p.steps() > 0) {
            m.put("steps", p.steps());
            m.put("steps_done", p.stepsDone());
            m.put("stage", p.stage());
        }
        return m;
    }

    /** @return the media type served for an output file, by its extension */
    static String mediaType(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        return switch (dot < 0 ? "" : lower.substring(dot + 1)) {
            case "wav" -> "audio/wav";
            case "flac" -> "audio/flac";
            case "mp3" -> "audio/mpeg";
            case "ogg", "opus" -> "audio/ogg";
            case "json" -> "application/json";
            case "csv" -> "text/csv; charset=utf-8";
            case "txt", "srt" -> "text/plain; charset=utf-8";
            case "vtt" -> "text/vtt; charset=utf-8";
            case "zip" -> "application/zip";
            default -> "application/octet-stream";
        };
    }

    static Map<String, Object> error(JobError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.message());
        m.put("error_type", e.type().name());
        m.put("field", e.field());
        m.put("errorType", e.type().name());
        return m;
    }

    static Map<String, Object> output(OutputView o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id());
        m.put("job_id", o.jobId());
        m.put("task", o.task().key());
        m.put("model", o.modelId());
        m.put("random_weights", o.randomWeights());
        m.put("text", o.text());
        m.put("language", o.language());
        m.put("speaker", o.speaker());
        m.put("instruct", o.instruct());
        m.put("voice_id", o.voiceId());
        m.put("parameters", new java.util.TreeMap<>(o.parameters()));
        m.put("seed", seed(o));
        m.put("sample_rate", o.sampleRate());
        m.put("duration_seconds", o.durationSeconds());
        m.put("frames", o.frames());
        m.put("finish_reason", o.finishReason());
        m.put("created_at", time(o.createdAt()));
        m.put("elapsed_ms", o.elapsed().toMillis());
        m.put("rtf", rtf(o));
        m.put("audio_url", "/api/v1/outputs/" + o.id() + "/audio");
        if (o.pipeline() != null) {
            m.put("pipeline", o.pipeline());
        }
        List<Map<String, Object>> files = new ArrayList<>();
        for (String f : o.files()) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", f);
            file.put("url", "/api/v1/outputs/" + o.id() + "/files/" + f);
            files.add(file);
        }
        m.put("files", files);
        return m;
    }

    /** @return the seed the run used (recorded in its parameters), or null */
    static String seed(OutputView o) {
        return o.parameters().get("seed");
    }

    /** @return generation time over audio time (below 1 is faster than real time), or null for empty audio */
    static Double rtf(OutputView o) {
        if (!(o.durationSeconds() > 0)) {
            return null;
        }
        return Math.round(o.elapsed().toNanos() / 1e9 / o.durationSeconds() * 1000) / 1000.0;
    }

    static Map<String, Object> voice(VoiceView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", v.id());
        m.put("name", v.name());
        m.put("description", v.description());
        m.put("origin", lower(v.origin().name()));
        m.put("language", v.language());
        m.put("ref_text", v.transcript());
        m.put("x_vector_only_mode", v.xVectorOnly());
        m.put("design_instruct", v.designInstruct());
        m.put("source_model", v.sourceModelId());
        m.put("clip_seconds", v.clipSeconds());
        m.put("created_at", time(v.createdAt()));
        m.put("updated_at", time(v.updatedAt()));
        m.put("clip_url", "/api/v1/voices/" + v.id() + "/clip");
        return m;
    }

    static Map<String, Object> model(ModelView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", v.id());
        m.put("display_name", v.displayName());
        m.put("tasks", v.tasks().stream().sorted().map(ModelTask::key).toList());
        m.put("size", v.size());
        m.put("precision", v.precision());
        m.put("random_weights", v.randomWeights());
        if (v.randomWeights()) {
            m.put("warning", "This model has random weights: it produces noise, not speech.");
        }
        m.put("speakers", v.speakers());
        m.put("languages", v.languages());
        m.put("supports_instruct", v.supportsInstruct());
        m.put("sample_rate", v.sampleRate());
        m.put("residency", lower(v.residency().name()));
        m.put("in_flight", v.inFlight());
        m.put("last_used_at", time(v.lastUsedAt()));
        m.put("size_bytes", v.sizeBytes());
        m.put("memory_bytes", v.memoryBytes());
        return m;
    }

    static Map<String, Object> queue(QueueStatus q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gpu_slots", q.gpuSlots());
        m.put("gpu_running", q.gpuRunning());
        m.put("gpu_queued", q.gpuQueued());
        m.put("gpu_queue_capacity", q.gpuQueueCapacity());
        m.put("tokenizer_slots", q.tokenizerSlots());
        m.put("tokenizer_running", q.tokenizerRunning());
        m.put("tokenizer_queued", q.tokenizerQueued());
        m.put("average_run_ms", q.averageRun().toMillis());
        m.put("abandoned_workers", q.abandonedWorkers());
        return m;
    }

    static Map<String, Object> list(String key, List<?> items) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, items);
        m.put("count", items.size());
        return m;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
