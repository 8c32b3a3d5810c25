package io.q3tts.adapters.inference.onnx.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array (format versions 1, 2 and 3; little endian; C order), memory-mapped
 * read-only so that multi-GiB embedding tables cost address space rather than heap.
 *
 * <p>The whole file is one {@link MemorySegment}, so files larger than 2 GiB work; row indices are
 * {@code int} but offsets are {@code long}. For a table of shape {@code [V, H, ...]} a "row" is one
 * index of the first axis and has {@link #rowLength()} elements.
 *
 * <p>Thread-safe for reads (the mapping lives in a shared arena). {@link #close()} unmaps the file;
 * any access after that throws {@link IllegalStateException}. Static {@code write} methods produce
 * version 1.0 files that {@code numpy.load} reads back.
 */
public final class Npy implements AutoCloseable {

    /** Element types this class reads and writes. */
    public enum DType {
        /** IEEE float32. */
        F32("<f4", 4),
        /** IEEE float16, widened to float on read. */
        F16("<f2", 2),
        /** int64. */
        I64("<i8", 8),
        /** int32. */
        I32("<i4", 4);

        private final String descr;
        private final int size;

        DType(String descr, int size) {
            this.descr = descr;
            this.size = size;
        }

        /** @return the NumPy {@code descr} string, e.g. {@code "<f4"} */
        public String descr() {
            return descr;
        }

        /** @return bytes per element */
        public int size() {
            return size;
        }

        boolean isFloat() {
            return this == F32 || this == F16;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_HEADER = I16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** NumPy aligns the data start to 64 bytes so that mapped arrays are aligned. */
    private static final int HEADER_ALIGNMENT = 64;

    private final Path path;
    private final DType dtype;
    private final long[] shape;
    private final long size;
    private final int rowLength;
    private final Arena arena;
    private final MemorySegment data;

    private Npy(Path path, DType dtype, long[] shape, Arena arena, MemorySegment data) {
        this.path = path;
        this.dtype = dtype;
        this.shape = shape;
        this.size = product(shape, 0);
        long row = shape.length == 0 ? 1 : product(shape, 1);
        this.rowLength = row > Integer.MAX_VALUE ? -1 : (int) row;
        this.arena = arena;
        this.data = data;
    }

    /**
     * Maps a {@code .npy} file.
     *
     * @param path the file
     * @return the mapped array; close it to unmap
     * @throws NpyFormatException if the file is not a supported {@code .npy} array
     * @throws IOException if it cannot be read
     */
    public static Npy open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, arena);
            Header header = parseHeader(path, file);
            long expectedBytes = Math.multiplyExact(product(header.shape, 0), header.dtype.size);
            long available = fileSize - header.dataOffset;
            if (available < expectedBytes) {
                throw new NpyFormatException(path + ": truncated .npy file: shape " + Arrays.toString(header.shape)
                        + " of " + header.dtype.descr + " needs " + expectedBytes + " data bytes but only "
                        + available + " are present");
            }
            MemorySegment data = file.asSlice(header.dataOffset, expectedBytes);
            return new Npy(path, header.dtype, header.shape, arena, data);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps a file and checks its dtype and shape.
     *
     * @param path the file
     * @param dtype the required element type
     * @param shape the required shape; {@code -1} accepts any extent on that axis
     * @return the mapped array
     * @throws NpyFormatException on a malformed file or a dtype/shape mismatch
     * @throws IOException if it cannot be read
     */
    public static Npy open(Path path, DType dtype, long... shape) throws IOException {
        Npy npy = open(path);
        try {
            npy.requireDType(dtype);
            npy.requireShape(shape);
            return npy;
        } catch (NpyFormatException e) {
            npy.close();
            throw e;
        }
    }

    /**
     * Parses a whole {@code .npy} file held in memory (for example an entry of a zip archive). The
     * bytes are copied into off-heap memory that {@link #close()} frees, so the array behaves like a
     * mapped one.
     *
     * @param bytes the file's bytes
     * @param source a name for messages and {@link #path()} (e.g. {@code voice.q3v!/ref_codes.npy})
     * @return the array; close it when done
     * @throws NpyFormatException if the bytes are not a supported {@code .npy} array
     */
    public static Npy read(byte[] bytes, String source) throws NpyFormatException {
        Objects.requireNonNull(bytes, "bytes");
        Path path = Path.of(Objects.requireNonNull(source, "source"));
        Arena arena = Arena.ofShared();
        try {
            MemorySegment file = arena.allocate(Math.max(1, bytes.length), HEADER_ALIGNMENT)
                    .asSlice(0, bytes.length);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, file, 0, bytes.length);
            Header header = parseHeader(path, file);
            long expectedBytes = Math.multiplyExact(product(header.shape, 0), header.dtype.size);
            if (bytes.length - header.dataOffset < expectedBytes) {
                throw new NpyFormatException(source + ": truncated .npy data: shape " + Arrays.toString(header.shape)
                        + " of " + header.dtype.descr + " needs " + expectedBytes + " bytes");
            }
            return new Npy(path, header.dtype, header.shape, arena, file.asSlice(header.dataOffset, expectedBytes));
        } catch (NpyFormatException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * A whole version 1.0 {@code .npy} file of f32 values, as bytes. Values keep their exact bits
     * (NaN payloads included).
     *
     * @param values elements in C order
     * @param shape the shape; its product must equal {@code values.length}
     * @return the file's bytes
     */
    public static byte[] toBytes(float[] values, long... shape) {
        checkCount(values.length, shape);
        return toBytes(DType.F32, shape, MemorySegment.ofArray(values), F32, values.length);
    }

    /**
     * A whole version 1.0 {@code .npy} file of i64 values, as bytes.
     *
     * @param values elements in C order
     * @param shape the shape; its product must equal {@code values.length}
     * @return the file's bytes
     */
    public static byte[] toBytes(long[] values, long... shape) {
        checkCount(values.length, shape);
        return toBytes(DType.I64, shape, MemorySegment.ofArray(values), I64, values.length);
    }

    private static byte[] toBytes(DType dtype, long[] shape, MemorySegment heapSrc, ValueLayout elementLayout, int count) {
        byte[] header = header(dtype, shape);
        byte[] out = new byte[Math.toIntExact(header.length + (long) count * dtype.size)];
        System.arraycopy(header, 0, out, 0, header.length);
        // Element-wise copy with a byte-order change: heap arrays are in native order, .npy is little endian.
        MemorySegment.copy(heapSrc, elementLayout.withOrder(ByteOrder.nativeOrder()), 0,
                MemorySegment.ofArray(out), elementLayout.withOrder(ByteOrder.LITTLE_ENDIAN), header.length, count);
        return out;
    }

    /** @return the file this array was mapped from */
    public Path path() {
        return path;
    }

    /** @return the element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the shape; empty for a 0-d array */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * @param axis an axis index
     * @return the extent of that axis
     */
    public long dim(int axis) {
        return shape[axis];
    }

    /** @return the number of axes */
    public int rank() {
        return shape.length;
    }

    /** @return the total number of elements */
    public long size() {
        return size;
    }

    /** @return the extent of the first axis as an int */
    public int rows() {
        if (shape.length == 0) {
            throw new IllegalStateException(path + " is a 0-d array and has no rows");
        }
        return Math.toIntExact(shape[0]);
    }

    /** @return the number of elements in one row (product of all axes but the first) */
    public int rowLength() {
        if (rowLength < 0) {
            throw new IllegalStateException(path + ": a row has more than 2^31-1 elements");
        }
        return rowLength;
    }

    /** @return the raw little-endian element bytes, read-only, valid until {@link #close()} */
    public MemorySegment data() {
        return data;
    }

    /**
     * @param expected the required dtype
     * @throws NpyFormatException if it differs
     */
    public void requireDType(DType expected) throws NpyFormatException {
        if (dtype != expected) {
            throw new NpyFormatException(path + ": expected dtype " + expected.descr + " but the file holds " + dtype.descr);
        }
    }

    /**
     * @param expected the required shape; {@code -1} accepts any extent on that axis
     * @throws NpyFormatException if rank or any fixed extent differs
     */
    public void requireShape(long... expected) throws NpyFormatException {
        boolean ok = expected.length == shape.length;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = expected[i] == -1 || expected[i] == shape[i];
        }
        if (!ok) {
            throw new NpyFormatException(path + ": shape mismatch: expected " + Arrays.toString(expected).replace("-1", "*")
                    + " but the file holds " + Arrays.toString(shape));
        }
    }

    /**
     * @param index flat C-order element index
     * @return the element as float (f32 or f16 arrays only)
     */
    public float getFloat(long index) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32, index);
            case F16 -> Float.float16ToFloat(data.getAtIndex(I16, index));
            default -> throw notA("a float", "getFloat");
        };
    }

    /**
     * @param index flat C-order element index
     * @return the element as long (i64 or i32 arrays only)
     */
    public long getLong(long index) {
        return switch (dtype) {
            case I64 -> data.getAtIndex(I64, index);
            case I32 -> data.getAtIndex(I32, index);
            default -> throw notA("an integer", "getLong");
        };
    }

    /** @return all elements as a new float array (f32 or f16 arrays of at most 2^31-1 elements) */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(size)];
        copyFloats(0, out, 0, out.length);
        return out;
    }

    /** @return all elements as a new long array (i64 or i32 arrays) */
    public long[] toLongArray() {
        long[] out = new long[Math.toIntExact(size)];
        switch (dtype) {
            case I64 -> MemorySegment.copy(data, I64, 0, out, 0, out.length);
            case I32 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = data.getAtIndex(I32, i);
                }
            }
            default -> throw notA("an integer", "toLongArray");
        }
        return out;
    }

    /** @return all elements as a new int array (i32 arrays, or i64 arrays whose values fit in an int) */
    public int[] toIntArray() {
        int[] out = new int[Math.toIntExact(size)];
        switch (dtype) {
            case I32 -> MemorySegment.copy(data, I32, 0, out, 0, out.length);
            case I64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.toIntExact(data.getAtIndex(I64, i));
                }
            }
            default -> throw notA("an integer", "toIntArray");
        }
        return out;
    }

    /**
     * Copies one row into {@code dst} without allocating.
     *
     * @param row index along the first axis
     * @param dst destination
     * @param off where in {@code dst} the row starts
     */
    public void copyRow(int row, float[] dst, int off) {
        int n = rowLength();
        Objects.checkFromIndexSize(off, n, dst.length);
        copyFloats(rowStart(row), dst, off, n);
    }

    /**
     * Adds one row element-wise into {@code acc}, without allocating; used to sum embeddings.
     *
     * @param row index along the first axis
     * @param acc accumulator of at least {@link #rowLength()} elements; its first row-length elements are updated
     */
    public void addRow(int row, float[] acc) {
        addRow(row, acc, 0);
    }

    /**
     * Adds one row element-wise into {@code acc[off .. off+rowLength)}.
     *
     * @param row index along the first axis
     * @param acc accumulator
     * @param off where in {@code acc} the row is added
     */
    public void addRow(int row, float[] acc, int off) {
        int n = rowLength();
        Objects.checkFromIndexSize(off, n, acc.length);
        long start = rowStart(row);
        switch (dtype) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    acc[off + i] += data.getAtIndex(F32, start + i);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    acc[off + i] += Float.float16ToFloat(data.getAtIndex(I16, start + i));
                }
            }
            default -> throw notA("a float", "addRow");
        }
    }

    /**
     * A zero-copy view of one row of an f32 array.
     *
     * @param row index along the first axis
     * @return a read-only buffer of {@link #rowLength()} floats, valid until {@link #close()}
     */
    public FloatBuffer rowBuffer(int row) {
        if (dtype != DType.F32) {
            throw notA("an f32", "rowBuffer");
        }
        long bytes = (long) rowLength() * Float.BYTES;
        return data.asSlice(rowStart(row) * Float.BYTES, bytes).asByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "Npy[" + path + ", " + dtype.descr + ", " + Arrays.toString(shape) + "]";
    }

    private long rowStart(int row) {
        Objects.checkIndex(row, rows());
        return (long) row * rowLength();
    }

    private void copyFloats(long start, float[] dst, int off, int n) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, F32, start * Float.BYTES, dst, off, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = Float.float16ToFloat(data.getAtIndex(I16, start + i));
                }
            }
            default -> throw notA("a float", "float access");
        }
    }

    private UnsupportedOperationException notA(String kind, String op) {
        return new UnsupportedOperationException(path + " holds " + dtype.descr + ", not " + kind + " array: " + op + " is not possible");
    }

    private static long product(long[] shape, int from) {
        long p = 1;
        for (int i = from; i < shape.length; i++) {
            p = Math.multiplyExact(p, shape[i]);
        }
        return p;
    }

    private record Header(DType dtype, long[] shape, long dataOffset) { }

    private static Header parseHeader(Path path, MemorySegment file) throws NpyFormatException {
        if (file.byteSize() < 10
                || MemorySegment.mismatch(file, 0, MAGIC.length, MemorySegment.ofArray(MAGIC), 0, MAGIC.length) != -1) {
            throw new NpyFormatException(path + " is not a NumPy .npy file (missing \\x93NUMPY magic)");
        }
        int major = Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, 6));
        long headerLen;
        int prefix;
        switch (major) {
            case 1 -> {
                headerLen = Short.toUnsignedInt(file.get(U16_HEADER, 8));
                prefix = 10;
            }
            case 2, 3 -> {
                if (file.byteSize() < 12) {
                    throw new NpyFormatException(path + ": truncated .npy header");
                }
                headerLen = Integer.toUnsignedLong(file.get(I32, 8));
                prefix = 12;
            }
            default -> throw new NpyFormatException(path + ": unsupported .npy format version " + major
                    + "." + Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, 7)));
        }
        long dataOffset = prefix + headerLen;
        if (dataOffset > file.byteSize()) {
            throw new NpyFormatException(path + ": truncated .npy header");
        }
        byte[] bytes = file.asSlice(prefix, headerLen).toArray(ValueLayout.JAVA_BYTE);
        // Version 3 only differs in allowing UTF-8 field names; the dict we parse is ASCII either way.
        String header = new String(bytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
        if (!header.startsWith("{") || !header.endsWith("}")) {
            throw new NpyFormatException(path + ": malformed .npy header: " + header);
        }
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeM = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeM.find()) {
            throw new NpyFormatException(path + ": malformed .npy header (need descr, fortran_order, shape): " + header);
        }
        if (fortran.group(1).equals("True")) {
            throw new NpyFormatException(path + ": Fortran-order arrays are not supported; save it with np.ascontiguousarray");
        }
        DType dtype = dtypeOf(path, descr.group(1));
        return new Header(dtype, parseShape(path, shapeM.group(1)), dataOffset);
    }

    private static DType dtypeOf(Path path, String descr) throws NpyFormatException {
        for (DType t : DType.values()) {
            if (t.descr.equals(descr)) {
                return t;
            }
        }
        String why = descr.startsWith(">") ? " (big-endian data is not supported)" : "";
        throw new NpyFormatException(path + ": unsupported dtype '" + descr + "'" + why
                + "; supported: <f4, <f2, <i8, <i4");
    }

    private static long[] parseShape(Path path, String body) throws NpyFormatException {
        String[] parts = body.split(",");
        long[] dims = new long[parts.length];
        int n = 0;
        for (String part : parts) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            // NumPy on Windows once wrote "3L"; tolerate the suffix.
            if (s.endsWith("L")) {
                s = s.substring(0, s.length() - 1);
            }
            try {
                dims[n] = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new NpyFormatException(path + ": malformed shape (" + body + ")");
            }
            if (dims[n] < 0) {
                throw new NpyFormatException(path + ": negative extent in shape (" + body + ")");
            }
            n++;
        }
        return Arrays.copyOf(dims, n);
    }

    /**
     * The version 1.0 header (magic through padding) for an array; the element bytes follow it.
     * Useful for writing large arrays in a streaming fashion.
     *
     * @param dtype element type
     * @param shape the shape; empty for a 0-d array
     * @return the header bytes, a multiple of 64 long
     */
    public static byte[] header(DType dtype, long... shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(dtype.descr)
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
            }
            dict.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        dict.append("), }");
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
        dict.append(" ".repeat(total - unpadded)).append('\n');
        if (dict.length() > 0xFFFF) {
            throw new IllegalArgumentException("shape too long for a version 1.0 header");
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length());
        out.put(dict.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.array();
    }

    /**
     * Writes an f32 array.
     *
     * @param path target file, replaced if it exists
     * @param values elements in C order
     * @param shape the shape; its product must equal {@code values.length}
     * @throws IOException if writing fails
     */
    public static void write(Path path, float[] values, long... shape) throws IOException {
        checkCount(values.length, shape);
        MemorySegment src = MemorySegment.ofArray(values);
        writeSegment(path, DType.F32, shape, src, F32, values.length);
    }

    /**
     * Writes an f16 array, rounding each value to the nearest half.
     *
     * @param path target file, replaced if it exists
     * @param values elements in C order
     * @param shape the shape; its product must equal {@code values.length}
     * @throws IOException if writing fails
     */
    public static void writeF16(Path path, float[] values, long... shape) throws IOException {
        checkCount(values.length, shape);
        short[] halves = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            halves[i] = Float.floatToFloat16(values[i]);
        }
        writeSegment(path, DType.F16, shape, MemorySegment.ofArray(halves), I16, halves.length);
    }

    /**
     * Writes an i64 array.
     *
     * @param path target file, replaced if it exists
     * @param values elements in C order
     * @param shape the shape; its product must equal {@code values.length}
     * @throws IOException if writing fails
     */
    public static void write(Path path, long[] values, long... shape) throws IOException {
        checkCount(values.length, shape);
        writeSegment(path, DType.I64, shape, MemorySegment.ofArray(values), I64, values.length);
    }

    /**
     * Writes an i32 array.
     *
     * @param path target file, replaced if it exists
     * @param values elements in C order
     * @param shape the shape; its product must equal {@code values.length}
     * @throws IOException if writing fails
     */
    public static void write(Path path, int[] values, long... shape) throws IOException {
        checkCount(values.length, shape);
        writeSegment(path, DType.I32, shape, MemorySegment.ofArray(values), I32, values.length);
    }

    private static void checkCount(int count, long[] shape) {
        long expected = product(shape, 0);
        if (expected != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + expected
                    + " elements but " + count + " were given");
        }
    }

    private static void writeSegment(Path path, DType dtype, long[] shape, MemorySegment heapSrc,
                                     ValueLayout elementLayout, int count) throws IOException {
        byte[] header = header(dtype, shape);
        long bytes = (long) count * dtype.size;
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(header));
            // Heap arrays are in native order; swap through a little-endian staging buffer in chunks.
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            MemorySegment chunkSeg = MemorySegment.ofBuffer(chunk);
            long done = 0;
            while (done < bytes) {
                int n = (int) Math.min(chunk.capacity(), bytes - done);
                MemorySegment.copy(heapSrc, elementLayout.withOrder(ByteOrder.nativeOrder()), done, chunkSeg,
                        elementLayout.withOrder(ByteOrder.LITTLE_ENDIAN), 0, n / dtype.size);
                chunk.clear().limit(n);
                writeFully(ch, chunk);
                done += n;
            }
        }
        // Writing to a temp file and moving it keeps readers (and mapped views) from seeing half a file.
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
