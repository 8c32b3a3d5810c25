package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.io.WavAudio;
import io.q3tts.adapters.inference.onnx.io.WavReader;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code create_voice_clone_prompt} on the 24 kHz clip (no resampling involved) against the fixture. */
class VoiceClonePromptTest {

    @Test
    void givenThe24kClip_whenAPromptIsCreated_thenCodesAndXVectorMatchTheOfficialOnes() throws Exception {
        Path dir = TestPaths.requireFixture("cases/base_icl_24k_st/case.json").getParent();
        JsonNode cs = Fixture.read(dir.resolve("case.json"));
        WavAudio wav = WavReader.read(TestPaths.fixtures().resolve(cs.path("request").path("ref_audio").path("file").asText()));
        assertEquals(24_000, wav.sampleRate());
        try (Bundle b = Bundle.open(TestPaths.requireBundle("base"), new OrtRuntime(OnnxRuntimeConfig.cpu()));
             TextTokenizer tok = TextTokenizer.load(b.tokenizerFile())) {
            Qwen3TtsEngine engine = new Qwen3TtsEngine(b, tok, PredictorMode.FUSED);
            String refText = cs.path("voice_clone_prompt").path("ref_text").asText();
            VoiceClonePrompt p = engine.createVoiceClonePrompt(wav.samples(), wav.sampleRate(), refText, false);
            int[][] ref = Fixture.frames(cs.path("voice_clone_prompt").path("ref_code"));
            assertEquals(ref.length, p.refCodes().length);
            for (int f = 0; f < ref.length; f++) {
                assertArrayEquals(ref[f], p.refCodes()[f], "frame " + f);
            }
            float[] xvec = Fixture.npy(dir.resolve("ref_spk_embedding.npy"));
            double d = Fixture.maxAbsDiff(xvec, p.speakerEmbedding());
            System.out.printf("XVECTOR 24k clip: max diff %.3e%n", d);
            assertTrue(d < 1e-4, "x-vector max diff " + d);
            VoiceClonePrompt x = engine.createVoiceClonePrompt(wav.samples(), wav.sampleRate(), null, true);
            assertNull(x.refCodes());
        }
    }
}
