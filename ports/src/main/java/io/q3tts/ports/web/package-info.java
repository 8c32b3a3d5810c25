/**
 * The framework-neutral web contract: routes ({@link io.q3tts.ports.web.RouteSpec} with a
 * {@link io.q3tts.ports.web.WebHandler} from {@link io.q3tts.ports.web.WebRequest} to
 * {@link io.q3tts.ports.web.WebResponse}, including streamed bodies and server-sent events) and
 * WebSockets ({@link io.q3tts.ports.web.SocketSpec}). Plugins speak only this; the HTTP adapter
 * (Javalin) translates it, so no plugin is tied to the web framework.
 *
 * <p>Part of the plugin API together with {@link io.q3tts.ports.plugin}. The domain never uses it.
 */
package io.q3tts.ports.web;
