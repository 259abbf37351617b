package dev.agentkanban.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.Charset;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request's {@code Content-Type} must name one concrete media type that Spring can parse, with a
 * charset the JVM knows: {@code *}{@code /*}, {@code application/*} or garbage is a 415 here, where
 * Spring's readers would otherwise fail with an assertion (a 500).
 *
 * <p>A write to the API that will not accept JSON (its {@code Accept} header names nothing JSON, or
 * is not a list of media types) is a 406 here, before the write: Spring would only find out when
 * writing the answer, after the change had committed, and a refused request must change nothing.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class ContentTypeFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    ContentTypeFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getContentType();
        String problem = header == null ? null : problem(header);
        if (problem != null) {
            refuse(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", problem);
            return;
        }
        String accept = request.getHeader("Accept");
        if (accept != null && isApiWrite(request) && !acceptsJson(accept)) {
            refuse(
                    response,
                    HttpStatus.NOT_ACCEPTABLE,
                    "not-acceptable",
                    "the API answers writes in application/json (problems in application/problem+json);"
                            + " the Accept header allows neither");
            return;
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, HttpStatus status, String type, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Problems.of(status, type, Problems.titleOf(status), detail, null));
    }

    private static boolean isApiWrite(HttpServletRequest request) {
        String method = request.getMethod();
        boolean write =
                method.equals("POST") || method.equals("PUT") || method.equals("PATCH") || method.equals("DELETE");
        return write && request.getRequestURI().startsWith("/api/");
    }

    /** Whether an Accept header allows JSON (or a problem document) at all. */
    static boolean acceptsJson(String accept) {
        try {
            return MediaType.parseMediaTypes(accept).stream()
                    .anyMatch(t -> t.isCompatibleWith(MediaType.APPLICATION_JSON)
                            || t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** Why the header is refused, or null when it is acceptable. */
    static String problem(String header) {
        MediaType type;
        try {
            type = MediaType.parseMediaType(header);
        } catch (InvalidMediaTypeException e) {
            return "the Content-Type header is not a media type";
        }
        if (type.isWildcardType() || type.isWildcardSubtype()) {
            return "the Content-Type must name one media type, not a wildcard such as " + type.getType() + "/*";
        }
        String charset = type.getParameter("charset");
        if (charset != null) {
            try {
                Charset.forName(charset.replace("\"", ""));
            } catch (IllegalArgumentException e) {
                return "the Content-Type names a charset this server does not know";
            }
        }
        return null;
    }
}
