package io.q3tts.adapters.inference.onnx.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import io.q3tts.adapters.inference.onnx.io.WavAudio;
import io.q3tts.adapters.inference.onnx.io.WavReader;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.SpeechCodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The speech-tokenizer port on the demo codec bundle, against the official encodes (resampling and down-mixing included). */
class OnnxSpeechTokenizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CancellationToken NONE = CancellationToken.none();
    private static OnnxSpeechTokenizer tokenizer;

    @BeforeAll
    static void open() {
        tokenizer = OnnxSpeechTokenizer.open(TestPaths.requireBundle("codec"), new OrtRuntime(OnnxRuntimeConfig.cpu()));
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void givenTheDemoCodec_thenItDescribesItself() {
        assertEquals(24_000, tokenizer.sampleRate());
        assertEquals(12.5, tokenizer.frameRate());
        assertEquals(16, tokenizer.codebooks());
        assertEquals("demo-codec", tokenizer.manifest().name());
        assertTrue(tokenizer.manifest().randomWeights());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ref_24k_mono", "ref_16k_mono", "ref_44k1_stereo"})
    void givenAFixtureClip_whenEncoded_thenTheCodesAreTheOfficialOnes(String clip) throws Exception {
        JsonNode fx = JSON.readTree(TestPaths.requireFixture("codec/encode_" + clip + ".json").toFile());
        WavAudio wav = WavReader.read(TestPaths.fixtures().resolve(fx.path("file").asText()));
        SpeechCodes codes = tokenizer.encode(new PcmAudio(wav.samples(), wav.sampleRate()), NONE);
        assertEquals(12.5, codes.frameRate());
        JsonNode ref = fx.path("codes");
        assertEquals(ref.size(), codes.frameCount());
        for (int f = 0; f < codes.frameCount(); f++) {
            int[] expected = new int[ref.get(f).size()];
            for (int q = 0; q < expected.length; q++) {
                expected[q] = ref.get(f).get(q).asInt();
            }
            assertArrayEquals(expected, codes.frames()[f], clip + " frame " + f);
        }
        PcmAudio back = tokenizer.decode(codes, NONE);
        assertEquals(24_000, back.sampleRate());
        assertEquals(codes.frameCount() * 1920, back.samples().length);
    }

    @Test
    void givenBadInput_whenEncodingOrDecoding_thenInvalidArgumentOrCancelled() {
        assertThrows(InvalidArgumentException.class, () -> tokenizer.encode(new PcmAudio(new float[0], 24_000), NONE));
        assertThrows(InvalidArgumentException.class, () -> tokenizer.encode(new PcmAudio(new float[] {0f, Float.NaN}, 24_000), NONE));
        assertThrows(InvalidArgumentException.class, () -> tokenizer.decode(new SpeechCodes(new int[][] {new int[15]}, 12.5), NONE));
        int[][] outOfRange = {new int[16]};
        outOfRange[0][3] = 2048;
        assertThrows(InvalidArgumentException.class, () -> tokenizer.decode(new SpeechCodes(outOfRange, 12.5), NONE));
        assertEquals(0, tokenizer.decode(new SpeechCodes(new int[0][], 12.5), NONE).samples().length);
        CancellationToken cancelled = CancellationToken.create();
        cancelled.cancel();
        assertThrows(CancelledException.class, () -> tokenizer.decode(new SpeechCodes(new int[][] {new int[16]}, 12.5), cancelled));
    }
}
