package org.kotta.deployer.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.acm.model.CertificateStatus;

/** Which certificate statuses a deployment accepts (the local cloud issues every certificate at once). */
class CertificateStatusTest {

    @Test
    void acceptsAnIssuedCertificate() {
        assertThat(AccountChecker.certificateStatusProblem(CertificateStatus.ISSUED, "ISSUED"))
                .isNull();
    }

    @Test
    void refusesACertificatePendingValidation_namingTheStatusAndTheDnsRecordToAdd() {
        assertThat(AccountChecker.certificateStatusProblem(CertificateStatus.PENDING_VALIDATION, "PENDING_VALIDATION"))
                .contains("PENDING_VALIDATION")
                .contains("HTTPS listener needs an ISSUED one")
                .contains("add the DNS record ACM shows")
                .contains("hostedZoneId");
    }

    @Test
    void refusesEveryOtherStatus() {
        for (CertificateStatus status : CertificateStatus.knownValues()) {
            if (status != CertificateStatus.ISSUED) {
                assertThat(AccountChecker.certificateStatusProblem(status, status.toString()))
                        .as("%s", status)
                        .isNotNull()
                        .contains(status.toString());
            }
        }
    }
}
