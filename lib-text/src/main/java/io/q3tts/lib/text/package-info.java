/**
 * Text-format readers with no dependency beyond the JDK, shared by plugins that may not depend on
 * each other (a plugin bundles this library in its own jar).
 *
 * <p>Like {@code io.q3tts.lib.dsp} it sits outside the hexagon's rings: it knows no port, no
 * request field and no framework. Errors carry the input line and a machine-readable problem, so
 * each caller words them for its own users and names its own request field.
 */
package io.q3tts.lib.text;
