package org.kotta.platform.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobRecord;

/** A job as its page shows it: the fields, the status timeline and the stage durations. */
final class JobView {
    private JobView() {}

    static Map<String, Object> of(JobRecord job) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", job.jobId());
        view.put("name", JobPages.nonNull(job.jobName()));
        view.put("status", job.status().wireName());
        view.put("queue", job.queue().wireName());
        view.put("walltimeMinutes", job.walltimeSeconds() / 60);
        view.put("commandLine", (JobPages.nonNull(job.executable()) + " " + JobPages.nonNull(job.args())).strip());
        view.put("scriptName", JobPages.nonNull(job.scriptName()));
        view.put("script", JobPages.nonNull(job.script()));
        view.put("inputs", job.inputs().stream().map(FileMapping::src).toList());
        view.put("cancelRequested", job.cancelRequested());
        List<Map<String, Object>> timeline = new ArrayList<>();
        timeline.add(step("submitted", job.submitTime()));
        if (job.startTime() != null) {
            timeline.add(step("started", job.startTime()));
        }
        if (job.completeTime() != null) {
            timeline.add(step(job.status().wireName(), job.completeTime()));
        }
        view.put("timeline", timeline);
        List<Map<String, Object>> stages = new ArrayList<>();
        stage(stages, "staging inputs", job.stageInSeconds());
        stage(stages, "processing", job.processingSeconds());
        stage(stages, "staging outputs", job.stageOutSeconds());
        view.put("stages", stages);
        if (job.error() != null) {
            view.put("error", job.error());
        }
        if (job.errorCode() != null) {
            view.put("errorCode", job.errorCode());
        }
        return view;
    }

    private static Map<String, Object> step(String what, long epochSecond) {
        return Map.of("what", what, "at", JobSubmission.STAMP.format(Instant.ofEpochSecond(epochSecond)) + " UTC");
    }

    private static void stage(List<Map<String, Object>> stages, String what, Double seconds) {
        if (seconds != null) {
            stages.add(Map.of("what", what, "seconds", String.format("%.1f s", seconds)));
        }
    }
}
