package dev.agentkanban.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;

/**
 * The {@code Accept} check of a read that writes its JSON itself (the task list and the task, issue #19)
 * instead of through Spring's converters: a request that will not take JSON is a 406 problem there as on
 * every other route, not an answer in a type it refused.
 */
public final class JsonAccept {

    private JsonAccept() {}

    /** 406 (through the problem handler) when the request's {@code Accept} allows no JSON. */
    public static void require(HttpServletRequest request) throws HttpMediaTypeNotAcceptableException {
        String accept = request.getHeader("Accept");
        if (accept == null
                || accept.equals("*/*")
                || accept.equals(MediaType.APPLICATION_JSON_VALUE)
                || ContentTypeFilter.acceptsJson(accept)) {
            return;
        }
        throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON));
    }
}
