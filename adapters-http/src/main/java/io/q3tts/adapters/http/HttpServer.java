package io.q3tts.adapters.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.EndpointNotFound;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.SocketSpec;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP server: REST ({@code /api/v1}), OpenAI-compatible ({@code /v1}), the audio WebSocket
 * ({@code /api/v1/stream}), job events (SSE), the OpenAPI document and the plugins' routes and
 * sockets ({@code /plugins/<id>}), all over the core's driving ports.
 *
 * <p>Before any route or socket runs, {@code AccessGuard} checks the {@code Host}, refuses cross-site
 * state changes and, when keys are configured, the API key (docs/security.md).
 *
 * <p>The composition root builds it with {@code new HttpServer(core::useCase, plugins, config)},
 * calls {@link #start()} and, on shutdown, {@link #stop()}. Request handlers run on virtual threads.
 *
 * <p>Thread-safe.
 */
public final class HttpServer implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpServer.class);

    /** The path of the audio WebSocket. */
    public static final String STREAM_PATH = "/api/v1/stream";

    private final HttpServerConfig config;
    private final List<Route> routes;
    private final int apiRouteCount;
    private final List<Route.Socket> sockets;
    private final JavalinBridge bridge;
    private AccessGuard guard;
    private Javalin app;

    /**
     * @param useCases the core's driving ports (the app passes {@code core::useCase})
     * @param plugins the started plugins' routes and sockets, mounted under {@code /plugins/<id>}
     * @param config where to listen and the size limits
     */
    public HttpServer(UseCaseLookup useCases, List<PluginRoutes> plugins, HttpServerConfig config) {
        this(useCases, plugins, List.of(), config);
    }

    /**
     * @param useCases the core's driving ports (the app passes {@code core::useCase})
     * @param plugins the started plugins' routes and sockets, mounted under {@code /plugins/<id>}
     * @param rootRoutes routes mounted at their own absolute path, such as the web UI's pages
     *     ({@code /}, {@code /outputs}, ...); they are not API and stay out of the OpenAPI document.
     *     A path that an API route already uses is refused.
     * @param config where to listen and the size limits
     * @throws IllegalArgumentException if a root route collides with another route
     */
    public HttpServer(UseCaseLookup useCases, List<PluginRoutes> plugins, List<RouteSpec> rootRoutes,
                      HttpServerConfig config) {
        Objects.requireNonNull(useCases, "useCases");
        this.config = Objects.requireNonNull(config, "config");
        this.bridge = new JavalinBridge(config);
        Synthesis synthesis = new Synthesis(useCases);
        long maxUpload = config.maxUploadBytes();
        SynthesisRoutes tts = new SynthesisRoutes(useCases, synthesis, maxUpload);
        List<Route> all = new ArrayList<>();
        all.addAll(tts.routes());
        JobRoutes jobRoutes = new JobRoutes(useCases, maxUpload);
        all.addAll(jobRoutes.routes());
        all.addAll(new LibraryRoutes(useCases, maxUpload, config.access().keysRequired()).routes());
        all.addAll(new OpenAiRoutes(useCases, synthesis, tts, maxUpload).routes());
        all.add(Route.core(io.q3tts.ports.web.HttpMethod.POST, AccessGuard.SESSION_PATH,
                "Sign a browser in: a valid API key (Authorization: Bearer) gets a session cookie",
                r -> guard.keysRequired() ? WebResponse.noContent().withHeader("Set-Cookie", guard.newSession(false))
                        : WebResponse.noContent()));
        all.add(Route.core(io.q3tts.ports.web.HttpMethod.DELETE, AccessGuard.SESSION_PATH, "Sign a browser out",
                r -> WebResponse.noContent().withHeader("Set-Cookie", guard.endSession(cookies(r)))));
        List<Route> pluginRoutes = new ArrayList<>();
        List<Route.Socket> socketList = new ArrayList<>();
        socketList.add(new Route.Socket(STREAM_PATH, new StreamSocket(synthesis, maxUpload),
                "Stream synthesized audio as binary frames"));
        socketList.add(jobRoutes.socket());
        for (PluginRoutes p : Objects.requireNonNull(plugins, "plugins")) {
            for (RouteSpec spec : p.routes()) {
                String path = spec.path().equals("/") ? p.mount() : p.mount() + spec.path();
                pluginRoutes.add(Route.core(spec.method(), path, spec.summary(), spec.handler()));
            }
            for (SocketSpec spec : p.sockets()) {
                String path = spec.path().equals("/") ? p.mount() : p.mount() + spec.path();
                socketList.add(new Route.Socket(path, spec.handler(), spec.summary()));
            }
        }
        all.addAll(pluginRoutes);
        all.add(OpenApiRoute.route(pluginRoutes, socketList.subList(2, socketList.size())));
        this.apiRouteCount = all.size();
        java.util.Set<String> taken = new java.util.HashSet<>();
        all.forEach(r -> taken.add(r.key()));
        for (RouteSpec spec : Objects.requireNonNull(rootRoutes, "rootRoutes")) {
            Route r = Route.core(spec.method(), spec.path(), spec.summary(), spec.handler());
            if (!taken.add(r.key())) {
                throw new IllegalArgumentException("root route " + r.key() + " collides with another route");
            }
            all.add(r);
        }
        this.routes = List.copyOf(all);
        this.sockets = List.copyOf(socketList);
    }

    /**
     * Binds and starts serving.
     *
     * @return this
     * @throws IllegalStateException if already started
     */
    public synchronized HttpServer start() {
        if (app != null) {
            throw new IllegalStateException("already started");
        }
        long maxUpload = config.maxUploadBytes();
        AccessConfig access = config.access();
        requireSafeBind(config.host(), access);
        if (!access.keysRequired() && !AccessGuard.isLoopback(config.host())) {
            LOG.warn("Listening on {} without API keys (auth.allow_unauthenticated_remote: true): anyone who can reach "
                    + "this address can use and delete everything.", config.host());
        }
        guard = new AccessGuard(access, bridge.cors(), config.host(), config.port());
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            // Jetty's own limits sit above ours: when Jetty trips mid-body it drops the connection
            // while the client is still sending, and the client sees a reset instead of our 413.
            // The bridge checks the exact limits once the body is read and answers 413 with the field.
            cfg.jetty.multipartConfig.maxFileSize(2 * maxUpload, SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(2 * (maxUpload + config.maxBodyBytes()), SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(maxUpload, Integer.MAX_VALUE - 8), SizeUnit.BYTES);
            cfg.http.maxRequestSize = config.maxBodyBytes();
            // Jetty closes a socket whose text message exceeds 64 KiB (its default) with 1009; a voice-clone
            // request on the stream socket carries its reference clip base64 in one text frame, so text
            // messages get the JSON body's limit (the request code checks the exact upload limit).
            cfg.jetty.modifyWebSocketServletFactory(ws -> ws.setMaxTextMessageSize(config.maxBodyBytes()));
            // Audio does not compress, and a compressing stream would hold back streamed chunks.
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            // Jetty's refusals before routing (malformed paths, bad headers) answer JSON, not HTML.
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            Cors cors = bridge.cors();
            cfg.routes.before(ctx -> {
                AccessGuard.Request r = guardView(ctx, false);
                AccessGuard.Refusal refusal = guard.checkHost(r);
                if (refusal == null && cors.enabled() && cors.apply(ctx)) {
                    ctx.skipRemainingHandlers();
                    return;
                }
                if (refusal == null) {
                    refusal = guard.checkRest(r);
                }
                if (refusal != null) {
                    bridge.refuse(ctx, refusal, style(ctx));
                    ctx.skipRemainingHandlers();
                }
            });
            cfg.routes.wsBeforeUpgrade(ctx -> {
                AccessGuard.Request r = guardView(ctx, true);
                AccessGuard.Refusal refusal = guard.checkHost(r);
                if (refusal == null) {
                    refusal = guard.checkRest(r);
                }
                if (refusal != null) {
                    bridge.refuse(ctx, refusal, style(ctx));
                    ctx.skipRemainingHandlers();
                }
            });
            for (Route r : routes) {
                cfg.routes.addHttpHandler(new HandlerType(r.method().name()), r.path(), ctx -> bridge.serve(ctx, r));
            }
            for (Route.Socket s : sockets) {
                cfg.routes.ws(s.path(), ws -> bridge.socket(ws, s));
            }
            cfg.routes.exception(EndpointNotFound.class, (e, ctx) -> bridge.fail(ctx, notFound(ctx), style(ctx)));
            cfg.routes.exception(Exception.class, (e, ctx) -> bridge.fail(ctx, e, style(ctx)));
        });
        app.start();
        return this;
    }

    /**
     * Refuses a non-loopback bind without API keys unless the operator opted out explicitly ({@link #start()}
     * then logs a warning).
     * The composition root calls it before building anything, the server again when it starts.
     *
     * @param host the bind address
     * @param access the keys and the opt-out
     * @throws IllegalStateException naming the settings that allow the bind
     */
    public static void requireSafeBind(String host, AccessConfig access) {
        if (access.keysRequired() || AccessGuard.isLoopback(host)) {
            return;
        }
        if (!access.allowUnauthenticatedRemote()) {
            throw new IllegalStateException("Refusing to listen on " + host + " without API keys: anyone who can reach "
                    + "it could read and delete every output and voice. Set auth.api_keys (or Q3TTS_AUTH_API_KEYS), or "
                    + "set auth.allow_unauthenticated_remote: true if a proxy in front authenticates.");
        }
    }

    private static AccessGuard.Request guardView(Context ctx, boolean socket) {
        return new AccessGuard.Request(ctx.method().name(), ctx.path(), ctx::header, ctx::queryParam, ctx::cookie, socket);
    }

    /** The request's cookies by name, from its {@code Cookie} header. */
    private static java.util.function.Function<String, String> cookies(WebRequest r) {
        java.util.Map<String, String> jar = new java.util.HashMap<>();
        r.header("Cookie").ifPresent(h -> {
            for (String c : h.split(";")) {
                int eq = c.indexOf('=');
                if (eq > 0) {
                    jar.put(c.substring(0, eq).strip(), c.substring(eq + 1).strip());
                }
            }
        });
        return jar::get;
    }

    private static io.q3tts.ports.model.NotFoundException notFound(Context ctx) {
        return new io.q3tts.ports.model.NotFoundException("No route " + ctx.method() + " " + ctx.path()
                + "; see GET " + OpenApiRoute.PATH + ".");
    }

    private static ErrorMapping.Style style(Context ctx) {
        return ctx.path().startsWith("/v1/") ? ErrorMapping.Style.OPENAI : ErrorMapping.Style.CORE;
    }

    /**
     * @return the bound port (useful with port 0)
     * @throws IllegalStateException if not started
     */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("not started");
        }
        return app.port();
    }

    /** Stops serving; open streams and sockets are closed (their jobs are cancelled). Idempotent. */
    public synchronized void stop() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * @return every mounted API endpoint as {@code "METHOD /path"} ({@code "WS /path"} for sockets), for
     *     listings and the OpenAPI consistency test; the root routes (web pages) are not listed
     */
    public List<String> routeKeys() {
        List<String> keys = new ArrayList<>();
        routes.subList(0, apiRouteCount).forEach(r -> keys.add(r.key()));
        sockets.forEach(s -> keys.add(s.key()));
        return Collections.unmodifiableList(keys);
    }
}
