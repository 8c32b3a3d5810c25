package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    @Test
    void givenTopK_whenWarped_thenEverythingBelowTheKthLargestIsMaskedButTiesStay() {
        float[] s = {1f, 5f, 3f, 3f, 2f};
        new TokenSampler(5).warp(s, 1.0, 2, 1.0);
        // k=2: the 2nd largest is 3, both 3s stay
        assertEquals(Float.NEGATIVE_INFINITY, s[0]);
        assertEquals(5f, s[1]);
        assertEquals(3f, s[2]);
        assertEquals(3f, s[3]);
        assertEquals(Float.NEGATIVE_INFINITY, s[4]);
    }

    @Test
    void givenTemperature_whenWarped_thenScoresAreDividedInFloat() {
        float[] s = {1f, 2f};
        new TokenSampler(2).warp(s, 0.9, 0, 1.0);
        assertEquals(1f / 0.9f, s[0]);
        assertEquals(2f / 0.9f, s[1]);
    }

    @Test
    void givenTopP_whenWarped_thenTheSmallestMassUpTo1MinusPIsDropped() {
        // probabilities ~ [0.0321, 0.0871, 0.2369, 0.6439]
        float[] s = {0f, 1f, 2f, 3f};
        new TokenSampler(4).warp(s, 1.0, 0, 0.7);
        // cumulative ascending: 0.032, 0.119, 0.356, 1.0; remove where <= 0.3
        assertEquals(Float.NEGATIVE_INFINITY, s[0]);
        assertEquals(Float.NEGATIVE_INFINITY, s[1]);
        assertEquals(2f, s[2]);
        assertEquals(3f, s[3]);
    }

    @Test
    void givenTinyTopP_whenWarped_thenTheLargestIsAlwaysKept() {
        float[] s = {0f, 1f, 2f, 3f};
        new TokenSampler(4).warp(s, 1.0, 0, 1e-9);
        assertEquals(3f, s[3]);
        assertEquals(Float.NEGATIVE_INFINITY, s[2]);
    }

    @Test
    void givenMaskedScores_whenDrawn_thenAMaskedIdIsNeverPicked() {
        TokenSampler t = new TokenSampler(4);
        float[] s = {Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY, 0f};
        assertEquals(1, t.draw(s, 0.0));
        assertEquals(1, t.draw(s, 0.49));
        assertEquals(3, t.draw(s, 0.51));
        assertEquals(3, t.draw(s, 0.999999999));
    }

    @Test
    void givenASeed_whenSampledRepeatedly_thenTheSequenceIsReproducibleAndFollowsTheDistribution() {
        int[] counts = new int[3];
        int[] first = new int[50];
        SplittableRandom r1 = new SplittableRandom(42);
        SplittableRandom r2 = new SplittableRandom(42);
        TokenSampler t = new TokenSampler(3);
        for (int i = 0; i < 20000; i++) {
            float[] s = {0f, (float) Math.log(2), (float) Math.log(7)};
            int a = t.sample(s, 1.0, 0, 1.0, r1.nextDouble());
            float[] s2 = {0f, (float) Math.log(2), (float) Math.log(7)};
            int b = t.sample(s2, 1.0, 0, 1.0, r2.nextDouble());
            assertEquals(a, b);
            counts[a]++;
            if (i < first.length) {
                first[i] = a;
            }
        }
        assertTrue(Math.abs(counts[0] / 20000.0 - 0.1) < 0.01, "p0 " + counts[0]);
        assertTrue(Math.abs(counts[1] / 20000.0 - 0.2) < 0.01, "p1 " + counts[1]);
        assertTrue(Math.abs(counts[2] / 20000.0 - 0.7) < 0.01, "p2 " + counts[2]);
    }
}
