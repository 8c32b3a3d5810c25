package io.q3tts.adapters.ui.jte;

import io.q3tts.ports.plugin.PageDescriptor;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A started plugin's page as the app hands it to the UI.
 *
 * @param id the plugin id ({@code [a-z][a-z0-9-]{0,31}})
 * @param title the plugin title, shown on the home page
 * @param description one sentence, shown on the home page
 * @param page the page the plugin contributes
 * @param classLoader the plugin's class loader, which holds its generated template classes
 * @param templatePackage the package of those classes, the {@code packageName} given to
 *     {@code jte-maven-plugin} (by convention the plugin class's package plus {@code ".jte"})
 */
public record UiPlugin(String id, String title, String description, PageDescriptor page, ClassLoader classLoader,
                       String templatePackage) {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** @throws IllegalArgumentException on a malformed id; NullPointerException on a missing field */
    public UiPlugin {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("bad plugin id: " + id);
        }
        Objects.requireNonNull(title, "title");
        description = description == null ? "" : description;
        Objects.requireNonNull(page, "page");
        Objects.requireNonNull(classLoader, "classLoader");
        Objects.requireNonNull(templatePackage, "templatePackage");
    }

    /**
     * @param pluginClass the plugin's implementation class
     * @return the package its templates are generated into by convention
     */
    public static String templatePackageOf(Class<?> pluginClass) {
        return pluginClass.getPackageName() + ".jte";
    }

    /** @return where the page is served: {@code /tasks/<id>} plus the navigation path below the root */
    public String pagePath() {
        String sub = page.nav().path();
        return "/tasks/" + id + (sub.equals("/") ? "" : sub);
    }
}
