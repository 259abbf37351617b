package dev.agentkanban.platform;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;

/**
 * The errors Tomcat answers itself, before any filter or servlet runs (a path with an escape it cannot
 * decode such as {@code /api/v1/tasks/%ZZ}, request headers over its limit, a malformed request line),
 * leave as problem+json like every other error, not as Tomcat's HTML page. Errors the application
 * answers already have their body (ProblemErrorController) and are left alone.
 */
final class ProblemErrorReportValve extends ErrorReportValve {

    ProblemErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get() || !response.setErrorReported()) {
            return;
        }
        HttpStatusCode code = HttpStatusCode.valueOf(status);
        String title = Problems.titleOf(code);
        String detail = status >= 500
                ? "the server could not complete the request"
                : status == 400
                        ? "the request could not be read: a malformed request line or path (an escape that"
                                + " does not decode), or headers over the server's limit"
                        : title;
        String body = "{\"type\":\"" + Problems.TYPE_BASE + Problems.typeOf(code) + "\",\"title\":\"" + title
                + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response already committed: nothing more to say
        }
    }

    /** Puts this valve in place of the host's error report valves (Spring Boot's included). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Installation {

        /** Last, so that it replaces the valve Spring Boot's own customiser adds. */
        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE)
        WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorReports() {
            return factory -> factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                    host.getPipeline().addValve(new ProblemErrorReportValve());
                }
            });
        }
    }
}
