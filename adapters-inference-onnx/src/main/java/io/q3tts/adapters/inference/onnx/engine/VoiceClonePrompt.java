package io.q3tts.adapters.inference.onnx.engine;

/**
 * The official {@code VoiceClonePromptItem}: what a Base model needs to clone a voice.
 *
 * @param refCodes reference codec frames {@code [F][16]} (ICL mode), or null (x-vector-only)
 * @param speakerEmbedding the x-vector
 * @param xVectorOnly whether only the x-vector is used
 * @param refText the reference transcript (ICL), or null
 */
public record VoiceClonePrompt(int[][] refCodes, float[] speakerEmbedding, boolean xVectorOnly, String refText) {

    /** @return whether the prompt is in ICL mode */
    public boolean icl() {
        return !xVectorOnly;
    }
}
