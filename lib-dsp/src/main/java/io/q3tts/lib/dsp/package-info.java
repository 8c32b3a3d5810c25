/**
 * Signal processing with no dependency beyond the JDK, shared by the inference and audio adapters.
 *
 * <p>It sits outside the hexagon's rings: it knows no port, no model and no framework, so both
 * adapters can use it without depending on each other. Only pure numeric code belongs here.
 */
package io.q3tts.lib.dsp;
