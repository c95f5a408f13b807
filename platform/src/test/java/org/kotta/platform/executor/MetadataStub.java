package org.kotta.platform.executor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** An IMDSv2 stand-in on loopback: the token PUT and {@code autoscaling/target-lifecycle-state} with that token. */
final class MetadataStub implements AutoCloseable {
    private final HttpServer server;
    private final String token = UUID.randomUUID().toString();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile String state = "InService";

    MetadataStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/latest/api/token",
                exchange -> answer(exchange, "PUT".equals(exchange.getRequestMethod()) ? 200 : 405, token));
        server.createContext("/latest/meta-data/autoscaling/target-lifecycle-state", exchange -> {
            boolean signed = token.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"));
            if (signed) {
                reads.incrementAndGet();
            }
            answer(exchange, signed ? 200 : 401, signed ? state : "");
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void state(String value) {
        state = value;
    }

    int reads() {
        return reads.get();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
