package org.kotta.deployer.localcloud.instances;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The wiring an instance's user data writes to {@code /etc/kotta/kotta.env}: the KEY=VALUE
 * lines of the quoted heredoc between {@value #OPENING} and a line holding only
 * {@value #DELIMITER}, as CloudFormation rendered them into the launch template.
 */
public final class UserDataWiring {
    static final String DELIMITER = "KOTTA_WIRING";
    static final String OPENING = "cat > /etc/kotta/kotta.env <<'" + DELIMITER + "'";

    private UserDataWiring() {}

    /** The wiring in launch template user data as EC2 returns it (base64), or empty when it holds none. */
    public static Optional<Map<String, String>> fromBase64(String userData) {
        if (userData == null || userData.isBlank()) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getMimeDecoder().decode(userData.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException(
                    "the launch template's UserData is not base64: " + notBase64.getMessage());
        }
        return parse(new String(decoded, StandardCharsets.UTF_8));
    }

    /** The wiring in a user-data script, or empty when it has no {@value #DELIMITER} heredoc. */
    public static Optional<Map<String, String>> parse(String script) {
        String[] lines = script.replace("\r\n", "\n").split("\n", -1);
        int start = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().equals(OPENING)) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            return Optional.empty();
        }
        Map<String, String> wiring = new LinkedHashMap<>();
        for (int i = start; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.equals(DELIMITER)) {
                return Optional.of(wiring);
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        "line " + (i + 1) + " of the " + DELIMITER + " block is not KEY=VALUE: " + line);
            }
            wiring.put(line.substring(0, equals), line.substring(equals + 1));
        }
        throw new IllegalArgumentException("the " + DELIMITER + " block has no closing " + DELIMITER + " line");
    }
}
