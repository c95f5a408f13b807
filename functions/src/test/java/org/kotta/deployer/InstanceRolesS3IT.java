package org.kotta.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.code.ReleasePackager;
import org.kotta.platform.core.JobPaths;

/**
 * What the instances may do in the JobsBucket. Whatever writes under {@code code/} starts a
 * redeploy, and {@code releases/} is what every instance runs at boot: neither the web server
 * (which takes researchers' uploads) nor a task executor (which runs researchers' code) may
 * write there. Each may write only the prefix the platform writes ({@link JobPaths}).
 */
class InstanceRolesS3IT {
    private static JsonNode resources;

    @BeforeAll
    static void read() throws Exception {
        resources = TemplateTool.parsed("infrastructure/kotta-base.yaml").path("Resources");
    }

    @Test
    void theWebServerWritesOnlyUsersFiles_andReadsOnlyReleasesUsersFilesAndOutputs() {
        assertThat(objectResources("WebServerRole", "s3:PutObject")).containsExactly(JobPaths.USERS_PREFIX + "*");
        assertThat(objectResources("WebServerRole", "s3:GetObject"))
                .containsExactlyInAnyOrder(
                        ReleasePackager.RELEASES_PREFIX + "*",
                        JobPaths.USERS_PREFIX + "*",
                        JobPaths.OUTPUTS_PREFIX + "*");
        assertThat(objectResources("WebServerRole", "s3:DeleteObject")).isEmpty();
    }

    @Test
    void anExecutorWritesOnlyJobOutputs_andReadsOnlyReleasesAndJobInputs() {
        assertThat(objectResources("TaskExecutorRole", "s3:PutObject")).containsExactly(JobPaths.OUTPUTS_PREFIX + "*");
        assertThat(objectResources("TaskExecutorRole", "s3:GetObject"))
                .containsExactlyInAnyOrder(
                        ReleasePackager.RELEASES_PREFIX + "*",
                        JobPaths.USERS_PREFIX + "*",
                        JobPaths.OUTPUTS_PREFIX + "*");
        assertThat(objectResources("TaskExecutorRole", "s3:DeleteObject")).isEmpty();
    }

    /** The object keys (after {@code ${JobsBucket.Arn}/}) on which a role's inline policies allow {@code action}. */
    private static Set<String> objectResources(String role, String action) {
        Set<String> keys = new TreeSet<>();
        for (JsonNode policy : resources.path(role).path("Properties").path("Policies")) {
            for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                if (!statement.path("Effect").asText().equals("Allow") || !allows(statement.path("Action"), action)) {
                    continue;
                }
                for (String resource : strings(statement.path("Resource"))) {
                    String prefix = "${JobsBucket.Arn}/";
                    if (resource.startsWith(prefix)) {
                        keys.add(resource.substring(prefix.length()));
                    }
                }
            }
        }
        return keys;
    }

    private static boolean allows(JsonNode actions, String action) {
        String service = action.substring(0, action.indexOf(':') + 1);
        for (String granted : strings(actions)) {
            if (granted.equals(action) || granted.equals(service + "*") || granted.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /** A string, a list, or {@code !Sub '...'} (parsed as {@code {"Fn::Sub": "..."}}), as plain strings. */
    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(element -> out.addAll(strings(element)));
        } else if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.has("Fn::Sub")) {
            out.add(node.path("Fn::Sub").asText());
        } else if (node.has("Fn::GetAtt")) {
            out.add("GetAtt:" + node.path("Fn::GetAtt"));
        }
        return out;
    }
}
