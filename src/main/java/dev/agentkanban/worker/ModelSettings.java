package dev.agentkanban.worker;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.springframework.core.env.PropertyResolver;

/**
 * The language model of the model-backed agents, from {@code kanban.worker.model.*} (application.yml
 * maps {@code WORKER_MODEL_PROVIDER}, {@code WORKER_MODEL_URL}, {@code WORKER_MODEL},
 * {@code WORKER_MODEL_API_KEY}, {@code WORKER_EMBEDDING_MODEL}, ... onto it). Off unless
 * {@code WORKER_MODEL} names a model: then only the deterministic agents run.
 *
 * @param provider          {@code openai} (any OpenAI-compatible endpoint: OpenAI, Ollama, llama.cpp's server, vLLM) or {@code anthropic}
 * @param url               the endpoint's base URL (OpenAI-compatible ones end in {@code /v1})
 * @param model             the chat model; blank: no model, deterministic agents only
 * @param apiKey            the key sent to the endpoint; blank: none (local servers)
 * @param embeddingModel    the embedding model of the semantic duplicate agent; blank: exact-title duplicates only
 * @param embeddingUrl      where embeddings are asked for (an OpenAI-compatible endpoint; default: {@code url} for openai)
 * @param embeddingApiKey   the key for the embedding endpoint (default: {@code apiKey} for openai)
 * @param dailyTokens       tokens (in and out) the worker may spend per day (UTC); then the deterministic agents run
 * @param timeout           one request's timeout
 * @param maxRetries        retries of a request that timed out or was answered 429 or 5xx, with the client's backoff
 * @param maxTokens         the longest answer asked for
 * @param duplicateSimilarity the cosine similarity from which an older open task is named as the likely original
 */
record ModelSettings(
        String provider,
        URI url,
        String model,
        String apiKey,
        String embeddingModel,
        URI embeddingUrl,
        String embeddingApiKey,
        long dailyTokens,
        Duration timeout,
        int maxRetries,
        int maxTokens,
        double duplicateSimilarity) {

    static final String OPENAI = "openai";
    static final String ANTHROPIC = "anthropic";

    boolean enabled() {
        return !model.isBlank();
    }

    boolean embeddings() {
        return enabled() && !embeddingModel.isBlank() && embeddingUrl != null;
    }

    /** What the logs may say about the model (never the key). */
    String describe() {
        return provider + " " + model + " at " + url
                + (embeddings() ? ", embeddings " + embeddingModel + " at " + embeddingUrl : "");
    }

    static ModelSettings from(PropertyResolver env) {
        String provider = get(env, "provider", OPENAI).toLowerCase(Locale.ROOT);
        if (!provider.equals(OPENAI) && !provider.equals(ANTHROPIC)) {
            throw new IllegalStateException("WORKER_MODEL_PROVIDER must be openai or anthropic, not " + provider);
        }
        String fallbackUrl = provider.equals(OPENAI) ? "https://api.openai.com/v1" : "https://api.anthropic.com";
        URI url = url("WORKER_MODEL_URL", get(env, "url", ""), fallbackUrl);
        String apiKey = get(env, "api-key", "");
        String embeddingUrlRaw = get(env, "embedding-url", "");
        URI embeddingUrl = embeddingUrlRaw.isEmpty()
                ? (provider.equals(OPENAI) ? url : null)
                : url("WORKER_EMBEDDING_URL", embeddingUrlRaw, null);
        String embeddingKey = get(env, "embedding-api-key", provider.equals(OPENAI) ? apiKey : "");
        Duration timeout;
        try {
            timeout = Duration.parse(get(env, "timeout", "PT60S"));
        } catch (RuntimeException e) {
            throw new IllegalStateException("WORKER_MODEL_TIMEOUT must be an ISO-8601 duration such as PT60S");
        }
        return new ModelSettings(
                provider,
                url,
                get(env, "model", ""),
                apiKey,
                get(env, "embedding-model", ""),
                embeddingUrl,
                embeddingKey,
                number(env, "daily-tokens", 200_000),
                timeout,
                (int) number(env, "max-retries", 2),
                (int) number(env, "max-tokens", 1024),
                Double.parseDouble(get(env, "duplicate-similarity", "0.9")));
    }

    private static String get(PropertyResolver env, String key, String fallback) {
        String v = env.getProperty("kanban.worker.model." + key, "");
        return v.isBlank() ? fallback : v.strip();
    }

    private static long number(PropertyResolver env, String key, long fallback) {
        String raw = get(env, key, Long.toString(fallback));
        try {
            long v = Long.parseLong(raw);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "kanban.worker.model." + key + " must be a whole number of 0 or more, not " + raw);
        }
    }

    private static URI url(String name, String raw, String fallback) {
        String s = raw.isEmpty() ? fallback : raw;
        if (s == null) {
            return null;
        }
        URI u;
        try {
            u = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not a URL: " + s);
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalStateException(name + " must start with http:// or https://, not " + s);
        }
        return u;
    }
}
