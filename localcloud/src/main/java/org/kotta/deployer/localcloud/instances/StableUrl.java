package org.kotta.deployer.localcloud.instances;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web server's one local URL, standing in for the load balancer: a TCP relay on a fixed
 * loopback port to whichever web-server instance is current. Bytes pass untouched both ways,
 * so redirects, cookies, form posts, bodies and Location headers are what the instance sent.
 * Switching sends new connections to the new instance; open ones end with the old instance.
 */
final class StableUrl implements AutoCloseable {
    private static final byte[] NO_INSTANCE = ("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n"
                    + "Connection: close\r\nContent-Length: 31\r\n\r\nno web-server instance is up.\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "kotta-stable-url");
        thread.setDaemon(true);
        return thread;
    });
    /** The current instance's port; 0 while none. */
    private final AtomicInteger backend = new AtomicInteger();
    /** Connections open per instance port, so an instance is stopped only once drained. */
    private final Map<Integer, AtomicInteger> open = new ConcurrentHashMap<>();

    StableUrl(int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        threads.execute(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    /** New connections go to the instance on {@code port} from now on (0: none). */
    void switchTo(int port) {
        backend.set(port);
    }

    /**
     * Waits until no relayed connection to {@code port} is open, at most {@code limit} (the
     * load balancer's deregistration delay).
     */
    void drain(int port, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        AtomicInteger count = open.get(port);
        while (count != null && count.get() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> relay(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client) {
            int port = backend.get();
            // a connection that raced a switch (the old instance already stopped) goes to the new one
            while (port != 0 && !relayTo(client, port) && backend.get() != port) {
                port = backend.get();
            }
            if (port == 0) {
                client.getOutputStream().write(NO_INSTANCE);
            }
        } catch (IOException gone) {
            // the browser went away
        }
    }

    /** Relays one connection to {@code port}; false when nothing listens there (nothing was sent then). */
    private boolean relayTo(Socket client, int port) throws IOException {
        AtomicInteger count = open.computeIfAbsent(port, p -> new AtomicInteger());
        count.incrementAndGet();
        try {
            Socket upstream;
            try {
                upstream = new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException unreachable) {
                if (backend.get() == port) {
                    client.getOutputStream().write(NO_INSTANCE);
                }
                return false;
            }
            try (upstream) {
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                threads.execute(() -> pipe(client, upstream));
                pipe(upstream, client);
            }
            return true;
        } finally {
            count.decrementAndGet();
        }
    }

    /** Copies until {@code from} ends, then half-closes {@code to} so the other direction can finish. */
    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ended) {
            try {
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        threads.shutdownNow();
    }
}
