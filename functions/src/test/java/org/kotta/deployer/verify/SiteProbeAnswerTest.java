package org.kotta.deployer.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SiteProbeAnswerTest {

    @Test
    void aPlainAnswer_givesItsStatusAndBody() throws IOException {
        SiteProbe.Answer answer = SiteProbe.Answer.parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: 34\r\n\r\n{\"status\":\"ok\",\"release\":\"abc123\"}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"status\":\"ok\",\"release\":\"abc123\"}");
    }

    @Test
    void aChunkedAnswer_isJoinedBackTogether() throws IOException {
        SiteProbe.Answer answer = SiteProbe.Answer.parse("HTTP/1.1 503 Service Unavailable\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"sta\r\n9;ext=1\r\ntus\":\"no\"\r\n1\r\n}\r\n0\r\n\r\n");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.body()).isEqualTo("{\"status\":\"no\"}");
    }

    @Test
    void aLoadBalancersNameComesFromItsDnsName() {
        assertThat(SiteProbe.loadBalancerName("kotta-it-1-LoadBalancer-1a2b3c4d.us-east-1.elb.amazonaws.com"))
                .isEqualTo("kotta-it-1-LoadBalancer");
    }

    @Test
    void somethingElse_isNoAnswer() {
        assertThatThrownBy(() -> SiteProbe.Answer.parse("SSH-2.0-OpenSSH_9.2\r\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not an HTTP answer");
        assertThatThrownBy(() -> SiteProbe.Answer.parse("HTTP/1.1 abc\r\n\r\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not an HTTP status");
    }
}
