package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;

/** docs/benchmarks.md from results.json. */
final class Report {
    private Report() {
    }

    static String markdown(JsonNode r) {
        return "# Benchmarks\n\n" + r.toPrettyString() + "\n";
    }
}
