package org.kotta.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartTest {
    @Test
    void readsTheFieldsAndTheFileOfAnUploadForm() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken-1\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\na,b\r\n1,2\r\n--XyZ--\r\n";
        assertThat(Multipart.boundary("multipart/form-data; boundary=XyZ")).contains("XyZ");
        Map<String, Multipart.Part> parts = Multipart.parse(body.getBytes(StandardCharsets.UTF_8), "XyZ");
        assertThat(parts.get("csrf").text()).isEqualTo("token-1");
        assertThat(parts.get("file").fileName()).isEqualTo("data.csv");
        assertThat(parts.get("file").text()).isEqualTo("a,b\r\n1,2");
    }

    @Test
    void ignoresOtherBodies() {
        assertThat(Multipart.boundary("application/x-www-form-urlencoded")).isEmpty();
        assertThat(Multipart.parse("garbage".getBytes(StandardCharsets.UTF_8), "XyZ"))
                .isEmpty();
    }
}
