package dev.agentkanban.platform;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Writes a {@code ResponseEntity<byte[]>} of JSON (status 200, {@code Content-Type: application/json},
 * an ETag or none, nothing else) to a GET or HEAD as Spring's {@code HttpEntityMethodProcessor} writes
 * it, without its per-request machinery (issue #19: a sixth of a task read's time in the service beyond
 * the no-database endpoint): no handler chosen by asking each one, no headers copied through
 * {@code HttpHeaders}, no converter chosen, no content-disposition check. The ETag's conditional
 * answers (304, 412) are Spring's own ({@link ServletWebRequest#checkNotModified(String)}, as there).
 * Every other such value, and a path whose last segment holds a dot, a semicolon or an escape (where
 * Spring may add a {@code Content-Disposition}), goes to Spring's processor. An {@code Accept} that allows
 * no JSON is a 406, as Spring's converters answer it on every other route ({@link JsonAccept}).
 */
final class JsonBytesReturnValues implements HandlerMethodReturnValueHandler {

    private static final Set<String> PLAIN = Set.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.ETAG);

    private final HandlerMethodReturnValueHandler spring;

    JsonBytesReturnValues(HandlerMethodReturnValueHandler spring) {
        this.spring = spring;
    }

    @Override
    public boolean supportsReturnType(MethodParameter returnType) {
        ResolvableType type = ResolvableType.forMethodParameter(returnType);
        return type.toClass() == ResponseEntity.class && type.getGeneric(0).toClass() == byte[].class;
    }

    @Override
    public void handleReturnValue(
            Object returnValue,
            MethodParameter returnType,
            ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest)
            throws Exception {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        HttpServletResponse response = webRequest.getNativeResponse(HttpServletResponse.class);
        if (!(returnValue instanceof ResponseEntity<?> entity
                && entity.getBody() instanceof byte[] body
                && entity.getStatusCode().value() == 200
                && plain(entity.getHeaders())
                && request != null
                && response != null
                && (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))
                && plainLastSegment(request.getRequestURI()))) {
            spring.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
            return;
        }
        JsonAccept.require(request);
        mavContainer.setRequestHandled(true);
        response.setStatus(200);
        String etag = entity.getHeaders().getETag();
        if (new ServletWebRequest(request, response).checkNotModified(etag)) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.flushBuffer();
            return;
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        ServletOutputStream out = response.getOutputStream();
        out.write(body);
        out.flush();
    }

    /** Only a JSON content type, and an ETag or none. */
    private static boolean plain(HttpHeaders headers) {
        if (headers.size() > 2 || !MediaType.APPLICATION_JSON.equals(headers.getContentType())) {
            return false;
        }
        for (String name : headers.headerNames()) {
            if (!PLAIN.contains(name) || headers.getValuesAsList(name).size() != 1) {
                return false;
            }
        }
        return true;
    }

    /** Whether the path's last segment has nothing that could make Spring add a Content-Disposition. */
    private static boolean plainLastSegment(String uri) {
        for (int i = uri.length() - 1; i >= 0; i--) {
            char c = uri.charAt(i);
            if (c == '/') {
                return true;
            }
            if (c == '.' || c == ';' || c == '%') {
                return false;
            }
        }
        return true;
    }
}
