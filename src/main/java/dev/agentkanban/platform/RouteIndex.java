package dev.agentkanban.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.server.PathContainer;
import org.springframework.web.bind.annotation.RequestMethod;
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
 * could not match. For GET, POST, PUT, PATCH and DELETE, only the candidates of that method whose
 * pattern can match the path (same plain length and last segment, then the pattern itself) go through
 * Spring's conditions (a move was 9.6 % of its request thread's samples in the look-up, 3.7 % so: issue
 * #19). Which route wins, and every answer without one (404, 405, 406, 415, {@code OPTIONS}), is Spring's
 * own: it runs its lookup, over the candidates only, and its no-match handling over all routes.
 */
final class RouteIndex {

    private RouteIndex() {}

    /** The routes reachable below one literal segment: those ending their literal prefix here, and above. */
    static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final List<RequestMappingInfo> own = new ArrayList<>();
        /** The routes of this node and of every node on the way to it. */
        Set<RequestMappingInfo> candidates = Set.of();
        /**
         * Those of {@link #candidates} a request of each method of {@link IndexedMapping#FAST} may match (no
         * method named, or that one), in registration order.
         */
        Map<String, List<Route>> byMethod = Map.of();

        /** The routes that could match {@code path}: those of the deepest node its segments lead to. */
        Set<RequestMappingInfo> candidates(PathContainer path) {
            return node(path).candidates;
        }

