package org.kotta.deployer.localcloud.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserDataWiringTest {
    private static final String SCRIPT = """
            #!/bin/bash
            set -euo pipefail
            cat > /etc/kotta/kotta.env <<'KOTTA_WIRING'
            AWS_REGION=us-east-1
            KOTTA_JOBS_BUCKET=jobs
            KOTTA_OIDC_ISSUER=
            KOTTA_PUBLIC_URL=https://kotta.example.org/a=b
            KOTTA_WIRING
            chmod 600 /etc/kotta/kotta.env
            """;

    @Test
    void readsTheKeyValueLinesOfTheHeredoc_fromBase64UserData() {
        String userData = Base64.getEncoder().encodeToString(SCRIPT.getBytes(StandardCharsets.UTF_8));

        assertThat(UserDataWiring.fromBase64(userData))
                .contains(Map.of(
                        "AWS_REGION",
                        "us-east-1",
                        "KOTTA_JOBS_BUCKET",
                        "jobs",
                        "KOTTA_OIDC_ISSUER",
                        "",
                        "KOTTA_PUBLIC_URL",
                        "https://kotta.example.org/a=b"));
    }

    @Test
    void userDataWithoutTheBlock_hasNoWiring() {
        assertThat(UserDataWiring.parse("#!/bin/bash\necho hello\n")).isEmpty();
        assertThat(UserDataWiring.fromBase64(null)).isEmpty();
    }

    @Test
    void anUnclosedBlock_isRefused() {
        assertThatThrownBy(() -> UserDataWiring.parse("cat > /etc/kotta/kotta.env <<'KOTTA_WIRING'\nA=1\n"))
                .hasMessageContaining("no closing KOTTA_WIRING");
    }

    @Test
    void executorsRunMinSizeAtLeastOne_cappedAtMaxSize() {
        Map<String, String> pool = Map.of("KOTTA_POOL", "test");
        assertThat(new GroupSpec("TestWorkerGroup", "g", "lt:1", pool, 0, 3).localCount())
                .isEqualTo(1);
        assertThat(new GroupSpec("TestWorkerGroup", "g", "lt:1", pool, 2, 3).localCount())
                .isEqualTo(2);
        assertThat(new GroupSpec("TestWorkerGroup", "g", "lt:1", pool, 0, 0).localCount())
                .isZero();
        assertThat(new GroupSpec("WebServerGroup", "g", "lt:1", Map.of(), 1, 2).localCount())
                .isEqualTo(1);
    }
}
