package io.q3tts.app.plugins;

import io.q3tts.ports.plugin.TaskPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and starts the task plugins, and stops them on {@link #close()}.
 *
 * <p>Order: the built-in plugins (the application class path) first, then the jars of the plugins
 * folders by plugin id. A plugin is skipped, with one log line saying why, when its jar cannot be
 * read, its class cannot be loaded or created, its id is malformed or already taken (the first one
 * wins, so a built-in cannot be shadowed by a dropped-in jar), or {@code start}, {@code routes},
 * {@code sockets} or {@code page} throws. The other plugins run either way.
 *
 * <p>Not thread-safe: the composition root calls {@link #start()} once and {@link #close()} once.
 */
public final class PluginHost implements AutoCloseable {

    /** The {@link PluginStatus#source()} of plugins found on the application class path. */
    public static final String BUILT_IN = "built-in";

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final List<Path> pluginDirs;
    private final boolean builtIns;
    private final Function<String, Map<String, String>> configs;
    private final Function<Class<?>, Object> useCases;
    private final List<PluginStatus> statuses = new ArrayList<>();
    private final Map<String, MountedPlugin> started = new LinkedHashMap<>();
    private TaskPluginManager manager;

    /**
     * @param pluginDirs folders whose {@code *.jar} files are third-party plugins; missing folders are fine
     * @param builtIns whether to start the plugins on the application class path
     * @param configs the configuration section of a plugin id (empty map when there is none)
     * @param useCases looks up a core use case by driving-port interface; throws
     *     {@link io.q3tts.ports.model.UnsupportedException} for one the core does not offer
     */
    public PluginHost(List<Path> pluginDirs, boolean builtIns, Function<String, Map<String, String>> configs,
                      Function<Class<?>, Object> useCases) {
        this.pluginDirs = List.copyOf(pluginDirs);
        this.builtIns = builtIns;
        this.configs = Objects.requireNonNull(configs, "configs");
        this.useCases = Objects.requireNonNull(useCases, "useCases");
    }

    /**
     * Loads and starts every plugin it can. Never throws for a broken plugin.
     *
     * @return the started plugins, in start order; their routes, sockets and page are fixed from now on
     * @throws IllegalStateException if called twice
     */
    public List<TaskPlugin> start() {
        if (manager != null) {
            throw new IllegalStateException("plugins are already started");
        }
        List<Path> existing = pluginDirs.stream().filter(Files::isDirectory).toList();
        manager = new TaskPluginManager(existing);
        if (!existing.isEmpty()) {
            manager.loadPlugins();
            manager.startPlugins();
        }
        if (builtIns) {
            ClassLoader appLoader = PluginHost.class.getClassLoader();
            for (Class<? extends TaskPlugin> type : manager.getExtensionClasses(TaskPlugin.class, null)) {
                startOne(type, BUILT_IN, appLoader);
            }
        }
        reportUnloadableJars(existing);
        List<PluginWrapper> jars = new ArrayList<>(manager.getPlugins());
        jars.sort(Comparator.comparing(PluginWrapper::getPluginId));
        for (PluginWrapper jar : jars) {
            String source = String.valueOf(jar.getPluginPath().getFileName());
            if (jar.getPluginState() != PluginState.STARTED) {
                fail(jar.getPluginId(), source, "PF4J could not start it"
                        + (jar.getFailedException() == null ? "" : ": " + jar.getFailedException().getMessage()));
                continue;
            }
            List<Class<? extends TaskPlugin>> types = manager.getExtensionClasses(TaskPlugin.class, jar.getPluginId());
            if (types.isEmpty()) {
                fail(jar.getPluginId(), source, "the jar lists no loadable TaskPlugin in " + TaskPluginManager.SERVICES_FILE);
            }
            for (Class<? extends TaskPlugin> type : types) {
                startOne(type, source, jar.getPluginClassLoader());
            }
        }
        LOG.info("Plugins: {}", started.isEmpty() ? "none" : String.join(", ", started.keySet()));
        return List.copyOf(started.values());
    }

    /** @return what happened to every candidate, in the order they were tried */
    public List<PluginStatus> statuses() {
        return List.copyOf(statuses);
    }

    /** @return the started plugins, in start order */
    public List<TaskPlugin> plugins() {
        return List.copyOf(started.values());
    }

    /**
     * @param id a started plugin's id
     * @return the plugin's own class: its loader holds the plugin's resources and generated page
     *     templates, its package names where those templates are
     * @throws IllegalArgumentException if no started plugin has that id
     */
    public Class<? extends TaskPlugin> pluginClass(String id) {
        MountedPlugin p = started.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no started plugin '" + id + "'");
        }
        return p.unwrap().getClass();
    }

    /** Stops the started plugins in reverse order, then unloads the jars. Never throws. */
    @Override
    public void close() {
        List<MountedPlugin> reverse = new ArrayList<>(started.values());
        java.util.Collections.reverse(reverse);
        for (MountedPlugin p : reverse) {
            try {
                p.stop();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("Plugin '{}' failed to stop: {}", p.id(), e.toString());
            }
        }
        started.clear();
        if (manager != null) {
            try {
                // unloadPlugins stops each plugin first; PF4J 3.15's stopPlugins() removes from the list
                // it iterates and fails with ConcurrentModificationException once two jars are started.
                manager.unloadPlugins();
            } catch (RuntimeException e) {
                LOG.warn("Unloading plugin jars failed: {}", e.toString());
            }
        }
    }

    private void startOne(Class<? extends TaskPlugin> type, String source, ClassLoader loader) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Libraries inside a plugin (template engines, JSON mappers) look classes up through the context loader.
        thread.setContextClassLoader(loader);
        String id = type.getName();
        try {
            TaskPlugin plugin = type.getDeclaredConstructor().newInstance();
            id = plugin.id();
            if (id == null || !TaskPlugin.ID.matcher(id).matches()) {
                fail(type.getName(), source, "its id '" + id + "' does not match " + TaskPlugin.ID.pattern());
                return;
            }
            if (started.containsKey(id)) {
                fail(id, source, "the id is taken by the plugin from " + started.get(id).source());
                return;
            }
            plugin.start(new HostPluginContext(id, configs.apply(id), useCases));
            MountedPlugin mounted;
            try {
                mounted = new MountedPlugin(plugin, loader, source);
            } catch (RuntimeException | LinkageError e) {
                stopQuietly(plugin);
                throw e;
            }
            started.put(id, mounted);
            statuses.add(new PluginStatus(id, source, PluginStatus.State.STARTED, ""));
            LOG.info("Started plugin '{}' ({}) from {}", id, plugin.title(), source);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
                    ? ite.getCause() : e;
            LOG.error("Plugin '{}' from {} is disabled: {}", id, source, cause.toString(), cause);
            statuses.add(new PluginStatus(id, source, PluginStatus.State.FAILED, cause.toString()));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** PF4J logs a jar it cannot load (not a zip, no descriptor, a duplicate PF4J id) and forgets it; keep a status. */
    private void reportUnloadableJars(List<Path> dirs) {
        java.util.Set<Path> loaded = new java.util.HashSet<>();
        manager.getPlugins().forEach(p -> loaded.add(p.getPluginPath().toAbsolutePath().normalize()));
        for (Path dir : dirs) {
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                        .filter(f -> !loaded.contains(f.toAbsolutePath().normalize()))
                        .sorted()
                        .forEach(f -> fail(f.getFileName().toString(), f.getFileName().toString(),
                                "PF4J could not load the jar (not a jar, no Plugin-Id in its manifest, or a duplicate Plugin-Id)"));
            } catch (java.io.IOException e) {
                LOG.warn("Cannot list the plugins folder {}: {}", dir, e.toString());
            }
        }
    }

    private void fail(String id, String source, String message) {
        LOG.warn("Plugin '{}' from {} is skipped: {}", id, source, message);
        statuses.add(new PluginStatus(id, source, PluginStatus.State.FAILED, message));
    }

    private static void stopQuietly(TaskPlugin plugin) {
        try {
            plugin.stop();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Plugin '{}' failed to stop: {}", plugin.id(), e.toString());
        }
    }
}
