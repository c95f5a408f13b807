package org.kotta.deployer.verify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One {@code GET /health} of Cloud Kotta through its load balancer. In AWS it connects to the
 * load balancer's DNS name on 443 and checks the certificate against the site's domain (the
 * name a researcher's browser checks), so it works before the domain's DNS record points at
 * the load balancer. Against the local cloud (an endpoint override, as the SDK clients have)
 * it asks the local cloud's load balancer data plane, which routes the request through the
 * listener's rules to the registered target, as AWS's does.
 */
public class SiteProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final URI endpointOverride;

    /** @param endpointOverride the local cloud's URL, or null for AWS */
    public SiteProbe(URI endpointOverride) {
        this.endpointOverride = endpointOverride;
    }

    /** The status code and body of {@code GET /health}; IOException when no answer came. */
    public Answer health(String loadBalancerDnsName, String domainName) throws IOException {
        if (endpointOverride != null) {
            int port = endpointOverride.getPort() < 0 ? 80 : endpointOverride.getPort();
            try (Socket socket = connect(endpointOverride.getHost(), port)) {
                // the local cloud answers GET /health itself whatever the Host, so its load balancer is
                // addressed by name in the path ("/_alb/<name>/..."); port 443 in Host picks the HTTPS listener
                return exchange(socket, "/_alb/" + loadBalancerName(loadBalancerDnsName) + "/health", "localhost:443");
            }
        }
        try (Socket plain = connect(loadBalancerDnsName, 443);
                SSLSocket tls = (SSLSocket)
                        ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, domainName, 443, true)) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setServerNames(List.of(new SNIHostName(domainName)));
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return exchange(tls, "/health", domainName);
        }
    }

    /** {@code <name>-<id>.<region>.elb.amazonaws.com} → {@code <name>}. */
    static String loadBalancerName(String dnsName) {
        String first = dnsName.substring(0, dnsName.indexOf('.') < 0 ? dnsName.length() : dnsName.indexOf('.'));
        int dash = first.lastIndexOf('-');
        return dash < 0 ? first : first.substring(0, dash);
    }

    private static Socket connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        return socket;
    }

    /** HTTP/1.0 with Connection: close, so the answer is the bytes up to the end of the stream. */
    private static Answer exchange(Socket socket, String path, String hostHeader) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.0\r\nHost: " + hostHeader + "\r\nUser-Agent: kotta-deployer-site-check"
                        + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0 && response.size() < MAX_RESPONSE_BYTES; ) {
            response.write(buffer, 0, n);
        }
        return Answer.parse(response.toString(StandardCharsets.UTF_8));
    }

    /** A status code and a body (chunked bodies decoded). */
    public record Answer(int status, String body) {
        static Answer parse(String response) throws IOException {
            int headersEnd = response.indexOf("\r\n\r\n");
            String[] statusLine =
                    response.substring(0, Math.max(0, response.indexOf("\r\n"))).split(" ", 3);
            if (headersEnd < 0 || statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer: "
                        + response.substring(0, Math.min(80, response.length())).replaceAll("\\s+", " "));
            }
            String headers = response.substring(0, headersEnd).toLowerCase(java.util.Locale.ROOT);
            String body = response.substring(headersEnd + 4);
            if (headers.contains("\r\ntransfer-encoding: chunked")) {
                body = unchunk(body);
            }
            try {
                return new Answer(Integer.parseInt(statusLine[1]), body);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status: " + statusLine[1], e);
            }
        }

        private static String unchunk(String chunked) {
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (at < chunked.length()) {
                int lineEnd = chunked.indexOf("\r\n", at);
                if (lineEnd < 0) {
                    break;
                }
                int size = Integer.parseInt(
                        chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
                if (size == 0) {
                    break;
                }
                body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
                at = lineEnd + 2 + size + 2;
            }
            return body.toString();
        }
    }
}
