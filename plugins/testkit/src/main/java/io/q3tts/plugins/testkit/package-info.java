/**
 * Test helpers for task plugins, used at test scope only: a {@link io.q3tts.plugins.testkit.FakePluginContext}
 * that hands out test doubles of the use cases, {@link io.q3tts.plugins.testkit.Requests} to build
 * {@code WebRequest}s, and {@link io.q3tts.plugins.testkit.PluginContract}, the checks every plugin
 * must pass (discoverable through {@code ServiceLoader}, a valid id, distinct routes).
 *
 * <p>JDK and the plugin API only, so a third-party plugin can use it without the host.
 */
package io.q3tts.plugins.testkit;
