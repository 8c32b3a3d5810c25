/**
 * Driven ports for model bundles: the {@link io.q3tts.ports.out.catalog.ModelCatalog} of installed
 * bundles ({@link io.q3tts.ports.out.catalog.ModelDescriptor}: tasks, speakers, random-weight flag)
 * and the {@link io.q3tts.ports.out.catalog.ModelLoader} that makes one resident as a
 * {@link io.q3tts.ports.out.catalog.LoadedModel} (synthesizer, clone-prompt encoder, speech tokenizer).
 *
 * <p>Residency policy (how many models at once, eviction, idle unloading) is not here: it is the
 * domain's. Adapters just load and close.
 */
package io.q3tts.ports.out.catalog;
