package dev.agentkanban.evidence;

import jakarta.servlet.MultipartConfigElement;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.servlet.autoconfigure.MultipartProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Ties the servlet container's multipart limits to {@code kanban.evidence-max-bytes}, so that one
 * setting governs uploads: a file part over the limit fails while it is being parsed (a 413 problem
 * from {@code ProblemHandler}), and the whole multipart request may exceed it by the same 1 MiB of
 * form fields that {@code BodySizeLimitFilter} allows (which refuses a larger declared Content-Length
 * before anything is read). The container counts the bytes itself, so a chunked upload is bounded too.
 * Location and file-size threshold still come from {@code spring.servlet.multipart.*}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication // the CLI commands run without a servlet container
class EvidenceUploadLimit {

    /** Room for the form fields next to the file; the same allowance as BodySizeLimitFilter's. */
    static final long FORM_OVERHEAD_BYTES = 1024 * 1024;

    @Bean
    MultipartConfigElement multipartConfigElement(
            MultipartProperties properties, @Value("${kanban.evidence-max-bytes}") long maxBytes) {
        long threshold = properties.getFileSizeThreshold() == null
                ? 0
                : properties.getFileSizeThreshold().toBytes();
        return new MultipartConfigElement(
                properties.getLocation() == null ? "" : properties.getLocation(),
                maxBytes,
                maxBytes + FORM_OVERHEAD_BYTES,
                (int) Math.min(threshold, Integer.MAX_VALUE));
    }

    /**
     * Lets the container read and drop the rest of an upload it answered without reading (a viewer's
     * 403, refused before the multipart body is parsed), up to the size an upload may have: otherwise
     * it closes the connection with the body half sent, and the client sees a reset instead of the
     * answer. Larger declared bodies are refused unread by {@code BodySizeLimitFilter} (and the
     * connection closed) as before.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> swallowAnUnreadUpload(
            @Value("${kanban.evidence-max-bytes}") long maxBytes) {
        int swallow = (int) Math.min(maxBytes + FORM_OVERHEAD_BYTES, Integer.MAX_VALUE);
        return new SwallowCustomizer(swallow);
    }

    /** Ordered last, so that it comes after Boot's own customizer that sets {@code server.tomcat.max-swallow-size}. */
    private record SwallowCustomizer(int swallow)
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addConnectorCustomizers(connector -> {
                if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http
                        && http.getMaxSwallowSize() >= 0
                        && http.getMaxSwallowSize() < swallow) {
                    http.setMaxSwallowSize(swallow);
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
