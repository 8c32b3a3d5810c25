package io.q3tts.adapters.inference.onnx.ffm;

/** A C API call returned an error status; the message is ONNX Runtime's, prefixed with the call. */
public final class OrtCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code the {@code OrtErrorCode}
     * @param message the message
     */
    public OrtCallException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** @return the {@code OrtErrorCode} */
    public int code() {
        return code;
    }
}
