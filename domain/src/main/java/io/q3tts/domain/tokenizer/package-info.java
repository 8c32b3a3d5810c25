/** The speech tokenizer: {@link io.q3tts.domain.tokenizer.TokenizerService} implements encode and decode. */
package io.q3tts.domain.tokenizer;
