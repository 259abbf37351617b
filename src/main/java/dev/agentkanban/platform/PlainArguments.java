package dev.agentkanban.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ValueConstants;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.multipart.support.MultipartResolutionDelegate;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.View;

/**
 * The {@code @PathVariable} and {@code @RequestParam} arguments of type {@code String}, {@code long} or
 * {@code int} (boxed or not) taken straight from the request when they are plain: a single value, as
 * text or as decimal digits that fit, or an absent optional parameter (issue #19). Spring creates a data
 * binder and runs its type conversion for every such argument, even an absent one: a twentieth of a
 * task read's time in the service, and more for a list with its twenty optional filters. Anything else
 * (a sign, hexadecimal, several values, a default value, a missing required value, a multipart
 * request) goes to Spring's own resolver, so every value answers as before, errors included; the
 * values that are taken here are those Spring's conversion gives back unchanged ({@code "007"} is 7
 * for both).
 */
final class PlainArguments implements HandlerMethodArgumentResolver {

    /** What a parameter asks for, once per parameter (null: not one of those taken here). */
    private record Named(String name, boolean path, boolean required, Class<?> type) {}

    private static final Named NOT_PLAIN = new Named("", false, false, Object.class);
    private static final Object SPRING = new Object();

    private final HandlerMethodArgumentResolver pathVariables;
    private final HandlerMethodArgumentResolver requestParams;
    private final Map<MethodParameter, Named> named = new ConcurrentHashMap<>();

    PlainArguments(HandlerMethodArgumentResolver pathVariables, HandlerMethodArgumentResolver requestParams) {
        this.pathVariables = pathVariables;
        this.requestParams = requestParams;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return named(parameter) != NOT_PLAIN;
    }

    @Override
    public Object resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest,
            WebDataBinderFactory binderFactory)
            throws Exception {
        Named n = named(parameter);
        HandlerMethodArgumentResolver spring = n.path() ? pathVariables : requestParams;
        Object value = n.path() ? pathVariable(n, webRequest) : requestParam(n, webRequest);
        if (value == SPRING) {
            return spring.resolveArgument(parameter, mavContainer, webRequest, binderFactory);
        }
        if (n.path()) {
            // what Spring's resolver records for views (PathVariableMethodArgumentResolver.handleResolvedValue)
            @SuppressWarnings("unchecked")
            Map<String, Object> recorded =
                    (Map<String, Object>) webRequest.getAttribute(View.PATH_VARIABLES, RequestAttributes.SCOPE_REQUEST);
            if (recorded == null) {
                recorded = new HashMap<>();
                webRequest.setAttribute(View.PATH_VARIABLES, recorded, RequestAttributes.SCOPE_REQUEST);
            }
            recorded.put(n.name(), value);
        }
        return value;
    }

    private static Object pathVariable(Named n, NativeWebRequest request) {
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>)
                request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        String value = variables == null ? null : variables.get(n.name());
        return value == null ? SPRING : plain(value, n.type());
    }

    private static Object requestParam(Named n, NativeWebRequest request) {
        HttpServletRequest servlet = request.getNativeRequest(HttpServletRequest.class);
        if (servlet == null || MultipartResolutionDelegate.isMultipartRequest(servlet)) {
            return SPRING;
        }
        String[] values = request.getParameterValues(n.name());
        if (values == null) {
            return n.required() || n.type().isPrimitive() ? SPRING : null;
        }
        return values.length == 1 ? plain(values[0], n.type()) : SPRING;
    }

    /** The value as the parameter's type when Spring's conversion would give the same, else {@link #SPRING}. */
    private static Object plain(String value, Class<?> type) {
        if (type == String.class) {
            return value;
        }
        boolean isLong = type == long.class || type == Long.class;
        int digits = value.length();
        if (digits == 0 || digits > (isLong ? 18 : 9)) {
            return SPRING;
        }
        for (int i = 0; i < digits; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return SPRING;
            }
        }
        return isLong ? (Object) Long.parseLong(value) : (Object) Integer.parseInt(value);
    }

    private Named named(MethodParameter parameter) {
        return named.computeIfAbsent(parameter, PlainArguments::of);
    }

    private static Named of(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        if (type != String.class
                && type != long.class
                && type != Long.class
                && type != int.class
                && type != Integer.class) {
            return NOT_PLAIN;
        }
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if ((path == null) == (param == null)
                || (param != null && !ValueConstants.DEFAULT_NONE.equals(param.defaultValue()))) {
            return NOT_PLAIN;
        }
        String name = path != null ? path.name() : param.name();
        if (name.isEmpty()) {
            name = path != null ? path.value() : param.value(); // the same attribute, if not synthesized
        }
        if (name.isEmpty()) {
            name = parameter.getParameterName();
        }
        if (name == null || name.isEmpty() || name.contains("${") || name.contains("#{")) {
            return NOT_PLAIN;
        }
        return new Named(name, path != null, path != null ? path.required() : param.required(), type);
    }
}
