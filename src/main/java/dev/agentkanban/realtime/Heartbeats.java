package dev.agentkanban.realtime;

import jakarta.annotation.PreDestroy;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends every connection a {@code heartbeat} each interval (30 s) and drops a client it has not heard
 * from for the timeout (60 s), and one whose socket has stalled past the send time limit.
 */
@Component
class Heartbeats {

    static final int SILENT = 4000;
    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

    private final BoardRooms rooms;
    private final JsonMapper json;
    private final LiveSettings settings;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ws-heartbeat").factory());

    Heartbeats(BoardRooms rooms, JsonMapper json, LiveSettings settings) {
        this.rooms = rooms;
        this.json = json;
        this.settings = settings;
        long beat = settings.heartbeatInterval.toMillis();
        long check = Math.max(10, Math.min(beat, settings.heartbeatTimeout.toMillis()) / 4);
        timer.scheduleAtFixedRate(this::beat, beat, beat, TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::check, check, check, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        String heartbeat = Messages.text(json, Messages.of(json, "heartbeat"));
        for (Connection c : rooms.connections()) {
            c.send(heartbeat);
        }
    }

    private void check() {
        long timeout = settings.heartbeatTimeout.toNanos();
        for (Connection c : rooms.connections()) {
            if (c.silentNanos() > timeout) {
                c.close(new CloseStatus(
                        SILENT,
                        "heartbeat timeout: nothing heard from the client for " + settings.heartbeatTimeout.toSeconds()
                                + " s"));
            } else if (c.stalled()) {
                log.info(
                        "dropping connection {} ({}): a send has been stuck for over {}",
                        c.id(),
                        c.context().actor(),
                        settings.sendTimeLimit);
                c.close(Connection.TOO_SLOW);
            }
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
