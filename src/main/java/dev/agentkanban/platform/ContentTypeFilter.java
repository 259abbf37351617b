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
        if (problem == null) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(
                response.getOutputStream(),
                Problems.of(
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported-media-type",
                        "Unsupported Media Type",
                        problem,
                        null));
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
