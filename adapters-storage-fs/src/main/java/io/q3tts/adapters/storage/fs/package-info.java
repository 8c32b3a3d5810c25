/**
 * File-system storage adapter: the model catalog ({@link io.q3tts.adapters.storage.fs.FsModelCatalog},
 * bundle folders with a {@code manifest.json}), the voice library
 * ({@link io.q3tts.adapters.storage.fs.FsVoiceRepository}) and the output history
 * ({@link io.q3tts.adapters.storage.fs.FsOutputRepository}).
 *
 * <p>Every write goes to a temporary sibling that is flushed to disk and then renamed into place,
 * so a crash leaves either the old state or the new one, never a half-written file or folder.
 * Temporary names start with a dot; listings skip them and the repositories remove stale ones
 * when they are constructed.
 */
package io.q3tts.adapters.storage.fs;
