/**
 * Composition root: the {@code q3tts} entry point, which wires adapters to ports with plain
 * {@code new} and hands control to the command-line front end in {@link io.q3tts.app.cli}.
 */
package io.q3tts.app;
