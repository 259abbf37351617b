package dev.agentkanban.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local OpenAI-compatible server for the model tests: {@code POST /v1/chat/completions} answers with
 * recorded completions (the shape OpenAI, Ollama and vLLM send, with usage), {@code POST /v1/embeddings}
 * with bag-of-words vectors (texts sharing words are similar). A test queues special answers (429, 500,
 * malformed JSON, a hang past the client's timeout) ahead of the normal ones, and reads every request.
 */
final class FakeModelServer implements AutoCloseable {

    /** One answer: a status and a body; {@code hang} holds the request until the server closes (a timeout). */
    record Answer(int status, String body, boolean hang) {
        static Answer content(String content) {
            return new Answer(200, completion(content, 120, 40), false);
        }

        static Answer status(int status) {
            return new Answer(status, "{\"error\":{\"message\":\"status " + status + "\",\"type\":\"test\"}}", false);
        }

        static Answer hanging() {
            return new Answer(200, "", true);
        }
    }

    /** A request as received: path, headers of interest and the JSON body. */
    record Request(String path, String authorization, JsonNode body) {
        /** The user message of a chat request. */
        String userMessage() {
            for (JsonNode m : body.get("messages")) {
                if (m.get("role").asString().equals("user")) {
                    return m.get("content").isString()
                            ? m.get("content").asString()
                            : m.get("content").toString();
                }
            }
            return "";
        }

        String systemMessage() {
            // OpenAI: the first message; Anthropic: a top-level system field
            return body.has("system")
                    ? body.get("system").toString()
                    : body.get("messages").get(0).get("content").toString();
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int DIMENSIONS = 64;

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> queued = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Request, Answer> answers = r -> Answer.content(cannedAnswer(r));

    FakeModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL as WORKER_MODEL_URL takes it. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Answers the next chat requests with these, in order, before the normal answers. */
    void queue(Answer... next) {
        queued.addAll(List.of(next));
    }

    /** Normal chat answers, computed from the request ({@link #cannedAnswer} gives a valid one per agent). */
    void answerWith(Function<Request, Answer> answer) {
        answers = answer;
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    List<Request> chatRequests() {
        return requests.stream()
                .filter(r -> r.path().endsWith("/chat/completions"))
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            Request request = new Request(
                    path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw));
            requests.add(request);
            Answer answer;
            if (path.endsWith("/embeddings")) {
                answer = new Answer(200, embeddings(request.body()), false);
            } else if (path.endsWith("/chat/completions")) {
                Answer next = queued.poll();
                answer = next != null ? next : answers.apply(request);
            } else if (path.endsWith("/v1/messages")) {
                // Anthropic's Messages API: the same canned content in its envelope
                answer = new Answer(200, anthropicMessage(cannedAnswer(request)), false);
            } else {
                answer = Answer.status(404);
            }
            if (answer.hang()) {
                try {
                    closing.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (answer.status() == 429) {
                exchange.getResponseHeaders().add("Retry-After", "0");
            }
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A chat completion as OpenAI records it. */
    static String completion(String content, int promptTokens, int completionTokens) {
        var root = JSON.createObjectNode();
        root.put("id", "chatcmpl-test");
        root.put("object", "chat.completion");
        root.put("created", 1_767_225_600L);
        root.put("model", "test-model");
        var choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message")
                .put("role", "assistant")
                .put("content", content)
                .putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        root.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return root.toString();
    }

    /** A message as Anthropic's Messages API records it. */
    static String anthropicMessage(String content) {
        var root = JSON.createObjectNode();
        root.put("id", "msg_test");
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", "test-claude");
        root.putArray("content").addObject().put("type", "text").put("text", content);
        root.put("stop_reason", "end_turn");
        root.putNull("stop_sequence");
        root.putObject("usage").put("input_tokens", 90).put("output_tokens", 30);
        return root.toString();
    }

    private static String embeddings(JsonNode request) {
        List<String> inputs = new ArrayList<>();
        JsonNode input = request.get("input");
        if (input.isArray()) {
            input.forEach(i -> inputs.add(i.asString()));
        } else {
            inputs.add(input.asString());
        }
        var root = JSON.createObjectNode();
        root.put("object", "list");
        var data = root.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            var item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            var vector = item.putArray("embedding");
            for (float v : bagOfWords(inputs.get(i))) {
                vector.add(v);
            }
            tokens += inputs.get(i).split("\\s+").length;
        }
        root.put("model", request.path("model").asString("test-embedding"));
        root.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return root.toString();
    }

    /** Words (4+ letters, lower case, a crude stem) hashed into a fixed number of dimensions. */
    static float[] bagOfWords(String text) {
        float[] v = new float[DIMENSIONS];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (w.length() >= 4) {
                String stem = w.length() > 5 ? w.substring(0, 5) : w;
                v[Math.floorMod(stem.hashCode(), DIMENSIONS)] += 1;
            }
        }
        return v;
    }

    /** Answers by the agent's prompt: a plausible, valid answer for each model agent. */
    static String cannedAnswer(Request r) {
        String system = r.systemMessage();
        JsonNode task = JSON.readTree(r.userMessage());
        String title = task.path("title").asString("");
        if (system.contains("clearer title")) {
            return "{\"title\":\""
                    + title.replace("\"", "'")
                            .toLowerCase(Locale.ROOT)
                            .replace("!", "")
                            .strip() + " (clarified)\",\"description\":null,\"reason\":\"names the affected area\"}";
        }
        if (system.contains("triage")) {
            return "{\"priority\":\"high\",\"tags\":[\"bug\"],\"reason\":\"a broken feature\"}";
        }
        if (system.contains("separate checklist items")) {
            return "{\"split\":true,\"items\":[\"Reproduce the problem\",\"Fix it\",\"Add a regression test\"],\"reason\":\"three steps\"}";
        }
        if (system.contains("acceptance criteria")) {
            return "{\"criteria\":[\"The page loads without an error\",\"A test covers the case\"],\"reason\":\"observable outcomes\"}";
        }
        return "{}";
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
