package io.q3tts.adapters.ui.jte;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.TemplateException;
import gg.jte.output.StringOutput;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI as routes: the core pages ({@code /}, {@code /outputs}, {@code /voices},
 * {@code /models}, {@code /connect}: how other programs use the server), one page per plugin ({@code /tasks/<id>}) and the static assets
 * ({@code /ui/<file>}). The app passes {@link #routes()} to the HTTP adapter as root routes.
 *
 * <p>Every template is precompiled (the shell's into this jar, each plugin's into its own jar), so
 * nothing is compiled at run time. A plugin's classes live in its own class loader, and jte's
 * precompiled engine loads them through the thread context class loader current when the engine is
 * built; so there is one engine per plugin, built with that plugin's loader as the context loader.
 *
 * <p>The pages call the API from the browser, by default on the server that served them. In remote
 * mode ({@link #WebUi(List, String)} with an API URL) the shell names that server in a
 * {@code <meta name="q3tts-api">} tag, {@code q3.js} sends every request, audio URL and WebSocket
 * there, and the layout shows which server it is talking to.
 *
 * <p>Thread-safe after construction.
 */
public final class WebUi {

    private static final Logger LOG = LoggerFactory.getLogger(WebUi.class);

    /** The package {@code jte-maven-plugin} generates the shell's templates into (see the pom). */
    static final String SHELL_PACKAGE = "io.q3tts.adapters.ui.jte.templates";

    /** The assets this adapter serves, from {@code assets/} next to this class. */
    private static final Map<String, String> ASSETS = Map.of(
            "app.css", "text/css; charset=utf-8",
            "q3.js", "text/javascript; charset=utf-8",
            "pages.js", "text/javascript; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final TemplateEngine shell;
    private final List<PluginPage> plugins;
    private final List<NavLink> nav;
    private final Map<String, byte[]> assets;
    private final String apiUrl;

    private record PluginPage(UiPlugin plugin, TemplateEngine engine) {
    }

    /**
     * Pages that call the server that serves them.
     *
     * @param pluginPages the started plugins that have a page
     * @throws UncheckedIOException if an asset of this jar cannot be read
     */
    public WebUi(List<UiPlugin> pluginPages) {
        this(pluginPages, "");
    }

    /**
     * @param pluginPages the started plugins that have a page
     * @param apiUrl the q3tts server the pages call, {@code http(s)://host[:port]} (validated by the
     *     caller's configuration), or empty for the server that serves them
     * @throws UncheckedIOException if an asset of this jar cannot be read
     */
    public WebUi(List<UiPlugin> pluginPages, String apiUrl) {
        Objects.requireNonNull(pluginPages, "pluginPages");
        String url = Objects.requireNonNull(apiUrl, "apiUrl").strip();
        this.apiUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.shell = engine(WebUi.class.getClassLoader(), SHELL_PACKAGE);
        List<UiPlugin> sorted = new ArrayList<>(pluginPages);
        sorted.sort(Comparator.comparingInt((UiPlugin p) -> p.page().order()).thenComparing(p -> p.page().nav().label()));
        List<PluginPage> pages = new ArrayList<>();
        for (UiPlugin p : sorted) {
            pages.add(new PluginPage(p, engine(p.classLoader(), p.templatePackage())));
        }
        this.plugins = List.copyOf(pages);
        List<NavLink> links = new ArrayList<>();
        links.add(new NavLink("Home", "/", "home", "Tasks and server status.", true));
        for (PluginPage p : plugins) {
            links.add(new NavLink(p.plugin().page().nav().label(), p.plugin().pagePath(), p.plugin().page().nav().icon(),
                    p.plugin().description(), false));
        }
        links.add(new NavLink("Outputs", "/outputs", "list", "Every generated clip, with its settings.", true));
        links.add(new NavLink("Voices", "/voices", "user", "Saved voices for cloning.", true));
        links.add(new NavLink("Models", "/models", "cpu", "Installed bundles, what they serve, what is loaded.", true));
        links.add(new NavLink("Use from other apps", "/connect", "plug",
                "The OpenAI-compatible endpoint for Open WebUI, SillyTavern and any OpenAI SDK.", true));
        this.nav = List.copyOf(links);
        Map<String, byte[]> a = new LinkedHashMap<>();
        ASSETS.keySet().forEach(name -> a.put(name, readAsset(name)));
        this.assets = Map.copyOf(a);
    }

    /** @return the page and asset routes, each {@code GET}; paths are absolute (mount them at the root) */
    public List<RouteSpec> routes() {
        List<RouteSpec> routes = new ArrayList<>();
        routes.add(RouteSpec.get("/", r -> core("Home", "/", "home", () -> Map.of("tasks", taskLinks()))).withSummary("Web UI: home"));
        routes.add(RouteSpec.get("/outputs", r -> core("Outputs", "/outputs", "outputs", Map::of)).withSummary("Web UI: outputs"));
        routes.add(RouteSpec.get("/voices", r -> core("Voices", "/voices", "voices", Map::of)).withSummary("Web UI: voices"));
        routes.add(RouteSpec.get("/models", r -> core("Models", "/models", "models", Map::of)).withSummary("Web UI: models"));
        routes.add(RouteSpec.get("/connect", r -> core("Use from other apps", "/connect", "connect", Map::of))
                .withSummary("Web UI: use from other apps"));
        for (PluginPage p : plugins) {
            routes.add(RouteSpec.get(p.plugin().pagePath(), r -> plugin(p, r)).withSummary("Web UI: " + p.plugin().title()));
        }
        routes.add(RouteSpec.get("/ui/{file}", this::asset).withSummary("Web UI: styles and scripts"));
        return List.copyOf(routes);
    }

    /** @return the navigation, in display order */
    public List<NavLink> navigation() {
        return nav;
    }

    private List<NavLink> taskLinks() {
        return nav.stream().filter(l -> !l.core()).toList();
    }

    private WebResponse core(String title, String href, String kind, Supplier<Map<String, Object>> model) {
        return page(new Shell(title, nav, href, kind, apiUrl), shell, "shell/" + kind + ".jte", model);
    }

    private WebResponse plugin(PluginPage p, WebRequest request) {
        Shell s = new Shell(p.plugin().page().nav().label(), nav, p.plugin().pagePath(), "task", apiUrl);
        return page(s, p.engine(), p.plugin().page().templateName(), () -> p.plugin().page().model().apply(request));
    }

    private WebResponse page(Shell s, TemplateEngine engine, String template, Supplier<Map<String, Object>> model) {
        StringOutput html = new StringOutput();
        try {
            Map<String, Object> params = Map.copyOf(model.get());
            StringOutput fragment = new StringOutput();
            engine.render(template, params, fragment);
            render(s, fragment.toString(), null, html);
            return WebResponse.html(html.toString()).withHeader("Cache-Control", "no-store");
        } catch (RuntimeException e) {
            LOG.warn("Page {} failed to render", s.activeHref(), e);
            StringOutput failed = new StringOutput();
            render(s, "", "This page could not be shown: " + message(e), failed);
            return WebResponse.html(failed.toString()).withStatus(500).withHeader("Cache-Control", "no-store");
        }
    }

    private void render(Shell s, String fragmentHtml, String error, StringOutput out) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("shell", s);
        params.put("content", (gg.jte.Content) o -> o.writeContent(fragmentHtml));
        params.put("error", error);
        shell.render("shell/layout.jte", params, out);
    }

    private static String message(RuntimeException e) {
        // A template fault is a bug in the plugin; the use-case errors carry a user-facing sentence.
        return e instanceof TemplateException || e.getMessage() == null ? "the page template failed (see the server log)."
                : e.getMessage();
    }

    private WebResponse asset(WebRequest request) {
        String name = request.pathParam("file");
        byte[] bytes = assets.get(name);
        if (bytes == null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "No UI asset " + name + ".");
            body.put("errorType", "NOT_FOUND");
            body.put("field", null);
            return WebResponse.json(404, body);
        }
        return WebResponse.bytes(ASSETS.get(name), bytes).withHeader("Cache-Control", "no-cache");
    }

    private static byte[] readAsset(String name) {
        try (InputStream in = WebUi.class.getResourceAsStream("assets/" + name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("UI asset missing from the jar: " + name));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TemplateEngine engine(ClassLoader loader, String packageName) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return TemplateEngine.createPrecompiled(null, ContentType.Html, null, packageName);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
