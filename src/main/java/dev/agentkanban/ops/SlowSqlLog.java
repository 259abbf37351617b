package dev.agentkanban.ops;

import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.stream.Collectors;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every statement that took at least the threshold ({@code SLOW_SQL_MS}) as a warning on logger
 * {@code dev.agentkanban.sql.slow}, with its duration and its SQL text (never its parameters, which
 * may be user data), and counts it ({@code kanban.sql.slow}). Called by datasource-proxy after each
 * statement on the pool's connections.
 */
final class SlowSqlLog implements QueryExecutionListener {

    private static final Logger log = LoggerFactory.getLogger("dev.agentkanban.sql.slow");
    private static final int MAX_SQL_CHARS = 2000;

    private final long thresholdMs;
    private final Counter slow;

    SlowSqlLog(long thresholdMs, Counter slow) {
        this.thresholdMs = thresholdMs;
        this.slow = slow;
    }

    @Override
    public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {}

    @Override
    public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        long ms = execInfo.getElapsedTime();
        if (ms < thresholdMs) {
            return;
        }
        slow.increment();
        String sql = queryInfoList.stream()
                .map(QueryInfo::getQuery)
                .map(SlowSqlLog::oneLine)
                .collect(Collectors.joining("; "));
        if (sql.length() > MAX_SQL_CHARS) {
            sql = sql.substring(0, MAX_SQL_CHARS) + "...";
        }
        log.atWarn()
                .addKeyValue("sql.duration_ms", ms)
                .addKeyValue("sql.success", execInfo.isSuccess())
                .addKeyValue("sql.statement", sql)
                .log("slow SQL ({} ms, threshold {} ms): {}", ms, thresholdMs, sql);
    }

    /** Collapses runs of whitespace (text blocks span lines) without a regular expression. */
    static String oneLine(String sql) {
        StringBuilder b = new StringBuilder(sql.length());
        boolean space = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                space = b.length() > 0;
            } else {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.append(c);
            }
        }
        return b.toString();
    }
}
