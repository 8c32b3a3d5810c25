package io.q3tts.plugins.scriptread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.q3tts.lib.dsp.Loudness;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MixerTest {

    private static final int SR = Mixer.SAMPLE_RATE;

    static float[] tone(int samples, double amplitude) {
        float[] t = new float[samples];
        for (int i = 0; i < samples; i++) {
            t[i] = (float) (amplitude * Math.sin(2 * Math.PI * 440 * i / SR));
        }
        return t;
    }

    @Test
    void linesArePlacedBackToBackWithTheRightGapsExactToTheSample() {
        List<Mixer.Take> takes = List.of(
                new Mixer.Take("a", tone(1000, 0.1), null),
                new Mixer.Take("a", tone(2000, 0.1), null),
                new Mixer.Take("b", tone(500, 0.1), 1.5),
                new Mixer.Take("a", tone(700, 0.1), null),
                new Mixer.Take("narrator", tone(300, 0.1), 0.25));
        Mixer.Result r = new Mixer(Mixer.Settings.defaults()).mix(takes, 0.5, null);
        List<Mixer.Placement> p = r.placements();
        assertEquals(12_000, p.get(0).start(), "lead-in");
        assertEquals(p.get(0).end() + 4_800, p.get(1).start(), "same speaker: 0.2 s");
        assertEquals(p.get(1).end() + 8_400, p.get(2).start(), "another speaker: 0.35 s");
        assertEquals(p.get(2).end() + 36_000, p.get(3).start(), "an explicit pause replaces the gap");
        assertEquals(p.get(3).end() + 8_400, p.get(4).start());
        assertEquals(p.get(4).end() + 6_000, r.samples().length, "a pause after the last line is trailing silence");
        for (int i = 0; i < takes.size(); i++) {
            float[] expected = takes.get(i).samples();
            assertEquals(expected.length, p.get(i).end() - p.get(i).start());
            assertEquals(Arrays.toString(expected), Arrays.toString(Arrays.copyOfRange(r.samples(), p.get(i).start(), p.get(i).end())));
        }
        assertEquals(0f, r.samples()[p.get(0).end() + 10]);
        assertEquals(0.0, r.gainDb());
    }

    @Test
    void theMixIsNormalisedToTheTargetUnlessThatWouldClip() {
        List<Mixer.Take> takes = List.of(new Mixer.Take("a", tone(SR, 0.02), null), new Mixer.Take("b", tone(SR, 0.03), null));
        Mixer.Result r = new Mixer(Mixer.Settings.defaults()).mix(takes, 0, -20.0);
        assertEquals(-20.0, Loudness.integrated(r.samples(), SR), 0.5);
        assertFalse(r.peakLimited());
        float[] spiky = tone(SR, 0.01);
        spiky[100] = 0.8f;
        Mixer.Result limited = new Mixer(Mixer.Settings.defaults()).mix(List.of(new Mixer.Take("a", spiky, null)), 0, -10.0);
        float peak = 0;
        for (float v : limited.samples()) {
            peak = Math.max(peak, Math.abs(v));
        }
        assertEquals(Mixer.PEAK_CEILING, peak, 1e-4);
    }
}
