package dev.agentkanban.evidence;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.servlet.autoconfigure.MultipartProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
}
