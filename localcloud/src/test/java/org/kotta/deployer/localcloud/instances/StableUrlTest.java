package org.kotta.deployer.localcloud.instances;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StableUrlTest {
    private final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private HttpServer instance;
    private StableUrl url;

    @AfterEach
    void stop() {
        if (url != null) {
            url.close();
        }
        if (instance != null) {
            instance.stop(0);
        }
    }

    @Test
    void passesRedirectsCookiesAndFormPostsThroughUntouched() throws Exception {
        instance = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        instance.createContext("/handle_login", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Set-Cookie", "session=abc; HttpOnly; Path=/");
            exchange.getResponseHeaders().add("Location", "https://kotta.example.org/jobs?form=" + form.length());
            exchange.getResponseHeaders()
                    .add(
                            "X-Seen-Cookie",
                            String.valueOf(exchange.getRequestHeaders().getFirst("Cookie")));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        instance.start();
        url = new StableUrl(0);
        url.switchTo(instance.getAddress().getPort());

        HttpResponse<String> response = browser.send(
                HttpRequest.newBuilder(URI.create(url.url() + "/handle_login"))
                        .header("Cookie", "earlier=1")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("email=admin%40demo.example.org&x=1"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).contains("https://kotta.example.org/jobs?form=34");
        assertThat(response.headers().firstValue("Set-Cookie")).contains("session=abc; HttpOnly; Path=/");
        assertThat(response.headers().firstValue("X-Seen-Cookie")).contains("earlier=1");
    }

    @Test
    void withoutAnInstance_answers502() throws Exception {
        url = new StableUrl(0);

        HttpResponse<String> response = browser.send(
                HttpRequest.newBuilder(URI.create(url.url() + "/")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(502);
    }
}
