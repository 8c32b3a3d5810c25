/**
 * Driven port for the speech tokenizer (codec): {@link io.q3tts.ports.out.tokenizer.SpeechTokenizer}.
 */
package io.q3tts.ports.out.tokenizer;
