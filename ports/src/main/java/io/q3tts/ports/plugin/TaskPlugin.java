package io.q3tts.ports.plugin;

import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.SocketSpec;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The extension point of a task plugin: one user-facing task (narrate a book, read a script,
 * make an NPC line pack, ...) built on the core's use cases, with its own HTTP routes, WebSockets
 * and UI page.
 *
 * <p><b>Discovery.</b> A plain interface, no PF4J types: a plugin lists its implementation in
 * {@code META-INF/services/io.q3tts.ports.plugin.TaskPlugin}; the app's PF4J adapter finds it with
 * the service-provider extension finder (and plain {@code ServiceLoader} finds it in plugin tests).
 * The implementation needs a public no-argument constructor. Plugins depend on the plugin API
 * ({@code io.q3tts.ports.plugin}, {@code io.q3tts.ports.web}) and the driving ports
 * ({@code io.q3tts.ports.in}, {@code io.q3tts.ports.model}) in {@code provided} scope only.
 *
 * <p><b>Life cycle.</b> The host creates one instance, calls {@link #start} once with its context,
 * then {@link #routes()}, {@link #sockets()} and {@link #page()} once each to mount them under
 * {@code /plugins/<id>}, and {@link #stop()} on shutdown. A plugin whose {@code start} throws is
 * logged and disabled; the others still start.
 *
 * <p>Implementations must be thread-safe after {@code start}: handlers run concurrently.
 */
public interface TaskPlugin {

    /** The pattern every {@link #id()} must match. */
    Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** @return the plugin id, matching {@link #ID}, unique among plugins; used in URLs and config keys */
    String id();

    /** @return a short human-readable title, e.g. "Audiobook narrator" */
    String title();

    /** @return one or two sentences for the plugin list; never null */
    default String description() {
        return "";
    }

    /**
     * Called once before anything else is asked of the plugin.
     *
     * @param context the host's services for this plugin, never null; keep it for the handlers
     */
    void start(PluginContext context);

    /** @return the HTTP routes to mount under {@code /plugins/<id>}; never null */
    default List<RouteSpec> routes() {
        return List.of();
    }

    /** @return the WebSocket endpoints to mount under {@code /plugins/<id>}; never null */
    default List<SocketSpec> sockets() {
        return List.of();
    }

    /** @return the UI page, if the plugin has one */
    default Optional<PageDescriptor> page() {
        return Optional.empty();
    }

    /** Called once on shutdown; release what {@link #start} acquired. Must not throw. */
    default void stop() {
    }
}
