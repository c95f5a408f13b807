package org.kotta.deployer.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodeUploadedSkipTagTest {

    @Test
    void value_saysSkippedAndWhy() {
        assertThat(CodeUploadedSkipTag.value("unknown bucket: no successful deployment uses kotta-jobs"))
                .isEqualTo("skipped: unknown bucket: no successful deployment uses kotta-jobs");
    }

    @Test
    void value_replacesWhatS3RefusesInATag() {
        assertThat(CodeUploadedSkipTag.value("the key is not under code/ (\"a,b\"; c*)"))
                .isEqualTo("skipped: the key is not under code/ __a_b__ c__");
    }

    @Test
    void value_isCutAtS3sLimit() {
        assertThat(CodeUploadedSkipTag.value("x".repeat(400)))
                .hasSize(CodeUploadedSkipTag.MAX_VALUE_CHARS)
                .startsWith("skipped: xxx");
    }
}
