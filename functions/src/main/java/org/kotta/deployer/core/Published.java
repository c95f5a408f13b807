package org.kotta.deployer.core;

import java.util.Map;

/** What "Publish the outputs" returns ({@code $.published}): the execution's final output. */
public record Published(
        String deploymentId, String webUrl, String codeVersion, int adminsAdded, Map<String, Object> outputs) {}
