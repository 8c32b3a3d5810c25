package io.q3tts.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Dependency rules between the modules' packages, checked on the assembled classpath. */
@AnalyzeClasses(packages = "io.q3tts", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule ports_depend_only_on_ports_and_the_jdk =
            classes().that().resideInAPackage("io.q3tts.ports..")
                    .should().onlyDependOnClassesThat().resideInAnyPackage("io.q3tts.ports..", "java..")
                    .because("ports are the framework-free contract every module shares");

    @ArchTest
    static final ArchRule onnx_runtime_stays_in_its_adapter =
            noClasses().that().resideOutsideOfPackage("io.q3tts.adapters.inference.onnx..")
                    .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.djl..")
                    .because("inference technology is replaceable behind the SpeechSynthesizer port");

    @ArchTest
    static final ArchRule only_the_app_wires_adapters =
            classes().that().resideInAPackage("io.q3tts.adapters..")
                    .should().onlyHaveDependentClassesThat().resideInAnyPackage("io.q3tts.adapters..", "io.q3tts.app..");

    @ArchTest
    static final ArchRule adapters_never_depend_on_each_other =
            slices().matching("io.q3tts.adapters.(*)..").namingSlices("adapter $1")
                    .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule no_package_cycles_between_modules =
            slices().matching("io.q3tts.(*)..").should().beFreeOfCycles();
}
