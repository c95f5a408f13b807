package org.kotta.deployer.localcloud;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.verify.CheckSiteHandler;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Installs the orchestrator (template.yaml) into the local cloud the way {@code sam package
 * && sam deploy} would into AWS — upload the function artifact and the state machine
 * definition, point CodeUri/DefinitionUri at them, create or update the stack (MiniStack
 * applies the SAM transform) — and then binds every deployed function to the
 * {@link FunctionHost}. The production template never mentions the local cloud.
 */
public final class LocalOrchestrator implements AutoCloseable {
    public static final String STACK_NAME = "kotta-deployer";
    private static final String ARTIFACTS_BUCKET = "kotta-deployer-local-artifacts";
    private static final String CHECK_SITE_FUNCTION = "CheckSiteFunction";
    /** Where functions/pom.xml leaves each function's Lambda zip, named after its logical id. */
    public static final String ARTIFACTS_DIR = "functions/target/lambda";

    private static final java.util.regex.Pattern FUNCTION =
            java.util.regex.Pattern.compile("(?m)^  (\\w+):\n    Type: AWS::Serverless::Function\n");

    private final Path root;
    private final AwsClients aws;
    private final CloudFormationClient cfn;
    private final S3Client s3;
    private final LambdaClient lambda;
    private final String endpoint;
    private FunctionHost host;
    private StackEventRelay stackEvents;
    private Map<String, String> outputs = Map.of();
    private Map<String, String> functionNames = Map.of();

    public LocalOrchestrator(Path root, String endpoint) {
        this.root = root;
        this.endpoint = endpoint;
        this.aws = new AwsClients(new Settings(Map.of(Settings.ENDPOINT_URL, endpoint, Settings.REGION, "us-east-1")));
        this.cfn = aws.cloudFormation();
        this.s3 = aws.s3();
        this.lambda = aws.build(LambdaClient.builder());
    }

    /** Deploys template.yaml and starts the function host on a free port. */
    public LocalOrchestrator start() throws IOException, InterruptedException {
        ensureBucket();
        String template = Files.readString(root.resolve("template.yaml"));
        // each function its own artifact (functions/target/lambda/<LogicalId>.zip), as sam package
        // leaves the template: a CodeUri per function, none in Globals
        template = replaceOnce(template, "    CodeUri: functions\n", "");
        for (String function : functionIds(template)) {
            Path artifact = root.resolve(ARTIFACTS_DIR).resolve(function + ".zip");
            if (!Files.exists(artifact)) {
                throw new IllegalStateException(artifact + " is missing: build first (mvn package)");
            }
            template = withCodeUri(template, function, upload(artifact, "functions/"));
        }
        String definitionUri = uploadDefinition();
        template = replaceOnce(
                template,
                "DefinitionUri: statemachine/kotta-deploy.asl.json\n",
                "DefinitionUri: " + definitionUri + "\n");
        deployStack(uploadTemplate(template));

        host = new FunctionHost(
                lambda,
                Map.of(
                        Settings.ENDPOINT_URL,
                        endpoint,
                        Settings.REGION,
                        "us-east-1",
                        "AWS_DEFAULT_REGION",
                        "us-east-1"),
                0);
        Map<String, String> names = new LinkedHashMap<>();
        for (StackResourceSummary resource : stackResources()) {
            if ("AWS::Lambda::Function".equals(resource.resourceType())) {
                names.put(resource.logicalResourceId(), resource.physicalResourceId());
                bindToHost(resource.physicalResourceId());
            }
        }
        functionNames = Map.copyOf(names);
        stackEvents = new StackEventRelay(cfn, aws.build(EventBridgeClient.builder()), lambda).start();
        // KOTTA_STACK_EVENTS=off: a cloud whose stack events are lost (the waits' timeouts find the stacks)
        stackEvents.relay(!"off".equalsIgnoreCase(System.getenv("KOTTA_STACK_EVENTS")));
        return this;
    }

    /** The stand-in for CloudFormation's stack status-change events (on unless a test turns it off). */
    public StackEventRelay stackEvents() {
        return stackEvents;
    }

