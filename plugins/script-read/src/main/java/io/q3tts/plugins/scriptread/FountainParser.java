package io.q3tts.plugins.scriptread;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Basic Fountain screenplays (fountain.io): the title page is skipped; boneyard {@code /* *\/} and
 * notes {@code [[ ]]} are removed; sections ({@code #}), synopses ({@code =}) and page breaks are
 * ignored; transitions ({@code CUT TO:}, forced {@code >}) are ignored, since read aloud they are
 * noise; scene headings ({@code INT.}/{@code EXT.}, forced {@code .}) and action paragraphs are
 * narrator lines; a character cue (an upper-case line after a blank line, followed by text; forced
 * {@code @}) starts dialogue, whose parentheticals become the instruct of the dialogue that follows
 * them. Emphasis markers ({@code *}, {@code _}) are dropped. {@code [pause 1s]} lines work as in
 * text scripts.
 */
final class FountainParser {

    private static final Pattern SCENE = Pattern.compile("(?i)(?:INT|EXT|EST|INT\\.?/EXT|I/E)[. ].*");
    private static final Pattern TITLE_KEY = Pattern.compile(
            "(?i)(title|credit|author|authors|source|draft date|date|contact|copyright|notes|revision)\\s*:.*");
    private static final Pattern SCENE_NUMBER = Pattern.compile("\\s*#[^#]*#\\s*$");
    private static final Pattern EXTENSION = Pattern.compile("\\s*\\([^)]*\\)\\s*");

    private FountainParser() {
    }

    static Script parse(String input) {
        String[] rows = stripComments(input).split("\n", -1);
        int start = titlePageEnd(rows);
        List<ScriptLine> out = new ArrayList<>();
        double leadIn = 0;
        StringBuilder action = new StringBuilder();
        int actionLine = 0;
        boolean prevBlank = true;
        for (int i = start; i < rows.length; i++) {
            int n = i + 1;
            String raw = rows[i];
            String t = raw.strip();
            if (t.isEmpty()) {
                flush(out, action, actionLine);
                prevBlank = true;
                continue;
            }
            boolean nextBlank = i + 1 >= rows.length || rows[i + 1].isBlank();
            Double marker = ScriptParser.marker(t, n);
            if (marker != null) {
                flush(out, action, actionLine);
                if (out.isEmpty()) {
                    leadIn += marker;
                } else {
                    out.set(out.size() - 1, out.getLast().plusPause(marker));
                }
                prevBlank = false;
                continue;
            }
            if (t.startsWith("#") || (t.startsWith("=") && !t.startsWith("==")) || t.matches("={3,}")) {
                flush(out, action, actionLine);
                prevBlank = false;
                continue;
            }
            if (t.startsWith(">") && t.endsWith("<") && t.length() > 2) {
                if (action.isEmpty()) {
                    actionLine = n;
                }
                appendAction(action, t.substring(1, t.length() - 1).strip());
                prevBlank = false;
                continue;
            }
            if (t.startsWith(">") || (prevBlank && nextBlank && isUpper(t) && t.endsWith("TO:"))) {
                flush(out, action, actionLine);
                prevBlank = false;
                continue;
            }
            if (t.startsWith("!")) {
                if (action.isEmpty()) {
                    actionLine = n;
                }
                appendAction(action, t.substring(1).strip());
                prevBlank = false;
                continue;
            }
            if ((t.startsWith(".") && !t.startsWith("..") && t.length() > 1) || (prevBlank && SCENE.matcher(t).matches())) {
                flush(out, action, actionLine);
                String heading = SCENE_NUMBER.matcher(t.startsWith(".") ? t.substring(1) : t).replaceAll("").strip();
                heading = clean(heading);
                if (!heading.isEmpty()) {
                    out.add(new ScriptLine(n, null, heading, null, null));
                }
                prevBlank = false;
                continue;
            }
            boolean forcedCue = t.startsWith("@") && t.length() > 1;
            if (forcedCue || (prevBlank && !nextBlank && isCue(t))) {
                flush(out, action, actionLine);
                String name = EXTENSION.matcher(t.substring(forcedCue ? 1 : 0).replace("^", "")).replaceAll(" ").strip();
                if (name.isEmpty()) {
                    throw ScriptParser.error(n, "a character cue without a name.");
                }
                if (name.length() > ScriptParser.MAX_SPEAKER_LENGTH) {
                    throw ScriptParser.error(n, "an all-caps line followed by text is a character cue in Fountain, and this "
                            + "name is " + name.length() + " characters (at most " + ScriptParser.MAX_SPEAKER_LENGTH
                            + "). If it is action, start it with '!' or put a blank line after it.");
                }
                i = dialogue(rows, i + 1, name, out);
                prevBlank = true;
                continue;
            }
            if (action.isEmpty()) {
                actionLine = n;
            }
            appendAction(action, t);
            prevBlank = false;
        }
        flush(out, action, actionLine);
        return new Script("fountain", out, leadIn, Map.of(), null);
    }

    /**
     * Reads a dialogue block from {@code from} to the next blank line.
     *
     * @return the index of the last row consumed
     */
    private static int dialogue(String[] rows, int from, String name, List<ScriptLine> out) {
        String instruct = null;
        StringBuilder said = new StringBuilder();
        int saidLine = 0;
        int spoken = 0;
        int i = from;
        for (; i < rows.length && !rows[i].isBlank(); i++) {
            String t = rows[i].strip();
            int n = i + 1;
            if (t.startsWith("(") && t.endsWith(")")) {
                if (!said.isEmpty()) {
                    out.add(new ScriptLine(saidLine, name, clean(said.toString()), instruct, null));
                    spoken++;
                    said.setLength(0);
                }
                instruct = ScriptParser.blankToNull(clean(t.substring(1, t.length() - 1)));
                continue;
            }
            Double marker = ScriptParser.marker(t, n);
            if (marker != null) {
                throw ScriptParser.error(n, "a pause marker inside dialogue; put it on its own after a blank line.");
            }
            if (said.isEmpty()) {
                saidLine = n;
            } else {
                said.append(' ');
            }
            said.append(t.startsWith("~") ? t.substring(1).strip() : t);
        }
        if (!said.isEmpty() && !clean(said.toString()).isEmpty()) {
            out.add(new ScriptLine(saidLine, name, clean(said.toString()), instruct, null));
            spoken++;
        }
        if (spoken == 0) {
            // Row index "from" is the cue's 1-based line number: the error points at the cue.
            throw ScriptParser.error(from, "character " + ScriptParser.shorten(name) + " has no dialogue.");
        }
        return i - 1;
    }

    private static void appendAction(StringBuilder action, String text) {
        if (!action.isEmpty()) {
            action.append(' ');
        }
        action.append(text);
    }

    private static void flush(List<ScriptLine> out, StringBuilder action, int line) {
        if (!action.isEmpty()) {
            String text = clean(action.toString());
            if (!text.isEmpty()) {
                out.add(new ScriptLine(line, null, text, null, null));
            }
            action.setLength(0);
        }
    }

    /**
     * Drops emphasis markers ({@code *italic*}, {@code **bold**}, {@code _underline_}) and extra spaces;
     * an escaped marker ({@code \*}, {@code \_}) is the character itself, as the Fountain syntax says.
     */
    static String clean(String s) {
        String t = s.replace("\\\\", "\uE002").replace("\\*", "\uE000").replace("\\_", "\uE001");
        t = t.replace("*", "").replaceAll("(?<!\\S)_+|_+(?![^\\s\\p{Punct}])", "").replaceAll("\\s+", " ").strip();
        return t.replace('\uE000', '*').replace('\uE001', '_').replace('\uE002', '\\');
    }

    private static boolean isUpper(String t) {
        boolean letter = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (Character.isLowerCase(c)) {
                return false;
            }
            letter |= Character.isLetter(c);
        }
        return letter;
    }

    /** An upper-case name, ignoring extensions such as {@code (V.O.)} and the dual-dialogue {@code ^}. */
    private static boolean isCue(String t) {
        String name = EXTENSION.matcher(t.replace("^", "")).replaceAll(" ").strip();
        // The Fountain rule has no length limit: an all-caps line followed by text is a cue, however long (one
        // too long for a name is refused with its line by the shared checks, never read out as action).
        return !name.isEmpty() && isUpper(name) && !t.endsWith(":");
    }

    private static int titlePageEnd(String[] rows) {
        int first = 0;
        while (first < rows.length && rows[first].isBlank()) {
            first++;
        }
        if (first >= rows.length || !TITLE_KEY.matcher(rows[first].strip()).matches()) {
            return 0;
        }
        int i = first;
        while (i < rows.length && !rows[i].isBlank()) {
            i++;
        }
        return i;
    }

    /**
     * Removes boneyard and notes, keeping line breaks so line numbers stay right. Boneyard nests
     * ({@code /* a /* b *\/ c *\/} is all boneyard), so commenting out a passage that holds a comment works.
     *
     * @throws io.q3tts.ports.model.InvalidArgumentException naming the line an unclosed one opens on
     */
    static String stripComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int line = 1;
        int n = s.length();
        int depth = 0;
        int openedOn = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            char next = i + 1 < n ? s.charAt(i + 1) : 0;
            if (c == '/' && next == '*') {
                if (depth == 0) {
                    openedOn = line;
                }
                depth++;
                i++;
                continue;
            }
            if (depth > 0) {
                if (c == '*' && next == '/') {
                    depth--;
                    i++;
                } else if (c == '\n') {
                    out.append('\n');
                    line++;
                }
                continue;
            }
            if (c == '[' && next == '[') {
                int end = s.indexOf("]]", i + 2);
                if (end < 0) {
                    throw ScriptParser.error(line, "a note [[ is opened here but never closed.");
                }
                for (int j = i; j < end; j++) {
                    if (s.charAt(j) == '\n') {
                        out.append('\n');
                        line++;
                    }
                }
                i = end + 1;
                continue;
            }
            if (c == '\n') {
                line++;
            }
            out.append(c);
        }
        if (depth > 0) {
            throw ScriptParser.error(openedOn, "a boneyard /* is opened here but never closed.");
        }
        return out.toString();
    }
}
