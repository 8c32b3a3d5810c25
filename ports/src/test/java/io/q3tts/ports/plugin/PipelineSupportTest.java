package io.q3tts.ports.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PipelineSupportTest {

    @Test
    void givenAPositiveIntegerSetting_whenRead_thenItOrTheFallbackIsReturned() {
        Map<String, String> config = Map.of("max_lines", " 12 ", "blank", " ");
        assertEquals(12, PipelineSupport.positiveInt("demo", config, "max_lines", 5));
        assertEquals(5, PipelineSupport.positiveInt("demo", config, "absent", 5));
        assertEquals(5, PipelineSupport.positiveInt("demo", config, "blank", 5));
    }

    @Test
    void givenABadSetting_whenRead_thenTheMessageNamesThePluginAndTheSetting() {
        for (String bad : new String[] {"0", "-3", "lots", "1.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PipelineSupport.positiveInt("demo", Map.of("max_lines", bad), "max_lines", 5));
            assertEquals("demo config max_lines must be a positive integer: " + bad, e.getMessage());
        }
    }

    @Test
    void givenBytes_whenDecodedStrictly_thenOnlyValidUtf8IsText() {
        assertEquals(Optional.of("héllo"), PipelineSupport.strictUtf8("héllo".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.of(""), PipelineSupport.strictUtf8(new byte[0]));
        assertEquals(Optional.empty(), PipelineSupport.strictUtf8("héllo".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(Optional.empty(), PipelineSupport.strictUtf8(new byte[] {(byte) 0xC3}));
    }
}
