package io.edgecascade.cascade;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of {@code cascade/}: the {@code api} package (what stages, sinks and plug-ins see) depends on nothing
 * else of the project, the packages form no cycle, and the threading engine ({@code pipeline}) and the event sinks
 * ({@code events}) meet only in {@code api}.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.edgecascade.cascade");
    }

    @Test
    void theApiPackageImportsNothingOfTheProject() {
        noClasses().that().resideInAPackage("io.edgecascade.cascade.api..")
                .should().dependOnClassesThat(resideInAPackage("io.edgecascade..")
                        .and(resideOutsideOfPackage("io.edgecascade.cascade.api..")))
                .because("sinks and plug-ins compile against the api package alone")
                .check(classes);
    }

    @Test
    void cascadePackagesFormNoCycle() {
        slices().matching("io.edgecascade.cascade.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void pipelineAndEventsMeetOnlyInTheApi() {
        noClasses().that().resideInAPackage("io.edgecascade.cascade.pipeline..")
                .should().dependOnClassesThat().resideInAPackage("io.edgecascade.cascade.events..")
                .check(classes);
        noClasses().that().resideInAPackage("io.edgecascade.cascade.events..")
                .should().dependOnClassesThat().resideInAPackage("io.edgecascade.cascade.pipeline..")
                .check(classes);
    }
}
