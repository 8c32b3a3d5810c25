package io.q3tts.adapters.http;

import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.SocketSpec;
import java.util.List;
import java.util.Objects;

/**
 * The routes and sockets of one started plugin, mounted at {@code /plugins/<pluginId><path>}.
 *
 * @param pluginId the plugin id, matching {@link TaskPlugin#ID}
 * @param routes its HTTP routes, never null
 * @param sockets its WebSockets, never null
 */
public record PluginRoutes(String pluginId, List<RouteSpec> routes, List<SocketSpec> sockets) {

    /** @throws IllegalArgumentException if the id is malformed */
    public PluginRoutes {
        if (pluginId == null || !TaskPlugin.ID.matcher(pluginId).matches()) {
            throw new IllegalArgumentException("bad plugin id: " + pluginId);
        }
        routes = List.copyOf(Objects.requireNonNull(routes, "routes"));
        sockets = List.copyOf(Objects.requireNonNull(sockets, "sockets"));
    }

    /**
     * @param plugin a started plugin
     * @return its routes and sockets (asked once each, as the plugin contract says)
     */
    public static PluginRoutes of(TaskPlugin plugin) {
        return new PluginRoutes(plugin.id(), plugin.routes(), plugin.sockets());
    }

    /** @return the mount point, {@code /plugins/<id>} */
    public String mount() {
        return "/plugins/" + pluginId;
    }
}
