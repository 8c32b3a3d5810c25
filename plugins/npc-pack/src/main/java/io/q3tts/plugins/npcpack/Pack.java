package io.q3tts.plugins.npcpack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated pack: characters with unique ids, lines whose characters exist and whose
 * {@code character/id} paths are unique.
 *
 * @param characters in input order, never null
 * @param lines in input order, never empty
 */
record Pack(List<PackCharacter> characters, List<PackLine> lines) {

    Pack {
        characters = List.copyOf(characters);
        lines = List.copyOf(lines);
    }

    /** @return the characters by id */
    Map<String, PackCharacter> byId() {
        Map<String, PackCharacter> m = new LinkedHashMap<>();
        characters.forEach(c -> m.put(c.id(), c));
        return m;
    }

    /** @return the described characters that speak at least one line: the voices to design, in input order */
    List<PackCharacter> designs() {
        List<PackCharacter> out = new ArrayList<>();
        for (PackCharacter c : characters) {
            if (c.kind() == PackCharacter.Kind.DESIGNED && speaks(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * @param c a character
     * @return whether it has a line
     */
    boolean speaks(PackCharacter c) {
        return lines.stream().anyMatch(l -> l.character().equals(c.id()));
    }
}
