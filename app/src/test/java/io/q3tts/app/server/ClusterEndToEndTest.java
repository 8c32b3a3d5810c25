package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.q3tts.app.cluster.ClusterConnection;
import io.q3tts.app.config.ConfigLoader;
import io.q3tts.app.config.Q3ttsConfig;
import io.q3tts.ports.model.UnavailableException;
import io.q3tts.ports.out.cluster.StepQueue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out end to end: a real {@code nats-server -js} on a random loopback port with a temporary
 * store, one accepting server (this JVM, {@code cluster.nats_url} set) and two {@code q3tts worker}
 * processes on the demo bundles. A 40-step narration and an NPC pack (designed, cloned, preset and
 * saved voices: voices reach the workers through the queue) run while one worker is killed with
 * SIGKILL in the middle of a step: both jobs finish, the killed step is redelivered to the other
 * worker, every step is one job and one output, and the audio is byte-identical to a single-process
 * run with the same seeds. Every step job and each pipeline's output name the workers that ran
 * them, and the workers' own disks hold the voices and their clone prompts. A step whose model is
 * broken on the workers fails its job after {@code max_deliver} deliveries with the worker's error,
 * and does not capture later requests that name no model. A second test stops {@code nats-server}
 * mid-narration and restarts it on the same port and store: the job waits, then finishes
 * byte-identical with every step run once. Skipped when {@code nats-server} is not installed
 * ({@code scripts/install-system-deps.sh}).
 */
class ClusterEndToEndTest {

