package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.CancelJobUseCase;
import io.q3tts.ports.in.job.DismissJobUseCase;
import io.q3tts.ports.in.job.GetJobUseCase;
import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobSubscription;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.ListJobsQuery;
import io.q3tts.ports.in.job.ListJobsUseCase;
import io.q3tts.ports.in.job.SubmitJobCommand;
import io.q3tts.ports.in.job.SubmitJobUseCase;
import io.q3tts.ports.in.job.WatchJobUseCase;
import io.q3tts.ports.in.pipeline.GetPipelineRequestUseCase;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineRequest;
import io.q3tts.ports.in.synthesis.SynthesisCommand;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code /api/v1/jobs}: submit, inspect, list, cancel, and follow jobs as server-sent events. */
final class JobRoutes {

    /** A comment-free keep-alive event so proxies keep the SSE connection and a gone client is noticed. */
    private static final long PING_SECONDS = 15;

    /** Where {@link #socket()} is served. */
    static final String SOCKET_PATH = "/api/v1/jobs/{id}/socket";

    private final UseCaseLookup useCases;
    private final long maxUpload;

    JobRoutes(UseCaseLookup useCases, long maxUpload) {
        this.useCases = useCases;
        this.maxUpload = maxUpload;
    }

    List<Route> routes() {
        return List.of(
                Route.core(HttpMethod.POST, "/api/v1/jobs", "Submit a synthesis job (any task); answers 202", this::submit),
                Route.core(HttpMethod.GET, "/api/v1/jobs", "List current and recent jobs", this::list),
                Route.core(HttpMethod.GET, "/api/v1/jobs/{id}", "One job: state, progress, queue position, timings",
                        r -> WebResponse.json(Views.jobWithRequest(useCases.useCase(GetJobUseCase.class).getJob(id(r))))),
                Route.core(HttpMethod.DELETE, "/api/v1/jobs/{id}", "Cancel a job",
                        r -> WebResponse.json(Views.jobWithRequest(useCases.useCase(CancelJobUseCase.class).cancelJob(id(r))))),
                Route.core(HttpMethod.GET, "/api/v1/jobs/{id}/events", "Follow a job as server-sent events", this::events),
                Route.core(HttpMethod.POST, "/api/v1/jobs/{id}/resume",
                        "Resume a failed or interrupted pipeline job from its checkpoints; answers 202",
                        r -> {
                            JobView job = useCases.useCase(PipelineJobsUseCase.class).resumePipeline(id(r));
                            return WebResponse.json(202, Views.job(job)).withHeader("Location", "/api/v1/jobs/" + job.id().value());
                        }),
                Route.core(HttpMethod.POST, "/api/v1/jobs/{id}/dismiss",
                        "Forget a finished job; a failed or cancelled pipeline run kept for resuming is deleted; answers 204",
                        r -> {
                            useCases.useCase(DismissJobUseCase.class).dismissJob(id(r));
                            return WebResponse.noContent();
                        }),
                Route.core(HttpMethod.GET, "/api/v1/jobs/{id}/request",
                        "The stored request of a failed, cancelled or interrupted pipeline run (for edit and retry)",
                        this::request));
    }

    private WebResponse request(WebRequest r) {
        PipelineRequest stored = useCases.useCase(GetPipelineRequestUseCase.class).getPipelineRequest(id(r));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job_id", stored.jobId().value());
        m.put("pipeline", stored.pipelineId());
        m.put("page_url", "/tasks/" + stored.pipelineId() + "?job=" + stored.jobId().value());
        Object request;
        try {
            request = Json.parseObject(new String(stored.payload(), java.nio.charset.StandardCharsets.UTF_8), "request");
        } catch (InvalidArgumentException e) {
            // A pipeline that stores another format: handed over as it is.
            request = Base64.getEncoder().encodeToString(stored.payload());
        }
        m.put("request", request);
        return WebResponse.json(m);
    }

