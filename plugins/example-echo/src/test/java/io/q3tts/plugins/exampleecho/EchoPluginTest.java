package io.q3tts.plugins.exampleecho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.q3tts.plugins.testkit.FakePluginContext;
import io.q3tts.plugins.testkit.PluginContract;
import io.q3tts.plugins.testkit.Requests;
import io.q3tts.plugins.testkit.Views;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.web.WebResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EchoPluginTest {

    @Test
    void echoesTheTextWithTheConfiguredPrefix() {
        EchoPlugin plugin = PluginContract.discover(EchoPlugin.class);
        plugin.start(new FakePluginContext("example-echo").config("prefix", "> "));
        WebResponse response = PluginContract.route(plugin, "POST", "/echo").handler()
                .handle(Requests.postJson("/plugins/example-echo/echo", Map.of("text", "hi")));
        assertEquals(Map.of("text", "> hi"), ((WebResponse.Body.Json) response.body()).value());
    }

    @Test
    void givenNoText_thenTheErrorNamesTheField() {
        EchoPlugin plugin = PluginContract.discover(EchoPlugin.class);
        plugin.start(new FakePluginContext("example-echo"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PluginContract
                .route(plugin, "POST", "/echo").handler().handle(Requests.postJson("/p", Map.of())));
        assertEquals("text", e.field());
    }

    @Test
    void helloCountsModelsWhenTheHostOffersTheUseCaseAndZeroOtherwise() {
        EchoPlugin with = PluginContract.discover(EchoPlugin.class);
        with.start(new FakePluginContext("example-echo").with(ListModelsUseCase.class,
                () -> List.of(Views.model("m", Set.of(ModelTask.TOKENIZER), List.of()))));
        EchoPlugin without = PluginContract.discover(EchoPlugin.class);
        without.start(new FakePluginContext("example-echo"));

        assertEquals(Map.of("message", "Hello, Ada!", "models", 1), body(with, "Ada"));
        assertEquals(Map.of("message", "Hello, Ada!", "models", 0), body(without, "Ada"));
    }

    private static Object body(EchoPlugin plugin, String name) {
        return ((WebResponse.Body.Json) PluginContract.route(plugin, "GET", "/hello").handler()
                .handle(Requests.get("/plugins/example-echo/hello", Map.of("name", name))).body()).value();
    }
}
