package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.kotta.deployer.core.Json;

/** The "Cloud Kotta platform" part of docs/benchmarks.md: its rows of the targets table and its section. */
final class PlatformReport {
    static final double TRIVIAL_JOB_MEDIAN_TARGET_MS = 3000;
    static final double PAGE_P99_TARGET_MS = 100;
    static final double EXECUTOR_RSS_TARGET_MB = 200;

    private PlatformReport() {}

    /** {@code ./kotta bench --only platform}: this section alone, to the console and platform-results.json; docs untouched. */
    static void onlyPlatform(Path root, String endpoint, PrintStream console) throws Exception {
        BenchResults.MachineInfo machine = Machine.describe(root);
        ObjectNode results = Json.MAPPER.createObjectNode();
        results.set("machine", Json.MAPPER.valueToTree(machine));
        results.put("date", Instant.now().toString());
        JsonNode platform = PlatformBench.measure(root, endpoint, line -> Bench.say(console, line));
        results.set("platform", platform);
        Path json = root.resolve("target/bench/platform-results.json");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), results);
        StringBuilder md = new StringBuilder("| target | measured | holds |\n| --- | --- | --- |\n");
        targetRows(platform).forEach(line -> md.append(line).append('\n'));
        md.append('\n').append(section(machine, platform));
        Bench.say(
                console,
                "wrote " + root.relativize(json)
                        + " (docs/benchmarks.md untouched: the full ./kotta bench writes it)\n\n" + md);
    }

    /** The platform's rows of the targets table; none when the results hold no platform section. */
    static List<String> targetRows(JsonNode p) {
        List<String> rows = new ArrayList<>();
        if (p == null || p.isMissingNode()) {
            return rows;
        }
        JsonNode job = p.path("trivialJob").path("totalMs");
        rows.add(row(
                "Cloud Kotta: a trivial job, submit (REST) → `completed`, median ≤ "
                        + Report.number(TRIVIAL_JOB_MEDIAN_TARGET_MS / 1000) + " s",
                String.format(
                        "median %.0f ms, p90 %.0f ms (%d jobs, one at a time)",
                        job.path("median").asDouble(),
                        job.path("p90").asDouble(),
                        job.path("n").asInt()),
                job.path("median").asDouble() <= TRIVIAL_JOB_MEDIAN_TARGET_MS));
        JsonNode batch = p.path("batch");
        rows.add(row(
                "Cloud Kotta: " + batch.path("jobs").asInt() + " trivial jobs over "
                        + batch.path("executors").asInt() + " executors, throughput reported",
                String.format(
                        "%.0f jobs/min (%.1f s wall, submit of the first → last completed); %s",
                        batch.path("jobsPerMinute").asDouble(),
                        batch.path("wallSeconds").asDouble(),
                        batch.path("byStatus").toString()),
                batch.path("byStatus").path("completed").asInt()
                        == batch.path("jobs").asInt()));
        JsonNode pages = p.path("pages");
        double list = pages.path("list").path("ms").path("p99").asDouble();
        double page = pages.path("job").path("ms").path("p99").asDouble();
        rows.add(row(
                "Cloud Kotta: page p99 ≤ " + Report.number(PAGE_P99_TARGET_MS) + " ms, job list and a job page, "
                        + String.format(java.util.Locale.ROOT, "%,d", PagesBench.TABLE_JOBS) + " jobs in the table",
                String.format(
                        "job list p99 %.1f ms, job page p99 %.1f ms (%d jobs of the user)",
                        list, page, pages.path("jobsOfTheUser").asInt()),
                Math.max(list, page) <= PAGE_P99_TARGET_MS));
        double worst = 0;
        List<String> each = new ArrayList<>();
        for (String name : List.of("executor-1", "executor-2")) {
            double rss = p.path("memory").path(name).path("rssMb").asDouble();
            worst = Math.max(worst, rss);
            each.add(String.format("%s %.0f MB", name, rss));
        }
        rows.add(row(
                "Cloud Kotta: executor RSS when idle ≤ " + Report.number(EXECUTOR_RSS_TARGET_MB) + " MB",
                String.join(", ", each) + " (VmRSS, "
                        + p.path("memory").path("idleSeconds").asInt() + " s idle after the batch)",
                worst <= EXECUTOR_RSS_TARGET_MB));
        return rows;
    }

    private static String row(String target, String measured, boolean holds) {
        return "| " + target + " | " + measured + " | " + (holds ? "**yes**" : "**no**") + " |";
    }

    /** Section 5; empty when the results hold no platform section. */
    static String section(BenchResults.MachineInfo m, JsonNode p) {
        if (p == null || p.isMissingNode()) {
            return "";
        }
        StringBuilder md = new StringBuilder();
        md.append("## 5. Cloud Kotta platform\n\n");
        md.append("Machine: ")
                .append(m.cpu())
                .append(", ")
                .append(m.cores())
                .append(" cores, ")
                .append(m.memory())
                .append(" RAM; local cloud MiniStack ")
                .append(m.ministack())
                .append(".\n\n");
        md.append("**How.** The release `mvn package` builds, ")
                .append(p.path("release").asText())
                .append(", unpacked and run as the instances run it: ")
                .append(p.path("how").asText())
                .append(" — one `web-server` and two `task-executor` processes (Test pool), their environment "
                        + "the stack's wiring as `/etc/kotta/kotta.env` holds it, aimed at the local cloud (the "
                        + "resources of a Kotta stack made directly in MiniStack: JobsTable with its `by-user` index, "
                        + "UsersTable, JobsBucket, pending queues, topic, both secrets). ")
                .append(p.path("javaOpts").asText())
                .append(": `")
                .append(p.path("jvm").asText())
                .append(
                        "`. The web server signs "
                                + "in through the local identity provider (mock-oauth2-server, in the bench's JVM). Started in ")
                .append(String.format(
                        "%.1f s (web server, to `/health` 200), %.1f s and %.1f s (executors, to their "
                                + "first poll).",
                        p.path("webStartMs").asDouble() / 1000,
                        p.path("executor1StartMs").asDouble() / 1000,
                        p.path("executor2StartMs").asDouble() / 1000))
                .append("\n\n");

        JsonNode t = p.path("trivialJob");
        md.append("### A trivial job, submit to `completed`\n\n");
        md.append(t.path("jobs").asInt())
                .append(" jobs one after another (after ")
                .append(t.path("warmup").asInt())
                .append(" not counted), each `POST /rest/v1/submit_task` (a two-line `sh` script that echoes; the "
                        + "token as the `access_token` field) then `GET /rest/v1/status_task/<id>` every ")
                .append(PlatformBench.POLL_MILLIS)
                .append(" ms until `completed`; ms from before the submit.\n\n");
        md.append("| | median | p90 | min–max |\n| --- | ---: | ---: | ---: |\n");
        latencyRow(md, "**submit → `completed` seen**", t.path("totalMs"));
        latencyRow(md, "submit_task answered", t.path("submitMs"));
        latencyRow(md, "submit → first `status_task` answer past `pending`", t.path("pickedUpMs"));
        latencyRow(md, "submit → the executor logs `claimed`", t.path("claimedLoggedMs"));
        latencyRow(md, "submit → the executor logs `completed` (record written)", t.path("completedLoggedMs"));
        latencyRow(
                md, "the executor's recorded stages (stage in + processing + stage out)", t.path("recordedStagesMs"));
        JsonNode lp = p.path("longPoll");
        latencyRow(md, "MiniStack: a message reaching a waiting long poll", lp);
        md.append("\nLast row: ").append(lp.path("how").asText()).append(".\n\n");

        JsonNode b = p.path("batch");
        md.append("### ").append(b.path("jobs").asInt()).append(" trivial jobs over 2 executors\n\n");
        md.append("All submitted through the REST API one after another (")
                .append(b.path("submitSeconds").asDouble())
                .append(" s), then the user's jobs read through the `by-user` index every "
                        + PlatformBench.BATCH_POLL_MILLIS + " ms until all ended (seen after ")
                .append(b.path("seenEndedSeconds").asDouble())
                .append(" s). Wall: from before the first submit to the "
                        + "last job's final status in its executor's log (same clock).\n\n");
        md.append("| wall (first submit → last ended) | throughput | jobs per executor | statuses |\n"
                + "| ---: | ---: | --- | --- |\n");
        md.append(String.format(
                "| %.1f s | **%.0f jobs/min** | %s | %s |%n%n",
                b.path("wallSeconds").asDouble(),
                b.path("jobsPerMinute").asDouble(),
                b.path("byExecutor"),
                b.path("byStatus")));

        JsonNode pg = p.path("pages");
        md.append("### Pages with ")
                .append(pg.path("jobsOfTheUser").asInt())
                .append(" jobs of one user in the table\n\n");
        md.append(String.format(
                "%d ended jobs written with BatchWriteItem (JobItems' item shape, a minute apart), "
                        + "besides the user's jobs run above. Session: %s. %d requests of each page, alternating, one "
                        + "at a time (after %d not counted), ms from request to the whole body.%n%n",
                PagesBench.TABLE_JOBS,
                pg.path("session").asText(),
                pg.path("requests").asInt(),
                pg.path("warmup").asInt()));
        md.append("| page | p50 | p90 | p99 | max | web server's own p50 / p99 / max | body bytes |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (String page : List.of("list", "job", "static")) {
            JsonNode s = pg.path(page).path("ms");
            JsonNode server = pg.path(page).path("serverMs");
            md.append(String.format(
                    "| `%s` | %.1f | %.1f | %.1f | %.1f | %.0f / %.0f / %.0f | %d |%n",
                    pg.path(page).path("path").asText(),
                    s.path("median").asDouble(),
                    s.path("p90").asDouble(),
                    s.path("p99").asDouble(),
                    s.path("max").asDouble(),
                    server.path("median").asDouble(),
                    server.path("p99").asDouble(),
                    server.path("max").asDouble(),
                    pg.path(page).path("bodyBytes").asInt()));
        }
        JsonNode q = pg.path("ministackQuery");
        md.append(String.format(
                "| MiniStack alone: the `by-user` Query, Limit 200 (the list's) / Limit 1, from the bench | "
                        + "%.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | | |%n",
                q.path("limit200").path("median").asDouble(),
                q.path("limit1").path("median").asDouble(),
                q.path("limit200").path("p90").asDouble(),
                q.path("limit1").path("p90").asDouble(),
                q.path("limit200").path("p99").asDouble(),
                q.path("limit1").path("p99").asDouble(),
                q.path("limit200").path("max").asDouble(),
                q.path("limit1").path("max").asDouble()));
        md.append("\nms at the client (the bench's JVM: request sent → whole body read); the web server's own figure "
                + "is its log line per request (whole ms, routing → response written).\n\n");

        JsonNode mem = p.path("memory");
        md.append("### Memory\n\n`/proc/<pid>/status` of each `kotta-start` JVM, ")
                .append(mem.path("idleSeconds").asInt())
                .append(" s after the batch ended (executors idle, long-polling).\n\n");
        md.append("| process | VmRSS MB | VmHWM (peak) MB |\n| --- | ---: | ---: |\n");
        for (String name : List.of("executor-1", "executor-2", "web-server")) {
            md.append(String.format(
                    "| %s | %.0f | %.0f |%n",
                    name,
                    mem.path(name).path("rssMb").asDouble(),
                    mem.path(name).path("peakRssMb").asDouble()));
        }
        md.append('\n').append(Notes.platformMarkdown(m, p));
        return md.toString();
    }

    private static void latencyRow(StringBuilder md, String label, JsonNode s) {
        md.append(String.format(
                "| %s | %.0f | %.0f | %.0f–%.0f |%n",
                label,
                s.path("median").asDouble(),
                s.path("p90").asDouble(),
                s.path("min").asDouble(),
                s.path("max").asDouble()));
    }
}
