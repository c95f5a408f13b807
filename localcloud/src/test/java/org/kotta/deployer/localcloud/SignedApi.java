package org.kotta.deployer.localcloud;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.kotta.deployer.localcloud.SignedApiClient.Response;

/**
 * The admin API for tests: {@link SignedApiClient} (SigV4 for {@code execute-api}, as an
 * admin calls it), with every exchange kept in {@link #EXCHANGES} so that
 * OpenApiConformanceIT can hold the answers against docs/openapi.yaml.
 */
final class SignedApi {
    /** Every exchange any test made in this JVM. */
    static final ConcurrentLinkedQueue<Exchange> EXCHANGES = new ConcurrentLinkedQueue<>();

    private final SignedApiClient client;

    /** @param baseUrl the stage's URL, e.g. {@code http://127.0.0.1:4566/_aws/execute-api/<apiId>/v1} */
    SignedApi(String baseUrl) {
        this.client = new SignedApiClient(baseUrl, "us-east-1");
    }

    static SignedApi forLocalCloud(LocalOrchestrator orchestrator) {
        String apiUrl = orchestrator.output("ApiUrl");
        String stage = apiUrl.substring(apiUrl.lastIndexOf('/') + 1);
        return new SignedApi(SignedApiClient.localStageUrl(LocalCloud.endpoint(), orchestrator.output("ApiId"), stage));
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
        try {
            Response answer = client.send(method, pathAndQuery, headers, body, sign);
            EXCHANGES.add(new Exchange(
                    method, routeOf(URI.create(client.baseUrl() + pathAndQuery).getPath()), answer));
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The spec's path template a concrete path falls under. */
    private String routeOf(String path) {
        String route = path.substring(URI.create(client.baseUrl()).getPath().length());
        if (route.matches("/deployments/?")) {
            return "/deployments";
        }
        if (route.matches("/deployments/[^/]+")) {
            return "/deployments/{id}";
        }
        return route;
    }

    record Exchange(String method, String route, Response response) {}
}
