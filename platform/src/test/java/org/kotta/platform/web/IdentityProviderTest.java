package org.kotta.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider answers a token check reads: a small HTTP server on loopback stands in for Login
 * with Amazon and for an OIDC issuer (their tokeninfo, profile, discovery and userinfo endpoints).
 */
class IdentityProviderTest {
    private static final String CLIENT = "amzn1.application-oa2-client.kotta";
    private HttpServer server;
    private String base;
    /** What the stand-in answers, by token: tokeninfo and profile/userinfo bodies. */
    private final Map<String, String> tokeninfo = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, String> userinfo = new java.util.concurrent.ConcurrentHashMap<>();
    /** What the stand-in's token endpoint received: "<Authorization header> | <body>". */
    private final java.util.List<String> tokenRequests = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/tokeninfo", ex -> answer(ex, tokeninfo.get(queryToken(ex))));
        server.createContext("/profile", ex -> answer(ex, userinfo.get(bearer(ex))));
        server.createContext(
                "/oidc/.well-known/openid-configuration",
                ex -> answer(
                        ex,
                        "{\"issuer\":\"" + base
                                + "/oidc\",\"authorization_endpoint\":\"" + base + "/authorize\",\"token_endpoint\":\""
                                + base
                                + "/token\",\"userinfo_endpoint\":\"" + base + "/profile\"}"));
        server.createContext(
                "/basic-only/.well-known/openid-configuration",
                ex -> answer(
                        ex,
                        "{\"issuer\":\"" + base
                                + "/basic-only\",\"authorization_endpoint\":\"" + base
                                + "/authorize\",\"token_endpoint\":\"" + base
                                + "/token\",\"userinfo_endpoint\":\"" + base + "/profile\"}"));
        server.createContext(
                "/post-too/.well-known/openid-configuration",
                ex -> answer(
                        ex,
                        "{\"issuer\":\"" + base
                                + "/post-too\",\"authorization_endpoint\":\"" + base
                                + "/authorize\",\"token_endpoint\":\"" + base
                                + "/token\",\"userinfo_endpoint\":\"" + base + "/profile\","
                                + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\"]}"));
        server.createContext("/token", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            tokenRequests.add(ex.getRequestHeaders().getFirst("Authorization") + " | " + body);
            answer(ex, "{\"access_token\":\"fresh\",\"token_type\":\"Bearer\"}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private IdentityProvider loginWithAmazon() {
        return new IdentityProvider(
                "",
                CLIENT,
                "secret",
                new IdentityProvider.Endpoints(
                        base + "/authorize", base + "/token", base + "/profile", base + "/tokeninfo", true));
    }

    @Test
    void loginWithAmazonTokenOfThisClientIdentifiesItsPerson() throws Exception {
        tokeninfo.put("mine", "{\"aud\":\"" + CLIENT + "\",\"user_id\":\"amzn1.account.ADA\"}");
        userinfo.put("mine", "{\"user_id\":\"amzn1.account.ADA\",\"email\":\"ada@example.org\",\"name\":\"Ada\"}");

        assertThat(new TokenCheck(loginWithAmazon(), 60_000).identify("mine"))
                .isEqualTo(new Identity("amzn1.account.ADA", "ada@example.org", "Ada"));
    }

    /** Amazon's profile endpoint answers for a token of any app: the REST API must check the audience. */
    @Test
    void loginWithAmazonTokenIssuedToAnotherAppIsRefused() {
        tokeninfo.put(
                "theirs", "{\"aud\":\"amzn1.application-oa2-client.some-game\",\"user_id\":\"amzn1.account.ADA\"}");
        userinfo.put("theirs", "{\"user_id\":\"amzn1.account.ADA\",\"email\":\"ada@example.org\",\"name\":\"Ada\"}");

        assertThatThrownBy(() -> new TokenCheck(loginWithAmazon(), 60_000).identify("theirs"))
                .isInstanceOf(IdentityProvider.Refused.class)
                .hasMessageContaining("another application");
    }

    @Test
    void loginWithAmazonTokenItsTokeninfoRefusesIsRefused() {
        userinfo.put("expired", "{\"user_id\":\"amzn1.account.ADA\",\"email\":\"ada@example.org\"}");

        assertThatThrownBy(() -> new TokenCheck(loginWithAmazon(), 60_000).identify("expired"))
                .isInstanceOf(IdentityProvider.Refused.class)
                .hasMessageContaining("HTTP 400");
    }

    @Test
    void oidcIdentityWithAnEmailTheProviderHasNotVerifiedIsRefused() {
        userinfo.put(
                "self-signed-up", "{\"sub\":\"mallory\",\"email\":\"admin@example.org\",\"email_verified\":false}");
        userinfo.put("as-text", "{\"sub\":\"mallory\",\"email\":\"admin@example.org\",\"email_verified\":\"false\"}");
        IdentityProvider oidc = new IdentityProvider(base + "/oidc", "kotta", "secret");

        assertThatThrownBy(() -> oidc.identify("self-signed-up"))
                .isInstanceOf(IdentityProvider.Refused.class)
                .hasMessageContaining("not verified");
        assertThatThrownBy(() -> new TokenCheck(oidc, 60_000).identify("as-text"))
                .isInstanceOf(IdentityProvider.Refused.class)
                .hasMessageContaining("not verified");
    }

    @Test
    void oidcIdentityWithAVerifiedOrUnstatedEmailIsAccepted() throws Exception {
        userinfo.put(
                "verified", "{\"sub\":\"s1\",\"email\":\"ada@example.org\",\"email_verified\":true,\"name\":\"Ada\"}");
        userinfo.put("unstated", "{\"sub\":\"s2\",\"email\":\"bob@example.org\"}");
        IdentityProvider oidc = new IdentityProvider(base + "/oidc", "kotta", "secret");

        assertThat(oidc.identify("verified")).isEqualTo(new Identity("s1", "ada@example.org", "Ada"));
        assertThat(new TokenCheck(oidc, 60_000).identify("unstated"))
                .isEqualTo(new Identity("s2", "bob@example.org", "bob@example.org"));
    }

    /** OIDC Discovery's default is client_secret_basic: an issuer that lists no methods gets the secret that way. */
    @Test
    void theClientSecretGoesAsTheIssuerAcceptsIt() throws Exception {
        assertThat(new IdentityProvider(base + "/basic-only", "kotta web", "s3cr:t")
                        .exchange("code-1", "https://kotta.example.org/handle_login", "verifier"))
                .isEqualTo("fresh");
        assertThat(tokenRequests.get(0))
                .startsWith("Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString("kotta+web:s3cr%3At".getBytes(StandardCharsets.UTF_8))
                        + " | ")
                .doesNotContain("client_secret=");

        assertThat(new IdentityProvider(base + "/post-too", "kotta", "s3cr:t")
                        .exchange("code-2", "https://kotta.example.org/handle_login", "verifier"))
                .isEqualTo("fresh");
        assertThat(tokenRequests.get(1)).startsWith("null | ").contains("client_secret=s3cr%3At");

        assertThat(new IdentityProvider(
                                "",
                                "amzn1.application-oa2-client.kotta",
                                "s3cr:t",
                                new IdentityProvider.Endpoints(
                                        base + "/authorize",
                                        base + "/token",
                                        base + "/profile",
                                        base + "/tokeninfo",
                                        true))
                        .exchange("code-3", "https://kotta.example.org/handle_login", "verifier"))
                .isEqualTo("fresh");
        assertThat(tokenRequests.get(2)).startsWith("null | ").contains("client_secret=s3cr%3At");
    }

    private static String queryToken(HttpExchange ex) {
        String query = ex.getRequestURI().getRawQuery();
        return query == null
                ? ""
                : Request.parse(query)
                        .getOrDefault("access_token", java.util.List.of(""))
                        .get(0);
    }

    private static String bearer(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        return header == null ? "" : header.substring("Bearer ".length());
    }

    private static void answer(HttpExchange ex, String body) throws IOException {
        byte[] bytes = (body == null ? "{\"error\":\"invalid_token\"}" : body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(body == null ? 400 : 200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
