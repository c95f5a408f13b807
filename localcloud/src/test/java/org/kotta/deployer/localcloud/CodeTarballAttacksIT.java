package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.code.TarballLimits;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.DeploymentStatus;
import org.kotta.deployer.core.Failure;
import org.kotta.deployer.core.StackLocks;
import org.kotta.deployer.core.Steps;
import org.kotta.deployer.localcloud.AttackTarballs.Attack;
import org.kotta.deployer.localcloud.FaultChecks.StackState;
import org.kotta.deployer.localcloud.SignedApiClient.Response;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Hostile code tarballs, each sent both ways a tarball reaches the deployer —
 * uploaded under {@code code/} of a deployed JobsBucket (the redeploy trigger, for real:
 * S3 → EventBridge → CodeUploadedFunction) and named as {@code codeSource} in a signed POST.
 * Each must be refused with a reason naming the entry or the cap, while the last good release
 * and the running stacks stay exactly as they were.
 */
class CodeTarballAttacksIT {
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String SUFFIX = Fixtures.shortId();
    private static final Set<String> STABLE = Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE");

    private static AwsClients aws;
    private static SignedApi api;
    private static DeploymentRecords records;
    private static StackLocks locks;
    private static ObjectNode request;
    private static String bucket;
    private static String stackName;
    private static String goodReleaseKey;

    @BeforeAll
    static void deployOnce() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        aws = orchestrator.aws();
        api = SignedApi.forLocalCloud(orchestrator);
        records = FaultChecks.records();
        locks = FaultChecks.locks();
        request = Fixtures.validRequest(aws, "tar-" + SUFFIX);
        bucket = request.path("jobsBucketName").asText();
        stackName = request.path("stackName").asText();

        Response accepted = api.postJson("/deployments", request.toString(), Map.of());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        DescribeExecutionResponse first =
                LocalCloud.awaitEnd(accepted.json().path("executionArn").asText(), FaultChecks.DEPLOYMENT_LIMIT);
        assertThat(first.status()).as("%s %s", first.error(), first.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        goodReleaseKey = LocalCloud.record(accepted.json().path("deploymentId").asText())
                .path("releaseKey")
                .asText();
        assertThat(goodReleaseKey).startsWith("releases/");
    }

