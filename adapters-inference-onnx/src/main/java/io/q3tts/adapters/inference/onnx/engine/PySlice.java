package io.q3tts.adapters.inference.onnx.engine;

import java.util.Arrays;

/**
 * Python slice semantics on id arrays, so that the official code's positional slicing
 * ({@code ids[:3]}, {@code ids[3:-5]}, {@code ids[3:4]}, {@code ids[4:-5]}, {@code ids[3:-2]}) is
 * reproduced exactly, including its odd results on short or oddly tokenised inputs.
 */
public final class PySlice {

    private PySlice() { }

    /**
     * {@code a[start:stop]} with Python's clamping of negative and out-of-range bounds.
     *
     * @param a the array
     * @param start start index, may be negative
     * @param stop stop index, may be negative; {@code Integer.MAX_VALUE} means "to the end"
     * @return a new array, possibly empty
     */
    public static long[] slice(long[] a, int start, int stop) {
        int n = a.length;
        int s = clamp(start, n);
        int e = clamp(stop, n);
        return e <= s ? new long[0] : Arrays.copyOfRange(a, s, e);
    }

    private static int clamp(int i, int n) {
        if (i < 0) {
            i += n;
            return Math.max(i, 0);
        }
        return Math.min(i, n);
    }
}