    /**
     * {@code /api/v1/jobs/{id}/socket}: the job's events as JSON text frames (the SSE stream's
     * {@code state} and {@code progress} shapes, each with a {@code type}); the client may send
     * {@code {"type":"cancel"}}. Closing the socket only stops watching: a job outlives its watchers.
     *
     * @return the socket route
     */
    Route.Socket socket() {
        return new Route.Socket(SOCKET_PATH, (connection, upgrade) -> {
            JobId id;
            JobSubscription subscription;
            try {
                id = JobId.of(upgrade.pathParam("id"));
                subscription = useCases.useCase(WatchJobUseCase.class).watchJob(id, event -> {
                    switch (event) {
                        case JobEvent.StateChanged s -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("type", "state");
                            m.putAll(Views.job(s.job()));
                            connection.sendJson(m);
                            if (s.isTerminal()) {
                                connection.close(1000, "job ended");
                            }
                        }
                        case JobEvent.Progress p -> connection.sendJson(progressFrame(p));
                        case JobEvent.Audio a -> { }
                    }
                });
            } catch (RuntimeException e) {
                connection.sendJson(JavalinBridge.failure(e).frame());
                connection.close(1008, "no such job");
                return new io.q3tts.ports.web.SocketSession() { };
            }
            return new io.q3tts.ports.web.SocketSession() {
                @Override
                public void onText(String text) {
                    Object type;
                    try {
                        type = Json.parseObject(text, "message").get("type");
                    } catch (InvalidArgumentException e) {
                        connection.sendJson(ErrorMapping.of(e).frame());
                        return;
                    }
                    if ("cancel".equals(type)) {
                        useCases.useCase(CancelJobUseCase.class).cancelJob(id);
                    } else {
                        connection.sendJson(ErrorMapping.of(new InvalidArgumentException("type",
                                "type must be cancel, got '" + type + "'.")).frame());
                    }
                }

                @Override
                public void onClose(int code, String reason) {
                    subscription.close();
                }
            };
        }, "Follow a job's state and progress (JSON frames); send {\"type\":\"cancel\"} to cancel it");
    }

    private static JobId id(WebRequest r) {
        return JobId.of(r.pathParam("id"));
    }

    private WebResponse submit(WebRequest r) {
        SynthesisCommand command = Requests.command(
                Requests.kind(r.optionalString("task").orElse(null), "task"), r, maxUpload);
        JobView job = useCases.useCase(SubmitJobUseCase.class).submitJob(new SubmitJobCommand(command, null, durable(r)));
        return WebResponse.json(202, Views.job(job)).withHeader("Location", "/api/v1/jobs/" + job.id().value());
    }

    /**
     * The request as kept with the job, so that it can be sent again after a restart interrupted it:
     * the JSON body, or the text fields of a multipart body and the query parameters as a JSON object
     * (uploaded files are not kept; they are named with the size they had).
     */
    private static String durable(WebRequest r) {
        if (r.json() != null) {
            Map<String, Object> m = new LinkedHashMap<>(r.json());
            // A reference clip is a voice (biometric data): it is not copied into the job record, like an
            // uploaded file; deleting the voice or the output must not leave a copy behind.
            if (m.get("ref_audio") instanceof String s) {
                m.put("ref_audio", "(audio, " + s.length() + " characters of base64, not kept: send it again)");
            }
            return Json.text(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        r.query().forEach((k, v) -> m.put(k, v.size() == 1 ? v.getFirst() : v));
        for (io.q3tts.ports.web.Part p : r.parts()) {
            m.put(p.name(), p.filename() == null ? new String(p.content(), java.nio.charset.StandardCharsets.UTF_8)
                    : "(file " + p.filename() + ", " + p.content().length + " bytes, not kept: upload it again)");
        }
        return Json.text(m);
    }

    private WebResponse list(WebRequest r) {
        Set<JobState> states = EnumSet.noneOf(JobState.class);
        for (String v : r.query().getOrDefault("state", List.of())) {
            for (String s : v.split(",")) {
                if (!s.isBlank()) {
                    states.add(state(s));
                }
            }
        }
        int limit = r.optionalInt("limit").orElse(ListJobsQuery.DEFAULT_LIMIT);
        List<Map<String, Object>> jobs = useCases.useCase(ListJobsUseCase.class)
                .listJobs(new ListJobsQuery(states, limit)).stream().map(Views::job).toList();
        return WebResponse.json(Views.list("jobs", jobs));
    }

    private static JobState state(String s) {
        try {
            return JobState.valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("state", "state must be queued, running, done, failed or cancelled; got '"
                    + s + "'.");
        }
    }

    /**
     * Events: {@code state} (the job snapshot; the last one is terminal), {@code progress}, and with
     * {@code ?audio=true} {@code audio} (base64 16-bit PCM chunks).
     */
    private WebResponse events(WebRequest r) {
        JobId id = id(r);
        boolean audio = Requests.flag(r, "audio");
        BlockingQueue<JobEvent> queue = new LinkedBlockingQueue<>();
        JobSubscription subscription = useCases.useCase(WatchJobUseCase.class).watchJob(id, queue::add);
        return WebResponse.events(sink -> {
            try (subscription) {
                while (true) {
                    JobEvent event = queue.poll(PING_SECONDS, TimeUnit.SECONDS);
                    if (event == null) {
                        if (!sink.send("ping", Map.of("type", "ping"))) {
                            return;
                        }
                        continue;
                    }
                    boolean ok = switch (event) {
                        case JobEvent.StateChanged s -> sink.send("state", Views.job(s.job()));
                        case JobEvent.Progress p -> sink.send("progress", progressFrame(p));
                        case JobEvent.Audio a -> !audio || sink.send("audio", audioFrame(a));
                    };
                    if (!ok || event instanceof JobEvent.StateChanged s && s.isTerminal()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    static Map<String, Object> progressFrame(JobEvent.Progress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "progress");
        m.put("job_id", p.jobId().value());
        m.putAll(Views.progress(p.progress()));
        return m;
    }

    private static Map<String, Object> audioFrame(JobEvent.Audio a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "audio");
        m.put("job_id", a.jobId().value());
        m.put("format", "pcm_s16le");
        m.put("sample_rate", a.sampleRate());
        m.put("start_sample", a.startSample());
        m.put("last", a.last());
        m.put("data", Base64.getEncoder().encodeToString(Pcm.toPcm16(a.samples())));
        return m;
    }
}
