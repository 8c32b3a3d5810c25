package io.q3tts.ports.in.models;

/** Whether a model is in memory. */
public enum ModelResidency {
    /** Installed, not in memory. */
    AVAILABLE,
    /** Being loaded. */
    LOADING,
    /** In memory and usable. */
    LOADED,
    /** Being unloaded: waiting for its in-flight work, then freeing memory. */
    UNLOADING
}
