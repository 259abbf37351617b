package dev.agentkanban.platform.ratelimit;

import dev.agentkanban.platform.ratelimit.RateLimitFilter.Budget;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rate limits ({@code RATE_LIMIT_*}), on unless {@code RATE_LIMIT_ENABLED=false}. With
 * {@code REDIS_URL} the budgets are shared by all instances; without it each instance keeps its own.
 */
@Configuration
@ConditionalOnBooleanProperty(name = "kanban.rate-limit.enabled", matchIfMissing = true)
class RateLimitConfig {

    /** After Spring Security's chain (-100), which identifies the caller; before idempotency (-90). */
    static final int ORDER = -95;

    @Bean
    BucketStore rateLimitBuckets(
            @Value("${kanban.redis-url:}") String redisUrl,
            @Value("${kanban.rate-limit.key-prefix:agent-kanban:rate-limit:}") String prefix,
            @Value("${kanban.rate-limit.max-local-clients:100000}") int maxLocalClients) {
        if (redisUrl == null || redisUrl.isBlank()) {
            return new LocalBucketStore(maxLocalClients);
        }
        return new RedisBucketStore(redisUrl.trim(), prefix);
    }

    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(
            BucketStore buckets,
            JsonMapper json,
            MeterRegistry registry,
            @Value("${kanban.rate-limit.default:60/min}") String defaultRate,
            @Value("${kanban.rate-limit.bulk:10/min}") String bulkRate,
            @Value("${kanban.rate-limit.ws-connect:10/min}") String wsConnectRate,
            @Value("${kanban.rate-limit.feed:240/min}") String feedRate) {
        Map<Budget, Rate> rates = new EnumMap<>(Budget.class);
        rates.put(Budget.DEFAULT, Rate.parse("RATE_LIMIT_DEFAULT", defaultRate));
        rates.put(Budget.BULK, Rate.parse("RATE_LIMIT_BULK", bulkRate));
        rates.put(Budget.WS_CONNECT, Rate.parse("RATE_LIMIT_WS_CONNECT", wsConnectRate));
        rates.put(Budget.FEED, Rate.parse("RATE_LIMIT_FEED", feedRate));
        FilterRegistrationBean<RateLimitFilter> registration =
                new FilterRegistrationBean<>(new RateLimitFilter(buckets, rates, json, registry));
        registration.setOrder(ORDER);
        return registration;
    }
}
