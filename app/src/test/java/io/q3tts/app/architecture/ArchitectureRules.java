package io.q3tts.app.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.and;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The ring rules, as factories over a root package so that the same rules run on the real code
 * ({@code io.q3tts}, in {@link ArchitectureTest}) and on a fixture of deliberate violations
 * ({@code io.q3tts.archfixture}, in {@link ArchitectureRulesFixtureTest}), which proves each rule
 * can fail.
 *
 * <p>Packages: {@code <root>.ports.{model,in,out,plugin,web}}, {@code <root>.domain},
 * {@code <root>.adapters.<kind>[.<tech>]}, {@code <root>.plugins.<id>}, {@code <root>.app}.
 */
final class ArchitectureRules {

    private ArchitectureRules() {
    }

    static ArchRule portsDependOnlyOnPortsAndTheJdk(String root) {
        return classes().that().resideInAPackage(root + ".ports..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(root + ".ports..", "java..")
                .because("ports are the framework-free contract every module shares");
    }

    static ArchRule drivingPortsDoNotDependOnDrivenPorts(String root) {
        return noClasses().that().resideInAPackage(root + ".ports.in..")
                .should().dependOnClassesThat().resideInAPackage(root + ".ports.out..")
                .because("callers of the use cases (HTTP, CLI, plugins) must not see technology-facing types");
    }

    static ArchRule drivenPortsDoNotDependOnDrivingPorts(String root) {
        return noClasses().that().resideInAPackage(root + ".ports.out..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".ports.in..", root + ".ports.plugin..",
                        root + ".ports.web..")
                .because("adapters implementing driven ports need only the shared model");
    }

    static ArchRule pluginApiDoesNotExposeDrivenPorts(String root) {
        return noClasses().that().resideInAnyPackage(root + ".ports.plugin..", root + ".ports.web..")
                .should().dependOnClassesThat().resideInAPackage(root + ".ports.out..")
                .because("plugins reach inference and storage only through use cases, so the GPU policy sees every run");
    }

    static ArchRule domainDependsOnlyOnPortsAndTheJdk(String root) {
        return classes().that().resideInAPackage(root + ".domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(root + ".domain..", root + ".ports..", "java..")
                .because("the domain is policy; technology belongs in adapters");
    }

    static ArchRule domainKnowsNothingAboutPluginsOrTheWeb(String root) {
        return noClasses().that().resideInAPackage(root + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".ports.web..", root + ".ports.plugin..",
                        "java.util.logging..")
                .because("the web contract is the driving adapters' concern; the domain logs through System.Logger");
    }

    static ArchRule onlyTheAppUsesTheDomain(String root) {
        return classes().that().resideInAPackage(root + ".domain..")
                .should().onlyHaveDependentClassesThat().resideInAnyPackage(root + ".domain..", root + ".app..")
                .because("adapters and plugins talk to the core through ports; only the composition root builds it");
    }

    static ArchRule adaptersNeverDependOnEachOther(String root) {
        return slices().matching(root + ".adapters.(*)..").namingSlices("adapter $1")
                .should().notDependOnEachOther();
    }

    static ArchRule adaptersDoNotSeeTheDomain(String root) {
        return noClasses().that().resideInAPackage(root + ".adapters..")
                .should().dependOnClassesThat().resideInAPackage(root + ".domain..")
                .because("adapters implement or call ports; the domain is wired to them by the app");
    }

    static ArchRule onlyTheAppWiresAdapters(String root) {
        return classes().that().resideInAPackage(root + ".adapters..")
                .should().onlyHaveDependentClassesThat().resideInAnyPackage(root + ".adapters..", root + ".app..")
                .because("the composition root is the only place that names adapter classes");
    }

    static ArchRule pluginsDependOnlyOnThePluginApi(String root) {
        return noClasses().that().resideInAPackage(root + ".plugins..")
                .should().dependOnClassesThat(and(resideInAPackage(root + ".."), resideOutsideOfPackages(
                        root + ".plugins..", root + ".ports.plugin..", root + ".ports.web..", root + ".ports.in..",
                        root + ".ports.model..", root + ".lib..")))
                .because("plugins use the plugin API and the use cases only; never the domain, adapters, app or driven ports"
                        + " (the JDK-only libraries under lib, e.g. lib.dsp, are pure functions with no ring of their own,"
                        + " so a plugin may bundle them to post-process audio without reaching into the hexagon)")
                .allowEmptyShould(true);
    }

    static ArchRule pluginsUseNoHostFramework(String root) {
        return noClasses().that().resideInAPackage(root + ".plugins..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "ai.onnxruntime..", "ai.djl..", "org.pf4j..")
                .because("the plugin API is framework-neutral; the host can change frameworks without breaking plugins")
                .allowEmptyShould(true);
    }

    static ArchRule pluginsAreIsolatedFromEachOther(String root) {
        return slices().matching(root + ".plugins.(*)..").namingSlices("plugin $1")
                .should().notDependOnEachOther().allowEmptyShould(true);
    }

    static ArchRule onnxRuntimeStaysInItsAdapter(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".adapters.inference.onnx..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.djl..")
                .because("inference technology is replaceable behind the SpeechSynthesizer port");
    }

    static ArchRule javalinStaysInTheHttpAdapter(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".adapters.http..")
                .should().dependOnClassesThat().resideInAPackage("io.javalin..")
                .because("routes are framework-neutral RouteSpecs everywhere else");
    }

    static ArchRule natsStaysInTheQueueAdapter(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".adapters.queue.nats..")
                .should().dependOnClassesThat().resideInAPackage("io.nats..")
                .because("the work queue is replaceable behind the StepQueue port; the domain and app never see NATS");
    }

    static ArchRule jteStaysInTheUiAdapterAndPluginTemplates(String root) {
        return noClasses().that().resideOutsideOfPackages(root + ".adapters.ui.jte..", root + ".plugins..")
                .should().dependOnClassesThat().resideInAPackage("gg.jte..")
                .because("only the UI adapter renders, and plugins ship precompiled templates");
    }

    static ArchRule pf4jStaysInTheAppPluginBridge(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".app.plugins..")
                .should().dependOnClassesThat().resideInAPackage("org.pf4j..")
                .because("extension points are plain interfaces; one bridge in the app loads them with PF4J");
    }

    static ArchRule librariesDependOnlyOnTheJdk(String root) {
        return classes().that().resideInAPackage(root + ".lib..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(root + ".lib..", "java..", "com.ibm.icu.text..")
                .because("shared libraries are plain code that any adapter or plugin may use without coupling them; the "
                        + "one library they use is ICU4J's charset detector, for decoding uploaded text (lib.text)")
                .allowEmptyShould(true);
    }

    static ArchRule noCyclesBetweenModules(String root) {
        return slices().matching(root + ".(*)..").namingSlices("module $1").should().beFreeOfCycles();
    }

    static ArchRule noCyclesBetweenDomainPackages(String root) {
        return slices().matching(root + ".domain.(*)..").namingSlices("domain.$1").should().beFreeOfCycles()
                .allowEmptyShould(true);
    }

    static ArchRule noCyclesBetweenPortPackages(String root) {
        return slices().matching(root + ".ports.(**)").namingSlices("ports.$1").should().beFreeOfCycles();
    }

    static ArchRule useCasesAreDrivingPortInterfaces(String root) {
        return classes().that().haveSimpleNameEndingWith("UseCase").and().resideInAPackage(root + "..")
                .should().beInterfaces().andShould().resideInAPackage(root + ".ports.in..")
                .because("a use case is a driving port; the domain implements it as a *Service")
                .allowEmptyShould(true);
    }
}
