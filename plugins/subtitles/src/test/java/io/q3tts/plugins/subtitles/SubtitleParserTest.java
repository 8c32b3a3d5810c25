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
        SubtitleDocument d = parser.parse(data);
        assertEquals("Café déjà vu", d.cues().getFirst().text());
        assertEquals("windows-1252", d.encoding());
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
    void givenABadTimestamp_whenParsing_thenOnlyThatCueIsSkippedAndTheLineNamed() {
        String srt = "1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:01:xx,000 --> 00:01:02,000\nB\n\n3\n00:00:05,000 --> 00:00:06,000\nC\n";
        SubtitleDocument d = parse(srt);
        assertEquals(List.of("A", "C"), d.cues().stream().map(Cue::text).toList());
        assertEquals(List.of(1, 3), d.cues().stream().map(Cue::index).toList());
        assertEquals(1, d.skipped().size());
        assertEquals(6, d.skipped().getFirst().line());
        assertEquals("bad timestamp '00:01:xx,000' (expected 00:01:02,345 or 00:01:02.345); cue 2 skipped.",
                d.skipped().getFirst().reason());
        assertEquals("B", d.skipped().getFirst().text());
        assertTrue(d.warnings().contains("line 6: " + d.skipped().getFirst().reason()), d.warnings().toString());
    }

    @Test
    void givenTheIssuesBadCues_whenParsing_thenEachIsSkippedWithItsLineAndTheRestKept() {
        String srt = """
                1
                00:00:01,000 --> 00:00:02,000
                Good one.

                2
                00::00:03.000 --> 00:00:04.000
                Bad timestamp.

                3
                00:00:06,000 --> 00:00:05,000
                Ends before it starts.

                4
                -00:00:01,000 --> 00:00:07,000
                Negative time.

                5
                00:00:08,000 --> 00:00:09,000
                Good two.
                """;
        SubtitleDocument d = parse(srt);
        assertEquals(List.of("Good one.", "Good two."), d.cues().stream().map(Cue::text).toList());
        assertEquals(List.of(6, 10, 14), d.skipped().stream().map(SubtitleDocument.Skipped::line).toList());
        assertTrue(d.skipped().get(0).reason().startsWith("bad timestamp '00::00:03.000'"), d.skipped().toString());
        assertTrue(d.skipped().get(1).reason().startsWith("cue 3 ends (00:00:05,000) before it starts (00:00:06,000)"),
                d.skipped().toString());
        assertTrue(d.skipped().get(2).reason().startsWith("bad timestamp '-00:00:01,000'"), d.skipped().toString());
    }

    @Test
    void givenSettingsGluedToTheEndTime_whenParsing_thenTheCueIsRead() {
        SubtitleDocument d = parse("WEBVTT\n\n00:00:01.000 --> 00:00:02.000line:40%\nGlued.\n");
        assertEquals(1, d.cues().size());
        assertEquals(2000, d.cues().getFirst().endMs());
        assertTrue(d.skipped().isEmpty());
    }

    @Test
    void givenDeeplyBrokenTimings_whenParsing_thenNoCueIsLeftAndTheErrorSaysWhy() {
        assertTrue(fails("1\n00:00:01,000 -->\nA\n").getMessage().contains("line 2: bad timestamp ''"));
        assertTrue(fails("1\n--> 00:00:01,000\nA\n").getMessage().contains("line 2: bad timestamp ''"));
        assertTrue(fails("1\n00:00:61,000 --> 00:01:02,000\nA\n").getMessage().contains("bad timestamp '00:00:61,000'"));
        assertTrue(fails("1\n00:00:05,000 --> 00:00:01,000\nA\n").getMessage().contains("line 2: cue 1 ends"));
        assertTrue(fails("1\n99999999999999999999:00:01,000 --> 1\nA\n").getMessage().contains("line 2: bad timestamp"));
        assertTrue(fails("1\n" + "9".repeat(10_000) + " --> x\nA\n").getMessage().contains("..."));
    }

    @Test
    void givenOnlyZeroLengthCues_whenParsing_thenTheErrorSaysSo() {
        InvalidArgumentException e = fails("1\n00:00:01,000 --> 00:00:01,000\nA\n\n2\n00:00:02,000 --> 00:00:02,000\nB\n");
        assertTrue(e.getMessage().startsWith("no cues to speak: every cue lasts 0 ms"), e.getMessage());
    }

    @Test
    void givenNulFormFeedsAndUtf16_whenParsing_thenTheyAreText() {
        SubtitleDocument d = parse("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\u0000B\fC\n");
        assertEquals("A\uFFFDB C", d.cues().getFirst().text());
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("NUL")), d.warnings().toString());
        String srt = "1\n00:00:01,000 --> 00:00:02,000\nHello, Đino.\n";
        for (String cs : List.of("UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE")) {
            byte[] body = ("\uFEFF" + srt).getBytes(Charset.forName(cs));
            SubtitleDocument u = parser.parse(body);
            assertEquals("Hello, Đino.", u.cues().getFirst().text(), cs);
            assertEquals(cs, u.encoding());
        }
    }

    @Test
    void givenALegacyCodePage_whenParsing_thenItIsDetectedOrNamedAndAlwaysReported() {
        byte[] data = "1\n00:00:01,000 --> 00:00:02,000\nĐino je došao.\n".getBytes(Charset.forName("windows-1250"));
        SubtitleDocument guessed = parser.parse(data);
        assertTrue(guessed.warnings().stream().anyMatch(w -> w.contains("guessed as " + guessed.encoding())),
                guessed.warnings().toString());
        SubtitleDocument named = parser.parse(data, "windows-1250");
        assertEquals("Đino je došao.", named.cues().getFirst().text());
        assertEquals("windows-1250", named.encoding());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> parser.parse(data, "no-such"));
        assertEquals("encoding", e.field());
    }

    @Test
    void givenLongHoursAndAngleBracketsInText_whenParsing_thenTimesAndWordsAreRight() {
        SubtitleDocument d = parse("WEBVTT\n\n1088:42:00.500 --> 1088:42:02.000\nLate.\n");
        assertEquals(((1088L * 60 + 42) * 60) * 1000 + 500, d.cues().getFirst().startMs());
        assertEquals("If 2<3 and 5>1 then x<y.", parse("1\n00:00:01,000 --> 00:00:02,000\nIf 2<3 and 5>1 then x<y.\n")
                .cues().getFirst().text());
    }

    @Test
    void givenRubyVoicesAndAssCodes_whenParsing_thenOnlyTheWordsAreSpokenEachByItsVoice() {
        assertEquals("漢字です", parse("WEBVTT\n\n00:01.000 --> 00:02.000\n<ruby>漢字<rt>かんじ</rt></ruby>です\n")
                .cues().getFirst().text());
        assertEquals("One two three four", parse("1\n00:00:01,000 --> 00:00:02,000\n{\\an8}One\\Ntwo\\hthree {Y:i}four\n")
                .cues().getFirst().text());
        SubtitleDocument d = parse("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Bob>Hi.</v> <v Ann>Hello there.</v>\n");
        assertEquals(2, d.cues().size());
        Cue bob = d.cues().get(0);
        Cue ann = d.cues().get(1);
        assertEquals(List.of("Bob", "Hi.", "Ann", "Hello there."), List.of(bob.speaker(), bob.text(), ann.speaker(), ann.text()));
        assertEquals(List.of(1, 1, 1, 2), List.of(bob.index(), ann.index(), bob.part(), ann.part()));
        assertEquals(1000, bob.startMs());
        assertEquals(bob.endMs(), ann.startMs());
        assertEquals(3000, ann.endMs());
        assertTrue(bob.durationMs() < ann.durationMs(), "the window is shared by text length");
    }

    @Test
    void givenAnUnclosedVoiceTag_whenParsing_thenItIsNotSpoken() {
        SubtitleDocument d = parse("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nYes. <v Bob Hello\n");
        assertEquals("Yes.", d.cues().getFirst().text());
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("never closed")), d.warnings().toString());
    }

    @Test
    void givenAnIdRightAfterText_whenParsing_thenItIsNotSpoken() {
        SubtitleDocument srt = parse("1\n00:00:01,000 --> 00:00:02,000\nHello.\n2\n00:00:03,000 --> 00:00:04,000\nBye.\n");
        assertEquals(List.of("Hello.", "Bye."), srt.cues().stream().map(Cue::text).toList());
        SubtitleDocument vtt = parse("WEBVTT\n\n00:01.000 --> 00:02.000\nHello.\nSecond line.\nintro-2\n"
                + "00:03.000 --> 00:04.000\nBye.\n");
        assertEquals(List.of("Hello. Second line.", "Bye."), vtt.cues().stream().map(Cue::text).toList());
    }

    @Test
    void givenANoteWhoseSecondLineIsATimingLine_whenParsing_thenItIsACue() {
        SubtitleDocument d = parse("WEBVTT\n\nNOTE\n00:00:01.000 --> 00:00:02.000\nSpoken.\n\nNOTE a real note\nstill a note\n");
        assertEquals(List.of("Spoken."), d.cues().stream().map(Cue::text).toList());
    }

    @Test
    void givenSrtNumberedFromZero_whenParsing_thenItIsSaidOnce() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(i).append("\n00:00:0").append(i).append(",000 --> 00:00:0").append(i).append(",500\nx").append(i).append("\n\n");
        }
        SubtitleDocument d = parse(b.toString());
        assertEquals(5, d.cues().size());
        assertEquals(1, d.warnings().size(), d.warnings().toString());
        assertTrue(d.warnings().getFirst().contains("counts from 0"), d.warnings().toString());
    }

    @Test
    void givenEmptyBinaryOrNonSubtitleInput_whenParsing_thenAClearError() {
        assertTrue(fails(new byte[0]).getMessage().contains("empty"));
        assertTrue(fails(new byte[] {'1', 1, 2, 3}).getMessage().contains("binary"));
        assertTrue(fails("just some text\nwithout timings\n").getMessage().startsWith("no cues"));
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
        assertEquals(SubtitleParser.MAX_SKIPPED, d.skipped().size(), "the 25 000 stray lines are counted, not all listed");
    }

    private static String ts(long ms) {
        return String.format("%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }
}
