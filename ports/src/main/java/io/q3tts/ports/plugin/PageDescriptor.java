package io.q3tts.ports.plugin;

import io.q3tts.ports.web.WebRequest;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The UI page a plugin contributes. The UI adapter renders the plugin's precompiled JTE template
 * {@code templateName} (generated into the plugin's own package, see {@code docs/architecture.md})
 * as a fragment inside the shell layout, and lists the page in the navigation, sorted by
 * {@code order} then title.
 *
 * @param templateName the template path inside the plugin's {@code src/main/jte}, e.g.
 *     {@code "narrator/page.jte"}; not blank
 * @param nav the navigation entry, never null
 * @param order sort key in the navigation; core pages use 0..99, plugins 100 and up by convention
 * @param model builds the template's parameters for a page request (called on a request thread);
 *     never null. Keys are the template's {@code @param} names.
 */
public record PageDescriptor(
        String templateName,
        NavEntry nav,
        int order,
        Function<WebRequest, Map<String, Object>> model) {

    /** @throws IllegalArgumentException on a blank template name or missing field */
    public PageDescriptor {
        if (templateName == null || templateName.isBlank()) {
            throw new IllegalArgumentException("templateName must not be blank");
        }
        Objects.requireNonNull(nav, "nav");
        Objects.requireNonNull(model, "model");
    }
}
