package io.q3tts.plugins.testkit;

import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.SocketSpec;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks every plugin must pass before the host can load it. Failures are {@link AssertionError}s,
 * so any test framework reports them.
 */
public final class PluginContract {

    private PluginContract() {
    }

    /**
     * Finds the plugin the way the host does (its {@code META-INF/services} entry) and checks it.
     *
     * @param type the plugin class
     * @param <T> its type
     * @return a fresh instance, not started
     * @throws AssertionError if the services file does not list exactly one {@code type}, or the
     *     plugin breaks the contract
     */
    public static <T extends TaskPlugin> T discover(Class<T> type) {
        List<TaskPlugin> found = ServiceLoader.load(TaskPlugin.class, type.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).filter(type::isInstance).toList();
        if (found.size() != 1) {
            throw new AssertionError("META-INF/services/" + TaskPlugin.class.getName() + " must list "
                    + type.getName() + " exactly once, found " + found.size());
        }
        T plugin = type.cast(found.getFirst());
        if (!TaskPlugin.ID.matcher(plugin.id()).matches()) {
            throw new AssertionError("plugin id '" + plugin.id() + "' does not match " + TaskPlugin.ID);
        }
        if (plugin.title() == null || plugin.title().isBlank()) {
            throw new AssertionError("plugin " + plugin.id() + " has no title");
        }
        return plugin;
    }

    /**
     * Checks what a started plugin mounts: no two routes or sockets share a method and path.
     *
     * @param plugin a started plugin
     * @throws AssertionError on a duplicate
     */
    public static void checkMounts(TaskPlugin plugin) {
        Set<String> seen = new HashSet<>();
        for (RouteSpec r : plugin.routes()) {
            if (!seen.add(r.method() + " " + r.path())) {
                throw new AssertionError("duplicate route " + r.method() + " " + r.path());
            }
        }
        List<String> sockets = plugin.sockets().stream().map(SocketSpec::path).toList();
        if (Set.copyOf(sockets).size() != sockets.size()) {
            throw new AssertionError("duplicate socket path in " + sockets.stream().collect(Collectors.joining(", ")));
        }
    }

    /**
     * @param plugin a started plugin
     * @param method the HTTP method name
     * @param path the route path
     * @return the route
     * @throws AssertionError if the plugin has no such route
     */
    public static RouteSpec route(TaskPlugin plugin, String method, String path) {
        return plugin.routes().stream().filter(r -> r.method().name().equals(method) && r.path().equals(path))
                .findFirst().orElseThrow(() -> new AssertionError("no route " + method + " " + path));
    }
}
