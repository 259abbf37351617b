package dev.agentkanban.worker;

import java.util.List;
import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.OpenAiEmbeddingModel;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;

/**
 * A {@link LanguageModel} through Spring AI's chat and embedding clients, built here from
 * {@link ModelSettings} (Spring AI's modules without their starters: no auto-configuration runs, in
 * the service or in the worker). The chat client is OpenAI's (any OpenAI-compatible endpoint) or
 * Anthropic's; embeddings come from an OpenAI-compatible endpoint. The clients retry timeouts, 429
 * and 5xx {@code maxRetries} times with exponential backoff (honouring Retry-After) before failing.
 */
final class SpringAiModel implements LanguageModel {

    private final ChatModel chat;
    private final StructuredOutputChatOptions options;
    private final EmbeddingModel embedding;
    private final ModelSettings settings;

    private SpringAiModel(
            ChatModel chat, StructuredOutputChatOptions options, EmbeddingModel embedding, ModelSettings settings) {
        this.chat = chat;
        this.options = options;
        this.embedding = embedding;
        this.settings = settings;
    }

    static SpringAiModel create(ModelSettings s) {
        ChatModel chat;
        StructuredOutputChatOptions options;
        if (s.provider().equals(ModelSettings.ANTHROPIC)) {
            AnthropicChatOptions o = AnthropicChatOptions.builder()
                    .baseUrl(s.url().toString())
                    .apiKey(s.apiKey())
                    .model(s.model())
                    .timeout(s.timeout())
                    .maxRetries(s.maxRetries())
                    .maxTokens(s.maxTokens())
                    .temperature(0.0)
                    .build();
            chat = AnthropicChatModel.builder().options(o).build();
            options = o;
        } else {
            // an empty key makes Spring AI's client send no Authorization header (local servers)
            OpenAiChatOptions o = OpenAiChatOptions.builder()
                    .baseUrl(s.url().toString())
                    .apiKey(s.apiKey())
                    .model(s.model())
                    .timeout(s.timeout())
                    .maxRetries(s.maxRetries())
                    .maxTokens(s.maxTokens())
                    .temperature(0.0)
                    .build();
            chat = OpenAiChatModel.builder().options(o).build();
            options = o;
        }
        EmbeddingModel embedding = null;
        if (s.embeddings()) {
            embedding = OpenAiEmbeddingModel.builder()
                    .options(OpenAiEmbeddingOptions.builder()
                            .baseUrl(s.embeddingUrl().toString())
                            .apiKey(s.embeddingApiKey())
                            .model(s.embeddingModel())
                            .encodingFormat(OpenAiEmbeddingOptions.EncodingFormat.FLOAT)
                            .timeout(s.timeout())
                            .maxRetries(s.maxRetries())
                            .build())
                    .build();
        }
        return new SpringAiModel(chat, options, embedding, s);
    }

    @Override
    public String model() {
        return settings.model();
    }

    @Override
    public String embeddingModel() {
        return embedding == null ? "" : settings.embeddingModel();
    }

    @Override
    public Reply complete(String system, String user, String jsonSchema) {
        long start = System.nanoTime();
        Prompt prompt = new Prompt(
                List.of(new SystemMessage(system), new UserMessage(user)),
                options.mutate().outputSchema(jsonSchema).build());
        ChatResponse response = chat.call(prompt);
        long latency = (System.nanoTime() - start) / 1_000_000;
        String text = response.getResult() == null || response.getResult().getOutput() == null
                ? null
                : response.getResult().getOutput().getText();
        Usage usage =
                response.getMetadata() == null ? null : response.getMetadata().getUsage();
        return new Reply(
                text == null ? "" : text,
                tokens(usage == null ? null : usage.getPromptTokens()),
                tokens(usage == null ? null : usage.getCompletionTokens()),
                latency);
    }

    @Override
    public Embedding embed(String text) {
        if (embedding == null) {
            throw new IllegalStateException("no embedding model is configured (WORKER_EMBEDDING_MODEL)");
        }
        EmbeddingResponse r = embedding.call(new EmbeddingRequest(List.of(text), null));
        Usage usage = r.getMetadata() == null ? null : r.getMetadata().getUsage();
        return new Embedding(r.getResult().getOutput(), tokens(usage == null ? null : usage.getPromptTokens()));
    }

    private static int tokens(Integer n) {
        return n == null ? 0 : n;
    }
}
