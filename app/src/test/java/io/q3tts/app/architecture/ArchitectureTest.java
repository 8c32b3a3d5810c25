package io.q3tts.app.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependency rules between the modules' packages, checked on the assembled classpath (sibling
 * modules arrive as jars in a reactor build, so jars are not excluded; test classes are, which
 * keeps the {@code io.q3tts.archfixture} violations out). The rules themselves are in
 * {@link ArchitectureRules}; {@link ArchitectureRulesFixtureTest} proves they can fail.
 */
@AnalyzeClasses(packages = "io.q3tts", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "io.q3tts";

    @ArchTest
    static final ArchRule ports_depend_only_on_ports_and_the_jdk = ArchitectureRules.portsDependOnlyOnPortsAndTheJdk(ROOT);

    @ArchTest
    static final ArchRule driving_ports_do_not_depend_on_driven_ports = ArchitectureRules.drivingPortsDoNotDependOnDrivenPorts(ROOT);

    @ArchTest
    static final ArchRule driven_ports_do_not_depend_on_driving_ports = ArchitectureRules.drivenPortsDoNotDependOnDrivingPorts(ROOT);

    @ArchTest
    static final ArchRule plugin_api_does_not_expose_driven_ports = ArchitectureRules.pluginApiDoesNotExposeDrivenPorts(ROOT);

    @ArchTest
    static final ArchRule domain_depends_only_on_ports_and_the_jdk = ArchitectureRules.domainDependsOnlyOnPortsAndTheJdk(ROOT);

    @ArchTest
    static final ArchRule domain_knows_nothing_about_plugins_or_the_web = ArchitectureRules.domainKnowsNothingAboutPluginsOrTheWeb(ROOT);

    @ArchTest
    static final ArchRule only_the_app_uses_the_domain = ArchitectureRules.onlyTheAppUsesTheDomain(ROOT);

    @ArchTest
    static final ArchRule adapters_never_depend_on_each_other = ArchitectureRules.adaptersNeverDependOnEachOther(ROOT);

    @ArchTest
    static final ArchRule adapters_do_not_see_the_domain = ArchitectureRules.adaptersDoNotSeeTheDomain(ROOT);

    @ArchTest
    static final ArchRule only_the_app_wires_adapters = ArchitectureRules.onlyTheAppWiresAdapters(ROOT);

    @ArchTest
    static final ArchRule plugins_depend_only_on_the_plugin_api = ArchitectureRules.pluginsDependOnlyOnThePluginApi(ROOT);

    @ArchTest
    static final ArchRule plugins_use_no_host_framework = ArchitectureRules.pluginsUseNoHostFramework(ROOT);

    @ArchTest
    static final ArchRule plugins_are_isolated_from_each_other = ArchitectureRules.pluginsAreIsolatedFromEachOther(ROOT);

    @ArchTest
    static final ArchRule onnx_runtime_stays_in_its_adapter = ArchitectureRules.onnxRuntimeStaysInItsAdapter(ROOT);

    @ArchTest
    static final ArchRule javalin_stays_in_the_http_adapter = ArchitectureRules.javalinStaysInTheHttpAdapter(ROOT);

    @ArchTest
    static final ArchRule nats_stays_in_the_queue_adapter = ArchitectureRules.natsStaysInTheQueueAdapter(ROOT);

    @ArchTest
    static final ArchRule jte_stays_in_the_ui_adapter_and_plugin_templates = ArchitectureRules.jteStaysInTheUiAdapterAndPluginTemplates(ROOT);

    @ArchTest
    static final ArchRule pf4j_stays_in_the_app_plugin_bridge = ArchitectureRules.pf4jStaysInTheAppPluginBridge(ROOT);

    @ArchTest
    static final ArchRule libraries_depend_only_on_the_jdk = ArchitectureRules.librariesDependOnlyOnTheJdk(ROOT);

    @ArchTest
    static final ArchRule no_cycles_between_modules = ArchitectureRules.noCyclesBetweenModules(ROOT);

    @ArchTest
    static final ArchRule no_cycles_between_domain_packages = ArchitectureRules.noCyclesBetweenDomainPackages(ROOT);

    @ArchTest
    static final ArchRule no_cycles_between_port_packages = ArchitectureRules.noCyclesBetweenPortPackages(ROOT);

    @ArchTest
    static final ArchRule use_cases_are_driving_port_interfaces = ArchitectureRules.useCasesAreDrivingPortInterfaces(ROOT);
}
