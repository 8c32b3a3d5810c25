/**
 * Driving ports for the voice library: create (from an upload), list, get (metadata and clip),
 * update and delete saved voices ({@link io.q3tts.ports.in.voice.VoiceView}). Designed voices are
 * created by {@code io.q3tts.ports.in.synthesis.DesignThenCloneUseCase}.
 */
package io.q3tts.ports.in.voice;
