package org.kotta.deployer.localcloud.instances;

import java.util.Map;

/**
 * One Auto Scaling group of a Kotta stack as the local runner sees it: the launch template
 * version the group refers to, the wiring rendered into that version's user data, and its size.
 *
 * @param logicalId        the group's logical id in the template ({@code WebServerGroup}, ...)
 * @param groupName        its physical name
 * @param launchTemplate   "{@code <id>:<version number>}", what a rolling update compares
 * @param wiring           KEY=VALUE from the {@code KOTTA_WIRING} block; null when the user data has none
 * @param minSize          MinSize
 * @param maxSize          MaxSize
 */
public record GroupSpec(
        String logicalId,
        String groupName,
        String launchTemplate,
        Map<String, String> wiring,
        int minSize,
        int maxSize) {

    public enum Role {
        WEB_SERVER("web-server"),
        TASK_EXECUTOR("task-executor");

        private final String argument;

        Role(String argument) {
            this.argument = argument;
        }

        /** The argument of {@code bin/kotta-start}. */
        public String argument() {
            return argument;
        }
    }

    /** A task executor when the wiring names a pool, else the web server. */
    public Role role() {
        return wiring != null && wiring.containsKey("KOTTA_POOL") ? Role.TASK_EXECUTOR : Role.WEB_SERVER;
    }

    /**
     * How many local processes stand in for the group: one web server; for executors
     * max(MinSize, 1) capped at MaxSize (MaxSize 0: none). Scale-out is not modelled.
     */
    public int localCount() {
        if (role() == Role.WEB_SERVER) {
            return 1;
        }
        return Math.min(Math.max(minSize, 1), maxSize);
    }

    /** What decides whether running instances are still current: the template version and its wiring. */
    public String fingerprint() {
        return launchTemplate + " " + wiring;
    }
}
