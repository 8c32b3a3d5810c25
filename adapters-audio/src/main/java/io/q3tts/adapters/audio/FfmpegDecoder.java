package io.q3tts.adapters.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decodes what no Java library on Maven Central decodes here (Ogg Vorbis) with an installed
 * {@code ffmpeg}: the bytes go to its stdin, mono 32-bit float PCM at the file's rate comes back on
 * stdout. Nothing touches the disk and no shell is involved. Without ffmpeg the caller keeps its
 * clear "not supported" answer.
 *
 * <p>The executable is {@code $Q3TTS_FFMPEG} when set, else {@code ffmpeg} found on the {@code PATH}.
 */
final class FfmpegDecoder {

    /** Enough for any upload the size limits allow; a stuck process is killed after it. */
    private static final long TIMEOUT_SECONDS = 60;
    private static final int MAX_ERROR_CHARS = 300;

    private final Path executable;

    private FfmpegDecoder(Path executable) {
        this.executable = executable;
    }

    /** @return the decoder when an ffmpeg executable is installed */
    static Optional<FfmpegDecoder> find() {
        String configured = System.getenv("Q3TTS_FFMPEG");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured.strip());
            return Files.isExecutable(p) ? Optional.of(new FfmpegDecoder(p)) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path p = Path.of(dir, "ffmpeg");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(new FfmpegDecoder(p));
            }
        }
        return Optional.empty();
    }

    /**
     * @param data the encoded file
     * @param sampleRate the file's sample rate (ffmpeg keeps it)
     * @return mono samples
     * @throws MediaFormatException if ffmpeg cannot decode it
     */
    Decoded decode(byte[] data, int sampleRate) throws MediaFormatException {
        List<String> command = List.of(executable.toString(), "-nostdin", "-hide_banner", "-loglevel", "error",
                "-i", "pipe:0", "-vn", "-ac", "1", "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1");
        Process process;
        try {
            // -nostdin only stops ffmpeg's interactive keys; pipe:0 is still read.
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new MediaFormatException("ffmpeg could not be started: " + e.getMessage());
        }
        CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
            try (OutputStream in = process.getOutputStream()) {
                in.write(data);
            } catch (IOException e) {
                // ffmpeg stopped reading (bad input); its exit status and stderr say why.
            }
        });
        CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        byte[] pcm = readAll(process.getInputStream());
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new MediaFormatException("ffmpeg did not finish within " + TIMEOUT_SECONDS + " s");
            }
            feed.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MediaFormatException("interrupted while decoding");
        }
        String stderr = new String(errors.join(), StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0 || pcm.length < 4) {
            throw new MediaFormatException("ffmpeg could not decode it"
                    + (stderr.isEmpty() ? "" : ": " + stderr.substring(0, Math.min(MAX_ERROR_CHARS, stderr.length()))));
        }
        float[] samples = new float[pcm.length / 4];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(samples);
        return new Decoded(samples, sampleRate);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
