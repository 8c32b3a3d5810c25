/**
 * The {@code q3tts} command-line interface: argument parsing, per-command validation and help
 * text. Commands talk to the engine only through {@link io.q3tts.ports.out.inference.SpeechSynthesizer}.
 */
package io.q3tts.app.cli;
