package io.q3tts.lib.dsp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Resampling exactly as the official Qwen3-TTS code does it to a reference clip:
 * {@code librosa.resample(y, orig_sr=sr, target_sr=24000)} with librosa's default {@code res_type="soxr_hq"}.
 *
 * <p>That call is python-soxr's {@code soxr.resample(y, sr, 24000, quality="HQ")} followed by
 * librosa's {@code fix_length} to {@code ceil(n * (target / orig))}. python-soxr is a thin wrapper
 * of the C library libsoxr; this class calls the same library through the JDK's foreign function
 * interface with the same recipe ({@code soxr_quality_spec(SOXR_HQ, 0)}, float32 interleaved in
 * and out, no runtime spec), feeds the input in the same chunks
 * ({@code max(1000, 48000 * in / out)} samples) into an output buffer of the same size
 * ({@code n * out / in + 1}), flushes, and then pads with zeros or cuts to librosa's length. On
 * the tested rates the output equals python-soxr's bit for bit (its wheel bundles its own build of
 * libsoxr; any build agrees far below the 1e-5 tolerance the fixtures check). A pure-Java
 * resampler cannot promise that: libsoxr's HQ recipe is a multi-stage FFT design whose rounding
 * defines the result, so there is no Java fallback. Without libsoxr, {@link #resample} throws
 * {@link UnavailableException} with an installation hint; callers turn it into a clear
 * "install libsoxr" error rather than silently producing different codes.
 *
 * <p>The output length is librosa's: {@code ceil(n * (target / (double) orig))} with the ratio
 * computed first in double, which for some lengths is one more than the exact quotient (77,616
 * samples at 44.1 kHz give 42,241, not 42,240); the extra samples are zeros. This decides how
 * many 1,920-sample codec frames a reference gets.
 *
 * <p>The library is looked up once: the path in the system property {@value #LIBRARY_PROPERTY}
 * or the environment variable {@value #LIBRARY_ENV} if set, else the platform's usual names
 * ({@code libsoxr.so.0}, {@code libsoxr.so}, {@code libsoxr.0.dylib}, {@code soxr.dll}). Calls are
 * thread-safe: every call creates, uses and deletes its own libsoxr state in its own arena.
 */
public final class ReferenceResampler {

    /** System property naming the libsoxr shared library to load (a path or a library name). */
    public static final String LIBRARY_PROPERTY = "q3tts.libsoxr";
    /** Environment variable naming the libsoxr shared library, read when the property is unset. */
    public static final String LIBRARY_ENV = "Q3TTS_LIBSOXR";
    /** What to tell a user whose machine lacks the library. */
    public static final String INSTALL_HINT = "install libsoxr (Debian/Ubuntu: apt-get install libsoxr0, or run "
            + "scripts/install-system-deps.sh; macOS: brew install libsoxr), or point " + LIBRARY_ENV
            + " at the library file";

    /** {@code SOXR_FLOAT32_I}: interleaved float32. */
    private static final int SOXR_FLOAT32_I = 0;
    /** {@code SOXR_HQ} = {@code SOXR_20_BITQ}, python-soxr's and librosa's default. */
    private static final long SOXR_HQ = 4;

    private ReferenceResampler() {
    }

    /** Thrown when libsoxr cannot be loaded on this machine. */
    public static final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    /**
     * @return whether libsoxr could be loaded (the reason when not is in {@link #unavailableReason()})
     */
    public static boolean available() {
        return Native.INSTANCE.error == null;
    }

    /** @return why libsoxr could not be loaded, or empty when it is available */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(Native.INSTANCE.error);
    }

    /**
     * librosa's output length for {@code n} samples.
     *
     * @param n input samples
     * @param inRate input rate
     * @param outRate output rate
     * @return {@code ceil(n * (outRate / (double) inRate))}
     */
    public static int outputLength(int n, int inRate, int outRate) {
        double ratio = (double) outRate / inRate;
        return Math.toIntExact((long) Math.ceil(n * ratio));
    }

    /**
     * {@code librosa.resample(input, orig_sr=inRate, target_sr=outRate)} (soxr HQ); equal rates return a copy.
     *
     * @param input mono float32 samples
     * @param inRate input rate, &gt; 0
     * @param outRate output rate, &gt; 0
     * @return {@link #outputLength} samples
     * @throws UnavailableException when libsoxr cannot be loaded
     */
    public static float[] resample(float[] input, int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + inRate + " -> " + outRate);
        }
        if (inRate == outRate) {
            return input.clone();
        }
        return fixLength(Native.INSTANCE.resample(input, inRate, outRate), input.length, inRate, outRate);
    }

    /** As {@link #resample} with the library loaded from {@code library}; tests use it to see the missing-library error. */
    static float[] resampleWith(String library, float[] input, int inRate, int outRate) {
        return fixLength(new Native(List.of(library)).resample(input, inRate, outRate), input.length, inRate, outRate);
    }

    /** librosa's {@code fix_length}: zero-pad or cut to {@link #outputLength}. */
    private static float[] fixLength(float[] soxr, int n, int inRate, int outRate) {
        float[] out = new float[outputLength(n, inRate, outRate)];
        System.arraycopy(soxr, 0, out, 0, Math.min(soxr.length, out.length));
        return out;
    }

    /** The bound library; {@code error} is set instead when it could not be loaded. */
    private static final class Native {
        private static final StructLayout QUALITY_SPEC = MemoryLayout.structLayout(
                ValueLayout.JAVA_DOUBLE.withName("precision"),
                ValueLayout.JAVA_DOUBLE.withName("phase_response"),
                ValueLayout.JAVA_DOUBLE.withName("passband_end"),
                ValueLayout.JAVA_DOUBLE.withName("stopband_begin"),
                ValueLayout.ADDRESS.withName("e"),
                ValueLayout.JAVA_LONG.withName("flags"));
        private static final StructLayout IO_SPEC = MemoryLayout.structLayout(
                ValueLayout.JAVA_INT.withName("itype"),
                ValueLayout.JAVA_INT.withName("otype"),
                ValueLayout.JAVA_DOUBLE.withName("scale"),
                ValueLayout.ADDRESS.withName("e"),
                ValueLayout.JAVA_LONG.withName("flags"));
        /** Declared after the layouts, which its constructor uses. */
        static final Native INSTANCE = new Native(candidates());

        final String error;
        private final MethodHandle qualitySpec;
        private final MethodHandle ioSpec;
        private final MethodHandle create;
        private final MethodHandle process;
        private final MethodHandle delete;

        Native(List<String> names) {
            SymbolLookup lookup = null;
            List<String> tried = new ArrayList<>();
            for (String name : names) {
                try {
                    lookup = SymbolLookup.libraryLookup(name, Arena.global());
                    break;
                } catch (IllegalArgumentException e) {
                    tried.add(name);
                }
            }
            MethodHandle q = null;
            MethodHandle io = null;
            MethodHandle c = null;
            MethodHandle p = null;
            MethodHandle d = null;
            String problem = null;
            if (lookup == null) {
                problem = "libsoxr is not installed (tried " + String.join(", ", tried) + ")";
            } else {
                try {
                    Linker linker = Linker.nativeLinker();
                    q = linker.downcallHandle(lookup.findOrThrow("soxr_quality_spec"),
                            FunctionDescriptor.of(QUALITY_SPEC, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
                    io = linker.downcallHandle(lookup.findOrThrow("soxr_io_spec"),
                            FunctionDescriptor.of(IO_SPEC, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                    c = linker.downcallHandle(lookup.findOrThrow("soxr_create"),
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_DOUBLE,
                                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                    ValueLayout.ADDRESS));
                    p = linker.downcallHandle(lookup.findOrThrow("soxr_process"),
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
                    d = linker.downcallHandle(lookup.findOrThrow("soxr_delete"),
                            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
                } catch (RuntimeException e) {
                    problem = "libsoxr could not be bound: " + e.getMessage();
                }
            }
            this.error = problem;
            this.qualitySpec = q;
            this.ioSpec = io;
            this.create = c;
            this.process = p;
            this.delete = d;
        }

        private static List<String> candidates() {
            String configured = System.getProperty(LIBRARY_PROPERTY);
            if (configured == null || configured.isBlank()) {
                configured = System.getenv(LIBRARY_ENV);
            }
            if (configured != null && !configured.isBlank()) {
                return List.of(configured);
            }
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (os.contains("mac")) {
                return List.of("libsoxr.0.dylib", "libsoxr.dylib", "/opt/homebrew/lib/libsoxr.0.dylib",
                        "/usr/local/lib/libsoxr.0.dylib");
            }
            if (os.contains("win")) {
                return List.of("soxr.dll", "libsoxr.dll");
            }
            return List.of("libsoxr.so.0", "libsoxr.so");
        }

        float[] resample(float[] input, int inRate, int outRate) {
            if (error != null) {
                throw new UnavailableException("Resampling a " + inRate + " Hz reference the way the official code "
                        + "does needs libsoxr: " + error + "; " + INSTALL_HINT + ".");
            }
            try (Arena arena = Arena.ofConfined()) {
                return run(arena, input, inRate, outRate);
            } catch (UnavailableException | IllegalStateException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("libsoxr call failed: " + t, t);
            }
        }

        private float[] run(Arena arena, float[] input, int inRate, int outRate) throws Throwable {
            double in = inRate;
            double out = outRate;
            MemorySegment quality = (MemorySegment) qualitySpec.invokeExact((SegmentAllocator) arena, SOXR_HQ, 0L);
            MemorySegment io = (MemorySegment) ioSpec.invokeExact((SegmentAllocator) arena, SOXR_FLOAT32_I, SOXR_FLOAT32_I);
            MemorySegment err = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment soxr = (MemorySegment) create.invokeExact(in, out, 1, err, io, quality, MemorySegment.NULL);
            checkError(err.get(ValueLayout.ADDRESS, 0), "soxr_create");
            try {
                long ilen = input.length;
                // python-soxr's csoxr_divide_proc sizes: size_t arithmetic on doubles, truncated.
                long olen = (long) (ilen * out / in + 1);
                long divLen = (long) Math.max(1000.0, 48000 * in / out);
                MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_FLOAT, input);
                MemorySegment y = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, olen));
                MemorySegment odone = arena.allocate(ValueLayout.JAVA_LONG);
                long pos = 0;
                for (long idx = 0; idx < ilen; idx += divLen) {
                    MemorySegment e = (MemorySegment) process.invokeExact(soxr,
                            x.asSlice(idx * Float.BYTES), Math.min(divLen, ilen - idx), MemorySegment.NULL,
                            y.asSlice(pos * Float.BYTES), olen - pos, odone);
                    checkError(e, "soxr_process");
                    pos += odone.get(ValueLayout.JAVA_LONG, 0);
                }
                MemorySegment e = (MemorySegment) process.invokeExact(soxr, MemorySegment.NULL, 0L, MemorySegment.NULL,
                        y.asSlice(pos * Float.BYTES), olen - pos, odone);
                checkError(e, "soxr_process");
                pos += odone.get(ValueLayout.JAVA_LONG, 0);
                return y.asSlice(0, pos * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
            } finally {
                delete.invokeExact(soxr);
            }
        }

        private static void checkError(MemorySegment message, String call) {
            if (!message.equals(MemorySegment.NULL)) {
                throw new IllegalStateException(call + " failed: " + message.reinterpret(256).getString(0));
            }
        }
    }
}
