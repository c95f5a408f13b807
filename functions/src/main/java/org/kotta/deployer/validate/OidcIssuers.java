package org.kotta.deployer.validate;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for the request's {@code oidcIssuer} and, with it, its {@code oauthClientId}.
 * The issuer is the URL of an OpenID Connect provider
 * (CILogon, Cognito, Google), whose {@code /.well-known/openid-configuration} the web server
 * reads. {@code https} only, except {@code http} on a loopback host, so that the local identity
 * provider of the local cloud passes the same rule. The characters are limited to what an
 * issuer needs, so the value stays one plain line in the instances' env file and in
 * {@code kotta-deployment.conf}.
 */
final class OidcIssuers {
    static final int MAX_LENGTH = 2048;
    static final int MAX_CLIENT_ID = 255;
    static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");
    private static final Pattern SHAPE =
            Pattern.compile("^https?://[A-Za-z0-9.-]+(\\[[0-9a-fA-F:]+])?(:[0-9]{1,5})?(/[A-Za-z0-9._~/:@+=,-]*)?$");
    private static final Pattern SHAPE_V6 =
            Pattern.compile("^https?://\\[[0-9a-fA-F:]+](:[0-9]{1,5})?(/[A-Za-z0-9._~/:@+=,-]*)?$");

    private static final Pattern CLIENT_ID = Pattern.compile("^[\\x21\\x23\\x24\\x26\\x28-\\x5B\\x5D-\\x7E]+$");

    private OidcIssuers() {}

    /** Why {@code value} is not an acceptable issuer, or null when it is. */
    static String problem(String value) {
        String expected = "must be the https URL of an OpenID Connect issuer (e.g. https://cilogon.org,"
                + " https://accounts.google.com, https://cognito-idp.<region>.amazonaws.com/<pool id>),"
                + " without query or fragment; leave it out for Login with Amazon";
        if (value.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters (got " + value.length() + ")";
        }
        if (!SHAPE.matcher(value).matches() && !SHAPE_V6.matcher(value).matches()) {
            return expected;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return expected;
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty() || uri.getRawUserInfo() != null) {
            return expected;
        }
        if ("http".equals(uri.getScheme()) && !LOOPBACK_HOSTS.contains(host.toLowerCase(java.util.Locale.ROOT))) {
            return "must use https (http only for a loopback host: 127.0.0.1, localhost, [::1])";
        }
        return null;
    }

    /** Why {@code value} is not a plain OpenID Connect client id, or null when it is. */
    static String clientIdProblem(String value) {
        if (value.length() > MAX_CLIENT_ID || !CLIENT_ID.matcher(value).matches()) {
            return "must be the OpenID Connect provider's client id: at most " + MAX_CLIENT_ID
                    + " printable ASCII characters, without blanks, quotes, '%' or backslashes";
        }
        return null;
    }
}
