package io.q3tts.adapters.inference.onnx.engine;

/** Receives each codec frame as soon as the loop has produced it (on the generating thread). */
@FunctionalInterface
public interface FrameListener {

    /**
     * @param frameIndex 0-based frame index
     * @param codes the frame's 16 codes; the array is the listener's to keep
     * @param elapsedNanos time since generation started
     */
    void onFrame(int frameIndex, int[] codes, long elapsedNanos);
}
