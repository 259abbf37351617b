package dev.agentkanban.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The MCP SDK's server and transport are not made when the service starts (issue #19: about 1,000 classes
 * a service that serves no MCP never loads); McpGuard makes them at the first MCP request
 * (McpOnFirstUseTest), and the MCP tests exercise that path against the running service.
 */
class McpLazyBeansTest extends ApiTest {

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void theSdksBeansAreMadeOnFirstUse() {
        var factory = context.getBeanFactory();
        assertThat(factory.getBeanDefinition("mcpServer").isLazyInit()).isTrue();
        assertThat(factory.getBeanDefinition("mcpTransport").isLazyInit()).isTrue();
        assertThat(factory.getBeanDefinition("mcpServlet").isLazyInit()).isFalse();
    }
}
