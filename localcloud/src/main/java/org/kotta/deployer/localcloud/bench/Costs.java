package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.WaitSchedule;

/**
 * What one fresh deployment costs at AWS list prices, from what the run counted: state
 * transitions (every StateEntered), Lambda invocations and their durations (the Task
 * states' Entered→Exited times, memory from template.yaml), DynamoDB requests (counted at
 * the SDK), and the one API request. Three cases: the stacks as fast as the local cloud
 * made them, and stacks taking 10 and 20 minutes in a real account, where the Wait → Check
 * → Choice loop goes round {@link WaitSchedule#checksFor} times per stack.
 */
final class Costs {
    static final String PRICES_DATE = "2026-11 (as given for issue 7; AWS list prices, us-east-1)";
    static final double SFN_PER_TRANSITION = 0.025 / 1000;
    static final double LAMBDA_PER_GB_SECOND = 0.0000166667;
    static final double LAMBDA_PER_REQUEST = 0.20 / 1_000_000;
    static final double APIGW_PER_REQUEST = 3.50 / 1_000_000;
    static final double DDB_PER_WRU = 1.25 / 1_000_000;
    static final double DDB_PER_RRU = 0.25 / 1_000_000;
    static final List<String> WRITES =
            List.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");
    static final List<String> READS = List.of("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems");

    private Costs() {}

    static ObjectNode model(
            BenchResults.EndToEndResults endToEnd,
            Map<String, BenchResults.ColdStart> coldStarts,
            TemplateFunctions template,
            Path root)
            throws IOException {
        JsonNode asl = Json.MAPPER.readTree(
                root.resolve("statemachine/kotta-deploy.asl.json").toFile());
        Map<String, Integer> memory = new HashMap<>();
        template.functions().forEach(f -> memory.put(f.logicalId(), f.memoryMb()));
        Map<String, String> functionOfState = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> states = asl.path("States").fields();
        while (states.hasNext()) {
            var s = states.next();
            String resource = s.getValue().path("Resource").asText("");
            if (resource.startsWith("${")) {
                functionOfState.put(
                        s.getKey(), resource.substring(2, resource.length() - 1).replaceFirst("Arn$", ""));
            }
        }
        BenchResults.DeploymentRun fresh = median(endToEnd.fresh());
        int recordBytes = endToEnd.recordBytes();
        int wruPerWrite = Math.max(1, (int) Math.ceil(recordBytes / 1024.0));
        int rruPerRead = Math.max(1, (int) Math.ceil(recordBytes / 4096.0));

        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode prices = out.putObject("prices");
        prices.put("date", PRICES_DATE);
        prices.put("stepFunctionsStandardPerTransition", SFN_PER_TRANSITION);
        prices.put("lambdaPerGbSecondX86", LAMBDA_PER_GB_SECOND);
        prices.put("lambdaPerRequest", LAMBDA_PER_REQUEST);
        prices.put("apiGatewayRestPerRequest", APIGW_PER_REQUEST);
        prices.put("dynamoDbPerWriteRequestUnit", DDB_PER_WRU);
        prices.put("dynamoDbPerReadRequestUnit", DDB_PER_RRU);
        out.put("recordBytes", recordBytes);
        out.put("wruPerWrite", wruPerWrite);
        out.put("rruPerRead", rruPerRead);

        String[][] loops = {
            {"Wait for the base stack", "Check the base stack", "Is the base stack done?"},
            {"Wait for the Kotta stack", "Check the Kotta stack", "Is the Kotta stack done?"}
        };
        BenchResults.ColdStart check = coldStarts.get("WaitForStackFunction");
        Map<String, Double> waitCalls =
                check == null || check.callsPerWarmInvocation() == null ? Map.of() : check.callsPerWarmInvocation();
        double checkWrites = ddb(waitCalls, WRITES);
        double checkReads = ddb(waitCalls, READS);
        ObjectNode cases = out.putObject("cases");
        for (String label : List.of("local", "10min", "20min")) {
            Duration stackTime =
                    label.equals("local") ? null : Duration.ofMinutes(Integer.parseInt(label.replace("min", "")));
            int checks = stackTime == null ? -1 : WaitSchedule.standard().checksFor(stackTime);
            int transitions = fresh.transitions();
            int invocations = fresh.lambdaInvocations();
            double gbSeconds = 0;
            for (var e : fresh.stateSeconds().entrySet()) {
                String function = functionOfState.get(e.getKey());
                if (function != null) {
                    gbSeconds += e.getValue() * memory.getOrDefault(function, 1024) / 1024.0;
                }
            }
            double writes = ddb(fresh.awsCalls(), WRITES);
            double reads = ddb(fresh.awsCalls(), READS);
            int checksLocal = 0;
            for (String[] loop : loops) {
                int localChecks = fresh.stateEntries().getOrDefault(loop[1], 0);
                checksLocal += localChecks;
                if (checks >= 0) {
                    int extra = checks - localChecks;
                    transitions += 3 * extra;
                    invocations += extra;
                    double perCheck =
                            localChecks == 0 ? 0 : fresh.stateSeconds().getOrDefault(loop[1], 0.0) / localChecks;
                    gbSeconds += extra * perCheck * memory.getOrDefault("WaitForStackFunction", 1024) / 1024.0;
                    writes += extra * checkWrites;
                    reads += extra * checkReads;
                }
            }
            gbSeconds += fresh.apiSeconds() * memory.getOrDefault("StartDeploymentFunction", 1024) / 1024.0;
            ObjectNode c = cases.putObject(label);
            c.put("checksPerStack", checks >= 0 ? checks : checksLocal / 2.0);
            c.put("transitions", transitions);
            c.put("lambdaInvocations", invocations);
            c.put("lambdaGbSeconds", Stats.round(gbSeconds));
            c.put("dynamoDbWrites", writes);
            c.put("dynamoDbReads", reads);
            c.put("apiRequests", 1);
            double sfn = transitions * SFN_PER_TRANSITION;
            double lambda = gbSeconds * LAMBDA_PER_GB_SECOND + invocations * LAMBDA_PER_REQUEST;
            double apigw = APIGW_PER_REQUEST;
            double ddb = writes * wruPerWrite * DDB_PER_WRU + reads * rruPerRead * DDB_PER_RRU;
            c.put("stepFunctionsUsd", sfn);
            c.put("lambdaUsd", lambda);
            c.put("apiGatewayUsd", apigw);
            c.put("dynamoDbUsd", ddb);
            c.put("totalUsd", sfn + lambda + apigw + ddb);
        }
        return out;
    }

    private static double ddb(Map<String, ? extends Number> calls, List<String> ops) {
        double n = 0;
        for (var e : calls.entrySet()) {
            if (e.getKey().startsWith("DynamoDb")
                    && ops.contains(e.getKey().substring(e.getKey().indexOf('.') + 1))) {
                n += e.getValue().doubleValue();
            }
        }
        return n;
    }

    /** The run whose wall time is the median of the list ({@link Stats}' nearest-rank median). */
    static BenchResults.DeploymentRun median(List<BenchResults.DeploymentRun> runs) {
        List<BenchResults.DeploymentRun> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(BenchResults.DeploymentRun::wallSeconds));
        return sorted.get(Stats.nearestRank(sorted.size(), 50));
    }
}
