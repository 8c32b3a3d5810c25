package io.q3tts.ports.in.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.ListJobsQuery;
import io.q3tts.ports.in.models.LoadModelCommand;
import io.q3tts.ports.in.output.ListOutputsQuery;
import io.q3tts.ports.in.tokenizer.DecodeSpeechCommand;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.SpeechCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class VoiceCommandsTest {

    private static final AudioUpload CLIP = AudioUpload.of("audio_sample", new byte[] {1, 2});

    private static String field(Executable e) {
        return assertThrows(InvalidArgumentException.class, e).field();
    }

    @Test
    void givenCreateVoice_whenFieldsAreMissing_thenTheErrorNamesThem() {
        assertEquals("name", field(() -> new CreateVoiceCommand(null, null, null, CLIP, "t", false)));
        assertEquals("name", field(() -> new CreateVoiceCommand("x".repeat(65), null, null, CLIP, "t", false)));
        assertEquals("audio_sample", field(() -> new CreateVoiceCommand("n", null, null, null, "t", false)));
        assertEquals("ref_text", field(() -> new CreateVoiceCommand("n", null, null, CLIP, null, false)));
        CreateVoiceCommand ok = new CreateVoiceCommand(" Ann ", null, " English", CLIP, null, true);
        assertEquals("Ann", ok.name());
        assertEquals("", ok.description());
        assertEquals("english", ok.language());
        assertNull(ok.transcript());
    }

    @Test
    void givenUpdateVoice_whenTheIdOrTranscriptIsBad_thenTheErrorNamesThem() {
        assertEquals("voice_id", field(() -> new UpdateVoiceCommand("..", null, null, null, null)));
        assertEquals("ref_text", field(() -> new UpdateVoiceCommand("ann", null, null, null, " ")));
        assertNull(new UpdateVoiceCommand("ann", null, null, " ", null).language());
    }

    @Test
    void givenOtherCommands_whenOutOfRange_thenTheErrorNamesTheField() {
        assertEquals("job_id", field(() -> JobId.of("a b")));
        assertEquals("limit", field(() -> new ListJobsQuery(null, 0)));
        assertEquals("limit", field(() -> new ListOutputsQuery(1001, null, null)));
        assertEquals("before", field(() -> new ListOutputsQuery(10, "../x", null)));
        assertEquals("model", field(() -> new LoadModelCommand("")));
        assertEquals("codes", field(() -> new DecodeSpeechCommand(null, new SpeechCodes(new int[0][], 12.5), null)));
        assertEquals("codes", field(() -> new SpeechCodes(new int[][] {{1, 2}, {3}}, 12.5)));
    }
}