    /**
     * Sets the stack waits' timeout (the period of their fallback check) of the deployed state
     * machine, for the executions started after; null: the template's, scaled as at install.
     */
    public void stackWaitTimeout(Duration timeout) throws IOException {
        var sfn = aws.stepFunctions();
        String arn = output("StateMachineArn");
        String deployed = sfn.describeStateMachine(b -> b.stateMachineArn(arn)).definition();
        String template = LocalDefinition.scaled(
                Files.readString(root.resolve("statemachine/kotta-deploy.asl.json")), LocalDefinition.waitScale());
        int templateSeconds = Json.MAPPER
                .readTree(template)
                .path("States")
                .path("Wait for the base stack")
                .path("TimeoutSeconds")
                .asInt();
        int seconds = timeout == null ? templateSeconds : (int) Math.max(1, timeout.toSeconds());
        sfn.updateStateMachine(
                b -> b.stateMachineArn(arn).definition(LocalDefinition.withWaitTimeouts(deployed, ignored -> seconds)));
    }

    /** The state machine definition, its stack waits' timeouts scaled as the local cloud scales Wait states. */
    private String uploadDefinition() throws IOException {
        Path file = root.resolve("statemachine/kotta-deploy.asl.json");
        byte[] bytes = LocalDefinition.scaled(Files.readString(file), LocalDefinition.waitScale())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String key = "statemachine/" + sha256(bytes) + ".json";
        s3.putObject(b -> b.bucket(ARTIFACTS_BUCKET).key(key), RequestBody.fromBytes(bytes));
        return "s3://" + ARTIFACTS_BUCKET + "/" + key;
    }

    public Map<String, String> outputs() {
        return outputs;
    }

    public String output(String key) {
        String value = outputs.get(key);
        if (value == null) {
            throw new IllegalStateException("the orchestrator stack has no output " + key);
        }
        return value;
    }

    /** Physical name of a function, by its logical id in template.yaml. */
    public String functionName(String logicalId) {
        return functionNames.get(logicalId);
    }

    public FunctionHost host() {
        return host;
    }

    public AwsClients aws() {
        return aws;
    }

