package io.q3tts.app.plugins;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.DefaultExtensionFinder;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.JarPluginRepository;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginRepository;
import org.pf4j.PluginWrapper;
import org.pf4j.ServiceProviderExtensionFinder;
import org.pf4j.processor.ExtensionStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PF4J over the plugins folders, set up for q3tts plugins: every {@code *.jar} directly in a folder
 * is a plugin (sub-folders are ignored, so the source tree's {@code plugins/<id>/} modules next to
 * dropped-in jars do no harm), and extensions come from {@code META-INF/services} files.
 */
final class TaskPluginManager extends DefaultPluginManager {

    /** The services file of the one extension point. */
    static final String SERVICES_FILE = "META-INF/services/io.q3tts.ports.plugin.TaskPlugin";

    /** @param roots the plugins folders; missing ones are skipped with a warning */
    TaskPluginManager(List<Path> roots) {
        super(roots);
    }

    @Override
    protected PluginRepository createPluginRepository() {
        return new JarPluginRepository(getPluginsRoots());
    }

    @Override
    protected ExtensionFinder createExtensionFinder() {
        DefaultExtensionFinder finder = new DefaultExtensionFinder(this);
        finder.add(new TaskPluginServicesFinder(this));
        addPluginStateListener(finder);
        return finder;
    }

    /**
     * The service-provider finder, reading only the {@code TaskPlugin} services file. On the
     * application class path PF4J's default reads every library's services files and loads each
     * listed class to test it, which costs time and logs noise for no plugin; in a plugin jar it
     * looks the folder {@code META-INF/services} up as a resource, which only works in jars that
     * carry directory entries (not every jar tool writes them).
     */
    private static final class TaskPluginServicesFinder extends ServiceProviderExtensionFinder {

        private static final Logger LOG = LoggerFactory.getLogger(TaskPluginServicesFinder.class);

        TaskPluginServicesFinder(PluginManager manager) {
            super(manager);
        }

        @Override
        public Map<String, Set<String>> readClasspathStorages() {
            Map<String, Set<String>> result = new LinkedHashMap<>();
            try {
                result.put(null, read(TaskPluginManager.class.getClassLoader().getResources(SERVICES_FILE)));
            } catch (IOException e) {
                LOG.error("Cannot read the built-in plugins' {}: {}", SERVICES_FILE, e.getMessage());
                result.put(null, Set.of());
            }
            return result;
        }

        @Override
        public Map<String, Set<String>> readPluginsStorages() {
            Map<String, Set<String>> result = new LinkedHashMap<>();
            for (PluginWrapper plugin : pluginManager.getPlugins()) {
                try {
                    // findResources, not getResources: only the plugin's own jar, not its parent's class path.
                    result.put(plugin.getPluginId(),
                            read(((PluginClassLoader) plugin.getPluginClassLoader()).findResources(SERVICES_FILE)));
                } catch (IOException e) {
                    LOG.error("Cannot read {} of plugin '{}': {}", SERVICES_FILE, plugin.getPluginId(), e.getMessage());
                    result.put(plugin.getPluginId(), Set.of());
                }
            }
            return result;
        }

        private static Set<String> read(Enumeration<URL> urls) throws IOException {
            Set<String> classNames = new LinkedHashSet<>();
            while (urls.hasMoreElements()) {
                try (Reader reader = new InputStreamReader(urls.nextElement().openStream(), StandardCharsets.UTF_8)) {
                    ExtensionStorage.read(reader, classNames);
                }
            }
            return classNames;
        }
    }
}
