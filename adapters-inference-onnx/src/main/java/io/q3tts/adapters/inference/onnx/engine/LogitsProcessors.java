package io.q3tts.adapters.inference.onnx.engine;

/**
 * The Hugging Face logits processors the official talker {@code generate} uses, in HF order, on
 * float32 scores, in place: repetition penalty, minimum new tokens, suppressed tokens; then, only
 * when sampling, temperature, top-k and top-p ({@link TokenSampler}).
 */
public final class LogitsProcessors {

    private LogitsProcessors() { }

    /**
     * {@code RepetitionPenaltyLogitsProcessor}: each distinct previously generated id gets
     * {@code score < 0 ? score * penalty : score / penalty}, in float32.
     *
     * @param scores the logits, updated in place
     * @param previous distinct previously generated ids
     * @param count how many entries of {@code previous} are valid
     * @param penalty the penalty; 1 leaves the scores unchanged
     */
    public static void repetitionPenalty(float[] scores, int[] previous, int count, double penalty) {
        if (penalty == 1.0) {
            return;
        }
        float p = (float) penalty;
        for (int i = 0; i < count; i++) {
            int id = previous[i];
            float s = scores[id];
            scores[id] = s < 0 ? s * p : s / p;
        }
    }

    /**
     * {@code MinNewTokensLengthLogitsProcessor}: EOS is impossible while fewer than
     * {@code minNewTokens} tokens have been generated.
     *
     * @param scores the logits, updated in place
     * @param generated tokens generated so far
     * @param minNewTokens the minimum
     * @param eos the end id
     */
    public static void minNewTokens(float[] scores, int generated, int minNewTokens, int eos) {
        if (generated < minNewTokens) {
            scores[eos] = Float.NEGATIVE_INFINITY;
        }
    }

    /**
     * {@code SuppressTokensLogitsProcessor} over {@code [from, to)} except {@code keep}.
     *
     * @param scores the logits, updated in place
     * @param from first suppressed id
     * @param to end (exclusive)
     * @param keep an id in the range that stays allowed (EOS)
     */
    public static void suppress(float[] scores, int from, int to, int keep) {
        int end = Math.min(to, scores.length);
        for (int i = Math.max(from, 0); i < end; i++) {
            if (i != keep) {
                scores[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * {@code torch.argmax}: the first index of the maximum.
     *
     * @param scores the scores
     * @return the index
     */
    public static int argmax(float[] scores) {
        int best = 0;
        float max = scores[0];
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > max || (Float.isNaN(scores[i]) && !Float.isNaN(max))) {
                max = scores[i];
                best = i;
            }
        }
        return best;
    }
}
