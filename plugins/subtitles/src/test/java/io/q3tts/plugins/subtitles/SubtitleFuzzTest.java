package io.q3tts.plugins.subtitles;

import io.q3tts.plugins.testkit.Fuzz;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and mutated subtitle files: every one is parsed or refused with a 400, each within a second. */
class SubtitleFuzzTest {

    private static final List<String> CORPUS = List.of(
            "1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i> {\\an8}there\\Nfriend\n\n2\n00:00:03,000 --> 00:00:04,000\nIf 2<3 & 5>1.\n",
            "WEBVTT - title\n\nNOTE a note\n\nSTYLE\n::cue {}\n\nid\n00:01.000 --> 00:02.500 align:start\n"
                    + "<v Bob>Hi.</v> <v Ann>Hello.</v>\n\n00:00:03.000 --> 00:00:04.000line:40%\n<ruby>漢字<rt>かんじ</rt></ruby>\n",
            "0\n1088:42:00,500 --> 1088:42:01,000\nLong hours.\n1\n00:00:05,000 --> 00:00:05,000\nZero.\n");
    private static final List<String> TOKENS = List.of("-->", "\n", "\n\n", "\r", ":", ",", ".", "00", "<", ">", "<v ", "</v>",
            "<rt>", "<ruby>", "<c.x>", "<00:00:01.000>", "{\\", "}", "{Y:i}", "\\N", "&", "&amp;", "&#x", "NOTE", "WEBVTT",
            "\u0000", "\f", " ", "-");

    @Test
    void textInputsNeverFaultAndNeverTakeASecond() {
        SubtitleParser parser = new SubtitleParser();
        new Fuzz(12, CORPUS, TOKENS).run(500, text -> parser.parse(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void inputsInOtherEncodingsWithBrokenBytesNeverFault() {
        SubtitleParser parser = new SubtitleParser();
        List<String> charsets = List.of("UTF-16LE", "UTF-16BE", "windows-1250", "Shift_JIS", "UTF-32BE", "UTF-8");
        new Fuzz(14, CORPUS, TOKENS).maxRun(5_000).run(200, text -> {
            Random random = new Random(text.hashCode());
            byte[] data = text.getBytes(Charset.forName(charsets.get(random.nextInt(charsets.size()))));
            if (random.nextBoolean() && data.length > 0) {
                data[random.nextInt(data.length)] = (byte) random.nextInt(256);
            }
            parser.parse(data);
        });
    }

    @Test
    void randomBytesNeverFault() {
        SubtitleParser parser = new SubtitleParser();
        new Fuzz(15, List.of("x"), List.of("x")).maxRun(1).run(200, text -> {
            Random random = new Random(text.hashCode());
            byte[] data = new byte[1 + random.nextInt(2_000)];
            random.nextBytes(data);
            parser.parse(data);
        });
    }
}
