package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobPaths;
import org.kotta.platform.executor.InputRules.HttpsUrl;
import org.kotta.platform.executor.InputRules.RefusedInput;
import org.kotta.platform.executor.InputRules.S3Object;

class InputRulesTest {
    private static final String BUCKET = "jobs-bucket";
    private final String mine = JobPaths.userArea("user-a");
    private final String theirs = JobPaths.userArea("user-b");
    private final InputRules rules = new InputRules(BUCKET, "user-a", Set.of("my-job")::contains);

    @Test
    void acceptsAnObjectInTheUsersOwnArea() throws RefusedInput {
        S3Object source =
                (S3Object) rules.check(new FileMapping("s3://" + BUCKET + "/" + mine + "data/in.csv", "in.csv"));
        assertThat(source.key()).isEqualTo(mine + "data/in.csv");
        assertThat(source.dest()).isEqualTo("in.csv");
    }

    @Test
    void acceptsTheOutputsOfTheUsersOwnJob() throws RefusedInput {
        assertThat(rules.check(new FileMapping("s3://" + BUCKET + "/outputs/my-job/foo.txt", null))
                        .dest())
                .isEqualTo("foo.txt");
    }

    @Test
    void refusesAnotherUsersArea_namingTheUrl() {
        String url = "s3://" + BUCKET + "/" + theirs + "secret.txt";
        assertThatThrownBy(() -> rules.check(new FileMapping(url, "s.txt")))
                .isInstanceOf(RefusedInput.class)
                .hasMessageContaining(url)
                .hasMessageContaining("outside your own area");
    }

    @Test
    void refusesTheOutputsOfAnotherUsersJob() {
        assertThatThrownBy(() -> rules.check(new FileMapping("s3://" + BUCKET + "/outputs/their-job/foo.txt", "f")))
                .hasMessageContaining("not yours");
    }

    @Test
    void refusesOtherBucketsAndTraversal() {
        assertThatThrownBy(() -> rules.check(new FileMapping("s3://other-bucket/" + mine + "x", "x")))
                .hasMessageContaining("JobsBucket");
        assertThatThrownBy(() -> rules.check(
                        new FileMapping("s3://" + BUCKET + "/" + mine + "../" + theirs.substring(6) + "x", "x")))
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> rules.check(new FileMapping("s3://" + BUCKET + "/" + mine, "x")))
                .hasMessageContaining("names no object");
    }

    @Test
    void acceptsHttpsAnywhere_refusesOtherSchemes() throws RefusedInput {
        assertThat(rules.check(new FileMapping("https://example.org/data/big.tar.gz?x=1", null)))
                .isInstanceOf(HttpsUrl.class)
                .extracting(InputRules.Source::dest)
                .isEqualTo("big.tar.gz");
        for (String url : new String[] {"http://example.org/a", "file:///etc/passwd", "ftp://example.org/a", ""}) {
            assertThatThrownBy(() -> rules.check(new FileMapping(url, "a"))).isInstanceOf(RefusedInput.class);
        }
    }

    @Test
    void destinationsMustStayInsideTheWorkDirectory() {
        for (String dest : new String[] {"../x", "a/b", "/etc/passwd", "..", ".", "a\0b", "x".repeat(256)}) {
            assertThatThrownBy(() -> rules.check(new FileMapping("https://example.org/a", dest)))
                    .as(dest)
                    .hasMessageContaining("plain name");
        }
        assertThat(InputRules.isSafeFileName("results-1.csv")).isTrue();
        assertThat(InputRules.isSafeFileName(".hidden")).isTrue();
    }
}
