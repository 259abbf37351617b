/**
 * Operating the service: request ids and the access log, the caller in every log line, structured
 * (JSON) logs, slow SQL, the service's own Prometheus metrics and the orchestrator probes
 * (docs/operations.md).
 */
package dev.agentkanban.ops;
