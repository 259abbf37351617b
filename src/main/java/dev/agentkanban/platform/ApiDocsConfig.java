package dev.agentkanban.platform;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.util.ObjectUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The OpenAPI document ({@code /v3/api-docs}), generated from the controllers by springdoc, and its
 * browsable reference ({@code /docs}: Swagger UI from its WebJar, static/docs). springdoc's beans, and
 * this class's, are made at the first request for the document, not at start: springdoc's Swagger UI
 * page was a WebMvcConfigurer, so Spring MVC made it at start with springdoc's Jackson 2 mappers and
 * swagger's model converters, which serving the API does not need (issue #19, the resident memory:
 * about 300 fewer classes at start, the JDK's start-up cache 2.6 MB smaller; ApiDocsTest).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfig {

    private static final String SPRINGDOC = "org.springdoc.";
    private static final String REGISTRAR = "modelConverterRegistrar";

    /** springdoc's beans made on first use: by their class, or by the configuration class that makes them. */
    @Bean
    static BeanFactoryPostProcessor apiDocsOnFirstUse() {
        return factory -> {
            for (String name : factory.getBeanDefinitionNames()) {
                BeanDefinition definition = factory.getBeanDefinition(name);
                String maker = definition.getFactoryBeanName();
                if (springdoc(definition.getBeanClassName())
                        || (maker != null
                                && factory.containsBeanDefinition(maker)
                                && springdoc(factory.getBeanDefinition(maker).getBeanClassName()))) {
                    definition.setLazyInit(true);
                }
            }
            // springdoc registers the model converters (snakeCaseModels among them) when its registrar is
            // made, which nothing made lazily asks for: the document's makers wait for it
            for (String maker : new String[] {"openApiResource", "openAPIBuilder"}) {
                if (factory.containsBeanDefinition(maker) && factory.containsBeanDefinition(REGISTRAR)) {
                    BeanDefinition definition = factory.getBeanDefinition(maker);
                    // Spring's ahead-of-time code may have it already
                    if (!ObjectUtils.containsElement(definition.getDependsOn(), REGISTRAR)) {
                        definition.setDependsOn(StringUtils.addStringToArray(definition.getDependsOn(), REGISTRAR));
                    }
                }
            }
        };
    }

    private static boolean springdoc(String className) {
        return className != null && className.startsWith(SPRINGDOC);
    }

    /** {@code /docs} (and the addresses springdoc's own page had) lead to the reference page. */
    @Bean
    WebMvcConfigurer apiReferencePage() {
        return new WebMvcConfigurer() {
            @Override
            public void addViewControllers(ViewControllerRegistry registry) {
                for (String path : new String[] {"/docs", "/docs/", "/swagger-ui.html", "/swagger-ui/index.html"}) {
                    registry.addRedirectViewController(path, "/docs/index.html");
                }
            }
        };
    }

    @Bean
    @Lazy
    OpenAPI kanbanApi(ServiceInfo info) {
        return new OpenAPI()
                .info(new Info()
                        .title("Agent Kanban API")
                        .version(info.version())
                        .description("""
                        A kanban and task service for teams and AI agents. JSON field names are snake_case, \
                        times are UTC ISO-8601. Errors are RFC 9457 problem+json. Lists take `limit` \
                        (default 50, max 500) and `offset` and return `{items, total, limit, offset}`. \
                        Boards and tasks carry an `ETag` (their version); writes accept `If-Match` (`*` or a \
                        list of ETags, any of which may be current) and honour `If-None-Match` (`*` is a 412 \
                        on an existing resource), and POSTs accept an `Idempotency-Key`."""));
    }

    /**
     * Schemas as they appear on the wire: springdoc describes models with its own (Jackson 2) mapper,
     * which does not know the application's snake_case naming.
     */
    @Bean
    @Lazy
    ModelResolver snakeCaseModels() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }
}
