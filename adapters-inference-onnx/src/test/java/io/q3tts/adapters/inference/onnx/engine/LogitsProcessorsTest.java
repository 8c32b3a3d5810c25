package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogitsProcessorsTest {

    @Test
    void givenPreviousIds_whenPenalised_thenPositiveScoresAreDividedAndNegativeMultiplied() {
        float[] s = {2f, -2f, 0f, 1f};
        LogitsProcessors.repetitionPenalty(s, new int[] {0, 1, 2}, 3, 1.05);
        assertEquals(2f / 1.05f, s[0]);
        assertEquals(-2f * 1.05f, s[1]);
        assertEquals(0f, s[2]);
        assertEquals(1f, s[3]);
    }

    @Test
    void givenPenaltyOne_whenPenalised_thenNothingChanges() {
        float[] s = {2f, -2f};
        LogitsProcessors.repetitionPenalty(s, new int[] {0, 1}, 2, 1.0);
        assertArrayEquals(new float[] {2f, -2f}, s);
    }

    @Test
    void givenFewerThanMinTokens_whenProcessed_thenEosIsMasked() {
        float[] s = new float[3072];
        LogitsProcessors.minNewTokens(s, 0, 2, 2150);
        assertEquals(Float.NEGATIVE_INFINITY, s[2150]);
        s[2150] = 0;
        LogitsProcessors.minNewTokens(s, 1, 2, 2150);
        assertEquals(Float.NEGATIVE_INFINITY, s[2150]);
        s[2150] = 0;
        LogitsProcessors.minNewTokens(s, 2, 2, 2150);
        assertEquals(0f, s[2150]);
    }

    @Test
    void givenTheSuppressRange_whenSuppressed_thenOnlyEosSurvivesAbove2047() {
        float[] s = new float[3072];
        LogitsProcessors.suppress(s, 2048, 3072, 2150);
        for (int i = 0; i < 3072; i++) {
            float expected = (i < 2048 || i == 2150) ? 0f : Float.NEGATIVE_INFINITY;
            assertEquals(expected, s[i], "id " + i);
        }
    }

    @Test
    void givenTiedMaxima_whenArgmax_thenTheFirstWins() {
        assertEquals(1, LogitsProcessors.argmax(new float[] {0f, 3f, 3f, Float.NEGATIVE_INFINITY}));
        assertEquals(0, LogitsProcessors.argmax(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    }

    @Test
    void givenPythonSlices_thenTheyClampLikePython() {
        long[] a = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new long[] {0, 1, 2}, PySlice.slice(a, 0, 3));
        assertArrayEquals(new long[] {3}, PySlice.slice(a, 3, -5));
        assertArrayEquals(new long[] {}, PySlice.slice(a, 4, -5));
        assertArrayEquals(new long[] {3}, PySlice.slice(a, 3, 4));
        long[] shortIds = {0, 1, 2, 3, 4, 5, 6, 7};
        assertArrayEquals(new long[] {}, PySlice.slice(shortIds, 3, -5));
        assertArrayEquals(new long[] {3}, PySlice.slice(shortIds, 3, 4));
        assertArrayEquals(new long[] {}, PySlice.slice(new long[] {1, 2}, 3, -5));
        assertArrayEquals(new long[] {1, 2}, PySlice.slice(new long[] {1, 2}, -9, 9));
    }
}
