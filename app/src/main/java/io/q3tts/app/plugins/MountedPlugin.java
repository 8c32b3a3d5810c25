package io.q3tts.app.plugins;

import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.plugin.PluginContext;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.SocketSpec;
import java.util.List;
import java.util.Optional;

/**
 * A started plugin as the host hands it to the web adapters: its routes, sockets and page were asked
 * for once, at start, and are answered from that snapshot (the contract asks each once; a plugin that
 * throws there is disabled at start rather than breaking the server later).
 */
final class MountedPlugin implements TaskPlugin {

    private final TaskPlugin plugin;
    private final ClassLoader loader;
    private final String source;
    private final List<RouteSpec> routes;
    private final List<SocketSpec> sockets;
    private final Optional<PageDescriptor> page;

    /**
     * @param plugin a started plugin
     * @param loader its class loader, current while it stops
     * @param source where it came from, as in {@link PluginStatus#source()}
     */
    MountedPlugin(TaskPlugin plugin, ClassLoader loader, String source) {
        this.plugin = plugin;
        this.loader = loader;
        this.source = source;
        this.routes = List.copyOf(plugin.routes());
        this.sockets = List.copyOf(plugin.sockets());
        this.page = plugin.page();
    }

    @Override
    public String id() {
        return plugin.id();
    }

    @Override
    public String title() {
        return plugin.title();
    }

    @Override
    public String description() {
        return plugin.description();
    }

    /** Refused: the host started the plugin already. */
    @Override
    public void start(PluginContext context) {
        throw new IllegalStateException("plugin " + id() + " is already started");
    }

    @Override
    public List<RouteSpec> routes() {
        return routes;
    }

    @Override
    public List<SocketSpec> sockets() {
        return sockets;
    }

    @Override
    public Optional<PageDescriptor> page() {
        return page;
    }

    @Override
    public void stop() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            plugin.stop();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** @return where the plugin came from */
    String source() {
        return source;
    }

    /** @return the plugin object itself (for tests and diagnostics) */
    TaskPlugin unwrap() {
        return plugin;
    }
}
