package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.server.PathContainer;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.condition.ProducesRequestCondition;
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
        List<String> paths = paths();
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

    /**
     * A request's route is chosen among the index's candidates as Spring's lookup chooses it among all the
     * routes: the same handler (or the same failure: 404, 405, 406, 415), and the same attributes of the
     * match, for every method the index answers itself and for those it leaves to Spring.
     */
    @Test
    void aRequestFindsTheRouteSpringsLookupFinds() throws Exception {
        RouteIndex.IndexedMapping indexed = (RouteIndex.IndexedMapping) mapping;
        List<String> paths = paths();
        java.util.Map<String, Integer> found = new java.util.TreeMap<>();
        List<String> methods = new java.util.ArrayList<>(RouteIndex.IndexedMapping.FAST);
        methods.add("HEAD");
        for (String method : methods) {
            String[] bodies = method.equals("GET") || method.equals("HEAD") || method.equals("DELETE")
                    ? new String[] {null}
                    : new String[] {null, "application/json", "text/plain", "multipart/form-data; boundary=b"};
            for (String path : paths) {
                for (String contentType : bodies) {
                    for (String accept :
                            new String[] {null, "application/json", "text/html", "application/xml", "*/*"}) {
                        MockHttpServletRequest fast = request(method, path, contentType, accept);
                        MockHttpServletRequest spring = request(method, path, contentType, accept);
                        String lookupPath = ServletRequestPathUtils.getParsedRequestPath(fast)
                                .pathWithinApplication()
                                .value();
                        Object fastAnswer = answer(() -> indexed.lookupHandlerMethod(lookupPath, fast));
                        Object springAnswer = answer(() -> indexed.lookupBySpring(lookupPath, spring));
                        String what = method + " " + path + " " + contentType + " " + accept;
                        assertThat(fastAnswer).as(what).isEqualTo(springAnswer);
                        assertThat(attributes(fast)).as(what).isEqualTo(attributes(spring));
                        if (fastAnswer instanceof org.springframework.web.method.HandlerMethod) {
                            found.merge(method, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        // not vacuous: every method finds routes, GET for most paths
        assertThat(found.keySet()).containsAll(methods);
        assertThat(found.get("GET")).isGreaterThan(paths.size());
    }

    private static MockHttpServletRequest request(String method, String path, String contentType, String accept) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        if (contentType != null) {
            request.setContentType(contentType);
            request.addHeader("Content-Type", contentType);
        }
        if (accept != null) {
            request.addHeader("Accept", accept);
        }
        ServletRequestPathUtils.parseAndCache(request);
        return request;
    }

    /** The handler found, or the failure's class and message. */
    private static Object answer(java.util.concurrent.Callable<Object> lookup) {
        try {
            return lookup.call();
        } catch (Exception e) {
            return e.getClass() + ": " + e.getMessage();
        }
    }

    /** The request's attributes but the accepted media types, which Spring caches during a look-up only. */
    private static java.util.Map<String, Object> attributes(MockHttpServletRequest request) {
        java.util.Map<String, Object> attributes = new java.util.HashMap<>();
        for (String name : java.util.Collections.list(request.getAttributeNames())) {
            if (!name.equals(ProducesRequestCondition.class.getName() + ".MEDIA_TYPES")) {
                attributes.put(name, request.getAttribute(name));
            }
        }
        return attributes;
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

    @Test
    void aShapeIsPlainOnlyWhereThePatternsSegmentsAreCountable() {
        var parser = new org.springframework.web.util.pattern.PathPatternParser();
        RouteIndex.Shape move = RouteIndex.Shape.of(parser.parse("/api/v1/tasks/{id}/move"));
        assertThat(move.segments()).isEqualTo(5);
        assertThat(move.last()).isEqualTo("move");
        assertThat(RouteIndex.Shape.of(parser.parse("/api/v1/tasks/{id}")).last())
                .isNull();
        assertThat(RouteIndex.Shape.of(parser.parse("/files/{*rest}")).segments())
                .isEqualTo(-1);
        assertThat(RouteIndex.Shape.of(parser.parse("/a/**")).segments()).isEqualTo(-1);
        RouteIndex.Shape regex = RouteIndex.Shape.of(parser.parse("/a/{x:[a-z]+}/b"));
        assertThat(regex.segments()).isEqualTo(3);
        assertThat(regex.last()).isEqualTo("b");
        assertThat(RouteIndex.Shape.of(parser.parse("/")).segments()).isEqualTo(-1);
        RouteIndex.Shape path = RouteIndex.Shape.of(PathContainer.parsePath("/api/v1/tasks/7/move"));
        assertThat(path.segments()).isEqualTo(5);
        assertThat(path.last()).isEqualTo("move");
        assertThat(move.admits(path)).isTrue();
        assertThat(move.admits(RouteIndex.Shape.of(PathContainer.parsePath("/api/v1/tasks/7/claim"))))
                .isFalse();
        for (String unplain : List.of("/api/v1/tasks/7/move/", "/api//v1/tasks/7/move", "/")) {
            RouteIndex.Shape shape = RouteIndex.Shape.of(PathContainer.parsePath(unplain));
            assertThat(shape.segments()).as(unplain).isEqualTo(-1);
            assertThat(move.admits(shape)).as(unplain).isTrue();
        }
    }

    /** A path made from every route's patterns, and some unusual ones. */
    private List<String> paths() {
        List<String> paths = new ArrayList<>(List.of(
                "/",
                "/api/v1/ta%73ks/7",
                "/api/v1/tasks/7/",
                "/api/v1//tasks/7",
                "/api/v1/tasks;x=1/7",
                "/API/v1/tasks/7",
                "/api/v1/boards/7/tasks",
                "/api/v1/tasks/7/move/",
                "/api/v1/tasks/7//move",
                "/api/v1/tasks/7/mo%76e",
                "/api/v1/tasks/7/move;x=1",
                "//api/v1/tasks/7/move",
                "api/v1/tasks/7/move",
                "/nowhere/at/all"));
        for (RequestMappingInfo route : mapping.getHandlerMethods().keySet()) {
            if (route.getPathPatternsCondition() == null) {
                continue;
            }
            for (PathPattern pattern : route.getPathPatternsCondition().getPatterns()) {
                paths.add(concrete(pattern.getPatternString()));
            }
        }
        return paths;
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
