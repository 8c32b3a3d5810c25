package io.q3tts.adapters.inference.onnx.engine;

import java.util.Arrays;

/**
 * Hugging Face sampling semantics on float32 scores: {@code TemperatureLogitsWarper} (skipped at
 * 1.0), {@code TopKLogitsWarper} (keeps every score &gt;= the k-th largest, ties included; 0 disables
 * it), {@code TopPLogitsWarper} (only when top-p &lt; 1: ascending sort, drop tokens whose cumulative
 * probability is &lt;= 1 - top-p, always keep the largest), softmax, then one multinomial draw by
 * inverse CDF from a caller-supplied uniform. The RNG is the caller's, so a seed reproduces a run;
 * the draws cannot match PyTorch's generator, which is why parity tests decode greedily.
 *
 * <p>Not thread-safe: holds scratch arrays; use one per generation.
 */
public final class TokenSampler {

    private final float[] sorted;
    private final int[] order;
    private final double[] probs;
    private final long[] keys;

    /** @param vocab the number of scores */
    public TokenSampler(int vocab) {
        this.sorted = new float[vocab];
        this.order = new int[vocab];
        this.probs = new double[vocab];
        this.keys = new long[vocab];
    }

    /**
     * Applies the warpers in place and draws a token.
     *
     * @param scores processed logits, modified in place
     * @param temperature temperature &gt; 0
     * @param topK top-k, 0 disables
     * @param topP top-p in (0, 1]
     * @param uniform a uniform draw in [0, 1)
     * @return the sampled index
     */
    public int sample(float[] scores, double temperature, int topK, double topP, double uniform) {
        warp(scores, temperature, topK, topP);
        return draw(scores, uniform);
    }

    /**
     * Temperature, top-k and top-p, in place.
     *
     * @param scores the scores
     * @param temperature temperature
     * @param topK top-k, 0 disables
     * @param topP top-p
     */
    public void warp(float[] scores, double temperature, int topK, double topP) {
        int v = scores.length;
        if (temperature != 1.0) {
            float t = (float) temperature;
            for (int i = 0; i < v; i++) {
                scores[i] = scores[i] / t;
            }
        }
        if (topK != 0) {
            int k = Math.min(Math.max(topK, 1), v);
            System.arraycopy(scores, 0, sorted, 0, v);
            Arrays.sort(sorted);
            float kth = sorted[v - k];
            for (int i = 0; i < v; i++) {
                if (scores[i] < kth) {
                    scores[i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        if (topP < 1.0) {
            topP(scores, topP);
        }
    }

    private void topP(float[] scores, double topP) {
        int v = scores.length;
        // Ascending order of the scores, ties by index (torch.sort on CPU is stable): sort packed keys.
        for (int i = 0; i < v; i++) {
            keys[i] = ((long) sortable(scores[i]) << 32) | i;
        }
        Arrays.sort(keys, 0, v);
        double max = scores[(int) keys[v - 1]];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            order[i] = (int) keys[i];
            double e = Double.isInfinite(scores[order[i]]) ? 0 : Math.exp(scores[order[i]] - max);
            probs[i] = e;
            sum += e;
        }
        double cum = 0;
        double threshold = 1 - topP;
        for (int i = 0; i < v - 1; i++) {
            cum += probs[i] / sum;
            if (cum <= threshold) {
                scores[order[i]] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Maps a float to an int whose signed order is the float order (-inf lowest). */
    private static int sortable(float f) {
        int bits = Float.floatToIntBits(f);
        return bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
    }

    /**
     * Softmax and an inverse-CDF pick: the first index whose running sum exceeds
     * {@code uniform * total}; never a masked index.
     *
     * @param scores warped scores
     * @param uniform uniform in [0, 1)
     * @return the index
     */
    public int draw(float[] scores, double uniform) {
        int v = scores.length;
        float max = Float.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double total = 0;
        for (int i = 0; i < v; i++) {
            double e = scores[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp((double) scores[i] - max);
            probs[i] = e;
            total += e;
        }
        double target = uniform * total;
        double cum = 0;
        int last = -1;
        for (int i = 0; i < v; i++) {
            if (probs[i] > 0) {
                cum += probs[i];
                last = i;
                if (cum > target) {
                    return i;
                }
            }
        }
        return last >= 0 ? last : LogitsProcessors.argmax(scores);
    }
}
