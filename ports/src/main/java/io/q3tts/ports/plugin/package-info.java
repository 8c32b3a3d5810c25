/**
 * The plugin API: the {@link io.q3tts.ports.plugin.TaskPlugin} extension point, the
 * {@link io.q3tts.ports.plugin.PluginContext} the host supplies (access to the driving ports), and
 * the UI page descriptor ({@link io.q3tts.ports.plugin.PageDescriptor},
 * {@link io.q3tts.ports.plugin.NavEntry}). Routes and WebSockets use the neutral web contract of
 * {@link io.q3tts.ports.web}.
 *
 * <p>JDK only: no PF4J, Javalin or JTE types, so a plugin compiles against {@code q3tts-ports} alone
 * and the host can change frameworks without breaking plugins.
 */
package io.q3tts.ports.plugin;
