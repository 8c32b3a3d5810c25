/**
 * Test fixture of deliberate architecture violations, laid out like the real rings under a
 * different root. Never part of the real code: it lives in test sources, which
 * {@code ArchitectureTest} excludes.
 */
package io.q3tts.archfixture;
