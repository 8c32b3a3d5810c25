package io.q3tts.domain.synthesis;

import java.nio.charset.StandardCharsets;

/**
 * The {@code codes.json} an output keeps when its request asked for {@code return_codes}: the
 * generated codec codes in the format of {@code q3tts encode} ({@code "format": "q3tts-codes"}, one
 * frame of 16 codes per line), so {@code q3tts decode} reads it and a line diff against the
 * official {@code generate_*} codes shows the first frame that differs. An ICL clone's reference
 * frames are not included, as in the official {@code generate_voice_clone} return value.
 */
final class CodesJson {

    /** The file name inside the output folder. */
    static final String FILE = "codes.json";

    private CodesJson() {
    }

    static byte[] bytes(String modelId, int sampleRate, int[][] codes) {
        StringBuilder b = new StringBuilder(64 + codes.length * 96);
        b.append("{\n  \"format\": \"q3tts-codes\",\n  \"format_version\": 1,\n  \"model\": \"");
        // Model ids are path-safe slugs (Ids.isSafe): nothing in them needs JSON escaping.
        b.append(modelId).append("\",\n");
        b.append("  \"sample_rate\": ").append(sampleRate).append(",\n");
        b.append("  \"frame_rate\": 12.5,\n");
        b.append("  \"codebooks\": ").append(codes.length == 0 ? 16 : codes[0].length).append(",\n");
        b.append("  \"frames\": ").append(codes.length).append(",\n");
        b.append("  \"source\": {\"generated\": true},\n");
        b.append("  \"codes\": [");
        for (int f = 0; f < codes.length; f++) {
            b.append(f == 0 ? "\n    [" : ",\n    [");
            for (int q = 0; q < codes[f].length; q++) {
                if (q > 0) {
                    b.append(", ");
                }
                b.append(codes[f][q]);
            }
            b.append(']');
        }
        b.append(codes.length == 0 ? "]\n" : "\n  ]\n").append("}\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
