/**
 * Model residency: {@link io.q3tts.domain.residency.ModelResidencyManager} keeps at most N models
 * loaded (LRU eviction that waits for in-flight work, idle unloading), hands out
 * {@link io.q3tts.domain.residency.ModelLease}s, and backs the model use cases
 * ({@link io.q3tts.domain.residency.ModelService}) and model choice
 * ({@link io.q3tts.domain.residency.ModelResolver}).
 */
package io.q3tts.domain.residency;
