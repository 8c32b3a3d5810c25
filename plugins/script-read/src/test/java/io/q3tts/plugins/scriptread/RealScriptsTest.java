package io.q3tts.plugins.scriptread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reproductions of issue 12 for the table read: real dialogue layouts and Fountain details. */
class RealScriptsTest {

    private final ScriptParser parser = new ScriptParser(100_000, 500);

    private List<String> lines(String input, String format) {
        return parser.parse(input, format, null).lines().stream()
                .map(l -> (l.speaker() == null ? "-" : l.speaker()) + "|" + l.text()).toList();
    }

    @Test
    void dialogSumTurnsAreSpeakersNotComments() {
        assertEquals(List.of("Person1|I have an issue.", "Person2|What is it?"),
                lines("#Person1#: I have an issue.\n#Person2#: What is it?\n# a real comment\n", null));
    }

    @Test
    void wrappedProseContinuesTheSpeakerInsteadOfInventingOne() {
        Script s = parser.parse("SOCRATES: Then, as the saying goes, we are\nback where we started: nothing is fixed.\n"
                + "MENO: So it seems.\nSOCRATES: And yet we go on.\nnote: this is prose\n", null, null);
        assertEquals(List.of("SOCRATES|Then, as the saying goes, we are back where we started: nothing is fixed.",
                "MENO|So it seems.", "SOCRATES|And yet we go on. note: this is prose"),
                s.lines().stream().map(l -> l.speaker() + "|" + l.text()).toList());
        assertEquals(2, s.warnings().size(), s.warnings().toString());
        assertTrue(s.warnings().get(0).startsWith("line 2: 'back where we started:' is read as text"), s.warnings().toString());
        assertTrue(s.warnings().get(1).startsWith("line 5: 'note:' is read as text"), s.warnings().toString());
    }

    @Test
    void aLoneOrLineIsTextNotARejectedFile() {
        assertEquals(List.of("ANN|Take the train", "-|or:", "ANN|Take the bus."),
                lines("ANN: Take the train\n\nor:\n\nANN: Take the bus.\n", null));
    }

    @Test
    void platoParagraphLayoutKeepsEveryWrappedLineWithItsSpeaker() {
        String meno = """
                MENO: Can you tell me, Socrates, whether virtue is acquired by teaching or
                by practice; or if neither by teaching nor by practice, then whether it
                comes to man by nature, or in what other way?

                SOCRATES: O Meno, there was a time when the Thessalians were famous among
                the other Hellenes only for their riches and their riding. But now, if I
                am not mistaken, they are equally famous for their wisdom.

                MENO: Yes.
                """;
        List<String> got = lines(meno, null);
        assertEquals(3, got.size(), got.toString());
        assertTrue(got.get(1).startsWith("SOCRATES|O Meno") && got.get(1).endsWith("famous for their wisdom."), got.get(1));
    }

    @Test
    void shakespeareLayoutReadsTheSpeechBelowTheName() {
        String play = """
                First Citizen:
                Before we proceed any further, hear me speak.

                All:
                Speak, speak.

                First Citizen:
                You are all resolved rather to die than to famish?
                """;
        assertEquals(List.of("First Citizen|Before we proceed any further, hear me speak.", "All|Speak, speak.",
                "First Citizen|You are all resolved rather to die than to famish?"), lines(play, null));
    }

    @Test
    void aLineLayoutStillReadsActionLinesAsTheNarrators() {
        assertEquals(List.of("ALICE|Did you hear that?", "BOB|It's only the wind.", "-|The door creaks open.",
                "ALICE|That was not the wind."), lines(
                "ALICE: Did you hear that?\nBOB (whispering): It's only the wind.\nThe door creaks open.\n[pause 1.5s]\n"
                        + "ALICE: That was not the wind.", null));
    }

    @Test
    void fountainEscapesNestedBoneyardAndLongCues() {
        assertEquals(List.of("-|What the f*ck! Escape_escape. *Really*"),
                lines("What the f\\*ck! Escape\\_escape. \\*Really\\*\n", "fountain"));
        assertEquals(List.of("-|Before after."), lines("Before /* a /* b */ c */after.\n", "fountain"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> parser.parse("Action.\n\n/* a /* b */ never closed\n", "fountain", null));
        assertTrue(e.getMessage().startsWith("line 3: a boneyard"), e.getMessage());
        String shout = "THE DOOR EXPLODES OPEN AND FIFTY SOLDIERS STORM IN, GUNS RAISED, SHOUTING ORDERS NOBODY CAN HEAR "
                + "OVER THE SIRENS, THE DOGS AND THE RAIN HAMMERING ON THE ROOF!!!";
        assertEquals(160, shout.length());
        e = assertThrows(InvalidArgumentException.class, () -> parser.parse("\n" + shout + "\nEveryone freezes.\n",
                "fountain", null));
        assertTrue(e.getMessage().startsWith("line 2: an all-caps line followed by text is a character cue"), e.getMessage());
        assertEquals(List.of("-|" + shout + " Everyone freezes."), lines("\n!" + shout + "\nEveryone freezes.\n", "fountain"),
                "forced action");
    }
}
