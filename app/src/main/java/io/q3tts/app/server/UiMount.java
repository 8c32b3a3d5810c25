package io.q3tts.app.server;

import io.q3tts.adapters.ui.jte.UiPlugin;
import io.q3tts.adapters.ui.jte.WebUi;
import io.q3tts.app.plugins.PluginHost;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.RouteSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Wires the web UI: hands the started plugins' pages (with the class loader and package that hold
 * their precompiled templates) to the UI adapter, whose routes the HTTP server mounts at the root.
 */
final class UiMount {

    private UiMount() {
    }

    /**
     * @param host the plugin host, after {@link PluginHost#start()}
     * @param apiUrl the server the pages call ({@code http(s)://host[:port]}), or empty for this one
     * @return the UI's page and asset routes, for {@code HttpServer}'s root routes
     */
    static List<RouteSpec> routes(PluginHost host, String apiUrl) {
        List<UiPlugin> pages = new ArrayList<>();
        for (TaskPlugin plugin : host.plugins()) {
            plugin.page().ifPresent(page -> {
                Class<?> type = host.pluginClass(plugin.id());
                pages.add(new UiPlugin(plugin.id(), plugin.title(), plugin.description(), page, type.getClassLoader(),
                        UiPlugin.templatePackageOf(type)));
            });
        }
        return new WebUi(pages, apiUrl).routes();
    }
}
