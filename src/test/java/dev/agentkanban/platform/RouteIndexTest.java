package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The route index leaves out only routes that could not match: for a path made from every route's
 * patterns (and some unusual ones), every route that Spring's own matching accepts is a candidate.
 */
class RouteIndexTest extends ApiTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Test
    void theControllersAreMappedThroughTheIndex() {
        assertThat(mapping).isInstanceOf(RouteIndex.IndexedMapping.class);
        assertThat(((RouteIndex.IndexedMapping) mapping).index).isNotNull();
        assertThat(http.get("/api/v1/tasks/" + Long.MAX_VALUE).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/tasks/not-a-number").status()).isEqualTo(404);
        assertThat(http.delete("/api/v1/priorities").status()).isEqualTo(405);
    }

    @Test
    void everyRouteThatMatchesAPathIsACandidateForIt() {
        RouteIndex.Node index = ((RouteIndex.IndexedMapping) mapping).index;
        Set<RequestMappingInfo> routes = mapping.getHandlerMethods().keySet();
        List<String> paths = new ArrayList<>(List.of(
                "/",
                "/api/v1/ta%73ks/7",
                "/api/v1/tasks/7/",
                "/api/v1//tasks/7",
                "/api/v1/tasks;x=1/7",
                "/API/v1/tasks/7",
                "/api/v1/boards/7/tasks",
                "/nowhere/at/all"));
        for (RequestMappingInfo route : routes) {
            if (route.getPathPatternsCondition() == null) {
                continue;
            }
            for (PathPattern pattern : route.getPathPatternsCondition().getPatterns()) {
                paths.add(concrete(pattern.getPatternString()));
            }
        }
        int matched = 0;
        int candidates = 0;
        for (String path : paths) {
            for (RequestMethod method : RequestMethod.values()) {
                MockHttpServletRequest request = new MockHttpServletRequest(method.name(), path);
                var parsed = ServletRequestPathUtils.parseAndCache(request);
                Set<RequestMappingInfo> found = index.candidates(parsed.pathWithinApplication());
                candidates += found.size();
                for (RequestMappingInfo route : routes) {
                    if (route.getMatchingCondition(request) != null) {
                        matched++;
                        assertThat(found)
                                .as(method + " " + path + " matches " + route)
                                .contains(route);
                    }
                }
            }
        }
        assertThat(matched).isGreaterThan(routes.size());
        // the point of it: far fewer routes to try than all of them
        assertThat(candidates).isLessThan(paths.size() * RequestMethod.values().length * routes.size() / 5);
    }

    @Test
    void aPatternIsIndexedByTheLiteralSegmentsItStartsWith() {
        assertThat(RouteIndex.Node.literalPrefix("/api/v1/tasks/{id}/move")).containsExactly("api", "v1", "tasks");
        assertThat(RouteIndex.Node.literalPrefix("/api/v1/health/simple"))
                .containsExactly("api", "v1", "health", "simple");
        assertThat(RouteIndex.Node.literalPrefix("/api/**")).containsExactly("api");
        assertThat(RouteIndex.Node.literalPrefix("/a/b*c/d")).containsExactly("a");
        assertThat(RouteIndex.Node.literalPrefix("/a/b?/d")).containsExactly("a");
        assertThat(RouteIndex.Node.literalPrefix("/a//b")).containsExactly("a");
        assertThat(RouteIndex.Node.literalPrefix("/a/b/")).containsExactly("a", "b");
        assertThat(RouteIndex.Node.literalPrefix("a/b")).isEmpty();
    }

    /** A path the pattern matches (its variables and wildcards filled in). */
    private static String concrete(String pattern) {
        return pattern.replaceAll("\\{\\*[^}]*}", "x/y")
                .replace("**", "x/y")
                .replaceAll("\\{[^}]*}", "7")
                .replace('*', 'x')
                .replace('?', 'x');
    }
}
