package dev.agentkanban.platform;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.annotation.RequestParamMethodArgumentResolver;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite;
import org.springframework.web.servlet.mvc.method.annotation.PathVariableMethodArgumentResolver;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Spring MVC with three of its per-request costs cut for the controllers (issue #19): routes found
 * through an index ({@link RouteIndex}), plain path variables and request parameters taken without a
 * data binder ({@link PlainArguments}), and JSON bytes written without Spring's return value machinery
 * ({@link JsonBytesReturnValues}). All leave every answer as Spring's own.
 */
@Configuration(proxyBeanMethods = false)
class WebMvcFastPaths implements WebMvcRegistrations {

    @Override
    public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
        return new RouteIndex.IndexedMapping();
    }

    @Override
    public RequestMappingHandlerAdapter getRequestMappingHandlerAdapter() {
        return new Adapter();
    }

    /** Spring's adapter, with {@link PlainArguments} asked first, in front of Spring's two resolvers it stands for. */
    static final class Adapter extends RequestMappingHandlerAdapter {
        @Override
        public void afterPropertiesSet() {
            super.afterPropertiesSet();
            List<HandlerMethodArgumentResolver> resolvers = new ArrayList<>(getArgumentResolvers());
            HandlerMethodArgumentResolver paths = resolvers.stream()
                    .filter(r -> r.getClass() == PathVariableMethodArgumentResolver.class)
                    .findFirst()
                    .orElseThrow();
            // the first one takes annotated parameters; the last one, plain ones without an annotation
            HandlerMethodArgumentResolver params = resolvers.stream()
                    .filter(r -> r.getClass() == RequestParamMethodArgumentResolver.class)
                    .findFirst()
                    .orElseThrow();
            resolvers.addFirst(new PlainArguments(paths, params));
            setArgumentResolvers(resolvers);
            // asked first; what it does not write goes to Spring's handlers as before
            List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>(getReturnValueHandlers());
            var spring = new HandlerMethodReturnValueHandlerComposite().addHandlers(handlers);
            handlers.addFirst(new JsonBytesReturnValues(spring));
            setReturnValueHandlers(handlers);
        }
    }
}
