/**
 * Text tokenization for the talker: the Hugging Face {@code tokenizer.json} of a model bundle,
 * run through DJL's binding of the Rust {@code tokenizers} library.
 */
package io.q3tts.adapters.inference.onnx.text;
