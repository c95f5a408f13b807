package org.kotta.deployer.core;

import java.util.UUID;
import java.util.regex.Pattern;

/** Deployment ids: {@code dep-<uuid>} for new ones; any id usable as an execution name is looked up. */
public final class DeploymentIds {
    public static final int MAX_LENGTH = 80;
    // execution names allow no '#', so lock and idempotency items ("lock#…", "idem#…") never match
    private static final Pattern PLAUSIBLE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}$");

    private DeploymentIds() {}

    public static String newId() {
        return "dep-" + UUID.randomUUID();
    }

    public static boolean isPlausible(String id) {
        return id != null && PLAUSIBLE.matcher(id).matches();
    }
}