        /** The deepest node {@code path}'s segments lead to. */
        Node node(PathContainer path) {
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
            return node;
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

        /** Fills {@link #byMethod} of this node and those below from {@code routes} (each in its order). */
        void routesByMethod(Map<String, List<Route>> routes) {
            Map<String, List<Route>> mine = new HashMap<>();
            routes.forEach((method, all) -> mine.put(
                    method,
                    all.stream().filter(r -> candidates.contains(r.info())).toList()));
            byMethod = Map.copyOf(mine);
            children.values().forEach(child -> child.routesByMethod(routes));
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

    /**
     * A route a request may match: its mapping, its handler, the paths it maps without a pattern, and
     * the shape of each of its path patterns.
     */
    record Route(RequestMappingInfo info, HandlerMethod handler, Set<String> directPaths, List<Shape> shapes) {

        static Route of(RequestMappingInfo info, HandlerMethod handler, Set<String> directPaths) {
            var condition = info.getPathPatternsCondition();
            List<Shape> shapes = condition == null || condition.isEmptyPathMapping()
                    ? List.of()
                    : condition.getPatterns().stream().map(Shape::of).toList();
            return new Route(info, handler, directPaths, shapes);
        }

        /** Whether one of the route's path patterns matches {@code path} (or it has none to test). */
        boolean matches(PathContainer path, Shape of) {
            if (shapes.isEmpty()) {
                return true;
            }
            for (Shape shape : shapes) {
                if (shape.admits(of) && shape.pattern().matches(path)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * What a pattern, or a path, looks like before the pattern is matched: its number of segments and its
     * last segment, each only where it is plain (-1 and null otherwise: a wildcard or variable where the
     * pattern's is, an empty segment or a trailing slash in the path). A pattern cannot match a path of
     * another plain length, nor one whose last segment differs from its plain last one: the requests to
     * {@code /api/v1/tasks/{id}/…} skip all but their own route's pattern.
     */
    record Shape(PathPattern pattern, int segments, String last) {

        static Shape of(PathPattern pattern) {
            String text = pattern.getPatternString();
            if (!text.startsWith("/") || text.length() == 1) {
                return new Shape(pattern, -1, null);
            }
            String[] parts = text.substring(1).split("/", -1);
            boolean plainLength = true;
            for (String part : parts) {
                if (part.isEmpty() || part.contains("**") || part.contains("{*")) {
                    plainLength = false;
                    break;
                }
            }
            String last = parts[parts.length - 1];
            boolean plainLast = plainLength && last.chars().noneMatch(c -> "{}*?%;".indexOf(c) >= 0);
            return new Shape(pattern, plainLength ? parts.length : -1, plainLast ? last : null);
        }

        /** The shape of a request's path (its pattern unused). */
        static Shape of(PathContainer path) {
            int segments = 0;
            String last = null;
            boolean separator = false;
            List<PathContainer.Element> elements = path.elements();
            for (PathContainer.Element element : elements) {
                if (element instanceof PathContainer.PathSegment segment) {
                    if (segment.valueToMatch().isEmpty()) {
                        return new Shape(null, -1, null);
                    }
                    segments++;
                    last = segment.valueToMatch();
                    separator = false;
                } else {
                    if (separator) {
                        return new Shape(null, -1, null);
                    }
                    separator = true;
                }
            }
            if (segments == 0 || separator || !(elements.getFirst() instanceof PathContainer.Separator)) {
                return new Shape(null, -1, null);
            }
            return new Shape(null, segments, last);
        }

        /** Whether a path of shape {@code path} may match this pattern (false: it cannot). */
        boolean admits(Shape path) {
            if (segments < 0 || path.segments() < 0) {
                return true;
            }
            return segments == path.segments() && (last == null || last.equals(path.last()));
        }
    }

    static final class IndexedMapping extends RequestMappingHandlerMapping {

        /**
         * The methods whose requests are matched among the routes whose pattern matches the path first;
         * any other (HEAD, OPTIONS and its pre-flight requests, TRACE) goes to Spring's lookup at once.
         */
        static final Set<String> FAST = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

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
            if (parser == null || !parser.isCaseSensitive()) {
                index = null;
                return;
            }
            Map<RequestMappingInfo, HandlerMethod> handlers = getHandlerMethods();
            Node root = Node.of(handlers.keySet());
            Map<String, List<Route>> byMethod = new HashMap<>();
            FAST.forEach(method -> byMethod.put(method, new ArrayList<>()));
            handlers.forEach((info, handler) -> {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                Route route = Route.of(info, handler, Set.copyOf(getDirectPaths(info)));
                byMethod.forEach((method, routes) -> {
                    if (methods.isEmpty() || methods.contains(RequestMethod.valueOf(method))) {
                        routes.add(route);
                    }
                });
            });
            root.routesByMethod(byMethod);
            index = root;
        }

        @Override
        protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
            Node root = index;
            if (root == null || !ServletRequestPathUtils.hasParsedRequestPath(request)) {
                return super.lookupHandlerMethod(lookupPath, request);
            }
            Node node = root.node(
                    ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication());
            List<Route> routes = node.byMethod.get(request.getMethod());
            if (routes != null) {
                HandlerMethod found = lookupAmong(routes, lookupPath, request);
                if (found != null) {
                    return found;
                }
            }
            Set<RequestMappingInfo> previous = CANDIDATES.get();
            CANDIDATES.set(node.candidates);
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

        /**
         * Spring's choice among {@code routes}, made as its lookup makes it (the routes mapping
         * the path itself first, then all; the best by its comparator; the match's attributes set by its
         * {@code handleMatch}), without walking every route of the application for the ones that could
         * match. Null when none matches or two are equally good: Spring's lookup then answers.
         */
        private HandlerMethod lookupAmong(List<Route> routes, String lookupPath, HttpServletRequest request) {
            // only the routes whose pattern matches the path: Spring's matching tests the pattern last,
            // after the method, parameters, headers and media types
            PathContainer path =
                    ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication();
            Shape shape = Shape.of(path);
            List<Route> direct = new ArrayList<>(1);
            List<Route> others = new ArrayList<>(2);
            for (Route route : routes) {
                if (route.directPaths().contains(lookupPath)) {
                    direct.add(route);
                } else if (route.matches(path, shape)) {
                    others.add(route);
                }
            }
            List<Map.Entry<RequestMappingInfo, HandlerMethod>> matches = matches(direct, request);
            if (matches.isEmpty()) {
                matches = matches(others, request);
            }
            if (matches.isEmpty()) {
                return null;
            }
            Map.Entry<RequestMappingInfo, HandlerMethod> best = matches.getFirst();
            if (matches.size() > 1) {
                Comparator<RequestMappingInfo> comparator = getMappingComparator(request);
                matches.sort(Map.Entry.comparingByKey(comparator));
                best = matches.getFirst();
                if (comparator.compare(best.getKey(), matches.get(1).getKey()) == 0) {
                    return null;
                }
            }
            request.setAttribute(BEST_MATCHING_HANDLER_ATTRIBUTE, best.getValue());
            handleMatch(best.getKey(), lookupPath, request);
            return best.getValue();
        }

        private List<Map.Entry<RequestMappingInfo, HandlerMethod>> matches(
                List<Route> routes, HttpServletRequest request) {
            List<Map.Entry<RequestMappingInfo, HandlerMethod>> matches = new ArrayList<>(2);
            for (Route route : routes) {
                RequestMappingInfo match = super.getMatchingMapping(route.info(), request);
                if (match != null) {
                    matches.add(Map.entry(match, route.handler()));
                }
            }
            return matches;
        }

        /** Spring's own lookup over every route, for comparison (tests). */
        HandlerMethod lookupBySpring(String lookupPath, HttpServletRequest request) throws Exception {
            return super.lookupHandlerMethod(lookupPath, request);
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
