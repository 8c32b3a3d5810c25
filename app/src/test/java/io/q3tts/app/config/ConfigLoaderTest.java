package io.q3tts.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    /** The repository root (tests run in the app module folder). */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path base;

    private LoadedConfig load(Map<String, String> env) {
        return new ConfigLoader(base, env).load();
    }

    private void write(String name, String yaml) throws IOException {
        Files.createDirectories(base.resolve("configs"));
        Files.writeString(base.resolve("configs").resolve(name), yaml);
    }

    private static List<String> problems(Runnable r) {
        return assertThrows(ConfigException.class, r::run).problems();
    }

    @Test
    void theShippedDefaultFileEqualsTheBuiltInDefaults() throws IOException {
        Files.createDirectories(base.resolve("configs"));
        Files.copy(REPO.resolve("configs/default.yaml"), base.resolve("configs/default.yaml"));
        LoadedConfig fromFile = load(Map.of());
        LoadedConfig builtIn = new ConfigLoader(base.resolve("elsewhere"), Map.of()).load();
        assertEquals(ConfigLoader.keys().size(), fromFile.sources().size());
        assertTrue(fromFile.sources().values().stream().allMatch("configs/default.yaml"::equals),
                "every key is documented in default.yaml: " + fromFile.sources());
        Q3ttsConfig a = fromFile.config();
        Q3ttsConfig b = builtIn.config();
        assertEquals(a.server(), b.server());
        assertEquals(a.engine(), b.engine());
        assertEquals(a.scheduler(), b.scheduler());
        assertEquals(a.residency(), b.residency());
        assertEquals(a.limits(), b.limits());
        assertEquals(a.generation(), b.generation());
        assertEquals(a.log(), b.log());
        assertEquals(base.resolve("elsewhere/models"), b.paths().models());
    }

    @Test
    void defaultsAreLocalAndConservative() {
        Q3ttsConfig c = load(Map.of()).config();
        assertEquals("127.0.0.1", c.server().host());
        assertEquals(8420, c.server().port());
        assertEquals(base.resolve("models"), c.paths().models());
        assertEquals(base.resolve("plugins"), c.paths().plugins());
        assertEquals(Q3ttsConfig.Device.AUTO, c.engine().device());
        assertEquals(false, c.engine().deviceKv());
        assertEquals(new Q3ttsConfig.Scheduler(1, 16, 2), c.scheduler());
        assertEquals(new Q3ttsConfig.Pipelines(2, 16), c.pipelines());
        assertEquals(new Q3ttsConfig.Residency(1, 15), c.residency());
        assertEquals(java.time.Duration.ofMinutes(15), c.residency().idleUnloadAfter());
        assertEquals(10L * 1024 * 1024, c.limits().uploadLimitBytes());
        assertEquals(new Q3ttsConfig.Generation(true, 4), c.generation());
        assertEquals(Q3ttsConfig.Level.INFO, c.log().level());
    }

    @Test
    void deviceKvSelectsTheIoBindingTalker() {
        Q3ttsConfig c = load(Map.of("Q3TTS_ENGINE_DEVICE_KV", "true")).config();
        assertEquals(true, c.engine().deviceKv());
        assertEquals(io.q3tts.adapters.inference.onnx.engine.TalkerPath.IO_BINDING,
                io.q3tts.app.server.ServerSettings.from(c).synthesizer().talkerPath());
        assertEquals(io.q3tts.adapters.inference.onnx.engine.TalkerPath.JAVA_BINDING,
                io.q3tts.app.server.ServerSettings.from(load(Map.of()).config()).synthesizer().talkerPath());
    }

    @Test
    void staticKvSelectsTheFixedSizeTalker() {
        assertEquals(false, load(Map.of()).config().engine().staticKv());
        Q3ttsConfig c = load(Map.of("Q3TTS_ENGINE_STATIC_KV", "true")).config();
        assertEquals(true, c.engine().staticKv());
        assertEquals(io.q3tts.adapters.inference.onnx.engine.TalkerPath.STATIC_KV,
                io.q3tts.app.server.ServerSettings.from(c).synthesizer().talkerPath());
    }

    @Test
    void environmentFileThenVariablesOverride() throws IOException {
        write("default.yaml", "server:\n  port: 9001\n  host: 0.0.0.0\nscheduler:\n  gpu_slots: 2\n");
        write("prod.yaml", "server:\n  port: 9002\nengine:\n  device: cuda\n");
        Map<String, String> env = new HashMap<>();
        env.put("Q3TTS_ENV", "prod");
        LoadedConfig c = load(env);
        assertEquals(9002, c.config().server().port());
        assertEquals("configs/prod.yaml", c.sources().get("server.port"));
        assertEquals("0.0.0.0", c.config().server().host());
        assertEquals("configs/default.yaml", c.sources().get("server.host"));
        assertEquals(2, c.config().scheduler().gpuSlots());
        assertEquals(Q3ttsConfig.Device.CUDA, c.config().engine().device());
        assertEquals("built-in default", c.sources().get("log.level"));

        env.put("Q3TTS_SERVER_PORT", "9003");
        env.put("Q3TTS_SCHEDULER_GPU_SLOTS", " 3 ");
        env.put("Q3TTS_PIPELINES_MAX_RUNNING", "4");
        env.put("Q3TTS_LOG_LEVEL", "DEBUG");
        env.put("MODELS_DIR", "/data/models");
        env.put("OUTPUTS_DIR", "out/put");
        env.put("VOICES_DIR", "");
        c = load(env);
        assertEquals(9003, c.config().server().port());
        assertEquals("Q3TTS_SERVER_PORT", c.sources().get("server.port"));
        assertEquals(3, c.config().scheduler().gpuSlots());
        assertEquals(4, c.config().pipelines().maxRunning());
        assertEquals(Q3ttsConfig.Level.DEBUG, c.config().log().level());
        assertEquals(Path.of("/data/models"), c.config().paths().models());
        assertEquals("MODELS_DIR", c.sources().get("paths.models"));
        assertEquals(base.resolve("out/put"), c.config().paths().outputs());
        assertEquals(base.resolve("voices"), c.config().paths().voices(), "an empty variable counts as unset");
    }

    @Test
    void everyKeyHasAnEnvironmentVariable() {
        assertEquals("Q3TTS_SERVER_PORT", ConfigLoader.envVar("server.port"));
        assertEquals("Q3TTS_RESIDENCY_IDLE_UNLOAD_MINUTES", ConfigLoader.envVar("residency.idle_unload_minutes"));
        assertEquals("PLUGINS_DIR", ConfigLoader.envVar("paths.plugins"));
        for (String key : ConfigLoader.keys()) {
            assertFalse(ConfigLoader.envVar(key).isBlank(), key);
        }
    }

    @Test
    void aBadValueNamesTheKeyAndTheSource() {
        List<String> p = problems(() -> load(Map.of("Q3TTS_SERVER_PORT", "abc")));
        assertEquals(List.of("server.port (from Q3TTS_SERVER_PORT): must be a whole number 1-65535, got 'abc'"), p);
        p = problems(() -> load(Map.of("Q3TTS_SERVER_PORT", "70000")));
        assertEquals(List.of("server.port (from Q3TTS_SERVER_PORT): must be 1-65535, got '70000'"), p);
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("Q3TTS_ENGINE_DEVICE", "tpu")));
        assertEquals("Invalid configuration: engine.device (from Q3TTS_ENGINE_DEVICE): must be one of auto, cpu, cuda,"
                + " got 'tpu'", e.getMessage());
    }

    @Test
    void theRunawayGuardIsConfigurableAndReachesTheEngine() throws IOException {
        write("default.yaml", "generation:\n  runaway_guard_min_frames: 50\n  runaway_guard_frames_per_token: 4\n");
        Q3ttsConfig c = load(Map.of()).config();
        assertEquals(new Q3ttsConfig.Generation(true, 4, 50, 4), c.generation());
        assertEquals(new io.q3tts.adapters.inference.onnx.engine.RunawayGuard(50, 4.0),
                io.q3tts.app.server.ServerSettings.from(c).synthesizer().runawayGuard());
        Q3ttsConfig off = load(Map.of("Q3TTS_GENERATION_RUNAWAY_GUARD", "false")).config();
        assertEquals(null, io.q3tts.app.server.ServerSettings.from(off).synthesizer().runawayGuard(), "off for parity runs");
    }

    @Test
    void allProblemsAreReportedTogether() throws IOException {
        write("default.yaml", """
                server:
                  port: 0
                  prot: 80
                scheduler:
                  queue_capacity: [1, 2]
                generation:
                  runaway_guard: maybe
                colour: blue
                """);
        List<String> p = problems(() -> load(Map.of("Q3TTS_RESIDENCY_MAX_RESIDENT", "0")));
        assertTrue(p.contains("configs/default.yaml: unknown key 'server.prot' (known in server: host, port)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("configs/default.yaml: unknown section 'colour'")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("scheduler.queue_capacity (from configs/default.yaml): must be a single value")), p.toString());
        assertTrue(p.contains("server.port (from configs/default.yaml): must be 1-65535, got '0'"), p.toString());
        assertTrue(p.contains("generation.runaway_guard (from configs/default.yaml): must be true or false, got 'maybe'"), p.toString());
        assertTrue(p.contains("residency.max_resident (from Q3TTS_RESIDENCY_MAX_RESIDENT): must be 1-16, got '0'"), p.toString());
        assertEquals(6, p.size(), p.toString());
    }

    @Test
    void aMissingOrUnsafeEnvironmentFileIsAnError() throws IOException {
        write("default.yaml", "");
        assertEquals(List.of("Q3TTS_ENV: names 'staging' but configs/staging.yaml does not exist"),
                problems(() -> load(Map.of("Q3TTS_ENV", "staging"))));
        assertTrue(problems(() -> load(Map.of("Q3TTS_ENV", "../etc/passwd"))).getFirst().startsWith("Q3TTS_ENV: must be"));
    }

    @Test
    void invalidYamlIsReportedWithTheFile() throws IOException {
        write("default.yaml", "server: [unclosed\n");
        List<String> p = problems(() -> load(Map.of()));
        assertEquals(1, p.size());
        assertTrue(p.getFirst().startsWith("configs/default.yaml: not valid YAML"), p.toString());
    }

    @Test
    void theConfigFolderCanBeMovedAndUnknownVariablesAreWarned() throws IOException {
        Files.createDirectories(base.resolve("etc"));
        Files.writeString(base.resolve("etc/default.yaml"), "server:\n  port: 9100\n");
        LoadedConfig c = load(Map.of("Q3TTS_CONFIG_DIR", "etc", "Q3TTS_SERVER_PROT", "1", "Q3TTS_HOME", "/x"));
        assertEquals(9100, c.config().server().port());
        assertEquals("etc/default.yaml", c.sources().get("server.port"));
        assertEquals(List.of("Q3TTS_SERVER_PROT is not a configuration variable and is ignored (known: Q3TTS_SERVER_HOST,"
                + " Q3TTS_SERVER_PORT)"), c.warnings());
        assertEquals(List.of("Q3TTS_CONFIG_DIR: 'nowhere' is not a folder"), problems(() -> load(Map.of("Q3TTS_CONFIG_DIR", "nowhere"))));
    }

    @Test
    void theRemovedFp16KeySaysWhereThePrecisionComesFrom() throws IOException {
        write("default.yaml", "engine:\n  fp16: true\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of()));
        assertTrue(e.getMessage().contains("engine.fp16 was removed") && e.getMessage().contains("tools/export --fp16"),
                e.getMessage());
    }

    @Test
    void pipelineLimitsAreChecked() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("Q3TTS_PIPELINES_MAX_RUNNING", "0")));
        assertTrue(e.getMessage().contains("pipelines.max_running"), e.getMessage());
    }

    @Test
    void batchingKeysHaveSafeDefaultsAndAreChecked() {
        Q3ttsConfig c = load(Map.of()).config();
        assertEquals(8, c.scheduler().maxBatch());
        assertEquals(1L << 30, c.scheduler().kvBudgetBytes());
        Q3ttsConfig off = load(Map.of("Q3TTS_SCHEDULER_MAX_BATCH", "1", "Q3TTS_SCHEDULER_KV_BUDGET_MB", "512")).config();
        assertEquals(new Q3ttsConfig.Scheduler(1, 16, 2, 1, 512), off.scheduler());
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("Q3TTS_SCHEDULER_MAX_BATCH", "33")));
        assertTrue(e.getMessage().contains("scheduler.max_batch"), e.getMessage());
        ConfigException budget = assertThrows(ConfigException.class, () -> load(Map.of("Q3TTS_SCHEDULER_KV_BUDGET_MB", "0")));
        assertTrue(budget.getMessage().contains("scheduler.kv_budget_mb"), budget.getMessage());
    }
}
