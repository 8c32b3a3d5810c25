/**
 * Driving ports for the output history: list, get (metadata and audio in any supported format)
 * and delete generated audio ({@link io.q3tts.ports.in.output.OutputView}).
 */
package io.q3tts.ports.in.output;
