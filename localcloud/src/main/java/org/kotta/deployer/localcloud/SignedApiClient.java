package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kotta.deployer.core.Json;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Calls the deployer's API as an admin would: every request signed with SigV4 for
 * {@code execute-api} (the API's methods use AWS_IAM authorization).
 */
public final class SignedApiClient {
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
    private final String baseUrl;
    private final String region;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials =
            DefaultCredentialsProvider.builder().build();

    /** @param baseUrl the stage's URL, e.g. {@code https://abc123.execute-api.eu-west-1.amazonaws.com/v1} */
    public SignedApiClient(String baseUrl, String region) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.region = region;
    }

    /**
     * The client for the deployer's API installed in the local cloud, from the stack's
     * {@code ApiUrl} and {@code ApiId} outputs: the stage is the last path segment of
     * {@code ApiUrl}, the region its host's ({@code <id>.execute-api.<region>.amazonaws.com}).
     */
    public static SignedApiClient forLocalCloud(String endpoint, String apiUrl, String apiId) {
        URI uri = URI.create(apiUrl);
        String path = uri.getPath().replaceAll("/+$", "");
        String stage = path.substring(path.lastIndexOf('/') + 1);
        String[] host = uri.getHost().split("\\.");
        if (stage.isEmpty() || host.length < 3 || !host[1].equals("execute-api")) {
            throw new IllegalArgumentException("not an API Gateway stage URL: " + apiUrl);
        }
        return new SignedApiClient(localStageUrl(endpoint, apiId, stage), host[2]);
    }

    /** The stage URL of a REST API in the local cloud (MiniStack's path form). */
    public static String localStageUrl(String endpoint, String apiId, String stage) {
        return endpoint + "/_aws/execute-api/" + apiId + "/" + stage;
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send("GET", path, Map.of(), null);
    }

    public Response postJson(String path, String json, Map<String, String> headers)
            throws IOException, InterruptedException {
        Map<String, String> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        all.putAll(headers);
        all.putIfAbsent("Content-Type", "application/json");
        return send("POST", path, all, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Response send(String method, String path, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        return send(method, path, headers, body, true);
    }

    /** @param sign false only to show what an unsigned caller gets */
    public Response send(String method, String path, Map<String, String> headers, byte[] body, boolean sign)
            throws IOException, InterruptedException {
        URI uri = URI.create(baseUrl + path);
        SdkHttpRequest.Builder unsigned =
                SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(unsigned::putHeader);
        SdkHttpRequest request = unsigned.build();
        if (sign) {
            AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
            SignedRequest signed = signer.sign(r -> r.identity(identity)
                    .request(unsigned.build())
                    .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            request = signed.request();
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(90))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        request.headers().forEach((name, values) -> {
            // headers java.net.http sets itself
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().map(), response.body());
    }

    public String baseUrl() {
        return baseUrl;
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        public JsonNode json() {
            try {
                return body == null || body.isEmpty() ? MissingNode.getInstance() : Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
