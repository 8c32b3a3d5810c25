package io.q3tts.adapters.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.q3tts.ports.model.PcmAudio;
import org.junit.jupiter.api.Test;

class WsolaAudioEffectsTest {

    @Test
    void givenASpeed_whenTheTempoChanges_thenTheRateStaysAndTheLengthScales() {
        float[] samples = new float[24_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.3 * Math.sin(2 * Math.PI * 200 * i / 24_000.0));
        }
        PcmAudio out = new WsolaAudioEffects().changeTempo(new PcmAudio(samples, 24_000), 1.6);
        assertEquals(24_000, out.sampleRate());
        assertEquals(15_000, out.samples().length);
    }
}
