package org.kotta.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@code bin/kotta-bootstrap} sets up on an executor host, read from the script (it runs
 * only as root on EC2): jobs, which run researchers' code, cannot reach the instance metadata
 * service, which would hand them the instance role's credentials and with them every user's
 * files in the JobsBucket.
 */
class BootstrapScriptTest {
    private static final Path SCRIPT = Path.of("src/release/bin/kotta-bootstrap");

    @Test
    void jobUserPacketsToTheMetadataServiceAreRefusedBeforeEveryExecutorStart() throws Exception {
        String script = Files.readString(SCRIPT);
        Matcher ruleset = Pattern.compile("cat >(/etc/kotta/\\S+\\.nft) <<NFT\\n(.*?)\\nNFT\\n", Pattern.DOTALL)
                .matcher(script);
        assertThat(ruleset.find())
                .as("an nftables ruleset written by the bootstrap")
                .isTrue();
        String file = ruleset.group(1);
        String rules = ruleset.group(2);

        assertThat(rules)
                .contains("hook output")
                .containsPattern("meta skuid \\$job_uid ip daddr 169\\.254\\.169\\.254 (reject|drop)")
                .containsPattern("meta skuid \\$job_uid ip6 daddr fd00:ec2::254 (reject|drop)");
        assertThat(script)
                .contains("job_uid=$(id -u \"$JOB_USER\")")
                .contains("nft -f " + file)
                .containsPattern("service_lines=\"ExecStartPre=[^\\n]*nft[^\\n]* -f " + Pattern.quote(file) + "\\n");
    }

    /** The host's job user is the one executor's alone: the executor may kill all of its processes after a job. */
    @Test
    void anExecutorHostsJobUserIsDeclaredDedicated_replacedNotRepeatedOnARerun() throws Exception {
        String script = Files.readString(SCRIPT);
        assertThat(script)
                .contains("-e '/^KOTTA_JOB_USER_DEDICATED=/d' \"$ENV_FILE\"")
                .containsPattern(
                        "if \\[ \"\\$role\" = task-executor \\]; then\\s+echo \"KOTTA_JOB_USER_DEDICATED=true\"");
    }
}
