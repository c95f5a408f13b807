package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.localcloud.platform.LocalPlatformStack;
import org.kotta.deployer.localcloud.platform.WebSession;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.Wiring;
import org.kotta.platform.web.WebServer;

/** The pages' protections (sign-in, CSRF, ownership) and /health, over plain HTTP. */
class WebPagesIT {
    private static final String ADA = "ada@example.org";
    private static LocalPlatformStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalCloud.platformStack().startWeb();
        stack.seedAdmin(ADA);
        stack.register("bob@example.org");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, String> job(String csrf) {
        Map<String, String> fields = new HashMap<>(Map.of(
                "script",
                "#!/bin/bash\necho hi > foo.txt\n",
                "script_name",
                "test.sh",
                "executable",
                "/bin/bash",
                "args",
                "test.sh",
                "outputs",
                "foo.txt",
                "walltime",
                "5",
                "queue",
                "Test",
                "jobname",
                "from the form"));
        if (csrf != null) {
            fields.put("csrf", csrf);
        }
        return fields;
    }

    /** Secrets at start: a secret that cannot be read, or reads empty, stops the start; nothing runs on without it. */
    @Test
    void theServerRefusesToStartWithoutItsSecrets() {
        var secrets = new PlatformClients(new Wiring(stack.wiring)).secrets();
        String empty = secrets.createSecret(b ->
                        b.name("kotta-it/empty-" + java.util.UUID.randomUUID()).secretString(""))
                .arn();
        String missing = "arn:aws:secretsmanager:us-east-1:000000000000:secret:kotta-it/missing-AbCdEf";
        // {variable, secret, what the refusal says}
        for (String[] swap : new String[][] {
            {Wiring.OAUTH_CLIENT_SECRET_ARN, missing, "kotta-it/missing"},
            {Wiring.OAUTH_CLIENT_SECRET_ARN, empty, "has no string value"},
            {Wiring.SESSION_KEY_SECRET_ARN, empty, "has no string value"}
        }) {
            Map<String, String> wiring = new HashMap<>(stack.wiring);
            wiring.put(swap[0], swap[1]);
            wiring.put(Wiring.PORT, Integer.toString(LocalPlatformStack.freePort()));
            assertThatThrownBy(() -> WebServer.start(new Wiring(wiring)).close())
                    .as("%s = %s", swap[0], swap[1])
                    .hasMessageContaining(swap[2]);
        }
    }

