/**
 * Text-format readers shared by plugins that may not depend on each other (a plugin bundles this
 * library in its own jar): delimited text, and decoding uploaded files (byte-order marks, UTF-8,
 * legacy code pages found by ICU4J's detector, the only dependency beyond the JDK).
 *
 * <p>Like {@code io.q3tts.lib.dsp} it sits outside the hexagon's rings: it knows no port, no
 * request field and no framework. Errors carry the input line and a machine-readable problem, so
 * each caller words them for its own users and names its own request field.
 */
package io.q3tts.lib.text;