    /** Sets (or, with a null value, removes) an environment variable of a deployed function. */
    public void setFunctionEnvironment(String logicalId, String name, String value) {
        updateEnvironment(functionName(logicalId), env -> {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
    }

    /**
     * Turns the site check ("Check that Cloud Kotta answers") on or off for the deployments that
     * follow, with its limit. Off is for tests of the pipeline alone, where no instance runs
     * (the step then records that it skipped); the template's value is on, 600 s.
     */
    public void siteCheck(boolean on, java.time.Duration limit) {
        setFunctionEnvironment(CHECK_SITE_FUNCTION, CheckSiteHandler.SITE_CHECK, on ? "on" : "off");
        setFunctionEnvironment(
                CHECK_SITE_FUNCTION, CheckSiteHandler.SITE_CHECK_LIMIT_SECONDS, Long.toString(limit.toSeconds()));
    }

    private void bindToHost(String functionName) {
        updateEnvironment(functionName, env -> env.put(FunctionHost.PROXY_ENV, host.urlFor(functionName)));
    }

    /** Changes a deployed function's environment, its live alias with it, and what the host runs. */
    private void updateEnvironment(String functionName, Consumer<Map<String, String>> change) {
        var config = lambda.getFunctionConfiguration(b -> b.functionName(functionName));
        Map<String, String> env = new HashMap<>();
        if (config.environment() != null && config.environment().variables() != null) {
            env.putAll(config.environment().variables());
        }
        change.accept(env);
        lambda.updateFunctionConfiguration(b -> b.functionName(functionName).environment(e -> e.variables(env)));
        republishAliases(functionName);
        host.forget(functionName);
    }

    /**
     * The state machine and the rule call the functions' aliases ("live", the SnapStart
     * versions): a changed configuration reaches them only through a new published version.
     */
    private void republishAliases(String functionName) {
        var aliases = lambda.listAliases(b -> b.functionName(functionName)).aliases();
        if (aliases.isEmpty()) {
            return;
        }
        String version =
                lambda.publishVersion(b -> b.functionName(functionName)).version();
        for (var alias : aliases) {
            lambda.updateAlias(
                    b -> b.functionName(functionName).name(alias.name()).functionVersion(version));
        }
    }

    /**
     * The packaged template in the artifacts bucket, as {@code sam deploy} leaves it: the template
     * is larger than a TemplateBody may be (51,200 bytes). Returns its path-style URL.
     */
    private String uploadTemplate(String template) {
        byte[] bytes = template.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String key = "templates/" + sha256(bytes) + ".yaml";
        s3.putObject(b -> b.bucket(ARTIFACTS_BUCKET).key(key), RequestBody.fromBytes(bytes));
        return endpoint + "/" + ARTIFACTS_BUCKET + "/" + key;
    }

    private void deployStack(String templateUrl) throws InterruptedException {
        boolean exists;
        try {
            Stack stack =
                    cfn.describeStacks(b -> b.stackName(STACK_NAME)).stacks().get(0);
            exists = !stack.stackStatusAsString().equals("DELETE_COMPLETE");
        } catch (CloudFormationException missing) {
            exists = false;
        }
        List<Capability> capabilities = List.of(Capability.CAPABILITY_IAM, Capability.CAPABILITY_AUTO_EXPAND);
        if (exists) {
            try {
                cfn.updateStack(
                        b -> b.stackName(STACK_NAME).templateURL(templateUrl).capabilities(capabilities));
            } catch (CloudFormationException e) {
                if (!String.valueOf(e.getMessage()).contains("No updates")) {
                    throw e;
                }
            }
        } else {
            cfn.createStack(
                    b -> b.stackName(STACK_NAME).templateURL(templateUrl).capabilities(capabilities));
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (true) {
            Stack stack =
                    cfn.describeStacks(b -> b.stackName(STACK_NAME)).stacks().get(0);
            String status = stack.stackStatusAsString();
            if (status.endsWith("_COMPLETE") && !status.contains("ROLLBACK")) {
                Map<String, String> out = new LinkedHashMap<>();
                for (Output output : stack.outputs()) {
                    out.put(output.outputKey(), output.outputValue());
                }
                outputs = Map.copyOf(out);
                return;
            }
            if (status.endsWith("FAILED")
                    || status.contains("ROLLBACK")
                    || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the orchestrator stack ended " + status + ": "
                        + stack.stackStatusReason() + " " + firstFailure());
            }
            Thread.sleep(500);
        }
    }

    private String firstFailure() {
        return cfn.describeStackEvents(b -> b.stackName(STACK_NAME)).stackEvents().stream()
                .filter(e -> e.resourceStatusAsString().endsWith("FAILED"))
                .map(e -> e.logicalResourceId() + ": " + e.resourceStatusReason())
                .reduce((first, later) -> later)
                .orElse("");
    }

    private List<StackResourceSummary> stackResources() {
        return cfn.listStackResourcesPaginator(b -> b.stackName(STACK_NAME)).stackResourceSummaries().stream()
                .toList();
    }

    private void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(ARTIFACTS_BUCKET));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception missing) {
            s3.createBucket(b -> b.bucket(ARTIFACTS_BUCKET));
        }
    }

    /** Uploads a file under its content hash, as {@code sam package} does; returns its s3:// URI. */
    private String upload(Path file, String prefix) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        String extension = name.substring(name.lastIndexOf('.'));
        String key = prefix + sha256(bytes) + extension;
        try {
            s3.headObject(b -> b.bucket(ARTIFACTS_BUCKET).key(key));
            return "s3://" + ARTIFACTS_BUCKET + "/" + key; // uploaded before: same content, same key
        } catch (software.amazon.awssdk.services.s3.model.S3Exception absent) {
            // not there yet
        }
        s3.putObject(b -> b.bucket(ARTIFACTS_BUCKET).key(key), RequestBody.fromBytes(bytes));
        return "s3://" + ARTIFACTS_BUCKET + "/" + key;
    }

    /** The logical ids of template.yaml's functions, in template order. */
    public static List<String> functionIds(String template) {
        List<String> ids = new java.util.ArrayList<>();
        java.util.regex.Matcher function = FUNCTION.matcher(template);
        while (function.find()) {
            ids.add(function.group(1));
        }
        return ids;
    }

    /** Gives one function its own CodeUri, first under its Properties. */
    static String withCodeUri(String template, String function, String codeUri) {
        java.util.regex.Matcher at = FUNCTION.matcher(template);
        while (at.find()) {
            if (at.group(1).equals(function)) {
                int properties = template.indexOf("\n    Properties:\n", at.end());
                if (properties < 0) {
                    break;
                }
                int insert = properties + "\n    Properties:\n".length();
                return template.substring(0, insert) + "      CodeUri: " + codeUri + "\n" + template.substring(insert);
            }
        }
        throw new IllegalStateException("template.yaml has no function " + function + " with Properties");
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException("template.yaml should hold exactly one \"" + from.strip() + "\"");
        }
        return text.replace(from, to);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The repository root: the nearest folder up from here holding template.yaml. */
    public static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no template.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    @Override
    public void close() {
        if (stackEvents != null) {
            stackEvents.close();
        }
        if (host != null) {
            host.close();
        }
    }
}
