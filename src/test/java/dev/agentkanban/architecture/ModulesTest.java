package dev.agentkanban.architecture;

import dev.agentkanban.KanbanApplication;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModulesTest {

    static final ApplicationModules MODULES = ApplicationModules.of(KanbanApplication.class);

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersApi() {
        MODULES.verify();
    }
}
