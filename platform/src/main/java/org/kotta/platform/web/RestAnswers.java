package org.kotta.platform.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobItems;
import org.kotta.platform.core.JobRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The JSON shapes of Cloud Kotta's v1 REST API (what its command-line client reads), built
 * as plain maps for Jackson. Pure: links come from the caller.
 */
public final class RestAnswers {
    private static final Set<String> TIMES = Set.of(JobItems.SUBMIT_TIME, JobItems.START_TIME, JobItems.COMPLETE_TIME);

    private RestAnswers() {}

    public static Map<String, Object> fail(String reason) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "Fail");
        answer.put("reason", reason);
        return answer;
    }

    public static Map<String, Object> submitted(String jobId) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "Success");
        answer.put("job_id", jobId);
        return answer;
    }

    /**
     * {@code status_task}: one item per attribute (internal {@code i_} ones left out, times
     * formatted, the raw outputs list replaced), then once the job ended one {@code outputs}
     * item per output: a link from {@code presignedIfPresent}, or the name in italics when the
     * file is missing.
     */
    public static Map<String, Object> status(
            JobRecord job, Function<FileMapping, Optional<String>> presignedIfPresent) {
        List<Map<String, Object>> items = new ArrayList<>();
        TreeMap<String, AttributeValue> attributes = new TreeMap<>(JobItems.toItem(job));
        for (Map.Entry<String, AttributeValue> attribute : attributes.entrySet()) {
            String name = attribute.getKey();
            if (name.startsWith("i_") || name.equals(JobItems.OUTPUTS)) {
                continue;
            }
            Object value = TIMES.contains(name)
                    ? JobSubmission.STAMP.format(Instant.ofEpochSecond(
                            (long) Double.parseDouble(attribute.getValue().n())))
                    : plain(attribute.getValue());
            items.add(Map.of(name, value));
        }
        if (job.status().isFinal()) {
            for (FileMapping output : job.outputs()) {
                String name = Html.escape(output.src());
                items.add(Map.of(
                        "outputs",
                        presignedIfPresent
                                .apply(output)
                                // the URL as is (the old client follows the href verbatim); a presigned URL holds no
                                // quote or bracket
                                .map(url -> "<a href=\""
                                        + url.replace("\"", "%22")
                                                .replace("<", "%3C")
                                                .replace(">", "%3E") + "\">" + name + "</a>")
                                .orElse("<i>" + name + "</i>")));
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", job.status().wireName());
        answer.put("items", numbered(items));
        return answer;
    }

    /** {@code list_tasks}: job_id, status, jobtype, submit_stamp of each job, newest first. */
    public static Map<String, Object> list(List<JobRecord> jobs) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (JobRecord job : jobs) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("job_id", job.jobId());
            item.put("status", job.status().wireName());
            item.put("jobtype", job.jobType());
            item.put("submit_stamp", job.submitStamp());
            items.add(item);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "Success");
        answer.put("items", numbered(items));
        return answer;
    }

    public static Map<String, Object> cancelled(JobRecord job) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "Success");
        answer.put("job_id", job.jobId());
        answer.put("job_status", job.status().wireName());
        return answer;
    }

    private static Map<String, Object> numbered(List<Map<String, Object>> items) {
        Map<String, Object> numbered = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            numbered.put(Integer.toString(i), items.get(i));
        }
        return numbered;
    }

    private static Object plain(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        if (value.n() != null) {
            String n = value.n();
            return n.contains(".") || n.contains("e") || n.contains("E")
                    ? (Object) Double.parseDouble(n)
                    : (Object) Long.parseLong(n);
        }
        if (value.bool() != null) {
            return value.bool();
        }
        if (value.hasL()) {
            return value.l().stream().map(RestAnswers::plain).toList();
        }
        if (value.hasM()) {
            Map<String, Object> m = new TreeMap<>();
            value.m().forEach((k, v) -> m.put(k, plain(v)));
            return m;
        }
        return null;
    }
}