    @Test
    void aFormPostWithoutItsCsrfTokenIsForbidden() throws Exception {
        WebSession ada = new WebSession(stack.url());
        assertThat(ada.signIn(ADA).statusCode()).isEqualTo(303);
        int before = stack.jobCount();
        assertThat(ada.post("/submit", job(null)).statusCode()).isEqualTo(403);
        assertThat(ada.post("/submit", job("wrong-token")).statusCode()).isEqualTo(403);
        assertThat(new WebSession(stack.url())
                        .post("/submit", job("wrong-token"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(ada.post("/logout", Map.of()).statusCode()).isEqualTo(403);
        assertThat(stack.jobCount()).isEqualTo(before);

        HttpResponse<String> submitted = ada.post("/submit", job(ada.csrfOf("/submit")));
        assertThat(submitted.statusCode()).isEqualTo(303);
        String jobId = submitted.headers().firstValue("Location").orElseThrow().substring("/jobs/".length());
        assertThat(stack.jobs.find(jobId).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(ada.get("/jobs").body()).contains(jobId).contains("from the form");
    }

    @Test
    void formErrorsNameTheFieldAndAnotherUsersJobIsNotFound() throws Exception {
        WebSession ada = new WebSession(stack.url());
        ada.signIn(ADA);
        Map<String, String> bad = job(ada.csrfOf("/submit"));
        bad.put("walltime", "-1");
        HttpResponse<String> refused = ada.post("/submit", bad);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("walltime: must be more than 0 minutes");

        String adasJob = ada.post("/submit", job(ada.csrfOf("/submit")))
                .headers()
                .firstValue("Location")
                .orElseThrow();
        WebSession bob = new WebSession(stack.url());
        bob.signIn("bob@example.org");
        assertThat(bob.get(adasJob).statusCode()).isEqualTo(404);
        assertThat(bob.post(adasJob + "/cancel", Map.of("csrf", bob.csrfOf("/jobs")))
                        .statusCode())
                .isEqualTo(404);
        assertThat(bob.get("/admin/users").statusCode()).isEqualTo(403);
        assertThat(ada.get(adasJob).body()).contains("pending");
    }

    @Test
    void pagesNeedASignInAndLogoutEndsIt() throws Exception {
        WebSession anonymous = new WebSession(stack.url());
        assertThat(anonymous.get("/jobs").statusCode()).isEqualTo(303);
        assertThat(anonymous.get("/").body()).contains("Sign in");
        WebSession ada = new WebSession(stack.url());
        ada.signIn(ADA);
        assertThat(ada.get("/jobs").statusCode()).isEqualTo(200);
        assertThat(ada.post("/logout", Map.of("csrf", ada.csrfOf("/jobs"))).statusCode())
                .isEqualTo(303);
        assertThat(ada.get("/jobs").statusCode()).isEqualTo(303);
    }

    @Test
    void healthNamesTheReleaseWhenEverythingAnswers() throws Exception {
        HttpResponse<String> health = new WebSession(stack.url()).get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode json = WebSession.json(health);
        assertThat(json.get("status").asText()).isEqualTo("ok");
        assertThat(json.get("release").asText()).isEqualTo(stack.releaseSha256());
    }

    @Test
    void healthIs503NamingAMissingTable() throws Exception {
        Map<String, String> wiring = new HashMap<>(stack.wiring);
        wiring.put(Wiring.JOBS_TABLE, stack.id + "-no-such-table");
        int port = LocalPlatformStack.freePort();
        wiring.put(Wiring.PORT, Integer.toString(port));
        wiring.put(Wiring.PUBLIC_URL, "http://127.0.0.1:" + port);
        try (WebServer broken = WebServer.start(new Wiring(wiring))) {
            HttpResponse<String> health = new WebSession("http://127.0.0.1:" + port).get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains(stack.id + "-no-such-table");
        }
    }

    /**
     * The upload form's body is read into memory: a request without a session is refused before
     * its body is read, so anonymous callers cannot make the server hold big bodies (nor wait for
     * slow ones). The request below announces 30 MB and sends a few bytes.
     */
    @Test
    void anAnonymousUploadIsRefusedWithoutReadingItsBody() throws Exception {
        java.net.URI site = java.net.URI.create(stack.url());
        try (java.net.Socket socket = new java.net.Socket(site.getHost(), site.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(("POST /files/upload HTTP/1.1\r\nHost: " + site.getHost() + "\r\n"
                                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 30000000\r\n\r\n--x\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(
                            socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 403");
        }
    }

    /** The request log shows the path as sent: an encoded line break cannot write a line of its own. */
    @Test
    void anEncodedLineBreakInThePathCannotForgeALogLine() throws Exception {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(new WebSession(stack.url())
                            .get("/nothing%0aPOST%20/admin/users/approve%20303%201%20ms")
                            .statusCode())
                    .isEqualTo(404);
            // the server logs just after it answers
            org.awaitility.Awaitility.await("the request's log line")
                    .atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(50))
                    .until(() -> captured.toString(java.nio.charset.StandardCharsets.UTF_8)
                            .contains(" 404 "));
        } finally {
            System.setOut(out);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).contains("GET /nothing%0aPOST%20/admin/users/approve%20303%201%20ms 404");
        assertThat(log.lines()).noneMatch(line -> line.startsWith("POST /admin/users/approve"));
    }

    @Test
    void uploadsLandInTheUsersOwnAreaAndAreOfferedAsInputs() throws Exception {
        WebSession ada = new WebSession(stack.url());
        ada.signIn(ADA);
        String csrf = ada.csrfOf("/files");
        String boundary = "kotta" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"small.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\na,b\n1,2\n\r\n--" + boundary + "--\r\n";
        HttpResponse<String> uploaded = ada.postRaw("/files/upload", "multipart/form-data; boundary=" + boundary, body);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(303);
        String area = org.kotta.platform.core.JobPaths.userArea(ADA);
        assertThat(stack.clients
                        .s3()
                        .getObjectAsBytes(b ->
                                b.bucket(stack.wiring.get(Wiring.JOBS_BUCKET)).key(area + "small.csv"))
                        .asUtf8String())
                .isEqualTo("a,b\n1,2\n");
        assertThat(ada.get("/files").body()).contains("small.csv");
        assertThat(ada.get("/submit").body()).contains("name=\"uploaded\" value=\"small.csv\"");

        HttpResponse<String> link = ada.post("/files/upload_url", Map.of("csrf", csrf, "name", "big.bin", "size", "5"));
        JsonNode answer = WebSession.json(link);
        assertThat(answer.get("key").asText()).isEqualTo(area + "big.bin");
        java.net.http.HttpResponse<String> put = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(answer.get("url").asText()))
                                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("12345"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(ada.get("/files").body()).contains("big.bin");
        assertThat(ada.post(
                                "/files/upload_url",
                                Map.of("csrf", csrf, "name", "huge.bin", "size", Long.toString(6L << 30)))
                        .statusCode())
                .isEqualTo(400);
        assertThat(ada.postRaw(
                                "/files/upload",
                                "multipart/form-data; boundary=" + boundary,
                                body.replace(csrf, "wrong"))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void theClientSecretAppearsOnNoPage() throws Exception {
        WebSession ada = new WebSession(stack.url());
        StringBuilder seen = new StringBuilder(ada.get("/").body())
                .append(ada.get("/login").headers().map());
        assertThat(ada.signIn(ADA).statusCode()).as("signed in").isEqualTo(303);
        assertThat(ada.get("/jobs").body())
                .as("the pages scanned are the signed-in ones")
                .contains(ADA);
        for (String path : List.of("/jobs", "/submit", "/files", "/admin/users", "/health", "/static/kotta.css")) {
            seen.append(ada.get(path).body());
        }
        assertThat(seen.toString()).doesNotContain(stack.clientSecret());
    }
}
