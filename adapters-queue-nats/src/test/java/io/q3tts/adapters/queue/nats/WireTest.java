package io.q3tts.adapters.queue.nats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.out.cluster.Step;
import io.q3tts.ports.out.cluster.StepResult;
import io.q3tts.ports.out.cluster.StepWork;
import io.q3tts.ports.out.cluster.VoiceClip;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SamplingParams;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.TextInputMode;
import io.q3tts.ports.out.inference.VoicePrompt;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireTest {

    @Test
    void givenAStepWithEveryRequestField_whenItTravels_thenTheWorkerReadsTheSameRequest() {
        SamplingParams sampling = new SamplingParams(true, 0.7, 33, 0.85, 1.07, false, 0.6, 11, 0.75, 1234567890123L);
        SynthesisRequest request = new SynthesisRequest(TaskType.VOICE_CLONE, "Hello, world.", "english", null, null,
                new VoicePrompt.Saved("ref-abc"), sampling, 77, TextInputMode.NON_STREAMING);
        byte[] clip = {1, 2, 3};
        Step step = new Step("step-1", "demo.base", new StepWork.Synthesize(request, new VoiceClip("ref-abc", clip, "It says this.", false)));

        Wire.Incoming in = Wire.readStep(Wire.step(step), id -> Map.of("ref-abc", clip).get(id));

        StepWork.Synthesize back = assertInstanceOf(StepWork.Synthesize.class, in.step().work());
        assertEquals(request, back.request(), "every request and sampling component survives the wire");
        assertEquals("step-1", in.step().key());
        assertEquals("demo.base", in.step().modelId());
        assertEquals("It says this.", back.voice().transcript());
        assertArrayEquals(clip, back.voice().wav());
    }

    @Test
    void givenTheRequestRecords_whenCounted_thenTheWireMapsEveryComponent() {
        // A component added to these records must be added to Wire, or remote audio would differ silently.
        assertEquals(9, SynthesisRequest.class.getRecordComponents().length, "update Wire.request/readRequest");
        assertEquals(10, SamplingParams.class.getRecordComponents().length, "update Wire.request/readRequest");
    }

    @Test
    void givenAudio_whenItTravels_thenTheSamplesAreBitIdentical() {
        float[] samples = {0f, -0f, 1e-38f, -0.99999994f, Float.MIN_VALUE, 0.123456789f};
        StepResult r = new StepResult.Synthesized(new SynthesisResult(samples.clone(), 24_000, 3, FinishReason.MAX_NEW_TOKENS,
                Duration.ofMillis(42)), "w1");
        StepResult.Synthesized back = assertInstanceOf(StepResult.Synthesized.class, Wire.readResult(Wire.result(r)));
        assertEquals(samples.length, back.result().samples().length);
        for (int i = 0; i < samples.length; i++) {
            assertEquals(Float.floatToRawIntBits(samples[i]), Float.floatToRawIntBits(back.result().samples()[i]));
        }
        assertEquals(FinishReason.MAX_NEW_TOKENS, back.result().finishReason());
        assertEquals(Duration.ofMillis(42), back.result().elapsed());
        assertEquals("w1", back.worker());

        StepResult.Encoded prompt = assertInstanceOf(StepResult.Encoded.class, Wire.readResult(Wire.result(
                new StepResult.Encoded(new ClonePrompt("key-1", new byte[] {9, 8}, true), "w2"))));
        assertEquals("key-1", prompt.prompt().cacheKey());
        assertArrayEquals(new byte[] {9, 8}, prompt.prompt().data());
    }

    @Test
    void givenAWorkersError_whenItTravels_thenTheSameTypeMessageAndFieldArrive() {
        Q3ttsException invalid = Wire.readError(Wire.error(new InvalidArgumentException("ref_audio", "Too short."), "w1", 3));
        assertInstanceOf(InvalidArgumentException.class, invalid);
        assertEquals("ref_audio", invalid.field());
        assertEquals("Too short.", invalid.getMessage());
        Q3ttsException model = Wire.readError(Wire.error(new ModelException("The model could not be loaded."), "w1", 3));
        assertInstanceOf(ModelException.class, model);
        assertEquals("The model could not be loaded.", model.getMessage());
    }

    @Test
    void givenAUrlWithCredentials_whenDescribed_thenTheyAreLeftOut() {
        assertEquals("nats://nats.example:4222", NatsStepQueue.redact("nats://user:secret@nats.example:4222"));
        assertEquals("nats://127.0.0.1:4222", NatsStepQueue.redact("nats://127.0.0.1:4222"));
        assertEquals("demo_base", NatsStepQueue.token("demo.base"));
    }
}
