package io.q3tts.app.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the rules of {@link ArchitectureRules} fail when they should, on the deliberate
 * violations in {@code io.q3tts.archfixture} (test sources), and stay quiet on the well-behaved
 * classes of the same fixture.
 */
class ArchitectureRulesFixtureTest {

    private static final String ROOT = "io.q3tts.archfixture";
    private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages(ROOT);

    private static List<String> violations(ArchRule rule) {
        EvaluationResult result = rule.evaluate(FIXTURE);
        return result.getFailureReport().getDetails();
    }

    private static void assertViolation(ArchRule rule, String... fragments) {
        List<String> details = violations(rule);
        assertFalse(details.isEmpty(), "expected a violation of: " + rule.getDescription());
        for (String fragment : fragments) {
            assertTrue(details.stream().anyMatch(d -> d.contains(fragment)),
                    "expected a violation mentioning '" + fragment + "' in " + details);
        }
    }

    @Test
    void givenADomainClassImportingAnAdapter_whenTheDomainRuleIsChecked_thenTheViolationIsReported() {
        assertViolation(ArchitectureRules.domainDependsOnlyOnPortsAndTheJdk(ROOT),
                "GreetingService", "FakeGreetingAdapter");
    }

    @Test
    void givenAnAdapterUsedOutsideTheApp_whenTheWiringRuleIsChecked_thenOnlyTheIllegalUsersAreReported() {
        List<String> details = violations(ArchitectureRules.onlyTheAppWiresAdapters(ROOT));
        assertTrue(details.stream().anyMatch(d -> d.contains("GreetingService")), details.toString());
        assertTrue(details.stream().noneMatch(d -> d.contains("Wiring")), "the app may wire adapters: " + details);
    }

    @Test
    void givenAnAdapterUsingAnotherAdapterAndTheDomain_whenChecked_thenBothViolationsAreReported() {
        assertViolation(ArchitectureRules.adaptersNeverDependOnEachOther(ROOT), "OtherAdapter", "FakeGreetingAdapter");
        assertViolation(ArchitectureRules.adaptersDoNotSeeTheDomain(ROOT), "OtherAdapter", "GreetingService");
        assertViolation(ArchitectureRules.onlyTheAppUsesTheDomain(ROOT), "RoguePlugin");
    }

    @Test
    void givenAPluginReachingIntoTheDomain_whenThePluginRuleIsChecked_thenTheViolationIsReported() {
        assertViolation(ArchitectureRules.pluginsDependOnlyOnThePluginApi(ROOT), "RoguePlugin", "GreetingService");
    }

    @Test
    void givenAWellBehavedPart_whenItsRulesAreChecked_thenNothingIsReported() {
        assertTrue(violations(ArchitectureRules.portsDependOnlyOnPortsAndTheJdk(ROOT)).isEmpty());
        assertTrue(violations(ArchitectureRules.onnxRuntimeStaysInItsAdapter(ROOT)).isEmpty());
        assertTrue(violations(ArchitectureRules.javalinStaysInTheHttpAdapter(ROOT)).isEmpty());
    }

    @Test
    void givenTheAppTalkingToNatsDirectly_whenTheQueueRuleIsChecked_thenTheViolationIsReported() {
        assertViolation(ArchitectureRules.natsStaysInTheQueueAdapter(ROOT), "NatsShortcut", "io.nats.client");
        assertTrue(violations(ArchitectureRules.natsStaysInTheQueueAdapter(ROOT)).stream().noneMatch(d -> d.contains("Wiring")));
    }

    @Test
    void givenTheDomainAndAnAdapterUsingEachOther_whenCyclesAreChecked_thenTheCycleIsReported() {
        assertViolation(ArchitectureRules.noCyclesBetweenModules(ROOT), "GreetingService", "OtherAdapter");
    }
}
