package org.kotta.platform.web;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.UserStore;
import org.kotta.platform.core.Wiring;

/**
 * The Cloud Kotta web server ({@code kotta-start web-server}): the JDK's HTTP server on
 * {@code KOTTA_PORT} with a small pool, server-rendered pages, the v1 REST API and
 * {@code /health}. One log line per request on stdout: method, path, status, milliseconds.
 */
public final class WebServer implements AutoCloseable {
    private static final int THREADS = 8;
    /**
     * The JDK server writes a response's headers and its body apart; with Nagle's algorithm on,
     * the body waits for the client's delayed ACK of the headers (40 ms on Linux) on every
     * response. Read once, when the JDK's server configuration loads: before the first server.
     */
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;

    private WebServer(Web web, int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(port), 64);
        this.pool = Executors.newFixedThreadPool(THREADS);
        server.setExecutor(pool);
        Router router = new Router(web);
        server.createContext("/", router::handle);
    }

    /** Reads the secrets (into memory only), binds {@code KOTTA_PORT} (0: any free port) and serves. */
    public static WebServer start(Wiring wiring) throws IOException {
        wiring.requireAll(List.of(
                Wiring.JOBS_BUCKET,
                Wiring.JOBS_TABLE,
                Wiring.USERS_TABLE,
                Wiring.PROD_PENDING_QUEUE_URL,
                Wiring.TEST_PENDING_QUEUE_URL,
                Wiring.OAUTH_CLIENT_ID,
                Wiring.OAUTH_CLIENT_SECRET_ARN,
                Wiring.SESSION_KEY_SECRET_ARN,
                Wiring.PUBLIC_URL));
        PlatformClients clients = new PlatformClients(wiring);
        String clientSecret = clients.secretString(wiring.required(Wiring.OAUTH_CLIENT_SECRET_ARN));
        String sessionSecret = clients.secretString(wiring.required(Wiring.SESSION_KEY_SECRET_ARN));
        IdentityProvider provider = new IdentityProvider(
                wiring.orDefault(Wiring.OIDC_ISSUER, ""), wiring.required(Wiring.OAUTH_CLIENT_ID), clientSecret);
        JobStore jobs = new JobStore(clients.dynamo(), wiring.required(Wiring.JOBS_TABLE));
        String bucket = wiring.required(Wiring.JOBS_BUCKET);
        Web web = new Web(
                wiring,
                clients,
                jobs,
                new UserStore(clients.dynamo(), wiring.required(Wiring.USERS_TABLE)),
                new JobSubmission(jobs, clients.sqs(), wiring::pendingQueueUrl, bucket),
                new Views(appDir(wiring)),
                new SessionCodec(sessionSecret),
                provider,
                new TokenCheck(provider, 60_000),
                new Health(wiring, clients),
                bucket,
                wiring.required(Wiring.PUBLIC_URL).replaceAll("/+$", ""));
        WebServer server = new WebServer(web, wiring.port());
        server.server.start();
        System.out.println("web server listening on port " + server.port() + ", release " + wiring.releaseSha256());
        return server;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** {@code KOTTA_APP_DIR}, else the release root: the parent of the {@code lib/} holding this jar. */
    static Path appDir(Wiring wiring) {
        return wiring.optional(Wiring.APP_DIR).map(Path::of).orElseGet(() -> {
            try {
                Path jar = Path.of(WebServer.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI());
                Path root = jar.getParent() == null ? null : jar.getParent().getParent();
                if (root == null || !Files.isDirectory(root.resolve("views"))) {
                    throw new IllegalStateException(
                            "cannot find the release's views/ from " + jar + ": set " + Wiring.APP_DIR);
                }
                return root;
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Blocks until the JVM is stopped (systemd's SIGTERM closes the server). */
    public void serveForever() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        Thread.currentThread().join();
    }
}
