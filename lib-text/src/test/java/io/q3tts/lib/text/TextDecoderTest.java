package io.q3tts.lib.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextDecoderTest {

    private static final String SRT = "1\n00:00:01,000 --> 00:00:02,000\nDobar dan, Đino! Kako si?\n";

    private static byte[] withBom(byte[] bom, String text, Charset cs) {
        byte[] body = text.getBytes(cs);
        byte[] out = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, out, 0, bom.length);
        System.arraycopy(body, 0, out, bom.length, body.length);
        return out;
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void everyByteOrderMarkIsDecodedAndDropped() {
        Object[][] cases = {
            {bytes(0xEF, 0xBB, 0xBF), StandardCharsets.UTF_8, "UTF-8"},
            {bytes(0xFF, 0xFE), StandardCharsets.UTF_16LE, "UTF-16LE"},
            {bytes(0xFE, 0xFF), StandardCharsets.UTF_16BE, "UTF-16BE"},
            {bytes(0xFF, 0xFE, 0, 0), Charset.forName("UTF-32LE"), "UTF-32LE"},
            {bytes(0, 0, 0xFE, 0xFF), Charset.forName("UTF-32BE"), "UTF-32BE"},
        };
        for (Object[] c : cases) {
            TextDecoder.Decoded d = TextDecoder.decode(withBom((byte[]) c[0], SRT, (Charset) c[1]), null);
            assertEquals(SRT, d.text(), (String) c[2]);
            assertEquals(c[2], d.encoding());
            assertEquals("bom", d.source());
            assertTrue(d.warnings().isEmpty(), d.warnings().toString());
        }
    }

    @Test
    void validUtf8IsUtf8() {
        TextDecoder.Decoded d = TextDecoder.decode(SRT.getBytes(StandardCharsets.UTF_8), "auto");
        assertEquals(SRT, d.text());
        assertEquals("UTF-8", d.encoding());
        assertEquals("utf-8", d.source());
    }

    @Test
    void windows1250IsDetectedNotReadAs1252() {
        String text = "1\n00:00:01,000 --> 00:00:03,000\nDzień dobry, jak się masz? Źle, bo żółw zjadł mój obiad.\n\n"
                + "2\n00:00:03,500 --> 00:00:06,000\nĆma leci nad łąką, a Łukasz śpiewa piosenkę.\n";
        TextDecoder.Decoded d = TextDecoder.decode(text.getBytes(Charset.forName("windows-1250")), null);
        assertEquals("detected", d.source());
        assertEquals("windows-1250", d.encoding());
        assertEquals(text, d.text());
    }

    @Test
    void anUnsureGuessIsNeverSilent() {
        // The Croatian line: too short for byte statistics to tell windows-1250 from -1252, so the guess is
        // reported with its confidence and the way to name the encoding.
        String text = "1\n00:00:01,000 --> 00:00:03,000\nĐino, gdje si bio cijeli dan? Čekali smo te.\n";
        byte[] data = text.getBytes(Charset.forName("windows-1250"));
        assertEquals((byte) 0xD0, data[text.indexOf("Đ")], "the issue's byte: D0 is Đ in windows-1250, Ð in windows-1252");
        TextDecoder.Decoded d = TextDecoder.decode(data, null);
        assertEquals("detected", d.source());
        assertEquals(1, d.warnings().size(), d.warnings().toString());
        assertTrue(d.warnings().getFirst().contains("guessed as " + d.encoding()), d.warnings().toString());
        assertTrue(d.warnings().getFirst().contains("name the encoding"), d.warnings().toString());
        assertEquals(text, TextDecoder.decode(data, "windows-1250").text());
    }

    @Test
    void aDeclaredEncodingWins() {
        byte[] data = bytes(0xD0, 0x69, 0x6E, 0x6F);
        TextDecoder.Decoded d = TextDecoder.decode(data, "windows-1250");
        assertEquals("Đino", d.text());
        assertEquals("windows-1250", d.encoding());
        assertEquals("declared", d.source());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextDecoder.decode(data, "klingon-9"));
        assertTrue(e.getMessage().contains("unknown encoding 'klingon-9'"), e.getMessage());
    }

    @Test
    void shiftJisAozoraTextIsDetected() {
        String text = "羅生門\n芥川龍之介\n\n　ある日の暮方の事である。一人の下人《げにん》が、羅生門の下で雨やみを待っていた。\n"
                + "　広い門の下には、この男のほかに誰もいない。ただ、所々｜丹塗《にぬり》の剥げた、大きな円柱に、"
                + "蟋蟀《きりぎりす》が一匹とまっている。\n";
        TextDecoder.Decoded d = TextDecoder.decode(text.getBytes(Charset.forName("Shift_JIS")), null);
        assertEquals("Shift_JIS", d.encoding());
        assertEquals(text, d.text());
    }

    @Test
    void badBytesBecomeReplacementCharactersWithAWarning() {
        TextDecoder.Decoded d = TextDecoder.decode(bytes(0x41, 0xD8, 0x00), "UTF-16BE");
        assertTrue(d.text().contains("\uFFFD"), d.text());
        assertEquals(1, d.warnings().size(), d.warnings().toString());
    }

    @Test
    void controlShareCountsOnlyControlsTextNeverHolds() {
        assertEquals(0.0, TextDecoder.controlShare("a\tb\nc\rd\fe"));
        assertEquals(0.5, TextDecoder.controlShare("a\u0001"));
        assertEquals(0.0, TextDecoder.controlShare(""));
    }
}
