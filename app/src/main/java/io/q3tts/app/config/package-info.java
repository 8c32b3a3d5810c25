/**
 * Start-up configuration: {@link io.q3tts.app.config.ConfigLoader} reads {@code configs/default.yaml},
 * an optional {@code configs/<env>.yaml} chosen by {@code Q3TTS_ENV}, then environment variables,
 * validates everything at once and yields the typed {@link io.q3tts.app.config.Q3ttsConfig}.
 * Every error names the key and where its value came from.
 */
package io.q3tts.app.config;
