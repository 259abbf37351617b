package dev.agentkanban.realtime;

import dev.agentkanban.platform.InvalidSetting;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Limits and intervals of live connections ({@code kanban.websocket.*}; tests shorten the intervals). */
@Component
class LiveSettings {

    final int maxConnections;
    final Duration heartbeatInterval;
    final Duration heartbeatTimeout;
    final Duration sendTimeLimit;
    final int sendQueueMessages;
    final Duration accessCheckInterval;

    LiveSettings(
            @Value("${kanban.websocket.max-connections:1000}") int maxConnections,
            @Value("${kanban.websocket.heartbeat-interval:PT30S}") Duration heartbeatInterval,
            @Value("${kanban.websocket.heartbeat-timeout:PT60S}") Duration heartbeatTimeout,
            @Value("${kanban.websocket.send-time-limit:PT10S}") Duration sendTimeLimit,
            @Value("${kanban.websocket.send-queue-messages:1000}") int sendQueueMessages,
            @Value("${kanban.websocket.access-check-interval:PT30S}") Duration accessCheckInterval) {
        if (maxConnections < 0) {
            throw new InvalidSetting(
                    "MAX_WEBSOCKET_CONNECTIONS",
                    maxConnections + " is not a number of connections: give 0 (no live connections) or more");
        }
        this.maxConnections = maxConnections;
        this.heartbeatInterval = heartbeatInterval;
        this.heartbeatTimeout = heartbeatTimeout;
        this.sendTimeLimit = sendTimeLimit;
        this.sendQueueMessages = sendQueueMessages;
        this.accessCheckInterval = accessCheckInterval;
    }
}
