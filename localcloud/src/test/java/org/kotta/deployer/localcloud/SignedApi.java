package org.kotta.deployer.localcloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.kotta.deployer.core.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Calls the deployed admin API as an admin would: SigV4-signed for {@code execute-api} with
 * the test credentials (the local cloud checks only that a signature is there). Every
 * exchange is kept in {@link #EXCHANGES} so that OpenApiConformanceIT can hold the answers
 * against docs/openapi.yaml.
 */
final class SignedApi {
    /** Every exchange any test made in this JVM. */
    static final ConcurrentLinkedQueue<Exchange> EXCHANGES = new ConcurrentLinkedQueue<>();
    // headers java.net.http sets itself
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final String baseUrl;
    private final AwsCredentialsIdentity credentials = AwsCredentialsIdentity.create("test", "test");
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param baseUrl the stage's URL, e.g. {@code http://127.0.0.1:4566/_aws/execute-api/<apiId>/v1} */
    SignedApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    static SignedApi forLocalCloud(LocalOrchestrator orchestrator) {
        String apiUrl = orchestrator.output("ApiUrl");
        String stage = apiUrl.substring(apiUrl.lastIndexOf('/') + 1);
        return new SignedApi(LocalCloud.endpoint() + "/_aws/execute-api/" + orchestrator.output("ApiId") + "/" + stage);
    }

    Response get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, Map.of(), true);
    }

    Response postJson(String path, String body, Map<String, String> headers) {
        Map<String, String> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        all.put("Content-Type", "application/json");
        all.putAll(headers);
        return send("POST", path, body.getBytes(StandardCharsets.UTF_8), all, true);
    }

    Response send(String method, String pathAndQuery, byte[] body, Map<String, String> headers, boolean sign) {
        URI uri = URI.create(baseUrl + pathAndQuery);
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(unsigned::putHeader);
        SdkHttpRequest request = unsigned.build();
        if (sign) {
            SignedRequest signed = signer.sign(r -> r.identity(credentials)
                    .request(unsigned.build())
                    .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
            request = signed.request();
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        request.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            Response answer = new Response(response.statusCode(), response.headers().map(), response.body());
            EXCHANGES.add(new Exchange(method, routeOf(uri.getPath()), answer));
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The spec's path template a concrete path falls under. */
    private String routeOf(String path) {
        String route = path.substring(URI.create(baseUrl).getPath().length());
        if (route.matches("/deployments/?")) {
            return "/deployments";
        }
        if (route.matches("/deployments/[^/]+")) {
            return "/deployments/{id}";
        }
        return route;
    }

    record Exchange(String method, String route, Response response) {
    }

    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        JsonNode json() {
            try {
                return body == null || body.isEmpty() ? MissingNode.getInstance() : Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
