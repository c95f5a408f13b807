package org.kotta.deployer.localcloud;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Settings;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Runs the real handlers for the local cloud. MiniStack cannot start a Java runtime without
 * Docker, so each deployed function carries {@code MINISTACK_LAMBDA_PROXY_URL} pointing
 * here ({@code /functions/<name>}); MiniStack POSTs the event and returns our reply.
 * Each handler is built from its deployed function's own configuration (handler class,
 * environment), read back with GetFunctionConfiguration, so it sees what it would in AWS.
 */
public final class FunctionHost implements AutoCloseable {
    public static final String PROXY_ENV = "MINISTACK_LAMBDA_PROXY_URL";
    private static final String PATH = "/functions/";

    private final LambdaClient lambda;
    private final Map<String, String> baseEnvironment;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final Map<String, LoadedHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, Integer> invocations = new ConcurrentHashMap<>();
    private final Map<String, Long> handlerNanos = new ConcurrentHashMap<>();

    /**
     * @param baseEnvironment what the Lambda service itself would provide (region,
     *                        endpoint of the local cloud), merged under each function's own
     */
    public FunctionHost(LambdaClient lambda, Map<String, String> baseEnvironment, int port) throws IOException {
        this.lambda = lambda;
        this.baseEnvironment = Map.copyOf(baseEnvironment);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext(PATH, this::invoke);
        server.setExecutor(threads);
        server.start();
    }

    public String urlFor(String functionName) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH + functionName;
    }

    public int invocationCount(String functionName) {
        return invocations.getOrDefault(functionName, 0);
    }

    /** Seconds the function's handler has run in all (what Lambda bills as duration), for the bench. */
    public double handlerSeconds(String functionName) {
        return handlerNanos.getOrDefault(functionName, 0L) / 1e9;
    }

    private void invoke(HttpExchange exchange) throws IOException {
        String functionName = exchange.getRequestURI().getPath().substring(PATH.length());
        byte[] event;
        try (InputStream in = exchange.getRequestBody()) {
            event = in.readAllBytes();
        }
        invocations.merge(functionName, 1, Integer::sum);
        int status;
        byte[] reply;
        long began = System.nanoTime();
        try {
            LoadedHandler handler = handlerFor(functionName);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handler()
                    .handleRequest(
                            new java.io.ByteArrayInputStream(event),
                            out,
                            new LocalLambdaContext(
                                    functionName, exchange.getRequestHeaders().getFirst("X-Amzn-Lambda-Request-Id")));
            status = 200;
            reply = out.toByteArray();
        } catch (Throwable e) {
            // the shape Lambda gives a handler's exception
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("errorType", e.getClass().getName());
            error.put("errorMessage", String.valueOf(e.getMessage()));
            status = 500;
            reply = Json.MAPPER.writeValueAsBytes(error);
        }
        handlerNanos.merge(functionName, System.nanoTime() - began, Long::sum);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply);
        }
    }

    /**
     * The handler for the function, built once from its configuration as deployed; the local
     * tooling calls {@link #forget} when it changes that configuration.
     */
    private LoadedHandler handlerFor(String functionName) throws ReflectiveOperationException {
        LoadedHandler current = handlers.get(functionName);
        if (current != null) {
            return current;
        }
        var config = lambda.getFunctionConfiguration(b -> b.functionName(functionName));
        Map<String, String> env = new HashMap<>(baseEnvironment);
        if (config.environment() != null && config.environment().variables() != null) {
            env.putAll(config.environment().variables());
        }
        env.remove(PROXY_ENV);
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        String className = config.handler().split("::")[0];
        Constructor<?> constructor = Class.forName(className).getConstructor(Settings.class);
        LoadedHandler loaded = new LoadedHandler((RequestStreamHandler) constructor.newInstance(new Settings(env)));
        LoadedHandler raced = handlers.putIfAbsent(functionName, loaded);
        return raced != null ? raced : loaded;
    }

    /** Drops the function's handler, so its next invocation reads its configuration again. */
    public void forget(String functionName) {
        handlers.remove(functionName);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private record LoadedHandler(RequestStreamHandler handler) {}
}
