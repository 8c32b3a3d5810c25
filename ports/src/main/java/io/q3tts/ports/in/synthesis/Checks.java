package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.Locale;

/** Field checks shared by the synthesis commands; messages name the API field. */
final class Checks {

    private Checks() {
    }

    static String text(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new InvalidArgumentException(field, field + " must not be empty.");
        }
        if (text.length() > SynthesisLimits.MAX_TEXT_LENGTH) {
            throw new InvalidArgumentException(field, field + " must be at most " + SynthesisLimits.MAX_TEXT_LENGTH
                    + " characters, got " + text.length() + "; split longer texts.");
        }
        return io.q3tts.ports.model.TextChecks.requireNoControl(text, field, true);
    }

    static String optionalModel(String modelId, String field) {
        return modelId == null || modelId.isBlank() ? null : Ids.requireSafe(modelId.strip(), field);
    }

    static String language(String language) {
        return language == null || language.isBlank() ? "auto" : language.strip().toLowerCase(Locale.ROOT);
    }

    static String optionalText(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > max) {
            throw new InvalidArgumentException(field, field + " must be at most " + max + " characters.");
        }
        return io.q3tts.ports.model.TextChecks.requireNoControl(value.strip(), field, true);
    }

    static String required(String value, String field, String message) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(field, message);
        }
        return value;
    }

    static String summary(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
