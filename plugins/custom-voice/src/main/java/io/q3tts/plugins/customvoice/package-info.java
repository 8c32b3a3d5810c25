/**
 * The custom-voice task plugin: lists the preset speakers of the installed CustomVoice models with
 * their description and native language ({@code GET /plugins/custom-voice/speakers}) and speaks a
 * short preview with one of them ({@code POST /plugins/custom-voice/preview}).
 */
package io.q3tts.plugins.customvoice;
