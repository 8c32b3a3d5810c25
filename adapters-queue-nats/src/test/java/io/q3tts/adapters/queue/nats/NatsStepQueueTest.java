package io.q3tts.adapters.queue.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.UnavailableException;
import io.q3tts.ports.out.cluster.Step;
import io.q3tts.ports.out.cluster.StepObserver;
import io.q3tts.ports.out.cluster.StepQueue;
import io.q3tts.ports.out.cluster.StepResult;
import io.q3tts.ports.out.cluster.StepWork;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.TaskType;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter against a real {@code nats-server -js} (skipped when it is not installed): per-model
 * routing, results with progress and the worker's id, retries up to {@code max_deliver} ending in
 * the worker's own error, cancellation of a queued step, in-progress acks that keep flowing while a
 * step keeps every virtual-thread carrier busy, and the error when no server listens. The
 * executors here are plain lambdas; the engine path is covered by the app's cluster end-to-end test.
 */
class NatsStepQueueTest {

    @TempDir
    static Path dir;

    private static Process server;
    private static String url;

    @BeforeAll
    static void startNats() throws Exception {
        Path bin = List.of(Path.of("/usr/sbin/nats-server"), Path.of("/usr/bin/nats-server"), Path.of("/usr/local/bin/nats-server"))
                .stream().filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(bin != null, "nats-server is not installed (scripts/install-system-deps.sh)");
        int port = freePort();
        server = new ProcessBuilder(bin.toString(), "-js", "-a", "127.0.0.1", "-p", String.valueOf(port), "-sd",
                dir.resolve("js").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("nats.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                assertTrue(System.nanoTime() < deadline, "nats-server did not start");
                Thread.sleep(50);
            }
        }
        url = "nats://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopNats() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static NatsStepQueue queue() {
        return NatsStepQueue.connect(new NatsStepQueue.Settings(url, null, Duration.ofSeconds(2), 3, Duration.ofHours(1)));
    }

