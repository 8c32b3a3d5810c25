/**
 * The example plugin, the template for plugin authors (see {@code docs/plugins.md}): two routes,
 * one of which uses a core use case through the {@code PluginContext}.
 */
package io.q3tts.plugins.exampleecho;
