package org.kotta.deployer.localcloud.instances;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One local instance's stand-in for the EC2 instance metadata service, on loopback, IMDSv2 only:
 * {@code PUT /latest/api/token} gives a session token, and
 * {@code GET /latest/meta-data/autoscaling/target-lifecycle-state} answers with it
 * ({@code InService}, or {@code Terminated} once the local runner retires the instance). Its
 * URL reaches the instance as {@code KOTTA_METADATA_URL}.
 */
final class LocalMetadata implements AutoCloseable {
    static final String IN_SERVICE = "InService";
    static final String TERMINATED = "Terminated";

    private final HttpServer server;
    private final String token = UUID.randomUUID().toString();
    private volatile String state = IN_SERVICE;

    LocalMetadata() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/latest/api/token",
                exchange -> answer(exchange, "PUT".equals(exchange.getRequestMethod()) ? 200 : 405, token));
        server.createContext("/latest/meta-data/autoscaling/target-lifecycle-state", exchange -> {
            boolean signed = token.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"));
            answer(exchange, signed ? 200 : 401, signed ? state : "");
        });
        server.start();
    }

    /** What the instance gets as {@code KOTTA_METADATA_URL}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The group is terminating this instance: its target lifecycle state becomes {@code Terminated}. */
    void terminate() {
        state = TERMINATED;
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
