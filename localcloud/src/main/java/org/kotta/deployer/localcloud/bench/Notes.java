package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kotta.deployer.core.Json;

/**
 * The written part of docs/benchmarks.md: what was profiled, what was fixed, what is left.
 * The text is markdown beside this class ({@code notes.md}, {@code platform-notes.md}); every
 * figure in it is a placeholder {@code {{/json/pointer|format}}} into the results (as
 * results.json holds them, plus {@code /derived}: figures computed from them), so the text
 * cannot state a number the run did not measure. A placeholder the results lack fails.
 */
final class Notes {
    private static final Pattern FIGURE = Pattern.compile("\\{\\{(/[^|}]*)(?:\\|([^}]*))?}}");
    private static final Pattern RELEASE_BYTES = Pattern.compile("\\((\\d+) bytes");

    private Notes() {}

    /** The findings after part 5. */
    static String markdown(BenchResults r) {
        ObjectNode context = Json.MAPPER.valueToTree(r);
        ObjectNode derived = context.putObject("derived");
        derived.put("artifactMb", r.artifactBytes() / 1e6);
        derived.put("artifactTargetMb", Report.ARTIFACT_TARGET_MB);
        String slowest = null;
        double slowestMs = 0;
        for (var e : r.coldStarts().entrySet()) {
            if (e.getValue().firstAnswerMs() != null
                    && e.getValue().firstAnswerMs().median() >= slowestMs) {
                slowestMs = e.getValue().firstAnswerMs().median();
                slowest = e.getKey();
            }
        }
        derived.put("slowestCold", slowest);
        derived.put("slowestColdMs", slowestMs);
        Matcher release = RELEASE_BYTES.matcher(
                r.platform() == null ? "" : r.platform().path("release").asText());
        if (release.find()) {
            derived.put("platformReleaseMb", Long.parseLong(release.group(1)) / 1e6);
            double withoutRelease = (r.artifactBytes() - Long.parseLong(release.group(1))) / 1e6;
            derived.put("largestWithoutReleaseMb", withoutRelease);
            derived.put(
                    "withoutReleaseVerdict",
                    withoutRelease <= Report.ARTIFACT_TARGET_MB ? "under the target" : "still over the target");
        }
        derived.put("transitionsTarget", Report.TRANSITIONS_TARGET);
        artifacts(r, derived);
        slowStacks(r, derived);
        derived.put(
                "ratioHolds", r.endToEnd().ratioFreshOverManual().median() <= Report.RATIO_TARGET ? "Holds" : "Missed");
        derived.put(
                "apiHolds",
                Math.max(r.api().get().p99Ms(), r.api().post().p99Ms()) <= Report.API_P99_TARGET_MS
                        ? "Holds"
                        : "Missed");
        return render("notes.md", context);
    }

    /** The largest artifact, and the largest of the API and trigger functions; "–" in results without them. */
    private static void artifacts(BenchResults r, ObjectNode derived) {
        String largest = "–";
        long largestBytes = 0;
        String api = "–";
        long apiBytes = 0;
        if (r.artifactBytesByFunction() != null) {
            for (var e : r.artifactBytesByFunction().entrySet()) {
                if (e.getValue() >= largestBytes) {
                    largest = e.getKey();
                    largestBytes = e.getValue();
                }
                if (SlowStacksReport.API_AND_TRIGGER.contains(e.getKey()) && e.getValue() >= apiBytes) {
                    api = e.getKey();
                    apiBytes = e.getValue();
                }
            }
        }
        derived.put("largestArtifact", largest);
        derived.put("largestApiArtifact", api);
        derived.put("largestApiArtifactMb", apiBytes / 1e6);
        derived.put("apiArtifactTargetMb", SlowStacksReport.API_TRIGGER_ARTIFACT_TARGET_MB);
    }

    /** The figures of the slow-stack deployments ({@link SlowStacksReport}); NaN in results without them. */
    private static void slowStacks(BenchResults r, ObjectNode derived) {
        boolean measured = r.slowStacks() != null && !r.slowStacks().isEmpty();
        java.util.List<Double> delays = new java.util.ArrayList<>();
        int maxTransitions = 0;
        if (measured) {
            for (BenchResults.SlowStackRun run : r.slowStacks()) {
                delays.addAll(run.completionToNextStateSeconds().values());
                if (run.waitTimeoutSeconds() == SlowStacksReport.WAIT_TIMEOUT_SECONDS) {
                    maxTransitions = Math.max(maxTransitions, run.transitions());
                }
            }
        }
        SlowStacksReport.TenMinuteModel model = measured ? SlowStacksReport.tenMinutes(r) : null;
        derived.put("slowTransitionsMax", measured ? maxTransitions : Double.NaN);
        derived.put(
                "completionToNextMedian",
                delays.isEmpty() ? Double.NaN : Stats.of(delays).median());
        derived.put("transitionsPerLook", model == null ? Double.NaN : model.transitionsPerLook());
        derived.put("usdPerLook", model == null ? Double.NaN : model.usdPerLook());
        derived.put("looksPerStack10Min", SlowStacksReport.TEN_MINUTES / SlowStacksReport.WAIT_TIMEOUT_SECONDS);
        derived.put("tenMinuteUsd", model == null ? Double.NaN : model.usd());
        derived.put("usdTarget", SlowStacksReport.USD_TARGET_10_MIN);
        derived.put(
                "tenMinuteHolds",
                model == null
                        ? "not measured"
                        : model.usd() <= SlowStacksReport.USD_TARGET_10_MIN ? "holds" : "missed");
    }

    /** The findings of part 5, the platform's. */
    static String platformMarkdown(BenchResults.MachineInfo machine, JsonNode platform) {
        ObjectNode context = Json.MAPPER.createObjectNode();
        context.set("machine", Json.MAPPER.valueToTree(machine));
        context.set("platform", platform);
        ObjectNode derived = context.putObject("derived");
        derived.put("pollMillis", PlatformBench.POLL_MILLIS);
        derived.put("executor1StartSeconds", platform.path("executor1StartMs").asDouble() / 1000);
        derived.put("executor2StartSeconds", platform.path("executor2StartMs").asDouble() / 1000);
        JsonNode batch = platform.path("batch");
        derived.put(
                "batchTailSeconds",
                batch.path("wallSeconds").asDouble()
                        - batch.path("submitSeconds").asDouble());
        derived.put(
                "listPageKb",
                platform.path("pages").path("list").path("bodyBytes").asDouble() / 1000);
        return render("platform-notes.md", context);
    }

    /** {@code resource} with each placeholder replaced by its figure from {@code context}. */
    static String render(String resource, JsonNode context) {
        String text = read(resource);
        Matcher m = FIGURE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = context.at(m.group(1).strip());
            if (value.isMissingNode() || value.isNull()) {
                throw new IllegalStateException(resource + " names " + m.group() + ", which the results do not hold");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(format(value, m.group(2))));
        }
        return m.appendTail(out).toString();
    }

    private static String format(JsonNode value, String format) {
        if (format == null) {
            return value.asText();
        }
        String f = format.strip();
        return f.endsWith("d") ? String.format(f, Math.round(value.asDouble())) : String.format(f, value.asDouble());
    }

    private static String read(String resource) {
        try (InputStream in = Notes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " beside " + Notes.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
