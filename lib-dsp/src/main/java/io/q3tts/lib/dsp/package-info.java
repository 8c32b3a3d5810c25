/**
 * Signal processing with no dependency beyond the JDK, shared by the inference and audio adapters.
 *
 * <p>It sits outside the hexagon's rings: it knows no port, no model and no framework, so both
 * adapters can use it without depending on each other. Only numeric code belongs here; the one
 * native call, {@link io.q3tts.lib.dsp.ReferenceResampler} (libsoxr through the JDK's own
 * {@code java.lang.foreign}, so still no dependency), exists because the official pipeline's
 * reference resampling is defined by that library's rounding, which no Java rewrite reproduces.
 */
package io.q3tts.lib.dsp;
