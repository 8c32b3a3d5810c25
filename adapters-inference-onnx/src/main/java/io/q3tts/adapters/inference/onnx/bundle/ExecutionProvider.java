package io.q3tts.adapters.inference.onnx.bundle;

import java.util.Locale;

/** Which ONNX Runtime execution provider runs the graphs. */
public enum ExecutionProvider {
    /** CUDA if it can be initialised on this machine, else the CPU (the usual setting). */
    AUTO,
    /** CUDA was asked for; the CPU is still used, with a warning, if CUDA cannot be initialised. */
    CUDA,
    /** The CPU only; CUDA is never tried. */
    CPU;

    /**
     * @param value {@code auto}, {@code cuda} or {@code cpu}, any case
     * @return the provider
     * @throws IllegalArgumentException naming the allowed values
     */
    public static ExecutionProvider parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto", "" -> AUTO;
            case "cuda", "gpu" -> CUDA;
            case "cpu" -> CPU;
            default -> throw new IllegalArgumentException(
                    "unknown execution provider '" + value + "'; allowed: auto, cuda, cpu");
        };
    }
}
