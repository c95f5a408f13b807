package org.kotta.deployer.localcloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Calls the deployer's API as an admin would: every request signed with SigV4 for
 * {@code execute-api} (the API's methods use AWS_IAM authorization).
 */
public final class SignedApiClient {
    private final String baseUrl;
    private final String region;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** @param baseUrl the stage's URL, e.g. {@code https://abc123.execute-api.eu-west-1.amazonaws.com/v1} */
    public SignedApiClient(String baseUrl, String region) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.region = region;
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
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        return send("POST", path, all, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Response send(String method, String path, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        URI uri = URI.create(baseUrl + path);
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(unsigned::putHeader);
        AwsCredentialsIdentity identity = DefaultCredentialsProvider.builder().build().resolveIdentity().join();
        SignedRequest signed = signer.sign(r -> r.identity(identity).request(unsigned.build())
                .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().map(), response.body());
    }

    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }
}
