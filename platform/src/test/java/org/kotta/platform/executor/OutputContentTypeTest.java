package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Outputs keep a type browsers can show: a researcher opening foo.txt's link reads it. */
class OutputContentTypeTest {

    @Test
    void textOutputsAreTextAndUnknownOnesAreBytes() {
        assertThat(FileStager.contentTypeOf("foo.txt")).isEqualTo("text/plain");
        assertThat(FileStager.contentTypeOf("STDOUT.txt")).isEqualTo("text/plain");
        assertThat(FileStager.contentTypeOf("plot.png")).isEqualTo("image/png");
        assertThat(FileStager.contentTypeOf("model.weights")).isEqualTo("application/octet-stream");
    }
}
