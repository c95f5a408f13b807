package org.kotta.deployer.localcloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy in front of the local cloud that answers the first N requests of chosen
 * operations with the service's own throttling error, as AWS does under load, and forwards
 * everything else unchanged. It counts, per operation, the requests, the throttled answers and
 * the retries (a later request with the same {@code amz-sdk-invocation-id} as a throttled one).
 */
final class ThrottlingProxy implements AutoCloseable {
    /** CloudFormation (query protocol): HTTP 400, Sender, Throttling. */
    private static final String QUERY_THROTTLING = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            + "<Message>Rate exceeded</Message></Error><RequestId>throttled-by-test-proxy</RequestId></ErrorResponse>";
    /** DynamoDB (JSON 1.0 protocol): HTTP 400, ThrottlingException. */
    private static final String JSON_THROTTLING =
            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\","
                    + "\"message\":\"Rate of requests exceeds the allowed throughput.\"}";

    private static final Pattern QUERY_ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");
    private static final Set<String> NOT_FORWARDED =
            Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "keep-alive");

    private final String target;
    private final Map<String, Integer> throttleFirst;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> throttled = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> retried = new ConcurrentHashMap<>();
    private final Set<String> throttledInvocations = ConcurrentHashMap.newKeySet();

    /**
     * @param target        the local cloud's endpoint
     * @param throttleFirst operation name → how many of its first requests to throttle
     */
    ThrottlingProxy(String target, Map<String, Integer> throttleFirst) throws IOException {
        this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        this.throttleFirst = Map.copyOf(throttleFirst);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests(String operation) {
        return requests.getOrDefault(operation, new AtomicInteger()).get();
    }

    int throttled(String operation) {
        return throttled.getOrDefault(operation, new AtomicInteger()).get();
    }

    int retried(String operation) {
        return retried.getOrDefault(operation, new AtomicInteger()).get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String operation = operation(exchange, body);
            String invocation = exchange.getRequestHeaders().getFirst("amz-sdk-invocation-id");
            if (operation != null) {
                int n = requests.computeIfAbsent(operation, k -> new AtomicInteger())
                        .incrementAndGet();
                if (invocation != null && throttledInvocations.contains(invocation)) {
                    retried.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
                }
                if (n <= throttleFirst.getOrDefault(operation, 0)) {
                    throttled
                            .computeIfAbsent(operation, k -> new AtomicInteger())
                            .incrementAndGet();
                    if (invocation != null) {
                        throttledInvocations.add(invocation);
                    }
                    boolean json = exchange.getRequestHeaders().containsKey("X-Amz-Target");
                    reply(
                            exchange,
                            400,
                            json ? "application/x-amz-json-1.0" : "text/xml",
                            (json ? JSON_THROTTLING : QUERY_THROTTLING).getBytes(StandardCharsets.UTF_8));
                    return;
                }
            }
            forward(exchange, body);
        }
    }

    /** DynamoDB and other JSON services name the operation in X-Amz-Target; query services in the form body. */
    private static String operation(HttpExchange exchange, byte[] body) {
        String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (amzTarget != null) {
            return amzTarget.substring(amzTarget.lastIndexOf('.') + 1);
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            Matcher action = QUERY_ACTION.matcher(new String(body, StandardCharsets.UTF_8));
            return action.find() ? action.group(1) : null;
        }
        return null;
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(target + path + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(60))
                .method(
                        exchange.getRequestMethod(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase();
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (!NOT_FORWARDED.contains(lower) || (head && lower.equals("content-length"))) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] reply = response.body();
        boolean noBody = exchange.getRequestMethod().equals("HEAD")
                || response.statusCode() == 204
                || response.statusCode() == 304
                || reply.length == 0;
        exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : reply.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", "throttled-by-test-proxy");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
