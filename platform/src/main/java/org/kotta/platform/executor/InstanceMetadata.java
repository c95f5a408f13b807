package org.kotta.platform.executor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The instance metadata service, IMDSv2 only: a session token first ({@code PUT
 * /latest/api/token}), then each read with it. The executor (root) may reach it; the job user's
 * packets to it are refused by the bootstrap's nftables rule. Locally the instance runner serves
 * a stand-in at {@code KOTTA_METADATA_URL}.
 */
final class InstanceMetadata {
    static final String TARGET_LIFECYCLE_STATE = "autoscaling/target-lifecycle-state";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int TOKEN_SECONDS = 21600;

    private final String base;
    // HTTP/1.1: the instance metadata service speaks nothing else (no h2c upgrade headers)
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    private String token;
    private long tokenUntil;

    /** @param baseUrl e.g. {@code http://169.254.169.254} (no trailing slash needed) */
    InstanceMetadata(String baseUrl) {
        this.base = baseUrl.replaceAll("/+$", "");
    }

    /** The value of {@code /latest/meta-data/<path>}; empty when the service has none (404). */
    synchronized Optional<String> read(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() == 401) {
            token = null;
            response = get(path);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IOException("the metadata service answered " + response.statusCode() + " for " + path);
        }
        return Optional.of(response.body().strip());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/latest/meta-data/" + path))
                .timeout(TIMEOUT)
                .header("X-aws-ec2-metadata-token", token())
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws IOException, InterruptedException {
        if (token == null || System.nanoTime() > tokenUntil) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/latest/api/token"))
                    .timeout(TIMEOUT)
                    .header("X-aws-ec2-metadata-token-ttl-seconds", Integer.toString(TOKEN_SECONDS))
                    .PUT(HttpRequest.BodyPublishers.noBody())
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || response.body().isBlank()) {
                throw new IOException(
                        "the metadata service gave no session token (HTTP " + response.statusCode() + ")");
            }
            token = response.body().strip();
            tokenUntil =
                    System.nanoTime() + Duration.ofSeconds(TOKEN_SECONDS - 60).toNanos();
        }
        return token;
    }
}
