package dev.agentkanban.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Spring MVC's handler mapping for the controllers, with their routes indexed by the literal segments
 * their path patterns start with (issue #19). Spring finds a route without variables by its path at
 * once, but a request such as {@code GET /api/v1/tasks/42} was matched against every one of the ~200
 * routes in turn (method, media types, then the pattern, each through the request's wrappers): a sixth
 * of a task read's time in the service. Here only the routes whose leading literal segments are a prefix
 * of the request's path are tried (those under {@code /api/v1/tasks}, and those with a variable or
 * wildcard earlier); every other route has a literal segment where the path has another, so its pattern
 * could not match. Which route wins, and every answer without one (404, 405, 406, 415, {@code OPTIONS}),
 * is Spring's own: it runs its lookup, over the candidates only, and its no-match handling over all
 * routes.
 */
final class RouteIndex {

    private RouteIndex() {}

    /** The routes reachable below one literal segment: those ending their literal prefix here, and above. */
    static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final List<RequestMappingInfo> own = new ArrayList<>();
        /** The routes of this node and of every node on the way to it. */
        Set<RequestMappingInfo> candidates = Set.of();

        /** The routes that could match {@code path}: those of the deepest node its segments lead to. */
        Set<RequestMappingInfo> candidates(PathContainer path) {
            Node node = this;
            for (PathContainer.Element element : path.elements()) {
                if (element instanceof PathContainer.PathSegment segment) {
                    Node child = node.children.get(segment.valueToMatch());
                    if (child == null) {
                        break;
                    }
                    node = child;
                }
            }
            return node.candidates;
        }

        /**
         * The index of {@code routes}: each under the literal segments each of its patterns starts with
         * (a route without path patterns, or with one not starting at the root, at the root).
         */
        static Node of(Collection<RequestMappingInfo> routes) {
            Node root = new Node();
            for (RequestMappingInfo route : routes) {
                var condition = route.getPathPatternsCondition();
                if (condition == null || condition.getPatterns().isEmpty()) {
                    root.own.add(route);
                    continue;
                }
                for (PathPattern pattern : condition.getPatterns()) {
                    Node node = root;
                    for (String literal : literalPrefix(pattern.getPatternString())) {
                        node = node.children.computeIfAbsent(literal, k -> new Node());
                    }
                    node.own.add(route);
                }
            }
            root.accumulate(Set.of());
            return root;
        }

        private void accumulate(Set<RequestMappingInfo> above) {
            // by identity: Spring's lookup passes the registered instances, and RequestMappingInfo's equals
            // compares every condition (a hash set's probe compared several of them per look-up)
            Set<RequestMappingInfo> all = Collections.newSetFromMap(new IdentityHashMap<>());
            all.addAll(above);
            all.addAll(own);
            candidates = Collections.unmodifiableSet(all);
            children.values().forEach(child -> child.accumulate(candidates));
        }

        /**
         * The segments a pattern starts with that match only themselves: up to the first one holding a
         * variable or wildcard ({@code { * ?}), or an empty one.
         */
        static List<String> literalPrefix(String pattern) {
            List<String> literals = new ArrayList<>();
            if (!pattern.startsWith("/")) {
                return literals;
            }
            for (String segment : pattern.substring(1).split("/", -1)) {
                if (segment.isEmpty()
                        || segment.indexOf('{') >= 0
                        || segment.indexOf('*') >= 0
                        || segment.indexOf('?') >= 0) {
                    break;
                }
                literals.add(segment);
            }
            return literals;
        }
    }

    static final class IndexedMapping extends RequestMappingHandlerMapping {

        /** The routes the running lookup may match (null: all). */
        private static final ThreadLocal<Set<RequestMappingInfo>> CANDIDATES = new ThreadLocal<>();

        /** Null until the routes are known, and where patterns are not compared as PathPattern's literals. */
        volatile Node index;

        @Override
        protected void handlerMethodsInitialized(Map<RequestMappingInfo, HandlerMethod> handlerMethods) {
            super.handlerMethodsInitialized(handlerMethods);
            reindex();
        }

        @Override
        public void registerMapping(RequestMappingInfo mapping, Object handler, Method method) {
            super.registerMapping(mapping, handler, method);
            reindex();
        }

        @Override
        public void unregisterMapping(RequestMappingInfo mapping) {
            super.unregisterMapping(mapping);
            reindex();
        }

        private void reindex() {
            var parser = getPatternParser();
            index = parser != null && parser.isCaseSensitive()
                    ? Node.of(getHandlerMethods().keySet())
                    : null;
        }

        @Override
        protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
            Node root = index;
            if (root == null || !ServletRequestPathUtils.hasParsedRequestPath(request)) {
                return super.lookupHandlerMethod(lookupPath, request);
            }
            Set<RequestMappingInfo> previous = CANDIDATES.get();
            CANDIDATES.set(root.candidates(
                    ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication()));
            try {
                return super.lookupHandlerMethod(lookupPath, request);
            } finally {
                if (previous == null) {
                    CANDIDATES.remove();
                } else {
                    CANDIDATES.set(previous);
                }
            }
        }

        @Override
        protected RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
            Set<RequestMappingInfo> candidates = CANDIDATES.get();
            if (candidates != null && !candidates.contains(info)) {
                return null;
            }
            return super.getMatchingMapping(info, request);
        }
    }
}
