package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.SynthesisCommand;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.web.SocketConnection;
import io.q3tts.ports.web.SocketHandler;
import io.q3tts.ports.web.SocketSession;
import io.q3tts.ports.web.WebRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v1/stream}: one synthesis at a time per socket, audio as binary frames while the
 * engine decodes it (see {@code docs/api.md}, "WebSocket streaming").
 *
 * <p>Client to server: a request {@code {"task": "custom_voice", "input": ..., ...}} (the REST fields;
 * {@code format} {@code pcm} or {@code wav}), or {@code {"type": "cancel"}}. Server to client:
 * {@code {"type":"header"}}, {@code {"type":"progress"}} frames, binary 16-bit little-endian mono PCM
 * frames, then {@code {"type":"end"}} or {@code {"type":"error"}}. The socket stays open for the next
 * request; closing it cancels the running job, which frees its GPU slot.
 */
final class StreamSocket implements SocketHandler {

    /** Progress frames are sent every this many codec frames (plus queue moves), not every frame. */
    private static final int PROGRESS_EVERY = 5;

    private final Synthesis synthesis;
    private final long maxUpload;

    StreamSocket(Synthesis synthesis, long maxUpload) {
        this.synthesis = synthesis;
        this.maxUpload = maxUpload;
    }

    @Override
    public SocketSession open(SocketConnection connection, WebRequest upgradeRequest) {
        return new Session(connection);
    }

    private final class Session implements SocketSession {
        private final SocketConnection connection;
        private CancellationToken active;

        Session(SocketConnection connection) {
            this.connection = connection;
        }

        @Override
        public void onText(String text) {
            Map<String, Object> message;
            try {
                message = Json.parseObject(text, "message");
            } catch (InvalidArgumentException e) {
                connection.sendJson(ErrorMapping.of(e).frame());
                return;
            }
            Object type = message.get("type");
            if ("cancel".equals(type)) {
                CancellationToken t = current();
                if (t != null) {
                    t.cancel();
                }
                return;
            }
            if (type != null && !"request".equals(type)) {
                connection.sendJson(ErrorMapping.of(new InvalidArgumentException("type",
                        "type must be request or cancel, got '" + type + "'.")).frame());
                return;
            }
            CancellationToken token = CancellationToken.create();
            synchronized (this) {
                if (active != null) {
                    connection.sendJson(ErrorMapping.of(new InvalidArgumentException("type",
                            "A request is already running on this socket; send {\"type\":\"cancel\"} or wait for its end frame."))
                            .frame());
                    return;
                }
                active = token;
            }
            Thread.ofVirtual().name("q3tts-ws-synthesis").start(() -> {
                Map<String, Object> last;
                try {
                    last = run(message, token);
                } catch (RuntimeException e) {
                    last = JavalinBridge.failure(e).frame();
                }
                // Free the socket before the final frame, so a client may send its next request on receipt.
                synchronized (this) {
                    active = null;
                }
                connection.sendJson(last);
            });
        }

        private synchronized CancellationToken current() {
            return active;
        }

        @Override
        public void onClose(int code, String reason) {
            CancellationToken t = current();
            if (t != null) {
                t.cancel();
            }
        }

        private Map<String, Object> run(Map<String, Object> message, CancellationToken token) {
            WebRequest r = Requests.ofJson(message);
            JobKind kind = Requests.kind(r.optionalString("task").orElse(null), "task");
            String format = r.optionalString("format").orElse("pcm").strip().toLowerCase(Locale.ROOT);
            if (!format.equals("pcm") && !format.equals("wav")) {
                throw new InvalidArgumentException("format", "format must be pcm or wav, got '" + format + "'.");
            }
            if (kind == JobKind.DESIGN_THEN_CLONE) {
                throw new UnsupportedException("task", "design_then_clone is not streamed; use POST /api/v1/tts/design-then-clone.");
            }
            SynthesisCommand command = Requests.command(kind, r, maxUpload);
            Requests.requireStreamableSpeed(command);
            Listener listener = new Listener(format);
            Object outcome = synthesis.run(command, listener, token);
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("type", "end");
            end.put("request_id", listener.jobId);
            if (outcome instanceof SynthesisOutcome o) {
                end.put("job_id", o.job().id().value());
                Map<String, Object> out = Views.output(o.output());
                for (String k : new String[] {"model", "random_weights", "sample_rate", "duration_seconds", "frames",
                        "finish_reason", "seed", "rtf", "audio_url"}) {
                    end.put(k, out.get(k));
                }
                end.put("output_id", o.output().id());
            } else if (outcome instanceof DesignThenCloneOutcome d) {
                end.put("job_id", d.job().id().value());
                end.put("voice_id", d.voice().id());
            }
            return end;
        }

        /** Sends straight from the job's thread: Jetty queues frames without blocking the generation. */
        private final class Listener implements JobListener {
            private final String format;
            private String jobId;
            private boolean headerSent;
            private int lastProgressFrames = -PROGRESS_EVERY;
            private int lastQueuePosition = -1;
            /** The state of the last state frame: a job that starts from queue position 0 must still say it runs. */
            private JobState lastState;

            Listener(String format) {
                this.format = format;
            }

            @Override
            public void onEvent(JobEvent event) {
                switch (event) {
                    case JobEvent.StateChanged s -> {
                        header(s.job());
                        int pos = s.job().progress().queuePosition();
                        if ((pos != lastQueuePosition || s.job().state() != lastState) && !s.isTerminal()) {
                            lastQueuePosition = pos;
                            lastState = s.job().state();
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("type", "progress");
                            m.put("state", Views.lower(s.job().state().name()));
                            m.putAll(Views.progress(s.job().progress()));
                            connection.sendJson(m);
                        }
                    }
                    case JobEvent.Progress p -> {
                        if (p.progress().frames() - lastProgressFrames >= PROGRESS_EVERY) {
                            lastProgressFrames = p.progress().frames();
                            connection.sendJson(JobRoutes.progressFrame(p));
                        }
                    }
                    case JobEvent.Audio a -> {
                        if (a.samples().length > 0) {
                            connection.sendBinary(Pcm.toPcm16(a.samples()));
                        }
                    }
                }
            }

            private void header(JobView job) {
                if (headerSent) {
                    return;
                }
                headerSent = true;
                jobId = job.id().value();
                int rate = synthesis.sampleRate(job.modelId());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "header");
                m.put("format", format.equals("wav") ? "wav" : "pcm_s16le");
                m.put("sample_rate", rate);
                m.put("channels", 1);
                m.put("request_id", jobId);
                m.put("job_id", jobId);
                m.put("model", job.modelId());
                m.put("random_weights", job.randomWeights());
                connection.sendJson(m);
                if (format.equals("wav")) {
                    connection.sendBinary(Pcm.wavHeader(rate, -1));
                }
            }
        }
    }
}
