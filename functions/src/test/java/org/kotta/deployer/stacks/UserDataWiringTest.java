package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.Wiring;

/**
 * The launch templates' user data hands the instances their wiring as one env file, in the
 * heredoc the local instance runner parses, with every variable of {@link Wiring}, and no
 * secret value: no Secrets Manager read, no client secret written anywhere.
 */
class UserDataWiringTest {
    private static final String OPEN = "cat > /etc/kotta/kotta.env <<'KOTTA_WIRING'";
    private static final String CLOSE = "KOTTA_WIRING";
    private static final List<String> EVERY_INSTANCE = List.of(
            Wiring.REGION,
            Wiring.STACK_NAME,
            Wiring.JOBS_BUCKET,
            Wiring.JOBS_TABLE,
            Wiring.USERS_TABLE,
            Wiring.PROD_PENDING_QUEUE_URL,
            Wiring.TEST_PENDING_QUEUE_URL,
            Wiring.PROD_ACTIVE_QUEUE_URL,
            Wiring.TEST_ACTIVE_QUEUE_URL,
            Wiring.NOTIFICATIONS_TOPIC_ARN,
            Wiring.OAUTH_CLIENT_ID,
            Wiring.OAUTH_CLIENT_SECRET_ARN,
            Wiring.OIDC_ISSUER,
            Wiring.SESSION_KEY_SECRET_ARN,
            Wiring.PUBLIC_URL,
            Wiring.PORT,
            Wiring.RELEASE_KEY);
    private static final List<String> EXECUTORS = List.of(Wiring.POOL, Wiring.WORK_DIR, Wiring.JOB_USER);
    // read only by bin/kotta-bootstrap (log shipping, the web server's cfn-signal), not by the Java code
    private static final String LOG_GROUP = "KOTTA_LOG_GROUP";
    private static final List<String> WEB_SERVER = List.of("KOTTA_SIGNAL_RESOURCE");
    // the executors' own group and its termination hook
    private static final List<String> EXECUTOR_GROUP = List.of(Wiring.AUTOSCALING_GROUP, Wiring.LIFECYCLE_HOOK);

    @Test
    void everyLaunchTemplateWritesTheWholeWiringAndRunsTheBootstrap() throws IOException {
        Map<String, String> userData = userDataByResource();
        assertThat(userData)
                .containsOnlyKeys("WebServerLaunchTemplate", "ProdWorkerLaunchTemplate", "TestWorkerLaunchTemplate");

        userData.forEach((resource, script) -> {
            Map<String, String> wiring = wiring(resource, script);
            List<String> expected = new ArrayList<>(EVERY_INSTANCE);
            expected.add(LOG_GROUP);
            String role = "web-server";
            if (resource.startsWith("WebServer")) {
                expected.addAll(WEB_SERVER);
            } else {
                expected.addAll(EXECUTORS);
                expected.addAll(EXECUTOR_GROUP);
                role = "task-executor";
            }
            assertThat(wiring.keySet()).as(resource).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(wiring.values()).as(resource).allMatch(v -> !v.isBlank() && !v.contains(" "));
            assertThat(wiring)
                    .as(resource)
                    .containsEntry(Wiring.PUBLIC_URL, "https://${DomainName}")
                    .containsEntry(Wiring.OIDC_ISSUER, "${OidcIssuer}")
                    .containsEntry(Wiring.SESSION_KEY_SECRET_ARN, "${SessionKeySecret}")
                    .containsEntry(Wiring.RELEASE_KEY, "${CodeKey}")
                    .containsEntry(LOG_GROUP, "/kotta/${AWS::StackName}/instances");
            assertThat(script)
                    .as(resource)
                    .contains("aws s3 cp \"s3://${JobsBucketName}/${CodeKey}\"")
                    .contains("/opt/kotta/app/bin/kotta-bootstrap " + role)
                    .doesNotContain("secretsmanager get-secret-value")
                    .doesNotContain("client_secret")
                    .doesNotContain("set -x")
                    .doesNotContain("169.254.169.254");
        });
        assertThat(wiring("prod", userData.get("ProdWorkerLaunchTemplate")))
                .containsEntry(Wiring.POOL, "prod")
                .containsEntry(Wiring.WORK_DIR, "/opt/kotta/work")
                .containsEntry(Wiring.JOB_USER, "kotta-job");
        assertThat(wiring("test", userData.get("TestWorkerLaunchTemplate")))
                .containsEntry(Wiring.POOL, "test")
                .containsEntry(Wiring.AUTOSCALING_GROUP, "${AWS::StackName}-test-workers");
        assertThat(wiring("web", userData.get("WebServerLaunchTemplate")))
                .containsEntry("KOTTA_SIGNAL_RESOURCE", "WebServerGroup");
    }

    @Test
    void userDataStaysAFewLines() throws IOException {
        assertThat(userDataByResource())
                .as("the three launch templates' user data")
                .hasSize(3);
        userDataByResource().forEach((resource, script) -> {
            long commands = script.lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.matches("[A-Z_]+=.*"))
                    .count();
            assertThat(commands)
                    .as("commands in %s's user data besides the wiring", resource)
                    .isLessThanOrEqualTo(10);
        });
    }

    /** The heredoc's lines, name → value, as the instance (and the local runner) reads them. */
    private static Map<String, String> wiring(String resource, String script) {
        int open = script.indexOf(OPEN + "\n");
        assertThat(open)
                .as("%s writes /etc/kotta/kotta.env with the KOTTA_WIRING heredoc", resource)
                .isNotNegative();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : script.substring(open + OPEN.length() + 1).split("\n")) {
            if (line.equals(CLOSE)) {
                return values;
            }
            int eq = line.indexOf('=');
            assertThat(eq).as("%s wiring line %s", resource, line).isPositive();
            assertThat(values.put(line.substring(0, eq), line.substring(eq + 1)))
                    .as("%s repeats %s", resource, line)
                    .isNull();
        }
        throw new AssertionError(resource + ": the KOTTA_WIRING heredoc is not closed");
    }

    /** Each launch template's user data script (the block scalar under Fn::Base64 !Sub), unindented. */
    private static Map<String, String> userDataByResource() throws IOException {
        String template = Files.readString(RepoPaths.infrastructure().resolve("kotta.yaml"));
        Matcher resources = Pattern.compile("(?m)^  ([A-Za-z0-9]+):\\n    Type: AWS::EC2::LaunchTemplate$")
                .matcher(template);
        Map<String, String> scripts = new LinkedHashMap<>();
        while (resources.find()) {
            int start = template.indexOf("            - |\n", resources.end());
            StringBuilder script = new StringBuilder();
            for (String line :
                    template.substring(start + "            - |\n".length()).split("\n")) {
                if (!line.startsWith("              ") && !line.isEmpty()) {
                    break;
                }
                script.append(line.length() >= 14 ? line.substring(14) : "").append('\n');
            }
            scripts.put(resources.group(1), script.toString());
        }
        return scripts;
    }
}
