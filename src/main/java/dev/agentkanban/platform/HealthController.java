package dev.agentkanban.platform;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Health checks, open to everyone. {@code /health} and {@code /api/v1/health/simple} say only that the
 * process serves HTTP (no database access: a load balancer's liveness probe). {@code /api/v1/health}
 * checks the database and answers 503 within seconds when it does not answer. {@code /api/v1/status}
 * describes the service and the caller's workspace.
 */
@RestController
class HealthController {

    private static final Map<String, String> OK = Map.of("status", "ok");

    private final Health health;

    HealthController(Health health) {
        this.health = health;
    }

    @GetMapping("/health")
    Map<String, String> liveness() {
        return OK;
    }

    /** Also at seed 002's path for load balancers, {@code /api/health/simple}. */
    @GetMapping({"/api/v1/health/simple", "/api/health/simple"})
    Map<String, String> simple() {
        return OK;
    }

    /** {@code /healthz} (seed 003) and {@code /api/health/} (seed 002): the same report. */
    @GetMapping({"/api/v1/health", "/healthz", "/api/health", "/api/health/"})
    ResponseEntity<Health.HealthReport> health() {
        Health.HealthReport report = health.report();
        boolean unavailable = report.status() == Health.Status.UNAVAILABLE;
        return ResponseEntity.status(unavailable ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK)
                .body(report);
    }

    @GetMapping({"/api/v1/status", "/api/status"})
    Health.ServiceStatus status() {
        return health.status();
    }
}