    private static final int PARAGRAPHS = 40;
    private static final int MAX_DELIVER = 3;
    private static final String LINES_CSV = "character,line_id,text,emotion\r\n"
            + "Town Guard,GREET 01,\"Halt, stranger!\",angry\r\n"
            + "narrator,intro,The square was busy.,calm\r\n"
            + "hero,greet_01,Hello there.,\r\n"
            + "Town Guard,warn-02,Move along.,\r\n";
    private static final String CHARACTERS_CSV = "character,description,voice,language\n"
            + "Town Guard,\"A gruff old man, deep voice\",,english\n"
            + "narrator,,ryan,english\n";
    private static final List<String> PACK_FILES = List.of("town_guard/greet_01.wav", "narrator/intro.wav",
            "hero/greet_01.wav", "town_guard/warn-02.wav");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        for (Process p : processes.reversed()) {
            p.destroy();
            if (!p.waitFor(40, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void givenNoNatsServer_whenTheClusterConnects_thenAClearErrorNamesTheUrlAndTheFix() throws IOException {
        int port = freePort();
        Map<String, String> env = new HashMap<>(baseEnv(dir.resolve("serve")));
        env.put("Q3TTS_CLUSTER_NATS_URL", "nats://127.0.0.1:" + port);
        Q3ttsConfig config = new ConfigLoader(dir, env).load().config();
        UnavailableException e = assertThrows(UnavailableException.class, () -> ClusterConnection.connect(config.cluster()));
        assertTrue(e.getMessage().startsWith("Cannot reach the NATS server at nats://127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("nats-server -js"), e.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenTwoWorkers_whenOneIsKilledMidStep_thenBothPipelinesFinishOnceAndByteIdenticalAndAPoisonStepFails()
            throws Exception {
        Path natsServer = natsServer();
        assumeTrue(natsServer != null, "nats-server is not installed (scripts/install-system-deps.sh)");

        // The single-process reference, same requests and seeds.
        long t0 = System.nanoTime();
        Result reference;
        Q3ttsConfig singleConfig = new ConfigLoader(dir, baseEnv(dir.resolve("single"))).load().config();
        try (Q3ttsServer single = Q3ttsServer.start(ServerEndToEndTest.settings(singleConfig), DrivenPorts.onDisk(singleConfig.paths()))) {
            reference = runBoth(new E2e(single.port()));
        }
        System.out.printf("cluster test: single-process reference in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        int natsPort = freePort();
        start("nats", List.of(natsServer.toString(), "-js", "-a", "127.0.0.1", "-p", String.valueOf(natsPort),
                "-sd", dir.resolve("nats").toString()), Map.of(), null);
        awaitPort(natsPort);
        String url = "nats://127.0.0.1:" + natsPort;
        Path models = clusterModels();

        BlockingQueue<String> started = new LinkedBlockingQueue<>();
        List<String> logs = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Process> workers = new LinkedHashMap<>();
        workers.put("w1", startWorker("w1", url, models, logs, started));
        workers.put("w2", startWorker("w2", url, models, logs, started));

        Map<String, String> env = new HashMap<>(clusterEnv(dir.resolve("serve"), url, models));
        Q3ttsConfig config = new ConfigLoader(dir, env).load().config();
        StepQueue queue = ClusterConnection.connect(config.cluster());
        ServerSettings settings = ClusterConnection.dispatchingServer(ServerEndToEndTest.settings(config), config.cluster());
        Q3ttsServer serve = Q3ttsServer.start(settings, DrivenPorts.onDisk(config.paths()), queue);
        closeables.add(serve);
        E2e c = new E2e(serve.port());

        Submitted jobs = submitBoth(c);
        awaitStepsDone(c, jobs.narration, 5);
        // Kill -9 whichever worker takes the next step, right after it started it.
        started.clear();
        String killedLine = started.poll(300, TimeUnit.SECONDS);
        assertTrue(killedLine != null, "a worker took another step");
        String victim = killedLine.substring(0, killedLine.indexOf(':'));
        String survivor = victim.equals("w1") ? "w2" : "w1";
        workers.get(victim).destroyForcibly();
        workers.get(victim).waitFor(10, TimeUnit.SECONDS);
        int at = killedLine.indexOf("Step ") + 5;
        String killedKey = killedLine.substring(at, killedLine.indexOf(' ', at));

        // A step whose model cannot load on any worker: retried max_deliver times, then its job fails.
        Map<String, Object> poison = new LinkedHashMap<>();
        poison.put("task", "custom_voice");
        poison.put("model", "demo-poison");
        poison.put("input", "This model is broken on every worker.");
        poison.put("voice", "ryan");
        var admitted = c.postJson("/api/v1/jobs", poison);
        assertEquals(202, admitted.statusCode(), () -> E2e.text(admitted));
        Map<String, Object> failed = awaitEnd(c, (String) E2e.json(admitted).get("id"));

        Result cluster = collect(c, jobs);
        // A request naming no model, after the broken one was the last used: it goes to the catalog's first model
        // that serves the task, not to the broken one (the NPC pack's preset line once did, failing the pack).
        Map<String, Object> unnamed = new LinkedHashMap<>();
        unnamed.put("task", "custom_voice");
        unnamed.put("input", "Whichever model is first.");
        unnamed.put("voice", "ryan");
        unnamed.put("max_new_tokens", 8);
        var unnamedAdmitted = c.postJson("/api/v1/jobs", unnamed);
        assertEquals(202, unnamedAdmitted.statusCode(), () -> E2e.text(unnamedAdmitted));
        Map<String, Object> unnamedJob = awaitEnd(c, (String) E2e.json(unnamedAdmitted).get("id"));
        assertEquals("done", unnamedJob.get("state"), unnamedJob::toString);
        assertEquals("demo-custom-voice", unnamedJob.get("model"), unnamedJob::toString);
        System.out.printf("cluster test: everything in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals("failed", failed.get("state"), failed::toString);
        String error = String.valueOf(((Map<String, Object>) failed.get("error")).get("error"));
        synchronized (logs) {
            long poisonAttempts = logs.stream().filter(l -> l.contains("(demo-poison) started, delivery")).count();
            assertEquals(MAX_DELIVER, poisonAttempts, "the poison step was delivered max_deliver times: " + logs);
            String last = logs.stream().filter(l -> l.contains("(demo-poison) failed on its last delivery")).findFirst()
                    .orElseThrow(() -> new AssertionError("no last-delivery failure in " + logs));
            assertTrue(last.endsWith(error), "the job fails with the step's last error: " + error + " / " + last);
            assertTrue(logs.stream().anyMatch(l -> l.startsWith(survivor + ": ") && l.contains("Step " + killedKey)
                    && l.contains("started, delivery 2")),
                    "the step killed on " + victim + " (" + killedKey + ") was redelivered: " + logs);
        }

        assertArrayEquals(reference.narration, cluster.narration, "the narration is byte-identical to one process");
        for (String f : PACK_FILES) {
            assertArrayEquals(reference.pack.get(f), cluster.pack.get(f), f + " is byte-identical to one process");
        }
        assertEquals(PARAGRAPHS + 5, cluster.steps, "every step is one job");
        assertEquals(reference.outputs, cluster.outputs, "every step's output exists exactly once");

        // Which worker ran each step: on every step job, and per worker on each pipeline's output.
        assertTrue(reference.stepWorkers.stream().allMatch(java.util.Objects::isNull), "one process names no worker");
        assertEquals(null, reference.narrationWorkers);
        assertTrue(cluster.stepWorkers.stream().allMatch(w -> "w1".equals(w) || "w2".equals(w)),
                "every step job names the worker that ran it: " + cluster.stepWorkers);
        assertTrue(cluster.stepWorkers.contains(survivor), "the survivor ran steps: " + cluster.stepWorkers);
        assertEquals(PARAGRAPHS, stepsIn(cluster.narrationWorkers), "the narration's 40 steps by worker: " + cluster.narrationWorkers);
        assertEquals(5, stepsIn(cluster.packWorkers), "the pack's 5 steps by worker: " + cluster.packWorkers);
        assertTrue(cluster.narrationWorkers.contains(survivor + ": "), cluster.narrationWorkers);
        if (Files.isExecutable(Chromium.CHROMIUM) && Files.isExecutable(Chromium.CHROMEDRIVER)) {
            // The pages say it too: the outputs page and the narration page's result line.
            try (Chromium browser = Chromium.start(dir.resolve("browser"))) {
                String base = "http://127.0.0.1:" + serve.port();
                browser.open(base + "/outputs");
                browser.waitFor(() -> browser.text("#output-list").contains("workers "));
                String list = browser.text("#output-list");
                assertTrue(list.contains(" · workers " + cluster.narrationWorkers), list);
                assertTrue(list.contains(" · workers " + cluster.packWorkers), list);
                browser.open(base + "/tasks/narration?job=" + jobs.narration);
                browser.waitForResult("done");
                browser.waitFor(() -> browser.text(".result .meta").contains("workers "));
                assertTrue(browser.text(".result .meta").contains("workers " + cluster.narrationWorkers),
                        browser.text(".result .meta"));
            }
        }

        // Voices and their clone prompts on the workers' own disks, under the content id: the hero's saved voice and
        // the guard's designed one, each with one prompt (encoded once per worker, then reused).
        Map<String, Integer> prompts = new java.util.TreeMap<>();
        for (String w : List.of("w1", "w2")) {
            Path cache = dir.resolve(w).resolve("voices-worker-cache").resolve("voices");
            if (!Files.isDirectory(cache)) {
                continue;
            }
            try (Stream<Path> voices = Files.list(cache)) {
                for (Path v : voices.filter(Files::isDirectory).toList()) {
                    try (Stream<Path> p = Files.list(v.resolve("prompts"))) {
                        prompts.put(w + "/" + v.getFileName(), (int) p.filter(f -> f.toString().endsWith(".bin")).count());
                    }
                }
            }
        }
        assertTrue(prompts.entrySet().stream().filter(e -> e.getValue() == 1).map(e -> e.getKey().substring(3)).distinct()
                .count() >= 2, "two voices cached with their prompts: " + prompts);
        assertTrue(prompts.keySet().stream().allMatch(k -> k.substring(3).startsWith("ref-")), "content ids: " + prompts);
        // None twice: a worker killed between caching the clip and encoding may have none.
        assertTrue(prompts.values().stream().allMatch(n -> n <= 1), "at most one cached prompt per voice and worker: " + prompts);
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenNatsStopsMidJob_whenItRestartsOnTheSameStore_thenTheJobPausesAndFinishesWithEveryStepOnce() throws Exception {
        Path natsServer = natsServer();
        assumeTrue(natsServer != null, "nats-server is not installed (scripts/install-system-deps.sh)");
        int paragraphs = 12;

        byte[] reference;
        Q3ttsConfig singleConfig = new ConfigLoader(dir, baseEnv(dir.resolve("single"))).load().config();
        try (Q3ttsServer single = Q3ttsServer.start(ServerEndToEndTest.settings(singleConfig), DrivenPorts.onDisk(singleConfig.paths()))) {
            E2e s = new E2e(single.port());
            reference = s.get((String) s.output(awaitEnd(s, narrate(s, paragraphs))).get("audio_url")).body();
        }

        int natsPort = freePort();
        List<String> natsCommand = List.of(natsServer.toString(), "-js", "-a", "127.0.0.1", "-p", String.valueOf(natsPort),
                "-sd", dir.resolve("nats").toString());
        Process nats = start("nats", natsCommand, Map.of(), null);
        awaitPort(natsPort);
        String url = "nats://127.0.0.1:" + natsPort;
        Path models = clusterModels();
        BlockingQueue<String> started = new LinkedBlockingQueue<>();
        List<String> logs = java.util.Collections.synchronizedList(new ArrayList<>());
        startWorker("w1", url, models, logs, started);

        Q3ttsConfig config = new ConfigLoader(dir, clusterEnv(dir.resolve("serve"), url, models)).load().config();
        StepQueue queue = ClusterConnection.connect(config.cluster());
        Q3ttsServer serve = Q3ttsServer.start(ClusterConnection.dispatchingServer(ServerEndToEndTest.settings(config),
                config.cluster()), DrivenPorts.onDisk(config.paths()), queue);
        closeables.add(serve);
        E2e c = new E2e(serve.port());
        String job = narrate(c, paragraphs);
        awaitStepsDone(c, job, 3);

        // NATS goes away (its store stays on disk) for longer than ack_wait, while steps are out.
        nats.destroy();
        assertTrue(nats.waitFor(30, TimeUnit.SECONDS), "nats-server stopped");
        E2e.sleep(4000);
        Map<String, Object> paused = E2e.json(c.get("/api/v1/jobs/" + job));
        assertEquals("running", paused.get("state"), () -> "the job waits for NATS: " + paused);
        int doneWhileAway = ((Number) ((Map<String, Object>) paused.get("progress")).get("steps_done")).intValue();
        assertTrue(doneWhileAway < paragraphs, "the job was still going when NATS went away: " + paused);
        E2e.sleep(2000);
        Map<String, Object> still = E2e.json(c.get("/api/v1/jobs/" + job));
        assertEquals("running", still.get("state"), still::toString);
        assertEquals(doneWhileAway, ((Number) ((Map<String, Object>) still.get("progress")).get("steps_done")).intValue(),
                "no step ends while NATS is away (results come back through it)");

        start("nats-again", natsCommand, Map.of(), null);
        awaitPort(natsPort);
        Map<String, Object> done = awaitEnd(c, job);
        assertEquals("done", done.get("state"), done::toString);
        byte[] audio = c.get((String) c.output(done).get("audio_url")).body();
        assertArrayEquals(reference, audio, "the narration is byte-identical to one process despite the outage");

        List<Map<String, Object>> steps = c.jobs().stream().filter(j -> job.equals(j.get("parent_job_id"))).toList();
        assertEquals(paragraphs, steps.size(), "one job per step: " + steps);
        assertTrue(steps.stream().allMatch(j -> "done".equals(j.get("state")) && "w1".equals(j.get("worker"))), steps::toString);
        synchronized (logs) {
            List<String> keys = logs.stream().filter(l -> l.contains(") started, delivery"))
                    .map(l -> l.substring(l.indexOf("Step ") + 5, l.indexOf(" (", l.indexOf("Step ")))).toList();
            assertEquals(paragraphs, keys.size(), "every step ran exactly once on the worker: " + logs);
            assertEquals(paragraphs, new java.util.HashSet<>(keys).size(), "no step ran twice: " + keys);
        }
    }

    private static String narrate(E2e c, int paragraphs) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= paragraphs; i++) {
            text.append("Paragraph number ").append(i).append(" is here.\n\n");
        }
        Map<String, Object> narration = new LinkedHashMap<>();
        narration.put("text", text.toString());
        narration.put("voice", "ryan");
        narration.put("model", "demo-custom-voice");
        narration.put("max_new_tokens", 8);
        narration.put("seed", 11);
        return E2e.submitted(c.postJson("/plugins/narration/jobs", narration));
    }

    /** @return the steps a {@code workers} parameter counts ({@code "w1: 30 steps, w2: 1 step"}), each worker w1 or w2 */
    private static int stepsIn(String workers) {
        assertTrue(workers != null && workers.matches("w[12]: \\d+ steps?(, w[12]: \\d+ steps?)?"), "workers: " + workers);
        int n = 0;
        for (String part : workers.split(", ")) {
            n += Integer.parseInt(part.substring(4, part.indexOf(' ', 4)));
        }
        return n;
    }

    private record Submitted(String narration, String pack) {
    }

    /**
     * @param stepWorkers the {@code worker} of every finished step job (null where it ran in the server itself)
     * @param narrationWorkers the narration output's {@code workers} parameter
     * @param packWorkers the NPC pack output's
     */
    private record Result(byte[] narration, Map<String, byte[]> pack, int steps, List<String> outputs,
                          List<String> stepWorkers, String narrationWorkers, String packWorkers) {
    }

    private Result runBoth(E2e c) {
        return collect(c, submitBoth(c));
    }

    private static Submitted submitBoth(E2e c) {
        String hero = c.saveFixtureVoice("Hero voice");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= PARAGRAPHS; i++) {
            text.append("Paragraph number ").append(i).append(" is here.\n\n");
        }
        Map<String, Object> narration = new LinkedHashMap<>();
        narration.put("text", text.toString());
        narration.put("voice", "ryan");
        narration.put("model", "demo-custom-voice");
        narration.put("max_new_tokens", 8);
        narration.put("seed", 11);
        String n = E2e.submitted(c.postJson("/plugins/narration/jobs", narration));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("input", LINES_CSV);
        fields.put("characters", CHARACTERS_CSV + "hero,,saved:" + hero + ",english\n");
        fields.put("max_new_tokens", "8");
        fields.put("seed", "5");
        String p = E2e.submitted(c.postMultipart("/plugins/npc-pack/jobs", fields));
        return new Submitted(n, p);
    }

    @SuppressWarnings("unchecked")
    private static Result collect(E2e c, Submitted jobs) {
        Map<String, Object> narration = c.output(awaitEnd(c, jobs.narration));
        Map<String, Object> pack = c.output(awaitEnd(c, jobs.pack));
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : PACK_FILES) {
            files.put(f, c.file(pack, f));
        }
        List<Map<String, Object>> stepJobs = c.jobs().stream()
                .filter(j -> !"pipeline".equals(j.get("kind")) && "done".equals(j.get("state"))).toList();
        List<String> stepWorkers = stepJobs.stream().map(j -> (String) j.get("worker")).toList();
        List<Map<String, Object>> outputs = (List<Map<String, Object>>) E2e.json(c.get("/api/v1/outputs?limit=1000")).get("outputs");
        List<String> kinds = outputs.stream().map(o -> o.get("task") + "/" + o.get("pipeline")).sorted().toList();
        return new Result(c.get((String) narration.get("audio_url")).body(), files, stepJobs.size(), kinds, stepWorkers,
                (String) ((Map<String, Object>) narration.get("parameters")).get("workers"),
                (String) ((Map<String, Object>) pack.get("parameters")).get("workers"));
    }

    /**
     * Like {@link E2e#awaitEnd}, with room for a loaded machine (45 steps run twice here) and a slow
     * poll, so the waiting does not take CPU from the server it waits for.
     */
    private static Map<String, Object> awaitEnd(E2e c, String jobId) {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> job = E2e.json(c.get("/api/v1/jobs/" + jobId));
            if (List.of("done", "failed", "cancelled").contains(job.get("state"))) {
                return job;
            }
            E2e.sleep(250);
        }
        throw new AssertionError("job " + jobId + " did not end: " + E2e.text(c.get("/api/v1/jobs/" + jobId)));
    }

    @SuppressWarnings("unchecked")
    private static void awaitStepsDone(E2e c, String jobId, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> p = (Map<String, Object>) E2e.json(c.get("/api/v1/jobs/" + jobId)).get("progress");
            if (p.get("steps_done") instanceof Number n && n.intValue() >= atLeast) {
                return;
            }
            E2e.sleep(100);
        }
        throw new AssertionError("job " + jobId + " did not reach " + atLeast + " steps");
    }

    private Map<String, String> baseEnv(Path base) {
        Map<String, String> env = new HashMap<>();
        env.put("MODELS_DIR", ServerEndToEndTest.repo().resolve("models").toString());
        env.put("VOICES_DIR", base.resolve("voices").toString());
        env.put("OUTPUTS_DIR", base.resolve("outputs").toString());
        env.put("PLUGINS_DIR", base.resolve("plugins").toString());
        env.put("Q3TTS_ENGINE_DEVICE", "cpu");
        env.put("Q3TTS_SCHEDULER_GPU_SLOTS", "1");
        env.put("Q3TTS_SCHEDULER_QUEUE_CAPACITY", "1");
        env.put("Q3TTS_GENERATION_RUNAWAY_GUARD", "false");
        env.put("Q3TTS_LIMITS_UPLOAD_LIMIT_MB", "1");
        // The NPC pack alternates three models; keeping them loaded saves a reload per switch.
        env.put("Q3TTS_RESIDENCY_MAX_RESIDENT", "4");
        return env;
    }

    private Map<String, String> clusterEnv(Path base, String url, Path models) {
        Map<String, String> env = baseEnv(base);
        env.put("MODELS_DIR", models.toString());
        env.put("Q3TTS_CLUSTER_NATS_URL", url);
        env.put("Q3TTS_CLUSTER_ACK_WAIT_SECONDS", "3");
        env.put("Q3TTS_CLUSTER_MAX_DELIVER", String.valueOf(MAX_DELIVER));
        env.put("Q3TTS_LOG_LEVEL", "info");
        return env;
    }

    /** The demo bundles plus {@code demo-poison}: the custom-voice bundle with a talker graph that cannot load. */
    private Path clusterModels() throws IOException {
        Path models = dir.resolve("models");
        Path repoModels = ServerEndToEndTest.repo().resolve("models");
        Files.createDirectories(models);
        try (Stream<Path> bundles = Files.list(repoModels)) {
            for (Path b : bundles.toList()) {
                Files.createSymbolicLink(models.resolve(b.getFileName()), b);
            }
        }
        Path poison = Files.createDirectories(models.resolve("demo-poison"));
        try (Stream<Path> files = Files.list(repoModels.resolve("demo-custom-voice"))) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().equals("talker.onnx")) {
                    Files.writeString(poison.resolve("talker.onnx"), "not an ONNX graph");
                } else {
                    Files.createSymbolicLink(poison.resolve(f.getFileName()), f);
                }
            }
        }
        return models;
    }

