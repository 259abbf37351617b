package dev.agentkanban.worker;

/**
 * The model-backed agents' view of a language model: a chat completion whose answer should follow a
 * JSON schema, and embeddings. Failures (timeouts, 429, 5xx after the client's own retries) are
 * runtime exceptions: the job's attempt fails and the job queue retries it with backoff.
 */
interface LanguageModel {

    /** The answer's text and what it cost. */
    record Reply(String text, int tokensIn, int tokensOut, long latencyMs) {}

    /** A text's embedding and its tokens. */
    record Embedding(float[] vector, int tokens) {}

    /** The chat model's name, as the hints record it. */
    String model();

    /** The embedding model's name; empty when there is none. */
    String embeddingModel();

    Reply complete(String system, String user, String jsonSchema);

    Embedding embed(String text);
}
