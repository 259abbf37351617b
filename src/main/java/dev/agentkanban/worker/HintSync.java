package dev.agentkanban.worker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pushes hint drafts to the API ({@code POST /api/v1/tasks/{id}/hints} with the draft's source key)
 * and marks a draft synced only when the API accepted it (2xx). A draft the API refuses for good (the
 * task is gone, 404; the hint is invalid, 422) is marked rejected; any other failure (the API down,
 * 5xx, 429, a token not accepted) leaves it pending and retries it with backoff, so nothing is lost.
 */
class HintSync extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(HintSync.class);
    static final int BATCH = 20;

    private final ApiClient api;
    private final DraftQueue drafts;
    private final TransactionTemplate tx;
    private final WorkerSettings settings;

    HintSync(ApiClient api, DraftQueue drafts, TransactionTemplate tx, WorkerSettings settings) {
        super("hints", settings.pollInterval());
        this.api = api;
        this.drafts = drafts;
        this.tx = tx;
        this.settings = settings;
    }

    @Override
    boolean round() throws ApiClient.Unavailable {
        List<DraftQueue.Draft> claimed = tx.execute(s -> drafts.claim(BATCH, settings.lease()));
        for (int i = 0; i < claimed.size(); i++) {
            try {
                push(claimed.get(i));
            } catch (ApiClient.Unavailable e) {
                // the API is away: every draft of this round waits for the next try
                for (DraftQueue.Draft d : claimed.subList(i, claimed.size())) {
                    drafts.retryLater(d.id(), e.getMessage(), delay(d));
                }
                throw e;
            }
        }
        return claimed.size() == BATCH;
    }

    private void push(DraftQueue.Draft d) throws ApiClient.Unavailable {
        Map<String, Object> hint = new LinkedHashMap<>();
        hint.put("type", d.type());
        hint.put("message", d.message());
        hint.put("suggestion", d.suggestion());
        hint.put("source", d.source());
        hint.put("source_key", d.sourceKey());
        ApiClient.Answer a = api.pushHint(d.taskId(), hint);
        String detail = a.status()
                + (a.body() == null ? "" : " " + a.body().path("detail").asString(""));
        if (a.ok()) {
            drafts.synced(d.id(), a.body() == null ? null : a.body().path("id").asLong());
        } else if (a.refused()) {
            log.info("hint draft {} for task {} refused by the API: {}", d.id(), d.taskId(), detail);
            drafts.rejected(d.id(), detail);
        } else {
            log.warn("hint draft {} for task {} not accepted ({}); retrying", d.id(), d.taskId(), detail);
            drafts.retryLater(d.id(), detail, delay(d));
        }
    }

    private java.time.Duration delay(DraftQueue.Draft d) {
        return WorkerSettings.backoff(settings.syncBackoff(), d.attempts(), settings.syncMaxBackoff());
    }
}
