/**
 * The voice-design task plugin: example voice descriptions to start from
 * ({@code GET /plugins/voice-design/examples}) and a preview of a described voice
 * ({@code POST /plugins/voice-design/preview}).
 */
package io.q3tts.plugins.voicedesign;
