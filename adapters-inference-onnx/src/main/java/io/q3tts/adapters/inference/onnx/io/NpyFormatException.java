package io.q3tts.adapters.inference.onnx.io;

import java.io.IOException;

/** A {@code .npy} file is malformed, uses a layout this reader does not support, or has an unexpected shape. */
public final class NpyFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message names the file and what is wrong with it */
    public NpyFormatException(String message) {
        super(message);
    }
}
