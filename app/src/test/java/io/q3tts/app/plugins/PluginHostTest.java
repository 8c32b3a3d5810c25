package io.q3tts.app.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads real plugin jars, compiled and packed here from source, next to broken ones: every broken
 * kind is skipped with a status, the good plugins run in their own class loader.
 */
class PluginHostTest {

    @TempDir
    static Path work;
    private static Path classes;

    private static final Map<Class<?>, Object> USE_CASES = Map.of(ListModelsUseCase.class, (ListModelsUseCase) List::of);

    @BeforeAll
    static void compilePlugins() throws IOException {
        Path src = Files.createDirectories(work.resolve("src"));
        classes = Files.createDirectories(work.resolve("classes"));
        List<Path> files = new ArrayList<>();
        files.add(plugin(src, "good", "greeter", ""));
        files.add(plugin(src, "twin", "greeter", ""));
        files.add(plugin(src, "shadow", "custom-voice", ""));
        files.add(plugin(src, "throwing", "thrower", "throw new IllegalStateException(\"no GPU for me\");"));
        files.add(plugin(src, "badid", "Bad_Id", ""));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "--release", "25", "-proc:none"));
        files.forEach(f -> args.add(f.toString()));
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "test plugins compile");
    }

    @Test
    void givenGoodAndBrokenJars_whenStarting_thenTheGoodPluginRunsInItsOwnLoaderAndEachBrokenOneIsSkipped() throws IOException {
        Path dir = Files.createDirectories(work.resolve("mixed"));
        jar(dir.resolve("a-good.jar"), "a-good", "good");
        jar(dir.resolve("b-twin.jar"), "b-twin", "twin");
        jar(dir.resolve("c-throwing.jar"), "c-throwing", "throwing");
        jar(dir.resolve("d-badid.jar"), "d-badid", "badid");
        jarWithServices(dir.resolve("e-missing.jar"), "e-missing", "nowhere.Missing");
        Files.write(dir.resolve("f-garbage.jar"), "this is not a zip".getBytes(StandardCharsets.US_ASCII));
        Files.createDirectories(dir.resolve("some-source-module"));

        try (PluginHost host = new PluginHost(List.of(dir), false, id -> Map.of("greeting", "Hi"), USE_CASES::get)) {
            List<TaskPlugin> plugins = host.start();

            assertEquals(List.of("greeter"), plugins.stream().map(TaskPlugin::id).toList());
            TaskPlugin greeter = ((MountedPlugin) plugins.getFirst()).unwrap();
            assertNotSame(PluginHostTest.class.getClassLoader(), greeter.getClass().getClassLoader());
            WebResponse hi = plugins.getFirst().routes().getFirst().handler().handle(WebRequest.of(HttpMethod.GET, "/plugins/greeter/hi"));
            assertEquals(Map.of("text", "Hi from greeter", "models", 0), ((WebResponse.Body.Json) hi.body()).value());

            Map<String, PluginStatus> bySource = new java.util.HashMap<>();
            host.statuses().forEach(s -> bySource.put(s.source(), s));
            assertEquals(PluginStatus.State.STARTED, bySource.get("a-good.jar").state());
            assertTrue(bySource.get("b-twin.jar").message().contains("taken"), bySource.toString());
            assertTrue(bySource.get("c-throwing.jar").message().contains("no GPU for me"), bySource.toString());
            assertTrue(bySource.get("d-badid.jar").message().contains("does not match"), bySource.toString());
            assertTrue(bySource.get("e-missing.jar").message().contains("no loadable TaskPlugin"), bySource.toString());
            assertTrue(bySource.get("f-garbage.jar").message().contains("could not load"), bySource.toString());
            assertTrue(host.statuses().stream().allMatch(s -> s.state() == PluginStatus.State.FAILED || s.id().equals("greeter")));
        }
        assertEquals("greeter", System.getProperty("q3tts.test.stopped.good"), "close() stops the plugin");
    }

    @Test
    void builtInsStartFromTheClassPathAndADroppedInJarCannotShadowThem() throws IOException {
        Path dir = Files.createDirectories(work.resolve("shadowing"));
        jar(dir.resolve("shadow.jar"), "shadow", "shadow");

        try (PluginHost host = new PluginHost(List.of(dir, work.resolve("does-not-exist")), true, id -> Map.of(),
                USE_CASES::get)) {
            List<String> ids = host.start().stream().map(TaskPlugin::id).toList();

            assertTrue(ids.containsAll(List.of("custom-voice", "voice-design", "voice-clone", "design-then-clone", "tokenizer")), ids.toString());
            assertEquals(1, ids.stream().filter("custom-voice"::equals).count());
            PluginStatus shadow = host.statuses().stream().filter(s -> s.source().equals("shadow.jar")).findFirst().orElseThrow();
            assertEquals(PluginStatus.State.FAILED, shadow.state());
            assertTrue(host.statuses().stream().filter(s -> s.id().equals("custom-voice") && s.state() == PluginStatus.State.STARTED)
                    .allMatch(s -> s.source().equals(PluginHost.BUILT_IN)));
        }
    }

    @Test
    void theContextHandsOutUseCasesOnlyNeverDrivenPorts() {
        HostPluginContext context = new HostPluginContext("p", Map.of(), USE_CASES::get);
        assertInstanceOf(ListModelsUseCase.class, context.useCase(ListModelsUseCase.class));
        assertThrows(UnsupportedException.class, () -> context.useCase(ModelCatalog.class));
    }

    private static Path plugin(Path src, String pkg, String id, String startBody) throws IOException {
        String code = """
                package %1$s;

                import io.q3tts.ports.in.models.ListModelsUseCase;
                import io.q3tts.ports.plugin.PluginContext;
                import io.q3tts.ports.plugin.TaskPlugin;
                import io.q3tts.ports.web.RouteSpec;
                import io.q3tts.ports.web.WebResponse;
                import java.util.List;
                import java.util.Map;

                public class ThePlugin implements TaskPlugin {
                    private PluginContext context;
                    public String id() { return "%2$s"; }
                    public String title() { return "Test plugin %1$s"; }
                    public void start(PluginContext c) { context = c; %3$s }
                    public List<RouteSpec> routes() {
                        return List.of(RouteSpec.get("/hi", r -> WebResponse.json(Map.of(
                                "text", context.config().get("greeting") + " from " + context.pluginId(),
                                "models", context.useCase(ListModelsUseCase.class).listModels().size()))));
                    }
                    public void stop() { System.setProperty("q3tts.test.stopped.%1$s", id()); }
                }
                """.formatted(pkg, id, startBody);
        Path file = Files.createDirectories(src.resolve(pkg)).resolve("ThePlugin.java");
        Files.writeString(file, code);
        return file;
    }

    private static void jar(Path jar, String pluginId, String pkg) throws IOException {
        try (JarOutputStream out = open(jar, pluginId); Stream<Path> files = Files.list(classes.resolve(pkg))) {
            for (Path f : files.toList()) {
                out.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            services(out, pkg + ".ThePlugin");
        }
    }

    private static void jarWithServices(Path jar, String pluginId, String className) throws IOException {
        try (JarOutputStream out = open(jar, pluginId)) {
            services(out, className);
        }
    }

    private static JarOutputStream open(Path jar, String pluginId) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Plugin-Id", pluginId);
        manifest.getMainAttributes().putValue("Plugin-Version", "1.0.0");
        OutputStream file = Files.newOutputStream(jar);
        return new JarOutputStream(file, manifest);
    }

    private static void services(JarOutputStream out, String className) throws IOException {
        out.putNextEntry(new JarEntry(TaskPluginManager.SERVICES_FILE));
        out.write((className + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
