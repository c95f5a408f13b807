package org.kotta.deployer.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kotta.deployer.core.FieldError;

/** The request's {@code oidcIssuer}, and how it changes the {@code oauthClientId} rule. */
class OidcIssuerRulesTest {
    private static final String LWA_CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef";

    private final RequestValidator validator = new RequestValidator();

    private ValidationResult validate(String issuer, String clientId) {
        ObjectNode body = RequestValidatorTest.validRequest();
        if (issuer != null) {
            body.put("oidcIssuer", issuer);
        }
        body.put("oauthClientId", clientId);
        return validator.validate(body);
    }

    @Test
    void absentIssuerMeansLoginWithAmazon() {
        ValidationResult result = validate(null, LWA_CLIENT_ID);

        assertThat(result.valid()).as("%s", result.errors()).isTrue();
        assertThat(result.request().oidcIssuer()).isNull();
    }

    @Test
    void emptyIssuerMeansLoginWithAmazonToo() {
        ValidationResult result = validate("", LWA_CLIENT_ID);

        assertThat(result.valid()).as("%s", result.errors()).isTrue();
        assertThat(result.request().oidcIssuer()).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://cilogon.org",
                "https://accounts.google.com",
                "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123",
                "https://login.example.edu:8443/realms/lab/",
                "http://127.0.0.1:40123/default",
                "http://localhost:8080/issuer",
                "http://[::1]:9000/x"
            })
    void acceptsIssuersWithAnyClientId(String issuer) {
        ValidationResult result = validate(issuer, "cilogon:/client_id/6a1b2c3d4e5f");

        assertThat(result.valid()).as("%s", result.errors()).isTrue();
        assertThat(result.request().oidcIssuer()).isEqualTo(issuer);
        assertThat(result.request().oauthClientId()).isEqualTo("cilogon:/client_id/6a1b2c3d4e5f");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://cilogon.org",
                "http://10.0.0.5/issuer",
                "ftp://cilogon.org",
                "cilogon.org",
                "https://",
                "https://user:pass@cilogon.org",
                "https://cilogon.org/?x=1",
                "https://cilogon.org/#f",
                "https://cilogon.org/a b",
                "https://cilogon.org/%2e%2e",
                "https://cilogon.org/\"x",
                "https://cilogon.org/$x"
            })
    void rejectsIssuersThatAreNotHttpsUrls(String issuer) {
        ValidationResult result = validate(issuer, "some-client");

        assertThat(result.valid()).isFalse();
        assertThat(result.errors()).extracting(FieldError::field).containsOnly("oidcIssuer");
    }

    @Test
    void rejectsAnIssuerThatIsNotAString() {
        ObjectNode body = RequestValidatorTest.validRequest();
        body.put("oidcIssuer", 42);

        ValidationResult result = validator.validate(body);

        assertThat(result.errors()).extracting(FieldError::field).containsOnly("oidcIssuer");
    }

    @Test
    void namesHttpsWhenAPlainHttpIssuerIsNotLoopback() {
        ValidationResult result = validate("http://cilogon.org", "some-client");

        assertThat(result.errors())
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .contains("must use https")
                .contains("loopback");
    }

    @Test
    void keepsTheLoginWithAmazonClientIdRuleWithoutAnIssuer() {
        ValidationResult result = validate(null, "cilogon:/client_id/6a1b2c3d4e5f");

        assertThat(result.errors()).extracting(FieldError::field).containsOnly("oauthClientId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "quote\"d", "per%cent", "back\\slash", "it's"})
    void refusesOidcClientIdsThatCannotStayOnePlainLine(String clientId) {
        ValidationResult result = validate("https://cilogon.org", clientId);

        assertThat(result.errors()).extracting(FieldError::field).containsOnly("oauthClientId");
        assertThat(result.errors()).allSatisfy(e -> assertThat(e.message()).doesNotContain(clientId));
    }

    @Test
    void refusesAnOverlongOidcClientId() {
        ValidationResult result = validate("https://cilogon.org", "a".repeat(OidcIssuers.MAX_CLIENT_ID + 1));

        assertThat(result.errors()).extracting(FieldError::field).containsOnly("oauthClientId");
    }
}
