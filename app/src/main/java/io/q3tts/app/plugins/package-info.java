/**
 * The plugin host: loads {@link io.q3tts.ports.plugin.TaskPlugin}s with PF4J (the only package
 * that may use PF4J) and starts each with a {@link io.q3tts.ports.plugin.PluginContext} over the
 * core's use cases.
 *
 * <p>Two sources: the built-in plugins on the application class path, and third-party plugin jars
 * dropped into the plugins folder, each in its own PF4J class loader. Both are found through
 * {@code META-INF/services/io.q3tts.ports.plugin.TaskPlugin} (PF4J's service-provider finder), so
 * plugins need no PF4J type and no annotation processor. A broken plugin is logged and skipped;
 * the others run.
 */
package io.q3tts.app.plugins;
