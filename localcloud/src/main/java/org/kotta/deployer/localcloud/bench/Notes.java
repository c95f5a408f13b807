package org.kotta.deployer.localcloud.bench;

/**
 * The part of docs/benchmarks.md that is written, not measured: what was profiled, what was
 * fixed, what is left. Keep it in step with the figures when they move.
 */
final class Notes {
    private Notes() {
    }

    static final String TEXT = """
            ## Findings: where targets are missed, what was profiled, what is left

            **Since the platform release rides in the functions' artifact (issue 10).** The artifact
            carries `platform-release/kotta-platform-release.tar.gz` (17.5 MB in this run), which
            PackageAndUploadCode deploys when a request names no code: 46.1 MB, where the paragraphs
            below (written before it) say 23.0 MB. Building that release from the tarball on every
            invocation (copy, inspect, repack with the wiring) had made PackageAndUploadCode's warm
            invocation about 0.6 s and its first answer 1.5 s; a release "recipe" in S3
            (`releases/recipes/<digest of code and wiring>.json`, trusted only when the release it
            names is there with the same sha256) now lets a known code-and-wiring pair skip all tar
            work: 737 ms to first answer and 20.7 ms warm above (the build writes the tarball's
            digest beside it, so nothing is hashed at run time). The size is issue 13's: ship the
            platform release beside the artifact (S3) instead of inside it.

            **Cold start.** Holds on a quiet machine: the slowest handler, ValidateInputs (six SDK
            clients), answers in about 1.1 s (median above). Taken while the 2-core machine was shared
            with other work (load average ≈ 4), the same medians reached 1.2–1.9 s, so the margin is
            thin. The two halves are about equal: building the handler (its SDK clients, through
            `AwsClients`) and the first invocation (each client's first request: marshallers, the
            SigV4 signer, XML for S3/CloudFormation/Route 53, JSON for the rest).
            `-Xlog:class+load` for ValidateInputs: 5,901 classes, only 1,143 from the JDK's default CDS
            archive; the rest are read and verified from jars (Jackson databind 435, sdk-core 252, the
            S3, Route 53, CloudFormation, DynamoDB, ACM and Secrets Manager models ≈ 1,040, java.base
            outside the archive 796, java.xml 111). Clients are built at cold start by design (SnapStart
            snapshots them in AWS), so nothing there was made lazy. Next step if the margin matters: an
            application CDS archive (`-XX:SharedArchiveFile`, made at build time and shipped in the
            artifact) would take most of the class loading off the cold path without SnapStart; that
            changes the build and the functions' JVM flags, so it is a proposal, not part of this change.

            **Artifact.** 23.0 MB, over 20 MB. Fixed here: commons-codec excluded (commons-compress
            needs it only for LZ4/Snappy framing; tar + gzip use commons-io and commons-lang3, checked
            in the bytecode; `ReleasePackagerIT` and the `code` unit tests pass without it), −0.3 MB;
            main had already dropped `aws-lambda-java-events` and joda-time (−1.0 MB). Left: the SDK
            service jars are 16.4 MB of it — S3 4.4, CloudFormation 3.1, DynamoDB 3.0, Route 53 2.1,
            ACM 1.5, Step Functions 1.5, Secrets Manager 0.7. Route 53, ACM and Secrets Manager (4.3 MB)
            each serve a single describe call in validateInputs; getting under 20 MB means either one
            artifact per function group (only validateInputs needs those three) or those three calls
            made without their service modules — both bigger than a "small, safe" change. (Lambda's own
            limit is 50 MB zipped, so this is about cold-start I/O, not deployability.)

            **State transitions.** 154 for a fresh deployment whose stacks take 10 minutes, against 40.
            The fixed part is 10 transitions; each look at a stack costs 3 (Wait, Check, Choice), and
            `WaitSchedule.standard()` looks 24 times at a 10-minute stack (5, 5, 10, 10, 15, 20, then
            every 30 s). 40 would allow 5 looks per stack. Not changed here (the state machine and the
            schedule are out of scope for this issue); options: a schedule that backs off further
            (e.g. 30, 60, 120 s, then 180 s: 6 looks for 10 min, 46 transitions, still over; the cap
            decides), or no polling loop — CloudFormation's stack status events on EventBridge
            completing a `.waitForTaskToken` task (about 2 transitions per stack). In money it is small:
            $0.0039 per deployment in Step Functions for 10-minute stacks, $0.0069 for 20-minute ones.

            **End to end vs the manual path.** Holds. Each manual step is an `aws` process whose Python
            start (≈ 0.4–0.7 s, more on a loaded machine) dominates against a local cloud that answers at
            once; the orchestrator's time is mostly its two Wait states (5 s × `SFN_WAIT_SCALE` 0.2
            each). At real-time waits it would take ≈ 10.5 s here and lose to the CLI, which looks at a
            stack right after starting it. In a real account both wait for CloudFormation; the
            orchestrator adds at most the schedule's overshoot (≤ 30 s per stack once past the first
            minute) and a few Lambda calls.

            **The API.** Holds (p99 under 200 ms for both). GET is the slower one: besides the record it
            asks Step Functions for the live execution status and history (three requests).

            **Measurement notes.** The SDK request counter is one interceptor class on the probe's class
            path (negligible at cold start). The bench's own SDK calls (polling, history) are not
            counted; the function host reads a function's configuration once, before the warm-up
            run, so none of its look-ups fall in the counted runs. The local function host runs warm handlers in one JVM, so the end to
            end figures contain no cold starts; in AWS the first invocation of each function in a while
            adds the cold start measured in part 1 (or SnapStart's restore).

            ## Changes outside the bench made for these numbers

            - `functions/pom.xml`: commons-codec excluded from commons-compress (artifact −0.3 MB).
            - `requirements-local.txt`: `awscli==1.46.2` for the manual path.
            """;
}
