package io.q3tts.plugins.subtitles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.InvalidArgumentException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubtitleParserTest {

    private static final String NOISE = "0123456789:,.-> \n\r<>{}\\vAbWEBVTT";

    private final SubtitleParser parser = new SubtitleParser();

    private SubtitleDocument parse(String text) {
        return parser.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private InvalidArgumentException fails(String text) {
        return fails(text.getBytes(StandardCharsets.UTF_8));
    }

    private InvalidArgumentException fails(byte[] data) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> parser.parse(data));
        assertEquals("subtitles", e.field());
        return e;
    }

    @Test
    void givenPlainSrt_whenParsing_thenTimesAndTextAreRead() {
        SubtitleDocument d = parse("1\n00:00:01,000 --> 00:00:02,500\nHello\nthere\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n");
        assertEquals("srt", d.format());
        assertEquals(2, d.cues().size());
        Cue c = d.cues().getFirst();
        assertEquals(1000, c.startMs());
        assertEquals(2500, c.endMs());
        assertEquals("Hello there", c.text());
        assertEquals(2, c.line());
        assertNull(c.speaker());
        assertTrue(d.warnings().isEmpty(), d.warnings().toString());
    }

    @Test
    void givenBomAndCrlfAndCrOnly_whenParsing_thenTheSameCues() {
        String lf = "1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:02,000 --> 00:00:03,000\nB\n";
        for (String text : List.of("\uFEFF" + lf, lf.replace("\n", "\r\n"), "\uFEFF" + lf.replace("\n", "\r"))) {
            SubtitleDocument d = parse(text);
            assertEquals(List.of("A", "B"), d.cues().stream().map(Cue::text).toList());
            assertEquals(2000, d.cues().get(1).startMs());
        }
    }

    @Test
    void givenWindows1252Text_whenParsing_thenItIsDecoded() {
        byte[] data = "1\n00:00:01,000 --> 00:00:02,000\nCafé déjà vu\n".getBytes(Charset.forName("windows-1252"));
        assertEquals("Café déjà vu", parser.parse(data).cues().getFirst().text());
    }

    @Test
    void givenMissingAndWrongIndices_whenParsing_thenCuesAreRenumberedAndReported() {
        SubtitleDocument d = parse("00:00:01,000 --> 00:00:02,000\nA\n\n7\n00:00:03,000 --> 00:00:04,000\nB\n");
        assertEquals(List.of(1, 2), d.cues().stream().map(Cue::index).toList());
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().getFirst().startsWith("line 5: cue numbered '7' is cue 2"), d.warnings().toString());
    }

    @Test
    void givenNoBlankLineBetweenCues_whenParsing_thenBothCuesAreFound() {
        SubtitleDocument d = parse("1\n00:00:01,000 --> 00:00:02,000\nA\n2\n00:00:03,000 --> 00:00:04,000\nB\n");
        assertEquals(List.of("A", "B"), d.cues().stream().map(Cue::text).toList());
        assertTrue(d.warnings().isEmpty(), d.warnings().toString());
    }

    @Test
    void givenStylingTags_whenParsing_thenOnlyTheSpokenTextRemains() {
        SubtitleDocument d = parse("1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Hello</i> <b>big</b> "
                + "<font color=\"#ff0000\">world</font> &amp; more&nbsp;here\n");
        assertEquals("Hello big world & more here", d.cues().getFirst().text());
    }

    @Test
    void givenWebVtt_whenParsing_thenSettingsNotesStylesRegionsAreSkippedAndVoicesNameSpeakers() {
        String vtt = """
                WEBVTT - a title
                Kind: captions

                NOTE this is a comment
                spanning lines

                STYLE
                ::cue { color: red }

                REGION
                id:fred width:40%

                intro
                00:01.000 --> 00:02.500 align:start line:0
                <v Alice>Hi <c.loud>there</c></v>

                00:00:03.000 --> 00:00:04.000
                <v.first Bob Smith>Hello <00:00:03.500>again
                """;
        SubtitleDocument d = parse(vtt);
        assertEquals("vtt", d.format());
        assertEquals(2, d.cues().size());
        assertEquals(1000, d.cues().get(0).startMs());
        assertEquals(2500, d.cues().get(0).endMs());
        assertEquals("Alice", d.cues().get(0).speaker());
        assertEquals("Hi there", d.cues().get(0).text());
        assertEquals("Bob Smith", d.cues().get(1).speaker());
        assertEquals("Hello again", d.cues().get(1).text());
        assertTrue(d.warnings().isEmpty(), d.warnings().toString());
    }

    @Test
    void givenOverlappingCues_whenParsing_thenBothAreKeptAndTheOverlapIsReported() {
        SubtitleDocument d = parse("1\n00:00:01,000 --> 00:00:03,000\nA\n\n2\n00:00:02,500 --> 00:00:04,000\nB\n");
        assertEquals(2, d.cues().size());
        assertEquals(List.of("line 6: cue 2 overlaps cue 1 by 500 ms; both are kept and mixed."), d.warnings());
    }

    @Test
    void givenEmptyAndZeroLengthCues_whenParsing_thenTheyAreSkippedWithAWarning() {
        SubtitleDocument d = parse("1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:03,000 --> 00:00:03,000\nX\n\n"
                + "3\n00:00:05,000 --> 00:00:06,000\nC\n");
        assertEquals(List.of("C"), d.cues().stream().map(Cue::text).toList());
        assertEquals(2, d.warnings().size());
    }

    @Test
    void givenABadTimestamp_whenParsing_thenTheErrorNamesTheLineAndTheValue() {
        String srt = "1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:01:xx,000 --> 00:01:02,000\nB\n";
        assertEquals("line 6: bad timestamp '00:01:xx,000'; expected 00:01:02,345 or 00:01:02.345.", fails(srt).getMessage());
    }

    @Test
    void givenDeeplyBrokenTimings_whenParsing_thenEachIsAClearError() {
        assertTrue(fails("1\n00:00:01,000 -->\nA\n").getMessage().startsWith("line 2: bad timestamp ''"));
        assertTrue(fails("1\n--> 00:00:01,000\nA\n").getMessage().startsWith("line 2: bad timestamp ''"));
        assertTrue(fails("1\n00:00:61,000 --> 00:01:02,000\nA\n").getMessage().contains("below 60"));
        assertTrue(fails("1\n00:00:05,000 --> 00:00:01,000\nA\n").getMessage().startsWith("line 2: the cue ends"));
        assertTrue(fails("1\n99999999999999999999:00:01,000 --> 1\nA\n").getMessage().startsWith("line 2: bad timestamp"));
        assertTrue(fails("1\n" + "9".repeat(10_000) + " --> x\nA\n").getMessage().contains("..."));
    }

    @Test
    void givenEmptyBinaryOrNonSubtitleInput_whenParsing_thenAClearError() {
        assertTrue(fails(new byte[0]).getMessage().contains("empty"));
        assertTrue(fails(new byte[] {'1', 0, 2, 3}).getMessage().contains("binary"));
        assertTrue(fails("just some text\nwithout timings\n").getMessage().startsWith("no cues found"));
        assertTrue(fails("\n\n\n").getMessage().startsWith("no cues found"));
        assertTrue(fails("WEBVTT\n\nNOTE only a note\n").getMessage().startsWith("no cues found"));
    }

    @Test
    void givenRandomBytes_whenParsing_thenOnlyInvalidArgumentIsEverThrown() {
        Random random = new Random(42);
        for (int n = 0; n < 500; n++) {
            byte[] data = new byte[1 + random.nextInt(400)];
            random.nextBytes(data);
            if (n % 2 == 0) {
                // Printable noise with timing arrows gets past the binary check into the cue parser.
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) NOISE.charAt(Math.floorMod(data[i], NOISE.length()));
                }
            }
            try {
                SubtitleDocument d = parser.parse(data);
                assertTrue(!d.cues().isEmpty());
            } catch (InvalidArgumentException e) {
                assertEquals("subtitles", e.field());
            }
        }
    }

    @Test
    void givenTooLargeFileOrTooManyCues_whenParsing_thenTheLimitIsNamed() {
        assertTrue(assertThrows(InvalidArgumentException.class, () -> new SubtitleParser(100, 10).parse(new byte[101]))
                .getMessage().contains("at most 100"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            many.append(i + 1).append("\n00:00:").append(String.format("%02d", i)).append(",000 --> 00:00:")
                    .append(String.format("%02d", i)).append(",500\nx\n\n");
        }
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> new SubtitleParser(1 << 20, 10).parse(many.toString().getBytes(StandardCharsets.UTF_8)));
        assertEquals("subtitles", e.field());
        assertTrue(e.getMessage().contains("more than 10 cues"), e.getMessage());
    }

    @Test
    void givenAHundredThousandLines_whenParsing_thenItIsFastAndWarningsAreCapped() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 25_000; i++) {
            b.append("stray line ").append(i).append("\n\n");
        }
        for (int i = 0; i < 4_000; i++) {
            long ms = i * 100L;
            b.append(i + 1).append('\n').append(ts(ms)).append(" --> ").append(ts(ms + 90)).append("\nw\n\n");
        }
        long t0 = System.nanoTime();
        SubtitleDocument d = parser.parse(b.toString().getBytes(StandardCharsets.UTF_8));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        assertEquals(4_000, d.cues().size());
        assertEquals(SubtitleParser.MAX_WARNINGS + 1, d.warnings().size());
    }

    private static String ts(long ms) {
        return String.format("%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }
}
