package io.q3tts.plugins.npcpack;

import com.fasterxml.jackson.databind.JsonNode;
import io.q3tts.lib.dsp.Pcm16;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kept take of one line, as generated (before resampling and loudness), with how it was got.
 * It is the line's checkpoint: {@link #encode()} and {@link #decode} round-trip it exactly.
 *
 * @param samples the audio, mono
 * @param sampleRate its rate
 * @param seed the seed of this take
 * @param attempts how many takes were generated (1 = first time right)
 * @param retryReasons why each earlier take was not kept, in order
 * @param runaway whether this take is still longer than the runaway guard allows (no better one was found)
 * @param voice the voice as the manifest names it ({@code saved:<id>} or a preset speaker)
 * @param task the model task that spoke it (e.g. {@code VOICE_CLONE})
 * @param modelId the model that spoke it
 * @param randomWeights whether that model has random weights
 * @param frames codec frames generated for it
 */
record Take(float[] samples, int sampleRate, long seed, int attempts, List<String> retryReasons, boolean runaway,
            String voice, String task, String modelId, boolean randomWeights, int frames) {

    private static final int MAGIC = 0x4E504332; // "NPC2": the take as WAV, encoded when the pack is built

    Take {
        retryReasons = List.copyOf(retryReasons);
    }

    /** @return the length in seconds */
    double seconds() {
        return samples.length / (double) sampleRate;
    }

    /** @return the checkpoint bytes */
    byte[] encode() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("seed", seed);
        meta.put("attempts", attempts);
        meta.put("retry_reasons", retryReasons);
        meta.put("runaway", runaway);
        meta.put("voice", voice);
        meta.put("task", task);
        meta.put("model", modelId);
        meta.put("random_weights", randomWeights);
        meta.put("frames", frames);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            byte[] json = PackParser.JSON.writeValueAsBytes(meta);
            out.writeInt(json.length);
            out.write(json);
            byte[] wav = Pcm16.wav(samples, sampleRate);
            out.writeInt(wav.length);
            out.write(wav);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param data checkpoint bytes
     * @return the take
     * @throws IllegalArgumentException if the bytes are not a take
     */
    static Take decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a line checkpoint");
            }
            JsonNode meta = PackParser.JSON.readTree(in.readNBytes(length(in, data.length)));
            byte[] wav = in.readNBytes(length(in, data.length));
            List<String> reasons = new ArrayList<>();
            meta.path("retry_reasons").forEach(r -> reasons.add(r.asText()));
            return new Take(Pcm16.fromWav(wav), Pcm16.sampleRate(wav), meta.path("seed").asLong(),
                    meta.path("attempts").asInt(), reasons, meta.path("runaway").asBoolean(),
                    meta.path("voice").asText(), meta.path("task").asText(), meta.path("model").asText(),
                    meta.path("random_weights").asBoolean(), meta.path("frames").asInt());
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated line checkpoint", e);
        }
    }

    private static int length(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("corrupt line checkpoint");
        }
        return n;
    }
}
