package io.q3tts.plugins.exampleecho;

import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.plugin.PluginContext;
import io.q3tts.ports.plugin.TaskPlugin;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Echo: {@code POST /plugins/example-echo/echo} answers with the {@code text} it was sent, and
 * {@code GET /plugins/example-echo/hello} greets and counts the installed models. Small on purpose:
 * copy it to start a plugin.
 */
public final class EchoPlugin implements TaskPlugin {

    private volatile PluginContext context;

    /** The host creates plugins through {@code ServiceLoader}, which needs a public no-argument constructor. */
    public EchoPlugin() {
    }

    @Override
    public String id() {
        return "example-echo";
    }

    @Override
    public String title() {
        return "Echo (example)";
    }

    @Override
    public String description() {
        return "An example plugin that echoes what it is sent.";
    }

    @Override
    public void start(PluginContext pluginContext) {
        this.context = Objects.requireNonNull(pluginContext, "pluginContext");
    }

    @Override
    public List<RouteSpec> routes() {
        return List.of(
                RouteSpec.post("/echo", this::echo).withSummary("Answers {\"text\": <the text sent>}"),
                RouteSpec.get("/hello", this::hello).withSummary("Greets ?name= and counts the installed models"));
    }

    private WebResponse echo(WebRequest request) {
        String text = request.requireString("text");
        String prefix = context.config().getOrDefault("prefix", "");
        return WebResponse.json(Map.of("text", prefix + text));
    }

    private WebResponse hello(WebRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", "Hello, " + request.queryParam("name").orElse("world") + "!");
        // findUseCase keeps the plugin working on a host that does not offer model listing.
        body.put("models", context.findUseCase(ListModelsUseCase.class).map(u -> u.listModels().size()).orElse(0));
        return WebResponse.json(body);
    }
}
