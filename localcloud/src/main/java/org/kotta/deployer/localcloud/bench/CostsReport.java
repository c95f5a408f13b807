package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kotta.deployer.core.WaitSchedule;

/** The "What a deployment costs" part of docs/benchmarks.md, from results.json's {@code costs} ({@link Costs}). */
final class CostsReport {
    private final StringBuilder md = new StringBuilder();

    private CostsReport() {}

    static String section(JsonNode c) {
        CostsReport report = new CostsReport();
        report.write(c);
        return report.md.toString();
    }

    private void write(JsonNode c) {
        JsonNode prices = c.path("prices");
        line("### What a deployment costs");
        line("");
        line(
                "| case | checks per stack | state transitions | Lambda invocations | Lambda GB-s | DynamoDB writes / reads | API requests | Step Functions $ | Lambda $ | DynamoDB $ | API Gateway $ | **total $** |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        Map<String, String> labels = Map.of(
                "local",
                "stacks as fast as the local cloud (measured)",
                "10min",
                "stacks taking 10 min each (real account)",
                "20min",
                "stacks taking 20 min each (real account)");
        for (String key : List.of("local", "10min", "20min")) {
            JsonNode k = c.path("cases").path(key);
            line(String.format(
                    "| %s | %s | %d | %d | %.2f | %.0f / %.0f | %d | %.5f | %.6f | %.5f | %.6f | **%.4f** |",
                    labels.get(key),
                    k.path("checksPerStack").asText(),
                    k.path("transitions").asInt(),
                    k.path("lambdaInvocations").asInt(),
                    k.path("lambdaGbSeconds").asDouble(),
                    k.path("dynamoDbWrites").asDouble(),
                    k.path("dynamoDbReads").asDouble(),
                    k.path("apiRequests").asInt(),
                    k.path("stepFunctionsUsd").asDouble(),
                    k.path("lambdaUsd").asDouble(),
                    k.path("dynamoDbUsd").asDouble(),
                    k.path("apiGatewayUsd").asDouble(),
                    k.path("totalUsd").asDouble()));
        }
        line("");
        line("Assumptions (prices: " + prices.path("date").asText() + "; free tiers ignored):");
        line("");
        line("- Step Functions standard: " + usd(prices, "stepFunctionsStandardPerTransition", 1000)
                + " per 1,000 state transitions; AWS bills a transition each time a "
                + "step of the workflow runs, retries included — counted here as every `StateEntered` event "
                + "(Task, Choice, Wait, Pass, Succeed/Fail alike).");
        line("- Lambda x86: " + usd(prices, "lambdaPerGbSecondX86", 1) + " per GB-second and "
                + usd(prices, "lambdaPerRequest", 1_000_000) + " per 1M requests; memory from template.yaml; "
                + "duration = the Task state's Entered→Exited time in the local run (an upper bound on billed "
                + "duration), warm functions (a cold start would add its init time, now billed too: about 1 s × 1 GB "
                + "per cold function, < $0.00002 each).");
        line("- 10 and 20 minutes: the Wait → Check → Choice loop goes round `WaitSchedule.standard().checksFor(…)` "
                + "times per stack (waits " + standardWaits() + "): 3 transitions, 1 invocation and the "
                + "check's DynamoDB write per round; a check lasts as long as it did locally.");
        line("- DynamoDB on-demand: " + usd(prices, "dynamoDbPerWriteRequestUnit", 1_000_000)
                + " per million write request units, " + usd(prices, "dynamoDbPerReadRequestUnit", 1_000_000)
                + " per million read request units; "
                + "requests counted at the SDK; every request billed at the final record's size ("
                + c.path("recordBytes").asInt() + " bytes → "
                + c.path("wruPerWrite").asInt() + " WRU per write, "
                + c.path("rruPerRead").asInt() + " RRU per strongly consistent read): an upper bound (early writes "
                + "are smaller; lock items and user rows are 1 unit).");
        line("- API Gateway REST: " + usd(prices, "apiGatewayRestPerRequest", 1_000_000)
                + " per million requests; one `POST /deployments` per deployment (status reads " + "not counted).");
        line("");
    }

    /** A price from results.json's {@code costs.prices}, per {@code per} units, as "$0.025". */
    private static String usd(JsonNode prices, String field, int per) {
        BigDecimal price = BigDecimal.valueOf(prices.path(field).asDouble() * per)
                .round(new MathContext(10))
                .stripTrailingZeros();
        return "$" + (price.scale() < 2 ? price.setScale(2) : price).toPlainString();
    }

    /** "5, 5, 10, 10, 15, 20, then 30 s": the waits of {@link WaitSchedule#standard()} up to its cap. */
    static String standardWaits() {
        WaitSchedule schedule = WaitSchedule.standard();
        List<String> waits = new ArrayList<>();
        for (int checks = 0; schedule.nextWaitSeconds(checks) < WaitSchedule.CAP_SECONDS; checks++) {
            waits.add(Integer.toString(schedule.nextWaitSeconds(checks)));
        }
        return String.join(", ", waits) + ", then " + WaitSchedule.CAP_SECONDS + " s";
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
