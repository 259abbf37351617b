package dev.agentkanban.platform;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the problem documents every error response uses. */
public final class Problems {

    public static final String TYPE_BASE = "https://agent-kanban.dev/problems/";

    private Problems() {}

    public static ProblemDetail of(HttpStatusCode status, String type, String title, String detail,
            Map<String, Object> properties) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        if (properties != null) {
            properties.forEach(problem::setProperty);
        }
        return problem;
    }

    public static ProblemDetail of(ApiException e) {
        return of(e.status(), e.type(), e.title(), e.getMessage(), e.properties());
    }
}
