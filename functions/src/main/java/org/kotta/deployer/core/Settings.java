package org.kotta.deployer.core;

import java.util.Map;
import java.util.Optional;

/**
 * The one place a handler reads its configuration from. In Lambda it is the process
 * environment (set with {@code !Ref} in template.yaml); the local function host builds it
 * from the deployed function's own environment, so both worlds read the same names.
 */
public final class Settings {
    public static final String ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String REGION = "AWS_REGION";
    public static final String DEPLOYMENTS_TABLE = "DEPLOYMENTS_TABLE";
    public static final String STATE_MACHINE_ARN = "STATE_MACHINE_ARN";
    public static final String TEMPLATES_DIR = "KOTTA_TEMPLATES_DIR";

    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** What Lambda calls: the process environment. */
    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new IllegalStateException("setting " + name + " is not set"));
    }

    public String orDefault(String name, String fallback) {
        return optional(name).orElse(fallback);
    }
}
