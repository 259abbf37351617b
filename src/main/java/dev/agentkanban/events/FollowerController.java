package dev.agentkanban.events;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code PUT /api/v1/events/progress {cursor}}: a follower of the change feed says how far it has processed it. */
@RestController
class FollowerController {

    private final FeedFollowers followers;

    FollowerController(FeedFollowers followers) {
        this.followers = followers;
    }

    record Progress(@NotNull @Min(0) Long cursor) {}

    @PutMapping("/api/v1/events/progress")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void report(@Valid @RequestBody Progress progress) {
        followers.report(progress.cursor());
    }
}
