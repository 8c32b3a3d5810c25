/**
 * The speech-tokenizer task plugin: the codec models ({@code GET /plugins/tokenizer/codecs}) and an
 * encode-decode round trip of an uploaded clip ({@code POST /plugins/tokenizer/roundtrip}), to hear
 * what the 12 Hz codec keeps.
 */
package io.q3tts.plugins.tokenizer;
