package io.q3tts.adapters.inference.onnx.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    @Test
    void givenFloatTable_whenWrittenAndMapped_thenRowsCopyAddAndSliceExactly() throws IOException {
        float[] values = new float[3 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 1;
        }
        Path file = dir.resolve("t.npy");
        Npy.write(file, values, 3, 4);
        assertEquals(0, Npy.header(Npy.DType.F32, 3, 4).length % 64);

        try (Npy npy = Npy.open(file, Npy.DType.F32, -1, 4)) {
            assertArrayEquals(new long[] {3, 4}, npy.shape());
            assertEquals(3, npy.rows());
            assertEquals(4, npy.rowLength());
            float[] row = new float[6];
            npy.copyRow(2, row, 1);
            assertArrayEquals(new float[] {0, 3f, 3.5f, 4f, 4.5f, 0}, row);
            float[] acc = {1, 1, 1, 1};
            npy.addRow(1, acc);
            npy.addRow(0, acc);
            assertArrayEquals(new float[] {1, 2, 3, 4}, acc);
            FloatBuffer view = npy.rowBuffer(1);
            assertEquals(4, view.remaining());
            assertEquals(2.5f, view.get(3));
            assertTrue(view.isReadOnly());
            assertArrayEquals(values, npy.toFloatArray());
        }
    }

    @Test
    void givenIntegerAndHalfArrays_whenRoundTripped_thenValuesSurvive() throws IOException {
        Path longs = dir.resolve("l.npy");
        Npy.write(longs, new long[] {1, -2, 1L << 40}, 3);
        try (Npy npy = Npy.open(longs)) {
            assertEquals(Npy.DType.I64, npy.dtype());
            assertArrayEquals(new long[] {1, -2, 1L << 40}, npy.toLongArray());
            assertEquals(1L << 40, npy.getLong(2));
        }
        Path ints = dir.resolve("i.npy");
        Npy.write(ints, new int[] {7, -8, 9, 10}, 2, 2);
        try (Npy npy = Npy.open(ints)) {
            assertArrayEquals(new int[] {7, -8, 9, 10}, npy.toIntArray());
            assertArrayEquals(new long[] {7, -8, 9, 10}, npy.toLongArray());
        }
        Path halves = dir.resolve("h.npy");
        Npy.writeF16(halves, new float[] {0.5f, -2f, 1000f, 0.1f}, 2, 2);
        try (Npy npy = Npy.open(halves)) {
            assertEquals(Npy.DType.F16, npy.dtype());
            float[] row = new float[2];
            npy.copyRow(1, row, 0);
            assertEquals(1000f, row[0]);
            assertEquals(0.1f, row[1], 1e-4f);
            assertThrows(UnsupportedOperationException.class, () -> npy.rowBuffer(0));
        }
    }

    @Test
    void givenScalarAndVectorShapes_whenWritten_thenHeaderMatchesNumpySyntax() throws IOException {
        String vector = new String(Npy.header(Npy.DType.F32, 5), StandardCharsets.ISO_8859_1);
        assertTrue(vector.contains("'shape': (5,), }"), vector);
        String scalar = new String(Npy.header(Npy.DType.I64), StandardCharsets.ISO_8859_1);
        assertTrue(scalar.contains("'shape': (), }"), scalar);
        Path file = dir.resolve("s.npy");
        Npy.write(file, new long[] {42});
        try (Npy npy = Npy.open(file)) {
            assertEquals(0, npy.rank());
            assertEquals(42, npy.getLong(0));
        }
    }

    @Test
    void givenVersion2And3Headers_whenOpened_thenParsed() throws IOException {
        for (int version : new int[] {2, 3}) {
            String dict = "{'shape': (2,), 'fortran_order': False, 'descr': '<f4', }";
            int total = (12 + dict.length() + 1 + 63) / 64 * 64;
            String padded = dict + " ".repeat(total - 12 - dict.length() - 1) + "\n";
            ByteBuffer b = ByteBuffer.allocate(total + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0}).putInt(padded.length());
            b.put(padded.getBytes(StandardCharsets.UTF_8)).putFloat(1.25f).putFloat(-3f);
            Path file = dir.resolve("v" + version + ".npy");
            Files.write(file, b.array());
            try (Npy npy = Npy.open(file)) {
                assertArrayEquals(new float[] {1.25f, -3f}, npy.toFloatArray());
            }
        }
    }

    @Test
    void givenBadFiles_whenOpened_thenClearErrors() throws IOException {
        Path notNpy = dir.resolve("x.npy");
        Files.writeString(notNpy, "hello, I am not an array");
        assertMessage(notNpy, "not a NumPy .npy file");

        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16), "Fortran-order");
        assertMessage(withHeader("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", 4), "unsupported dtype '<u2'");
        assertMessage(withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8), "big-endian");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 8), "truncated");

        Path ok = dir.resolve("ok.npy");
        Npy.write(ok, new float[6], 2, 3);
        NpyFormatException shape = assertThrows(NpyFormatException.class, () -> Npy.open(ok, Npy.DType.F32, -1, 4));
        assertTrue(shape.getMessage().contains("shape mismatch: expected [*, 4] but the file holds [2, 3]"), shape.getMessage());
        NpyFormatException dtype = assertThrows(NpyFormatException.class, () -> Npy.open(ok, Npy.DType.I64, 2, 3));
        assertTrue(dtype.getMessage().contains("expected dtype <i8"), dtype.getMessage());
    }

    @Test
    void givenClosedArray_whenRead_thenIllegalState() throws IOException {
        Path file = dir.resolve("c.npy");
        Npy.write(file, new float[] {1, 2}, 1, 2);
        Npy npy = Npy.open(file);
        npy.close();
        npy.close();
        assertThrows(IllegalStateException.class, () -> npy.getFloat(0));
    }

    @Test
    void givenSparseTableLargerThan2GiB_whenMapped_thenLastRowIsReadable() throws IOException {
        long rows = 600_000;
        int cols = 1024;
        long dataBytes = rows * cols * Float.BYTES;
        assertTrue(dataBytes > (1L << 31));
        Path file = dir.resolve("big.npy");
        byte[] header = Npy.header(Npy.DType.F32, rows, cols);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header);
            // A sparse file: the filesystem allocates only the pages we write.
            raf.setLength(header.length + dataBytes);
            ByteBuffer row = ByteBuffer.allocate(cols * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < cols; i++) {
                row.putFloat(i + 0.25f);
            }
            raf.seek(header.length + (rows - 1) * cols * Float.BYTES);
            raf.write(row.array());
        } catch (IOException e) {
            assumeTrue(false, "cannot create a 2.4 GB sparse file here: " + e.getMessage());
        }
        try (Npy npy = Npy.open(file, Npy.DType.F32, rows, cols)) {
            float[] dst = new float[cols];
            npy.copyRow((int) rows - 1, dst, 0);
            assertEquals(0.25f, dst[0]);
            assertEquals(1023.25f, dst[cols - 1]);
            npy.copyRow(1, dst, 0);
            assertEquals(0f, dst[5]);
            assertEquals(1023.25f, npy.rowBuffer((int) rows - 1).get(cols - 1));
            assertEquals(dataBytes, npy.data().byteSize());
        }
    }

    private Path withHeader(String dict, int dataBytes) throws IOException {
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String padded = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) padded.length());
        b.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        Path file = Files.createTempFile(dir, "h", ".npy");
        Files.write(file, b.array());
        return file;
    }

    private static void assertMessage(Path file, String fragment) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.open(file));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
