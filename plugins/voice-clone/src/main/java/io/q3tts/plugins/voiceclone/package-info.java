/**
 * The voice-clone task plugin: the saved voices to pick from ({@code GET /plugins/voice-clone/voices})
 * and a preview in a saved voice or from a freshly uploaded clip
 * ({@code POST /plugins/voice-clone/preview}).
 */
package io.q3tts.plugins.voiceclone;