    private Process startWorker(String id, String url, Path models, List<String> logs, BlockingQueue<String> started)
            throws IOException, InterruptedException {
        Map<String, String> env = clusterEnv(dir.resolve(id), url, models);
        env.put("Q3TTS_CLUSTER_WORKER_ID", id);
        // The class path goes in the environment: a native library in this sandbox reads /proc/self/cmdline
        // into a fixed buffer and crashes the JVM on a command line as long as a full -cp.
        env.put("CLASSPATH", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        BlockingQueue<String> ready = new LinkedBlockingQueue<>();
        Process p = start(id, List.of(java, "-Xmx512m", "-Xss2m", "--enable-native-access=ALL-UNNAMED",
                "io.q3tts.app.Main", "worker"), env, line -> {
                    logs.add(id + ": " + line);
                    if (line.contains(") started, delivery")) {
                        started.add(id + ": " + line);
                    }
                    if (line.startsWith("q3tts worker " + id + ": serving")) {
                        ready.add(line);
                    }
                });
        String line = ready.poll(60, TimeUnit.SECONDS);
        assertTrue(line != null, () -> "worker " + id + " did not start: " + logs);
        assertTrue(line.contains("demo-poison") && line.contains("demo-custom-voice"), line);
        return p;
    }

    private Process start(String name, List<String> command, Map<String, String> env,
                          java.util.function.Consumer<String> lines) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ServerEndToEndTest.repo().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        // A test JVM stopped from outside must not leave a NATS server or workers behind.
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        // Each process's output is also kept in app/target/cluster-test/<name>.log for a failed run.
        Path log = Files.createDirectories(ServerEndToEndTest.repo().resolve("app/target/cluster-test")).resolve(name + ".log");
        Thread.ofVirtual().name("out-" + name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 var file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    file.write(line);
                    file.newLine();
                    file.flush();
                    if (lines != null) {
                        lines.accept(line);
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
        return p;
    }

    private static Path natsServer() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "nats-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                E2e.sleep(50);
            }
        }
        throw new UncheckedIOException(new IOException("nats-server did not listen on " + port));
    }
}
