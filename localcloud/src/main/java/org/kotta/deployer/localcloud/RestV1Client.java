package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kotta.deployer.localcloud.platform.WebSession;

/**
 * Cloud Kotta's v1 REST API as its command-line client calls it: form-encoded bodies, the
 * access token as the {@code access_token} field (or query parameter on GETs), JSON answers.
 * Used by the demo and the end-to-end tests.
 */
public final class RestV1Client {
    /** The example job of CLOUD_KOTTA.md: writes "Hello World" to foo.txt. */
    public static final String EXAMPLE_SCRIPT = "#!/bin/bash\n echo Hello World &> foo.txt";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile("<a href=\"([^\"]+)\">([^<]+)</a>");
    private static final Pattern MISSING = Pattern.compile("<i>([^<]+)</i>");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String site;
    private final String token;

    /** @param site the site's URL (no trailing slash); @param token an access token of a registered user */
    public RestV1Client(String site, String token) {
        this.site = site.replaceAll("/+$", "");
        this.token = token;
    }

    /** The fields of the example job (script test.sh, outputs foo.txt, 5 minutes) for {@code queue}. */
    public static Map<String, String> exampleJob(String queue, String jobName) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("jobtype", "script");
        fields.put("script", EXAMPLE_SCRIPT);
        fields.put("script_name", "test.sh");
        fields.put("executable", "/bin/bash test.sh");
        fields.put("args", "");
        fields.put("inputs", "");
        fields.put("outputs", "foo.txt");
        fields.put("output_file_stdout", "STDOUT.txt");
        fields.put("output_file_stderr", "STDERR.txt");
        fields.put("walltime", "5");
        fields.put("queue", queue);
        fields.put("jobname", jobName);
        return fields;
    }

    /** A job running {@code command} through a one-line script (e.g. {@code sleep 300}). */
    public static Map<String, String> commandJob(String queue, String jobName, String command, int walltimeMinutes) {
        Map<String, String> fields = exampleJob(queue, jobName);
        fields.put("script", "#!/bin/bash\n" + command + "\n");
        fields.put("outputs", "");
        fields.put("walltime", Integer.toString(walltimeMinutes));
        return fields;
    }

    /** POST submit_task; the job id of a {@code Success} answer, else an exception naming the reason. */
    public String submit(Map<String, String> fields) throws IOException, InterruptedException {
        JsonNode answer = post("/rest/v1/submit_task", fields);
        if (!"Success".equals(answer.path("status").asText())) {
            throw new IOException("submit_task answered " + answer);
        }
        return answer.path("job_id").asText();
    }

    /** GET status_task/&lt;id&gt;: {@code {"status": …, "items": {…}}}. */
    public JsonNode status(String jobId) throws IOException, InterruptedException {
        return get("/rest/v1/status_task/" + jobId);
    }

    public JsonNode listTasks() throws IOException, InterruptedException {
        return get("/rest/v1/list_tasks");
    }

    public JsonNode cancel(String jobId) throws IOException, InterruptedException {
        return post("/rest/v1/cancel_task/" + jobId, Map.of());
    }

    /**
     * Polls status_task every 250 ms until {@code done} holds for the status or {@code limit}
     * passes; returns every distinct status seen, in order (the last is the current one).
     */
    public List<String> awaitStatus(String jobId, Predicate<String> done, Duration limit)
            throws IOException, InterruptedException {
        List<String> seen = new ArrayList<>();
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            String status = status(jobId).path("status").asText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                seen.add(status);
            }
            if (done.test(status) || Instant.now().isAfter(deadline)) {
                return seen;
            }
            Thread.sleep(250);
        }
    }

    /** The {@code outputs} items of a status_task answer: file name → link (null when the file is missing). */
    public static Map<String, String> outputs(JsonNode status) {
        Map<String, String> outputs = new LinkedHashMap<>();
        status.path("items").forEach(item -> {
            if (item.has("outputs")) {
                String text = item.get("outputs").asText();
                Matcher link = LINK.matcher(text);
                Matcher missing = MISSING.matcher(text);
                if (link.find()) {
                    outputs.put(link.group(2), link.group(1));
                } else if (missing.find()) {
                    outputs.put(missing.group(1), null);
                }
            }
        });
        return outputs;
    }

    /** Follows an output's href, as the old client does; the body, or an exception naming the status. */
    public String download(String href) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(href))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + href + " answered " + response.statusCode());
        }
        return response.body();
    }

    private JsonNode post(String path, Map<String, String> fields) throws IOException, InterruptedException {
        Map<String, String> body = new LinkedHashMap<>(fields);
        body.put("access_token", token);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(site + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(WebSession.form(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return json(path, response);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(site + path + "?" + WebSession.form(Map.of("access_token", token))))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return json(path, response);
    }

    private static JsonNode json(String path, HttpResponse<String> response) throws IOException {
        try {
            return JSON.readTree(response.body());
        } catch (IOException notJson) {
            throw new IOException(
                    path + " answered " + response.statusCode() + " with no JSON: "
                            + response.body()
                                    .substring(0, Math.min(200, response.body().length())),
                    notJson);
        }
    }
}
