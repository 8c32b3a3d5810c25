/**
 * The design-then-clone task plugin: describe a voice, hear a sample, and keep it as a saved voice
 * in one call ({@code POST /plugins/design-then-clone/voices}).
 */
package io.q3tts.plugins.designthenclone;