    private static Step step(String model) {
        return new Step("step-" + UUID.randomUUID(), model, new StepWork.Synthesize(
                SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "Hi.").speaker("ryan").build(), null));
    }

    private static StepResult audio(String worker, float... samples) {
        return new StepResult.Synthesized(new SynthesisResult(samples, 24_000, 1, FinishReason.END_OF_SPEECH, Duration.ZERO), worker);
    }

    @Test
    void givenAStepThatKeepsEveryCarrierBusyLongerThanAckWait_whenItRuns_thenItIsNotRedeliveredToAnotherWorker() throws Exception {
        // Engine work runs in virtual threads, which do not yield while they compute: on a worker with as many busy
        // virtual threads as carriers (one or two cores), in-progress acks sent from a virtual thread would stop and
        // the step would be redelivered mid-run. The second worker is there to take such a redelivery.
        String model = "m-" + UUID.randomUUID().toString().substring(0, 8);
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
        AtomicInteger runs = new AtomicInteger();
        io.q3tts.ports.out.cluster.StepExecutor spinning = (st, observer, token) -> {
            runs.incrementAndGet();
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            List<Thread> others = new java.util.ArrayList<>();
            for (int i = 1; i < carriers; i++) {
                others.add(Thread.ofVirtual().start(() -> spin(until)));
            }
            spin(until);
            for (Thread t : others) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return audio("w", 0.5f);
        };
        try (NatsStepQueue accepting = queue(); NatsStepQueue a = queue(); NatsStepQueue b = queue()) {
            StepQueue.Subscription first = a.serve("w-a", Set.of(model), 1, spinning);
            StepQueue.Subscription second = b.serve("w-b", Set.of(model), 1, spinning);
            StepResult r = accepting.run(step(model), StepObserver.NONE, CancellationToken.none());
            assertInstanceOf(StepResult.Synthesized.class, r);
            Thread.sleep(3000);
            assertEquals(1, runs.get(), "the step ran once: its in-progress acks kept it from being redelivered");
            first.drain(Duration.ofSeconds(10));
            second.drain(Duration.ofSeconds(10));
        }
    }

    /** Computes until then without ever parking, as an engine's frame loop does: the carrier stays taken. */
    private static void spin(long untilNanos) {
        while (System.nanoTime() < untilNanos) {
            Thread.onSpinWait();
        }
    }

    @Test
    void givenAWorkerForOneModel_whenStepsForTwoModelsRun_thenItGetsOnlyItsModelsAndTheOtherCanBeCancelled() throws Exception {
        String model = "m-" + UUID.randomUUID().toString().substring(0, 8);
        String other = model + ".other";
        List<String> seen = new CopyOnWriteArrayList<>();
        try (NatsStepQueue accepting = queue(); NatsStepQueue working = queue()) {
            StepQueue.Subscription sub = working.serve("w-a", Set.of(model), 1, (s, observer, token) -> {
                seen.add(s.modelId());
                observer.progress(3, 8);
                return audio("w-a", 0.25f, -0.5f);
            });
            List<Integer> progress = new CopyOnWriteArrayList<>();
            List<String> started = new CopyOnWriteArrayList<>();
            StepResult r = accepting.run(step(model), new StepObserver() {
                @Override
                public void started(String worker) {
                    started.add(worker);
                }

                @Override
                public void progress(int frames, int maxFrames) {
                    progress.add(frames);
                }
            }, CancellationToken.none());
            StepResult.Synthesized s = assertInstanceOf(StepResult.Synthesized.class, r);
            assertEquals("w-a", s.worker());
            assertEquals(-0.5f, s.result().samples()[1]);

            CancellationToken cancel = CancellationToken.create();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> accepting.run(step(other), StepObserver.NONE, cancel));
            Thread.sleep(1500);
            assertTrue(!waiting.isDone(), "no worker serves the other model, so its step waits");
            cancel.cancel();
            Throwable thrown = assertThrows(java.util.concurrent.ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS)).getCause();
            assertInstanceOf(CancelledException.class, thrown);
            sub.drain(Duration.ofSeconds(5));
            assertEquals(List.of(model), seen, "the worker ran only its model's step");
        }
    }

    @Test
    void givenAStepThatAlwaysFails_whenRun_thenItIsTriedMaxDeliverTimesAndEndsWithTheWorkersError() {
        String model = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger attempts = new AtomicInteger();
        try (NatsStepQueue accepting = queue(); NatsStepQueue working = queue()) {
            StepQueue.Subscription sub = working.serve("w-b", Set.of(model), 2, (s, observer, token) -> {
                attempts.incrementAndGet();
                throw new InvalidArgumentException("ref_audio", "The reference is silent (attempt " + attempts.get() + ").");
            });
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> accepting.run(step(model), StepObserver.NONE, CancellationToken.none()));
            assertEquals(3, attempts.get(), "max_deliver deliveries");
            assertEquals("ref_audio", e.field());
            assertEquals("The reference is silent (attempt 3).", e.getMessage(), "the last delivery's error");
            sub.drain(Duration.ofSeconds(5));
        }
    }

    @Test
    void givenTheServerRestartsWhileAStepRuns_whenItIsBack_thenTheStepFinishesAndNothingIsLost() throws Exception {
        Path bin = List.of(Path.of("/usr/sbin/nats-server"), Path.of("/usr/bin/nats-server")).stream()
                .filter(Files::isExecutable).findFirst().orElseThrow();
        int port = freePort();
        Path store = dir.resolve("restart-js");
        List<String> command = List.of(bin.toString(), "-js", "-a", "127.0.0.1", "-p", String.valueOf(port), "-sd", store.toString());
        Process first = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("restart-1.log").toFile()).start();
        awaitPort(port);
        String restartUrl = "nats://127.0.0.1:" + port;
        CompletableFuture<Void> running = new CompletableFuture<>();
        CompletableFuture<Void> serverBack = new CompletableFuture<>();
        AtomicInteger runs = new AtomicInteger();
        Process second = null;
        NatsStepQueue.Settings settings = new NatsStepQueue.Settings(restartUrl, null, Duration.ofSeconds(2), 3, Duration.ofHours(1));
        try (NatsStepQueue accepting = NatsStepQueue.connect(settings); NatsStepQueue working = NatsStepQueue.connect(settings)) {
            StepQueue.Subscription sub = working.serve("w-r", Set.of("outage"), 1, (s, observer, token) -> {
                runs.incrementAndGet();
                running.complete(null);
                serverBack.join();
                return audio("w-r", 0.75f);
            });
            CompletableFuture<StepResult> result = CompletableFuture.supplyAsync(
                    () -> accepting.run(step("outage"), StepObserver.NONE, CancellationToken.none()));
            running.get(30, TimeUnit.SECONDS);
            first.destroy();
            first.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(1500);
            assertTrue(!result.isDone(), "the accepting side waits while NATS is away");
            second = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("restart-2.log").toFile()).start();
            awaitPort(port);
            serverBack.complete(null);
            StepResult.Synthesized done = assertInstanceOf(StepResult.Synthesized.class, result.get(60, TimeUnit.SECONDS));
            assertEquals(0.75f, done.result().samples()[0]);
            sub.drain(Duration.ofSeconds(5));
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                second.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                assertTrue(System.nanoTime() < deadline, "nats-server did not start on " + port);
                Thread.sleep(50);
            }
        }
    }

    @Test
    void givenNoServer_whenConnecting_thenTheErrorNamesTheUrlAndHowToStartOne() throws IOException {
        String nowhere = "nats://127.0.0.1:" + freePort();
        UnavailableException e = assertThrows(UnavailableException.class, () -> NatsStepQueue.connect(
                new NatsStepQueue.Settings(nowhere, null, Duration.ofSeconds(2), 3, Duration.ofHours(1))));
        assertTrue(e.getMessage().startsWith("Cannot reach the NATS server at " + nowhere), e.getMessage());
        assertTrue(e.getMessage().contains("nats-server -js"), e.getMessage());
    }
}
