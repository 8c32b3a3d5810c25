package io.q3tts.adapters.ui.jte;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.plugin.NavEntry;
import io.q3tts.ports.plugin.PageDescriptor;
import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebUiTest {

    /** A plugin page whose template was never generated: the page must fail inside the shell, not break the UI. */
    private static UiPlugin missingTemplates(String id, int order) {
        return new UiPlugin(id, "Title " + id, "Does " + id + ".",
                new PageDescriptor(id + "/page.jte", new NavEntry("Nav " + id, "/", "mic"), order, r -> Map.of()),
                WebUiTest.class.getClassLoader(), "io.q3tts.plugins.none.jte");
    }

    private static WebResponse get(WebUi ui, String path) {
        RouteSpec route = ui.routes().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
        return route.handler().handle(WebRequest.of(HttpMethod.GET, path));
    }

    private static WebResponse asset(WebUi ui, String file) {
        RouteSpec route = ui.routes().stream().filter(r -> r.path().equals("/ui/{file}")).findFirst().orElseThrow();
        return route.handler().handle(new WebRequest(HttpMethod.GET, "/ui/" + file, Map.of("file", file), null, null, null,
                null, null, null));
    }

    private static String body(WebResponse r) {
        return new String(((WebResponse.Body.Bytes) r.body()).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void servesTheCorePagesThePluginPagesAndTheAssets() {
        WebUi ui = new WebUi(List.of(missingTemplates("second", 120), missingTemplates("first", 100)));
        assertEquals(List.of("/", "/outputs", "/voices", "/models", "/connect", "/tasks/first", "/tasks/second", "/ui/{file}"),
                ui.routes().stream().map(RouteSpec::path).toList());
        assertEquals(List.of("Home", "Nav first", "Nav second", "Outputs", "Voices", "Models", "Use from other apps"),
                ui.navigation().stream().map(NavLink::label).toList(), "core first, plugins by order, then the libraries");
    }

    @Test
    void rendersTheShellWithTheNavigationAndThePage() {
        WebUi ui = new WebUi(List.of(missingTemplates("first", 100)));
        WebResponse home = get(ui, "/");
        assertEquals(200, home.status());
        String html = body(home);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertTrue(html.contains("href=\"/tasks/first\""), "plugin page in the navigation");
        assertTrue(html.contains("Does first."), "plugin description on the home page");
        assertTrue(html.contains("<link rel=\"stylesheet\" href=\"/ui/app.css\">"), "local stylesheet, no CDN");
        assertTrue(!html.contains("https://"), "nothing loaded from elsewhere");
        assertTrue(body(get(ui, "/outputs")).contains("id=\"output-list\""));
        assertTrue(body(get(ui, "/voices")).contains("id=\"voice-create\""));
        assertTrue(body(get(ui, "/models")).contains("id=\"model-list\""));
        assertTrue(body(get(ui, "/connect")).contains("id=\"connect-base\""), "the Use from other apps page");
        assertTrue(html.contains("class=\"skip-link\"") && html.contains("id=\"q3-nav-toggle\""), "skip link and the phone menu button");
    }

    @Test
    void localPagesCallTheirOwnServer() {
        String html = body(get(new WebUi(List.of()), "/models"));
        assertTrue(html.contains("<meta name=\"q3tts-api\" content=\"\">"), html);
        assertTrue(html.contains(">Local server</div>"), html);
        assertTrue(html.contains("id=\"q3-offline\""), "the unreachable-server banner is in the layout");
    }

    @Test
    void remotePagesNameTheirApiServer() {
        WebUi ui = new WebUi(List.of(missingTemplates("first", 100)), "http://gpu-box:8420/");
        for (String path : List.of("/", "/models", "/tasks/first")) {
            String html = body(get(ui, path));
            assertTrue(html.contains("<meta name=\"q3tts-api\" content=\"http://gpu-box:8420\">"), path + ": " + html);
            assertTrue(html.contains(">Remote: http://gpu-box:8420</div>"), path + ": " + html);
            assertTrue(html.contains("<link rel=\"stylesheet\" href=\"/ui/app.css\">"), "assets stay local");
        }
    }

    @Test
    void everyScriptUrlGoesThroughTheApiHelper() {
        // Remote mode only works if no script builds a same-origin API, audio or socket URL of its own.
        for (String file : List.of("q3.js", "pages.js")) {
            String js = body(asset(new WebUi(List.of()), file));
            assertTrue(!js.contains("location.host"), file + " builds a URL from location.host");
            assertTrue(!js.contains("fetch('/"), file + " fetches a same-origin path");
            assertTrue(!js.contains("new EventSource('/"), file + " opens a same-origin event stream");
            assertTrue(!js.contains("src: o.audio_url") && !js.contains("src: v.clip_url"), file + " uses an API path as a URL");
        }
    }

    @Test
    void aBrokenPluginPageFailsInsideTheShell() {
        WebResponse page = get(new WebUi(List.of(missingTemplates("first", 100))), "/tasks/first");
        assertEquals(500, page.status());
        String html = body(page);
        assertTrue(html.contains("This page could not be shown"), html);
        assertTrue(html.contains("class=\"active\""), "the navigation still works");
    }

    @Test
    void escapesWhatItShows() {
        UiPlugin p = new UiPlugin("x", "X", "<script>alert(1)</script>",
                new PageDescriptor("x/page.jte", new NavEntry("<b>X</b>", "/", null), 100, r -> Map.of()),
                WebUiTest.class.getClassLoader(), "io.q3tts.plugins.none.jte");
        String html = body(get(new WebUi(List.of(p)), "/"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertTrue(html.contains("&lt;b&gt;X&lt;/b&gt;"), html);
    }

    @Test
    void servesOnlyItsOwnAssets() {
        WebUi ui = new WebUi(List.of());
        WebResponse css = asset(ui, "app.css");
        assertEquals("text/css; charset=utf-8", ((WebResponse.Body.Bytes) css.body()).contentType());
        assertTrue(body(css).contains(".sidebar"));
        assertEquals("text/javascript; charset=utf-8", ((WebResponse.Body.Bytes) asset(ui, "q3.js").body()).contentType());
        assertEquals(404, asset(ui, "WebUi.class").status());
    }
}