    @Test
    void everyAttackTarball_isRefusedBothWays_namingTheEntryOrCap_andTheReleaseAndStacksAreUntouched()
            throws Exception {
        Path work = Files.createTempDirectory("kotta-attacks");
        List<Attack> attacks = new ArrayList<>(List.of(
                AttackTarballs.traversal(),
                AttackTarballs.absolutePath(),
                AttackTarballs.paxPathOverride(),
                AttackTarballs.symlinkLeavingTheTree(),
                AttackTarballs.symlinkChainLeavingTheTree(),
                AttackTarballs.hardLinkLeavingTheTree(),
                AttackTarballs.deviceFile(),
                AttackTarballs.gzipBomb(3),
                AttackTarballs.truncatedGzip(),
                AttackTarballs.plainFileRenamed(),
                AttackTarballs.emptyTarball(),
                AttackTarballs.zeroByteObject(),
                AttackTarballs.overTheSizeCap(work, TarballLimits.DEFAULTS.maxCompressedBytes())));

        Map<String, String> releasesBefore = FaultChecks.releases(bucket);
        StackState kottaBefore = FaultChecks.stack(stackName);
        StackState baseBefore = FaultChecks.stack(stackName + "-base");
        assertThat(releasesBefore).containsKey(goodReleaseKey);
        assertThat(kottaBefore.status()).isEqualTo("CREATE_COMPLETE");

        List<Response> answers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int refused = 0;
        int refusedWithReason = 0;
        int lost = 0;
        int stuck = 0;
        int stackChanges = 0;
        StackState kottaLast = kottaBefore;
        int baseReapplied = 0;
        Instant baseLastUpdated = baseBefore.lastUpdated();
        long started = System.nanoTime();
        try {
            for (Attack attack : attacks) {
                String key = "code/attack-" + slug(attack.name()) + ".tar.gz";
                String source = "s3://" + bucket + "/" + key;
                upload(key, attack);

                // 1. the upload under code/ fires the redeploy trigger
                JsonNode redeploy = awaitTriggeredRecord(source);
                // 2. the same object named in a signed POST
                Response accepted = api.postJson(
                        "/deployments",
                        request.deepCopy().put("codeSource", source).toString(),
                        Map.of());
                answers.add(accepted);
                JsonNode viaApi = null;
                if (accepted.status() == 202) {
                    String id = accepted.json().path("deploymentId").asText();
                    LocalCloud.awaitEnd(accepted.json().path("executionArn").asText(), FaultChecks.DEPLOYMENT_LIMIT);
                    viaApi = records.get(id).orElse(null);
                    Response got = api.get("/deployments/" + id);
                    answers.add(got);
                    if (got.status() != 200
                            || !got.json().path("cause").asText().contains(attack.expectedReason())) {
                        problems.add(attack.name() + ": GET shows " + got);
                    }
                } else {
                    problems.add(attack.name() + ": POST answered " + accepted);
                }

                for (JsonNode record : new JsonNode[] {redeploy, viaApi}) {
                    if (record == null) {
                        lost++;
                        continue;
                    }
                    if (!FaultChecks.isFinal(record)) {
                        stuck++;
                    }
                    boolean rejected = DeploymentStatus.FAILED
                                    .name()
                                    .equals(record.path("status").asText())
                            && Failure.CODE_REJECTED.equals(record.path("error").asText())
                            && Steps.PACKAGE_AND_UPLOAD_CODE.equals(
                                    record.path("failedStep").asText());
                    String cause = record.path("cause").asText();
                    if (rejected) {
                        refused++;
                    }
                    if (rejected && cause.contains(attack.expectedReason()) && cause.contains(source)) {
                        refusedWithReason++;
                    } else {
                        problems.add(
                                attack.name() + " (" + record.path("trigger").asText() + "): "
                                        + record.path("status").asText() + " "
                                        + record.path("failedStep").asText() + " "
                                        + record.path("error").asText() + ": " + cause);
                    }
                }
                Map<String, String> releasesNow = FaultChecks.releases(bucket);
                if (!releasesNow.equals(releasesBefore)) {
                    problems.add(attack.name() + ": releases/ changed: " + releasesNow.keySet());
                }
                // the running Kotta stack is not touched at all
                StackState kotta = FaultChecks.stack(stackName);
                if (!kotta.equals(kottaLast)) {
                    stackChanges++;
                    problems.add(attack.name() + ": the Kotta stack changed: " + kottaLast + " -> " + kotta);
                    kottaLast = kotta;
                }
                // the base stack is applied before the code step, but nothing in it changes
                // (same parameters, same tags): the change set is empty and the stack untouched
                StackState base = FaultChecks.stack(stackName + "-base");
                if (!base.outputs().equals(baseBefore.outputs()) || !STABLE.contains(base.status())) {
                    stackChanges++;
                    problems.add(attack.name() + ": the base stack changed: " + baseBefore + " -> " + base);
                }
                if (!base.lastUpdated().equals(baseLastUpdated)) {
                    baseReapplied++;
                    problems.add(attack.name() + ": the base stack was updated");
                    baseLastUpdated = base.lastUpdated();
                }
                if (attack.file() != null) {
                    aws.s3().deleteObject(b -> b.bucket(bucket).key(key));
                }
            }
        } finally {
            for (Attack attack : attacks) {
                if (attack.file() != null) {
                    Files.deleteIfExists(attack.file());
                }
            }
            Files.deleteIfExists(work);
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        boolean previousReleaseIntact = releasesBefore
                .get(goodReleaseKey)
                .equals(FaultChecks.releases(bucket).get(goodReleaseKey));
        Optional<String> lockLeft = locks.holder(stackName);
        Set<String> newReleases = new TreeSet<>(FaultChecks.releases(bucket).keySet());
        newReleases.removeAll(releasesBefore.keySet());

        ReliabilityReport.record(
                "6-code-tarball-attacks",
                "Hostile code tarballs (traversal, absolute path, PAX path override, escaping symlink, symlink"
                        + " chain and hard link, device,"
                        + " gzip bomb, truncated gzip, not gzip, empty, zero bytes, over 100 MiB), by upload and by API",
                "each refused before anything is uploaded, with a reason naming the entry or the cap; the last"
                        + " good release, the base stack and the running Kotta stack untouched",
                FaultChecks.counts(
                        "attacks", attacks.size(),
                        "deployments", attacks.size() * 2,
                        "refused", refused,
                        "refusedNamingEntryOrCap", refusedWithReason,
                        "newReleaseObjects", newReleases.size(),
                        "stackChanges", stackChanges,
                        "baseStackReapplied", baseReapplied,
                        "previousReleaseIntact", previousReleaseIntact,
                        "lockLeftHeld", lockLeft.isPresent() ? 1 : 0,
                        "lostRecords", lost,
                        "stuckDeployments", stuck,
                        "serverErrors", FaultChecks.serverErrors(answers),
                        "seconds", seconds));

        assertThat(problems).isEmpty();
        assertThat(refused).isEqualTo(attacks.size() * 2);
        assertThat(refusedWithReason).isEqualTo(attacks.size() * 2);
        assertThat(FaultChecks.releases(bucket)).isEqualTo(releasesBefore);
        assertThat(previousReleaseIntact).isTrue();
        assertThat(FaultChecks.stack(stackName)).isEqualTo(kottaBefore);
        assertThat(FaultChecks.stack(stackName + "-base").outputs()).isEqualTo(baseBefore.outputs());
        assertThat(lockLeft).isEmpty();
        assertThat(lost).isZero();
        assertThat(stuck).isZero();
        assertThat(FaultChecks.serverErrors(answers)).isZero();
    }

    private static void upload(String key, Attack attack) {
        RequestBody body =
                attack.file() != null ? RequestBody.fromFile(attack.file()) : RequestBody.fromBytes(attack.bytes());
        aws.s3().putObject(b -> b.bucket(bucket).key(key).contentType("application/gzip"), body);
    }

    /** The redeploy record the upload started, once its execution (if it got one) has ended. */
    private static JsonNode awaitTriggeredRecord(String source) throws InterruptedException {
        JsonNode record = FaultChecks.await(
                "redeploy record for " + source,
                DELIVERY,
                () -> FaultChecks.recordsForBucket(bucket).stream()
                        .filter(r -> source.equals(
                                        r.path("request").path("codeSource").asText())
                                && "code-upload".equals(r.path("trigger").asText())
                                && (r.hasNonNull("executionArn") || FaultChecks.isFinal(r)))
                        .findFirst());
        if (record.hasNonNull("executionArn")) {
            LocalCloud.awaitEnd(record.path("executionArn").asText(), FaultChecks.DEPLOYMENT_LIMIT);
        }
        return records.get(record.path("deploymentId").asText()).orElse(null);
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
