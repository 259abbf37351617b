package dev.agentkanban.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.KanbanApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.DependencyType;
import org.springframework.modulith.docs.Documenter;

/**
 * The module boundaries: each top-level package is a module whose public types are its API; no module
 * reaches into another's internals (subpackages, package-private types) and the dependencies form no
 * cycle. The module documentation in docs/architecture/ is written from the same model.
 */
class ModulesTest {

    static final ApplicationModules MODULES = ApplicationModules.of(KanbanApplication.class);

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersApi() {
        MODULES.verify();
    }

    @Test
    void writesTheModuleDocumentation() throws Exception {
        Path out = Path.of("docs", "architecture");
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(out.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
        var dependencies = new TreeMap<String, String>();
        for (ApplicationModule module : MODULES) {
            dependencies.put(
                    module.getIdentifier().toString(),
                    module.getDirectDependencies(MODULES, DependencyType.values())
                            .uniqueModules()
                            .map(m -> m.getIdentifier().toString())
                            .collect(Collectors.toCollection(TreeSet::new))
                            .toString());
        }
        StringBuilder table = new StringBuilder("| module | depends on |\n|---|---|\n");
        dependencies.forEach((m, deps) -> table.append("| ")
                .append(m)
                .append(" | ")
                .append(deps.substring(1, deps.length() - 1))
                .append(" |\n"));
        Files.writeString(out.resolve("dependencies.md"), "# Module dependencies (written by ModulesTest)\n\n" + table);
        assertThat(out.resolve("components.puml")).exists();
    }
}
