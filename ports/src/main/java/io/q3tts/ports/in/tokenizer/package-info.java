/**
 * Driving ports for the speech tokenizer: encode audio to codec codes and decode codes to audio.
 */
package io.q3tts.ports.in.tokenizer;
