/**
 * Web UI adapter: the shell layout (navigation, styles, scripts), the core pages (home, outputs,
 * voices, models) and the plugins' precompiled JTE pages rendered inside the shell, all exposed as
 * framework-neutral {@link io.q3tts.ports.web.RouteSpec}s that the app hands to the HTTP adapter.
 * The pages call the REST and WebSocket API from the browser; this adapter calls no use case.
 */
package io.q3tts.adapters.ui.jte;
