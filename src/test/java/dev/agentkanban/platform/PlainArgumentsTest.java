package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.SynthesizingMethodParameter;
import org.springframework.format.support.DefaultFormattingConversionService;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.support.ConfigurableWebBindingInitializer;
import org.springframework.web.bind.support.DefaultDataBinderFactory;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.method.annotation.RequestParamMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.mvc.method.annotation.PathVariableMethodArgumentResolver;

/**
 * {@link PlainArguments} answers what Spring's own resolvers answer, for every kind of value: the same
 * argument, or the same kind of error (it hands those to Spring).
 */
class PlainArgumentsTest {

    @SuppressWarnings("unused")
    void handler(
            @PathVariable long id,
            @PathVariable("ref") Long ref,
            @PathVariable int n,
            @PathVariable String key,
            @RequestParam(required = false) Long limit,
            @RequestParam(name = "column_id", required = false) Long columnId,
            @RequestParam(required = false) Integer count,
            @RequestParam(required = false) String status,
            @RequestParam String q,
            @RequestParam long offset,
            @RequestParam(required = false) int page) {}

    private static final List<String> VALUES = List.of(
            "42",
            "007",
            "0",
            "-1",
            "+1",
            "0x10",
            "#10",
            "",
            " 5",
            "5 ",
            "1e3",
            "9223372036854775807",
            "922337203685477580",
            "99999999999999999999",
            "2147483648",
            "123456789",
            "abc",
            "ä",
            "a,b");

    private final PathVariableMethodArgumentResolver springPaths = new PathVariableMethodArgumentResolver();
    private final RequestParamMethodArgumentResolver springParams = new RequestParamMethodArgumentResolver(false);
    private final PlainArguments plain = new PlainArguments(springPaths, springParams);

    @Test
    void answersAsSpringDoesForEveryValue() throws Exception {
        Method m = annotatedHandler();
        int taken = 0;
        for (int i = 0; i < m.getParameterCount(); i++) {
            MethodParameter p = new SynthesizingMethodParameter(m, i);
            p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
            assertThat(plain.supportsParameter(p)).as(p.toString()).isTrue();
            boolean path = p.hasParameterAnnotation(PathVariable.class);
            List<List<String>> cases = new ArrayList<>();
            cases.add(List.of()); // absent
            VALUES.forEach(v -> cases.add(List.of(v)));
            cases.add(List.of("1", "2"));
            for (List<String> values : cases) {
                if (path && values.size() > 1) {
                    continue;
                }
                String name = path ? pathName(p) : paramName(p);
                Object expected = resolve(path ? springPaths : springParams, p, name, path, values);
                Object actual = resolve(plain, p, name, path, values);
                assertThat(actual).as(p + " " + values).isEqualTo(expected);
                if (!(expected instanceof Failed)) {
                    taken++;
                }
            }
        }
        assertThat(taken).isGreaterThan(50);
    }

    @Test
    void aMultipartRequestGoesToSpring() throws Exception {
        Method m = annotatedHandler();
        MethodParameter p = new SynthesizingMethodParameter(m, 7);
        p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/x");
        request.setContentType("multipart/form-data; boundary=x");
        request.addParameter("status", "open");
        ServletWebRequest web = new ServletWebRequest(request);
        assertThat(plain.resolveArgument(p, new ModelAndViewContainer(), web, binders()))
                .isEqualTo(springParams.resolveArgument(p, new ModelAndViewContainer(), web, binders()));
    }

    /** The annotated {@code handler} (the order of declared methods is unspecified, so not the first one named so). */
    private static Method annotatedHandler() {
        return java.util.Arrays.stream(PlainArgumentsTest.class.getDeclaredMethods())
                .filter(m -> m.getName().equals("handler") && m.getParameterCount() > 0)
                .findFirst()
                .orElseThrow();
    }

    private record Failed(Class<?> type) {}

    private static Object resolve(
            org.springframework.web.method.support.HandlerMethodArgumentResolver resolver,
            MethodParameter p,
            String name,
            boolean path,
            List<String> values) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
        if (path) {
            request.setAttribute(
                    HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE,
                    values.isEmpty() ? Map.of() : Map.of(name, values.getFirst()));
        } else {
            values.forEach(v -> request.addParameter(name, v));
        }
        try {
            Object value =
                    resolver.resolveArgument(p, new ModelAndViewContainer(), new ServletWebRequest(request), binders());
            if (path) {
                assertThat(request.getAttribute(View.PATH_VARIABLES)).isEqualTo(Map.of(name, value));
            }
            return value == null ? "null" : value.getClass().getSimpleName() + ":" + value;
        } catch (Exception e) {
            return new Failed(e.getClass());
        }
    }

    private static DefaultDataBinderFactory binders() {
        ConfigurableWebBindingInitializer initializer = new ConfigurableWebBindingInitializer();
        initializer.setConversionService(new DefaultFormattingConversionService());
        return new DefaultDataBinderFactory(initializer);
    }

    private static String pathName(MethodParameter p) {
        String n = p.getParameterAnnotation(PathVariable.class).name();
        return n.isEmpty() ? p.getParameterName() : n;
    }

    private static String paramName(MethodParameter p) {
        String n = p.getParameterAnnotation(RequestParam.class).name();
        return n.isEmpty() ? p.getParameterName() : n;
    }
}
