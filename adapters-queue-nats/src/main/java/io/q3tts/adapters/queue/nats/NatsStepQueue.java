package io.q3tts.adapters.queue.nats;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.model.UnavailableException;
import io.q3tts.ports.out.cluster.Step;
import io.q3tts.ports.out.cluster.StepExecutor;
import io.q3tts.ports.out.cluster.StepObserver;
import io.q3tts.ports.out.cluster.StepQueue;
import io.q3tts.ports.out.cluster.StepResult;
import io.q3tts.ports.out.cluster.StepWork;
import io.q3tts.ports.out.cluster.VoiceClip;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link StepQueue} on NATS JetStream.
 *
 * <p>Layout (created on first use, shared by every process on the same server):
 * <ul>
 *   <li>stream {@value #STREAM}, subjects {@code q3tts.steps.<model>}, work-queue retention, file
 *       storage: a step is one message, published with its key as {@code Nats-Msg-Id} (a re-sent
 *       publish is dropped by the server's duplicate window);</li>
 *   <li>one durable pull consumer per model, {@code q3tts-<model>}, explicit acks, the configured
 *       {@code ack_wait} and {@code max_deliver}: every worker serving the model pulls from it, so
 *       each step goes to one worker at a time;</li>
 *   <li>object store {@value #RESULTS}: the result (or the last error, {@code <key>.error}) of each
 *       step under its key, kept for {@code result_ttl}; object store {@value #VOICES}: reference
 *       clips under their content id, also kept for {@code result_ttl} (put again when missing);</li>
 *   <li>plain subjects {@code q3tts.events.<key>} (started, progress, done, failed) and
 *       {@code q3tts.cancel.<key>}.</li>
 * </ul>
 *
 * <p>Worker policy: pull only while a local slot is free ({@code concurrency}); skip a step whose
 * result is already stored (idempotency by key: a redelivery after a crash between store and ack);
 * while it runs, send an in-progress ack every third of {@code ack_wait}; store the result, then
 * ack. A failure is negatively acknowledged with a delay so another delivery (perhaps on another
 * worker) tries again; on the last allowed delivery it is stored as the step's error and the
 * message terminated. A worker that dies mid-step stops sending in-progress acks, so the server
 * redelivers after {@code ack_wait}; if that was the last delivery, the server's max-deliveries
 * advisory ends the step on the accepting side.
 *
 * <p>Accepting-side policy: {@link #run} publishes, then waits for the step's events; every two
 * seconds (and on any event) it also looks in the result store, so a lost event (a reconnect)
 * delays a result but never loses it. While the server is unreachable the client reconnects
 * forever and {@link #run} keeps waiting; publishing is retried until it succeeds or the step is
 * cancelled. Cancelling deletes the queued message (it never runs) and tells workers to stop it.
 *
 * <p>Thread-safe. Credentials are never logged; {@link #describe()} shows the URL without them.
 */
public final class NatsStepQueue implements StepQueue {

    private static final System.Logger LOG = System.getLogger(NatsStepQueue.class.getName());

    static final String STREAM = "Q3TTS_STEPS";
    static final String RESULTS = "q3tts-results";
    static final String VOICES = "q3tts-voices";
    private static final String STEPS = "q3tts.steps.";
    private static final String EVENTS = "q3tts.events.";
    private static final String CANCEL = "q3tts.cancel.";
    private static final String MAX_DELIVERIES = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + STREAM + ".*";
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final Duration FETCH_WAIT = Duration.ofMillis(200);

    /**
     * How to reach the server and the queue's delivery policy.
     *
     * @param url {@code nats://host:port} (or {@code tls://...}); credentials in the URL are allowed and never logged
     * @param credentials a NATS {@code .creds} file (JWT + NKey seed), or null
     * @param ackWait how long a delivered step may go without an ack or in-progress ack before it is redelivered
     * @param maxDeliver how many deliveries a step gets before it fails
     * @param resultTtl how long results stay in the object store
     */
    public record Settings(String url, Path credentials, Duration ackWait, int maxDeliver, Duration resultTtl) {
        /** @throws IllegalArgumentException on a value out of range */
        public Settings {
            Objects.requireNonNull(url, "url");
            if (ackWait.toMillis() < 1000) {
                throw new IllegalArgumentException("ackWait must be at least 1 s: " + ackWait);
            }
            if (maxDeliver < 1) {
                throw new IllegalArgumentException("maxDeliver must be at least 1: " + maxDeliver);
            }
            Objects.requireNonNull(resultTtl, "resultTtl");
        }
    }

    private final Settings settings;
    private final Connection nc;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final ObjectStore results;
    private final ObjectStore voices;
    private final Dispatcher dispatcher;
    private final Map<String, Waiter> waiters = new ConcurrentHashMap<>();
    private final Map<Long, String> keysBySequence = new ConcurrentHashMap<>();
    private final Set<String> consumersReady = ConcurrentHashMap.newKeySet();
    private final List<Puller> pullers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * In-progress acks run on a platform thread of their own: a step's engine work runs in virtual
     * threads that do not yield while they compute, so on a worker with one or two cores (a pod with
     * a CPU limit of 1, a {@code taskset} benchmark) a virtual heartbeat would wait for the step to
     * end, and every step longer than {@code ack_wait} would be redelivered while it is still running
     * and burn a delivery toward {@code max_deliver}.
     */
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("q3tts-in-progress-acks").factory());

    private NatsStepQueue(Settings settings, Connection nc) throws IOException, JetStreamApiException {
        this.settings = settings;
        this.nc = nc;
        this.js = nc.jetStream();
        this.jsm = nc.jetStreamManagement();
        ensureStream();
        this.results = objectStore(RESULTS, settings.resultTtl());
        // Clips expire like results: the accepting side puts a clip again whenever a step needs it and it is gone.
        this.voices = objectStore(VOICES, settings.resultTtl());
        this.dispatcher = nc.createDispatcher();
        dispatcher.subscribe(EVENTS + "*", this::onEvent);
        dispatcher.subscribe(MAX_DELIVERIES, this::onMaxDeliveries);
    }

    /**
     * Connects and creates the stream and object stores if they are missing.
     *
     * @param settings the server and the policy
     * @return the queue
     * @throws UnavailableException with a plain explanation if the server cannot be reached or has no JetStream
     */
    public static NatsStepQueue connect(Settings settings) {
        Options.Builder options = new Options.Builder().server(settings.url()).connectionName("q3tts")
                .maxReconnects(-1).reconnectWait(Duration.ofSeconds(1)).connectionTimeout(Duration.ofSeconds(5))
                .connectionListener((conn, event) -> LOG.log(Level.INFO, "NATS " + event))
                .errorListener(new io.nats.client.ErrorListener() { });
        if (settings.credentials() != null) {
            options.authHandler(Nats.credentials(settings.credentials().toString()));
        }
        Connection nc;
        try {
            nc = Nats.connect(options.build());
        } catch (IOException e) {
            throw new UnavailableException("Cannot reach the NATS server at " + redact(settings.url()) + " (cluster.nats_url): "
                    + e.getMessage() + ". Start it with 'nats-server -js' or fix the URL.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("Interrupted while connecting to NATS.", e);
        }
        try {
            return new NatsStepQueue(settings, nc);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            closeQuietly(nc);
            throw new UnavailableException("The NATS server at " + redact(settings.url()) + " does not offer JetStream ("
                    + e.getMessage() + "). Start it with 'nats-server -js'.", e);
        }
    }

    @Override
    public String describe() {
        return "NATS JetStream at " + redact(settings.url());
    }

    /** @return the URL with any user, password or token removed */
    static String redact(String url) {
        try {
            URI u = URI.create(url.strip().split(",")[0]);
            if (u.getUserInfo() == null) {
                return url;
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return "(the configured URL)";
        }
    }

    private void ensureStream() throws IOException, JetStreamApiException {
        if (!jsm.getStreamNames().contains(STREAM)) {
            try {
                jsm.addStream(StreamConfiguration.builder().name(STREAM).subjects(STEPS + "*")
                        .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File)
                        .duplicateWindow(Duration.ofMinutes(2)).build());
            } catch (JetStreamApiException raced) {
                if (!jsm.getStreamNames().contains(STREAM)) {
                    throw raced;
                }
            }
        }
    }

    private ObjectStore objectStore(String bucket, Duration ttl) throws IOException, JetStreamApiException {
        var osm = nc.objectStoreManagement();
        if (!osm.getBucketNames().contains(bucket)) {
            ObjectStoreConfiguration.Builder b = ObjectStoreConfiguration.builder(bucket).storageType(StorageType.File);
            if (!ttl.isZero()) {
                b.ttl(ttl);
            }
            try {
                osm.create(b.build());
            } catch (JetStreamApiException raced) {
                if (!osm.getBucketNames().contains(bucket)) {
                    throw raced;
                }
            }
        }
        return nc.objectStore(bucket);
    }

    /** Model ids may contain dots, which separate NATS subject tokens and are not allowed in consumer names. */
    static String token(String modelId) {
        return Ids.requireSafe(modelId, "model").replace(".", "_");
    }

    private String ensureConsumer(String modelId) throws IOException, JetStreamApiException {
        String durable = "q3tts-" + token(modelId);
        if (consumersReady.contains(durable)) {
            return durable;
        }
        try {
            jsm.getConsumerInfo(STREAM, durable);
        } catch (JetStreamApiException missing) {
            try {
                jsm.addOrUpdateConsumer(STREAM, ConsumerConfiguration.builder().durable(durable)
                        .filterSubject(STEPS + token(modelId)).ackPolicy(AckPolicy.Explicit).ackWait(settings.ackWait())
                        .maxDeliver(settings.maxDeliver()).maxAckPending(-1).build());
            } catch (JetStreamApiException raced) {
                jsm.getConsumerInfo(STREAM, durable);
            }
        }
        consumersReady.add(durable);
        return durable;
    }

    // ---------------------------------------------------------------- accepting side

    /** One step waiting for its result. */
    private static final class Waiter {
        final StepObserver observer;
        final CompletableFuture<Void> signal = new CompletableFuture<>();
        volatile CompletableFuture<Void> nudge = new CompletableFuture<>();
        volatile String lastWorker;
        volatile Q3ttsException deadLetter;

        Waiter(StepObserver observer) {
            this.observer = observer;
        }

        void wake() {
            nudge.complete(null);
        }
    }

    @Override
    public StepResult run(Step step, StepObserver observer, CancellationToken cancellation) {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(observer, "observer");
        cancellation.throwIfCancelled();
        Waiter waiter = new Waiter(observer);
        waiters.put(step.key(), waiter);
        long sequence = -1;
        try (CancellationToken.Registration _ = cancellation.onCancel(waiter::wake)) {
            VoiceClip clip = switch (step.work()) {
                case StepWork.Synthesize s -> s.voice();
                case StepWork.EncodePrompt e -> e.reference();
            };
            if (clip != null) {
                retrying(cancellation, () -> {
                    ObjectInfo info = voices.getInfo(clip.id());
                    if (info == null || info.isDeleted()) {
                        try {
                            voices.put(clip.id(), clip.wav());
                        } catch (java.security.NoSuchAlgorithmException e) {
                            throw new IllegalStateException("every JDK has SHA-256", e);
                        }
                    }
                    return null;
                });
            }
            byte[] message = Wire.step(step);
            PublishAck ack = retrying(cancellation, () -> {
                ensureConsumer(step.modelId());
                return js.publish(STEPS + token(step.modelId()), message,
                        PublishOptions.builder().messageId(step.key()).build());
            });
            sequence = ack.getSeqno();
            keysBySequence.put(sequence, step.key());
            while (true) {
                if (cancellation.isCancelled()) {
                    withdraw(step.key(), sequence);
                    throw new CancelledException("The job was cancelled.");
                }
                StepResult stored = lookUp(step.key());
                if (stored != null) {
                    return stored;
                }
                if (waiter.deadLetter != null) {
                    throw waiter.deadLetter;
                }
                if (closed.get()) {
                    throw new CancelledException("The service is shutting down; the step was left in the queue.");
                }
                try {
                    waiter.nudge.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // Poll the store anyway: an event may have been lost during a reconnect.
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    withdraw(step.key(), sequence);
                    throw new CancelledException("Interrupted while waiting for the step.");
                }
                waiter.nudge = new CompletableFuture<>();
            }
        } finally {
            waiters.remove(step.key());
            if (sequence >= 0) {
                keysBySequence.remove(sequence);
            }
        }
    }

    /** The stored result, or the stored last error thrown, or null when neither exists yet (or NATS is away). */
    private StepResult lookUp(String key) {
        try {
            ObjectInfo done = results.getInfo(key);
            if (done != null && !done.isDeleted()) {
                return Wire.readResult(read(results, key));
            }
            ObjectInfo failed = results.getInfo(key + ".error");
            if (failed != null && !failed.isDeleted()) {
                throw Wire.readError(read(results, key + ".error"));
            }
            return null;
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            LOG.log(Level.DEBUG, "Result store unreachable for step " + key + ": " + e);
            return null;
        }
    }

    private static byte[] read(ObjectStore store, String name) throws IOException, JetStreamApiException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            store.get(name, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private void withdraw(String key, long sequence) {
        try {
            nc.publish(CANCEL + key, new byte[0]);
            jsm.deleteMessage(STREAM, sequence, false);
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            // Already delivered and acked, or NATS is away: the workers' cancel subscription or the result TTL cleans up.
            LOG.log(Level.DEBUG, "Could not withdraw step " + key + ": " + e);
        }
    }

    private void onEvent(Message msg) {
        String key = msg.getSubject().substring(EVENTS.length());
        Waiter waiter = waiters.get(key);
        if (waiter == null) {
            return;
        }
        JsonNode event = Wire.tree(msg.getData());
        String worker = event.path("worker").asText();
        switch (event.path("type").asText()) {
            case "started" -> {
                waiter.lastWorker = worker;
                waiter.observer.started(worker);
            }
            case "progress" -> waiter.observer.progress(event.path("frames").asInt(), event.path("max_frames").asInt());
            default -> waiter.wake();
        }
    }

    /** The server gave up on a step whose workers all died mid-step: end it unless a result or error is stored. */
    private void onMaxDeliveries(Message msg) {
        JsonNode advisory = Wire.tree(msg.getData());
        String key = keysBySequence.get(advisory.path("stream_seq").asLong());
        Waiter waiter = key == null ? null : waiters.get(key);
        if (waiter == null) {
            return;
        }
        waiter.deadLetter = new ModelException("The step was delivered " + advisory.path("deliveries").asInt()
                + " times and no worker finished it" + (waiter.lastWorker == null ? "" : " (last on worker '" + waiter.lastWorker + "')")
                + "; the workers stopped mid-step.");
        waiter.wake();
    }

    @FunctionalInterface
    private interface NatsCall<T> {
        T call() throws IOException, JetStreamApiException;
    }

    /** Retries a call while NATS is unreachable: the outage pauses the step rather than failing it. */
    private <T> T retrying(CancellationToken cancellation, NatsCall<T> call) {
        boolean warned = false;
        while (true) {
            cancellation.throwIfCancelled();
            if (closed.get()) {
                throw new CancelledException("The service is shutting down.");
            }
            try {
                return call.call();
            } catch (IOException | IllegalStateException e) {
                if (!warned) {
                    LOG.log(Level.WARNING, "NATS unreachable (" + e.getMessage() + "); waiting for it to come back");
                    warned = true;
                }
                sleep(RETRY);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == 10_023 || e.getErrorCode() == 503) {
                    sleep(RETRY);
                    continue;
                }
                throw new ModelException("The work queue refused the step: " + e.getMessage() + ".", e);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted.");
        }
    }

    // ---------------------------------------------------------------- worker side

    @Override
    public Subscription serve(String workerId, Set<String> modelIds, int concurrency, StepExecutor executor) {
        Ids.requireSafe(workerId, "worker");
        if (modelIds.isEmpty()) {
            throw new IllegalArgumentException("a worker serves at least one model");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        Puller puller = new Puller(workerId, List.copyOf(modelIds), concurrency, executor);
        pullers.add(puller);
        puller.start();
        return puller::drain;
    }

    /** A worker's pull loops (one per model) sharing {@code concurrency} slots. */
    private final class Puller {
        private final String workerId;
        private final List<String> models;
        private final Semaphore slots;
        private final int concurrency;
        private final StepExecutor executor;
        private final Map<String, CancellationToken> running = new ConcurrentHashMap<>();
        private final Set<String> cancelled = Collections.newSetFromMap(Collections.synchronizedMap(
                new LinkedHashMap<>(16, 0.75f, false) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                        return size() > 10_000;
                    }
                }));
        private final List<Thread> loops = new ArrayList<>();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private Dispatcher cancels;

        Puller(String workerId, List<String> models, int concurrency, StepExecutor executor) {
            this.workerId = workerId;
            this.models = models;
            this.concurrency = concurrency;
            // Fair: the pull loops of all models take turns, so a busy model's loop cannot keep the slot
            // from the others by releasing and re-acquiring it.
            this.slots = new Semaphore(concurrency, true);
            this.executor = executor;
        }

        void start() {
            cancels = nc.createDispatcher(msg -> {
                String key = msg.getSubject().substring(CANCEL.length());
                cancelled.add(key);
                CancellationToken token = running.get(key);
                if (token != null) {
                    token.cancel();
                }
            });
            cancels.subscribe(CANCEL + "*");
            for (String model : models) {
                loops.add(Thread.ofPlatform().name("q3tts-pull-" + model).daemon().start(() -> pullLoop(model)));
            }
        }

        private void pullLoop(String model) {
            JetStreamSubscription sub = null;
            while (!stopping.get()) {
                try {
                    if (sub == null) {
                        String durable = ensureConsumer(model);
                        sub = js.subscribe(STEPS + token(model), PullSubscribeOptions.bind(STREAM, durable));
                    }
                    if (!slots.tryAcquire(500, TimeUnit.MILLISECONDS)) {
                        returnLateArrivals(sub);
                        continue;
                    }
                    List<Message> got;
                    try {
                        // A short wait: the slot is held while waiting, and other models' loops may need it.
                        got = stopping.get() ? List.of() : sub.fetch(1, FETCH_WAIT);
                    } catch (RuntimeException e) {
                        slots.release();
                        throw e;
                    }
                    if (got.isEmpty()) {
                        slots.release();
                        continue;
                    }
                    Message msg = got.getFirst();
                    Thread.ofVirtual().name("q3tts-step").start(() -> {
                        try {
                            handle(msg);
                        } finally {
                            slots.release();
                        }
                    });
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    if (stopping.get()) {
                        return;
                    }
                    LOG.log(Level.WARNING, "Pulling steps for " + model + " failed (" + e.getMessage() + "); retrying");
                    sub = null;
                    try {
                        Thread.sleep(RETRY);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        /**
         * A fetch gives up a few milliseconds after its pull request expires on the server, so a step
         * the server sent at the last moment can arrive after the fetch returned; the client keeps
         * it for the next fetch. While every slot is busy that next fetch may be a whole step away,
         * and the step would sit here without in-progress acks, be redelivered after
         * {@code ack_wait} (a delivery burnt toward {@code max_deliver}) and later run a second time.
         * It goes back to the queue at once instead, for a worker that is free.
         */
        private void returnLateArrivals(JetStreamSubscription sub) {
            try {
                for (Message late; (late = sub.nextMessage((Duration) null)) != null; ) {
                    late.nak();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Returning late steps failed: " + e.getMessage());
            }
        }

        private void handle(Message msg) {
            String key;
            try {
                key = Wire.keyOf(msg.getData());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Dropping an unreadable step message: " + e.getMessage());
                msg.term();
                return;
            }
            long delivery = msg.metaData().deliveredCount();
            if (cancelled.contains(key)) {
                msg.term();
                return;
            }
            try {
                ObjectInfo done = results.getInfo(key);
                if (done != null && !done.isDeleted()) {
                    // Stored by an earlier delivery that died before its ack: done once, acknowledge again.
                    msg.ack();
                    event(key, "done", 0, 0);
                    return;
                }
            } catch (IOException | JetStreamApiException e) {
                msg.nakWithDelay(RETRY);
                return;
            }
            String model = msg.getSubject().substring(STEPS.length());
            LOG.log(Level.INFO, "Step " + key + " (" + model + ") started, delivery " + delivery);
            CancellationToken token = CancellationToken.create();
            running.put(key, token);
            long every = Math.max(200, settings.ackWait().toMillis() / 3);
            ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> {
                try {
                    msg.inProgress();
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "In-progress ack failed: " + e.getMessage());
                }
            }, every, every, TimeUnit.MILLISECONDS);
            try {
                Wire.Incoming in = Wire.readStep(msg.getData(), this::clip);
                event(key, "started", 0, 0);
                long[] lastProgress = {0};
                StepResult result = executor.execute(in.step(), new StepObserver() {
                    @Override
                    public void progress(int frames, int maxFrames) {
                        long now = System.nanoTime();
                        if (now - lastProgress[0] > 200_000_000L) {
                            lastProgress[0] = now;
                            event(key, "progress", frames, maxFrames);
                        }
                    }
                }, token);
                store(key, Wire.result(result), token);
                msg.ack();
                event(key, "done", 0, 0);
            } catch (Q3ttsException e) {
                failed(msg, key + " (" + model + ")", key, delivery, e, token);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Step " + key + " failed unexpectedly", e);
                failed(msg, key + " (" + model + ")", key, delivery, new ModelException("The step failed on worker '" + workerId + "': "
                        + e.getClass().getSimpleName() + ".", e), token);
            } finally {
                heartbeat.cancel(false);
                running.remove(key);
            }
        }

        private void failed(Message msg, String label, String key, long delivery, Q3ttsException e, CancellationToken token) {
            if (cancelled.contains(key)) {
                msg.term();
                return;
            }
            if (stopping.get() && e instanceof CancelledException) {
                // Drained: back to the queue at once for another worker; this delivery does not count as a failure.
                msg.nak();
                return;
            }
            if (delivery >= settings.maxDeliver()) {
                LOG.log(Level.WARNING, "Step " + label + " failed on its last delivery (" + delivery + "): " + e.getMessage());
                try {
                    store(key + ".error", Wire.error(e, workerId, (int) delivery), token);
                } catch (RuntimeException storeFailed) {
                    LOG.log(Level.WARNING, "Could not store the error of step " + key + ": " + storeFailed.getMessage());
                }
                msg.term();
                event(key, "failed", 0, 0);
            } else {
                LOG.log(Level.INFO, "Step " + label + " failed on delivery " + delivery + ", retrying: " + e.getMessage());
                msg.nakWithDelay(Duration.ofMillis(250));
            }
        }

        private byte[] clip(String id) {
            try {
                return read(voices, id);
            } catch (IOException | JetStreamApiException e) {
                throw new UnavailableException("The voice clip '" + id + "' could not be fetched from the queue.", e);
            }
        }

        /** Stores a result, retrying while NATS is away: the computed audio is not thrown away by an outage. */
        private void store(String name, byte[] data, CancellationToken token) {
            boolean warned = false;
            while (true) {
                try {
                    results.put(name, data);
                    return;
                } catch (IOException | JetStreamApiException | IllegalStateException e) {
                    if (stopping.get() && token.isCancelled()) {
                        throw new CancelledException("The worker is stopping; the result was not stored.");
                    }
                    if (!warned) {
                        LOG.log(Level.WARNING, "Cannot store the result of " + name + " (" + e.getMessage() + "); retrying");
                        warned = true;
                    }
                    sleep(RETRY);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException("every JDK has SHA-256", e);
                }
            }
        }

        private void event(String key, String type, int frames, int maxFrames) {
            try {
                nc.publish(EVENTS + key, Wire.event(type, workerId, frames, maxFrames));
            } catch (IllegalStateException e) {
                // Best effort; the result store is the truth.
            }
        }

        void drain(Duration grace) {
            stopping.set(true);
            for (Thread t : loops) {
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            long deadline = System.nanoTime() + grace.toNanos();
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(100));
            }
            running.values().forEach(CancellationToken::cancel);
            try {
                slots.tryAcquire(concurrency, 10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                nc.closeDispatcher(cancels);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Closing the cancel subscription failed: " + e.getMessage());
            }
            pullers.remove(this);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        waiters.values().forEach(Waiter::wake);
        for (Puller p : List.copyOf(pullers)) {
            p.drain(Duration.ZERO);
        }
        heartbeats.shutdownNow();
        closeQuietly(nc);
    }

    private static void closeQuietly(Connection nc) {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Closing the NATS connection failed: " + e.getMessage());
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
